using System.Buffers;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;

namespace NaltrexoneFhir.Terminology;

[Flags]
public enum MedicationKind
{
    None = 0,
    NaltrexoneOral = 1 << 0,
    NaltrexoneExtendedRelease = 1 << 1,
    NaltrexoneBupropion = 1 << 2,
    Opioid = 1 << 3,
    OpioidLongActing = 1 << 4,
    OpioidAntidiarrheal = 1 << 5,
    RelatedOpioidAntagonist = 1 << 6,
    SeizureThresholdLowering = 1 << 7,
    Hepatotoxic = 1 << 8,

    AnyNaltrexone = NaltrexoneOral | NaltrexoneExtendedRelease | NaltrexoneBupropion,
}

/// <summary>How the classification was reached, from strongest to weakest evidence.</summary>
public enum ClassifiedBy
{
    /// <summary>A code of the medication (or its Medication resource) is in a value set.</summary>
    Code,
    /// <summary>The Medication resource's ingredient codes.</summary>
    Ingredient,
    /// <summary>Free text (concept text, coding display, reference display) matched a designation.</summary>
    Text,
    /// <summary>Coded in RxNorm/ATC, but in none of the service's value sets: not relevant to naltrexone safety.</summary>
    CodedUnrelated,
    /// <summary>No RxNorm/ATC code and no recognisable text: the service cannot tell what this is.</summary>
    Unclassified,
}

public sealed record MedicationClassification(MedicationKind Kinds, ClassifiedBy By, string Label)
{
    public bool IsNaltrexone => (Kinds & MedicationKind.AnyNaltrexone) != 0;
    public bool IsOpioid => Kinds.HasFlag(MedicationKind.Opioid);
    public bool Has(MedicationKind kind) => (Kinds & kind) != 0;
    public bool FromText => By == ClassifiedBy.Text;
}

/// <summary>
/// Classifies a medication by its codes, then by its Medication's ingredients, then by text.
/// Opioid products that contain naltrexone only as an abuse deterrent (morphine/naltrexone) are opioids, not naltrexone therapy.
/// </summary>
public sealed class MedicationClassifier
{
    private readonly ValueSetIndex _index;
    private readonly (MedicationKind Kind, IndexedValueSet Set)[] _sets;
    private readonly int[] _ordinals;

    public MedicationClassifier(ValueSetIndex index)
    {
        _index = index;
        _sets =
        [
            (MedicationKind.NaltrexoneOral, index[ValueSetUrls.NaltrexoneOral]),
            (MedicationKind.NaltrexoneExtendedRelease, index[ValueSetUrls.NaltrexoneExtendedRelease]),
            (MedicationKind.NaltrexoneBupropion, index[ValueSetUrls.NaltrexoneBupropion]),
            (MedicationKind.Opioid, index[ValueSetUrls.OpioidAgonists]),
            (MedicationKind.OpioidLongActing, index[ValueSetUrls.OpioidLongActing]),
            (MedicationKind.OpioidAntidiarrheal, index[ValueSetUrls.OpioidAntidiarrheals]),
            (MedicationKind.RelatedOpioidAntagonist, index[ValueSetUrls.RelatedOpioidAntagonists]),
            (MedicationKind.SeizureThresholdLowering, index[ValueSetUrls.SeizureThresholdLowering]),
            (MedicationKind.Hepatotoxic, index[ValueSetUrls.HepatotoxicComedications]),
        ];
        _ordinals = [.. _sets.Select(s => index.OrdinalOf(s.Set.Url))];
    }

    /// <param name="concept">medicationCodeableConcept, if any.</param>
    /// <param name="medication">the resolved Medication of a medicationReference, if any.</param>
    /// <param name="referenceDisplay">medicationReference.display, used as text when nothing else is known.</param>
    /// <param name="extraText">other free text that describes the product (e.g. dosage route "intramuscular").</param>
    public MedicationClassification Classify(CodeableConcept? concept, Medication? medication = null, string? referenceDisplay = null, string? extraText = null)
    {
        // The common case, a coded concept and no Medication resource, without copying its codings.
        IReadOnlyList<Coding> codings = medication?.Code?.Coding is { Count: > 0 } medicationCodings
            ? [.. concept.Codings(), .. medicationCodings]
            : concept?.Coding ?? [];
        var label = Label(concept, medication, referenceDisplay);

        var byCode = KindsOf(codings);
        if (byCode != MedicationKind.None) return new(Normalize(byCode, label, extraText), ClassifiedBy.Code, label);

        IReadOnlyList<Coding> ingredientCodings = medication?.Ingredient is { Count: > 0 } ingredients
            ? ingredients.SelectMany(i => i.ItemCodeableConcept.Codings()).ToList()
            : [];
        var byIngredient = KindsOf(ingredientCodings);
        if (byIngredient != MedicationKind.None)
        {
            // naltrexone + bupropion ingredients = the combination product
            if (byIngredient.HasFlag(MedicationKind.NaltrexoneOral) && byIngredient.HasFlag(MedicationKind.SeizureThresholdLowering)
                && ingredientCodings.Any(c => c.Display?.Contains("bupropion", StringComparison.OrdinalIgnoreCase) == true || _sets[2].Set.Contains(c)))
                byIngredient |= MedicationKind.NaltrexoneBupropion;
            return new(Normalize(byIngredient, label, extraText), ClassifiedBy.Ingredient, label);
        }

        // Every free text, in this order: the concept's, the Medication's code's, each ingredient's (its concept's, then
        // its reference's display), the reference's display.
        var texts = new List<string>();
        AddTexts(texts, concept);
        AddTexts(texts, medication?.Code);
        if (medication?.Ingredient is { } withText)
            foreach (var i in withText)
            {
                AddTexts(texts, i.ItemCodeableConcept);
                AddText(texts, i.ItemReference?.Display);
            }
        AddText(texts, referenceDisplay);
        // Each text matched once against all value sets (the index's combined phrase index), not once per set.
        var byText = MedicationKind.None;
        foreach (var t in texts)
        {
            var sets = _index.SetsMatchingText(t);
            if (!sets.IsEmpty) byText |= KindsIn(sets);
        }
        if (byText != MedicationKind.None)
            return new(Normalize(byText, string.Join(' ', texts), extraText), ClassifiedBy.Text, label);

        var coded = AnyDrugCode(codings) || AnyDrugCode(ingredientCodings);
        return new(MedicationKind.None, coded ? ClassifiedBy.CodedUnrelated : ClassifiedBy.Unclassified, label);
    }

    // Plain loops: every medication of every call is classified, most of them (unrelated drugs) down to the last line.
    private static void AddTexts(List<string> texts, CodeableConcept? concept)
    {
        if (concept is null) return;
        AddText(texts, concept.Text);
        if (concept.Coding is { } codings)
            for (var i = 0; i < codings.Count; i++) AddText(texts, codings[i].Display);
    }

    private static void AddText(List<string> texts, string? text)
    {
        if (!string.IsNullOrWhiteSpace(text)) texts.Add(text);
    }

    private static bool AnyDrugCode(IReadOnlyList<Coding> codings)
    {
        for (var i = 0; i < codings.Count; i++)
            if (codings[i].System is CodeSystems.RxNorm or CodeSystems.Atc && !string.IsNullOrEmpty(codings[i].Code)) return true;
        return false;
    }

    // Each coding looked up once in the index's combined code index, not once per set.
    private MedicationKind KindsOf(IReadOnlyList<Coding> codings) =>
        codings.Count == 0 ? MedicationKind.None : KindsIn(_index.SetsContainingAny(codings));

    private MedicationKind KindsIn(ValueSetMask sets)
    {
        var kinds = MedicationKind.None;
        for (var i = 0; i < _sets.Length; i++)
            if (sets.Contains(_ordinals[i])) kinds |= _sets[i].Kind;
        return kinds;
    }

    /// <param name="description">with <paramref name="extraText"/>, the text that describes the product; joined only when
    /// a rule below reads it.</param>
    private static MedicationKind Normalize(MedicationKind kinds, string description, string? extraText)
    {
        // Abuse-deterrent opioid/naltrexone products are opioids.
        if (kinds.HasFlag(MedicationKind.Opioid)) kinds &= ~(MedicationKind.AnyNaltrexone | MedicationKind.RelatedOpioidAntagonist);
        // "extended release"/"24 hr" phrases qualify opioids only (they also appear in Contrave and bupropion XL text).
        if (!kinds.HasFlag(MedicationKind.Opioid)) kinds &= ~MedicationKind.OpioidLongActing;
        // Contrave's own bupropion is not a second seizure-threshold-lowering drug.
        if ((kinds & MedicationKind.AnyNaltrexone) != 0) kinds &= ~MedicationKind.SeizureThresholdLowering;
        if (kinds.HasFlag(MedicationKind.NaltrexoneBupropion)) kinds &= ~MedicationKind.NaltrexoneOral;
        if (kinds.HasFlag(MedicationKind.NaltrexoneExtendedRelease)) kinds &= ~MedicationKind.NaltrexoneOral;
        // Naltrexone given by injection (or 380 mg) is the extended-release product even when coded as the ingredient.
        if (kinds.HasFlag(MedicationKind.NaltrexoneOral) && MentionsExtendedRelease(description, extraText))
            kinds = (kinds & ~MedicationKind.NaltrexoneOral) | MedicationKind.NaltrexoneExtendedRelease;
        return kinds;
    }

    private static readonly string[] InjectionWords = ["inject", "intramuscular", "380 mg", "suspension"];
    private static readonly SearchValues<string> ExtendedReleaseWords = SearchValues.Create(InjectionWords, StringComparison.OrdinalIgnoreCase);
    private static readonly int LongestExtendedReleaseWord = InjectionWords.Max(w => w.Length);

    /// <summary>
    /// Whether <c>description + " " + extraText</c> names an injection, searched in one pass for all four words and
    /// without building that text: each part, then the seam where a word could span the two (every oral naltrexone
    /// order asks; four case-insensitive searches of a joined string were ~1 % of a call's CPU, BENCHMARKS.md, session 10).
    /// </summary>
    private static bool MentionsExtendedRelease(string description, string? extraText)
    {
        extraText ??= "";
        if (description.AsSpan().ContainsAny(ExtendedReleaseWords) || extraText.AsSpan().ContainsAny(ExtendedReleaseWords)) return true;
        var head = description.AsSpan(Math.Max(0, description.Length - (LongestExtendedReleaseWord - 1)));
        var tail = extraText.AsSpan(0, Math.Min(LongestExtendedReleaseWord - 1, extraText.Length));
        Span<char> seam = stackalloc char[2 * LongestExtendedReleaseWord];
        head.CopyTo(seam);
        seam[head.Length] = ' ';
        tail.CopyTo(seam[(head.Length + 1)..]);
        return seam[..(head.Length + 1 + tail.Length)].ContainsAny(ExtendedReleaseWords);
    }

    private static string Label(CodeableConcept? concept, Medication? medication, string? referenceDisplay)
    {
        if (concept is not null) return concept.Label();
        if (medication?.Code is not null) return medication.Code.Label();
        if (!string.IsNullOrWhiteSpace(referenceDisplay)) return referenceDisplay;
        var ingredients = (medication?.Ingredient ?? []).Select(i => i.ItemCodeableConcept?.Label() ?? i.ItemReference?.Display).OfType<string>().ToList();
        return ingredients.Count > 0 ? string.Join(" / ", ingredients) : "(unnamed medication)";
    }
}
