using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

public enum IndicationKind
{
    AlcoholUseDisorder,
    OpioidUseDisorder,
    /// <summary>Chronic weight management: the on-label use of naltrexone/bupropion.</summary>
    WeightManagement,
    CompulsiveSexualBehaviour,
    NonSuicidalSelfInjury,
    CholestaticPruritus,
    /// <summary>A low-dose naltrexone (LDN) use such as fibromyalgia, multiple sclerosis, Crohn's disease or CRPS.</summary>
    LowDoseNaltrexone,
}

/// <summary>Why a draft was ordered, as read from its reasonCode or a reasonReference Condition.</summary>
public sealed record Indication(IndicationKind Kind, string Label, string Evidence, MatchKind By)
{
    public bool IsOnLabel => Kind is IndicationKind.AlcoholUseDisorder or IndicationKind.OpioidUseDisorder or IndicationKind.WeightManagement;

    public string Name => Kind switch
    {
        IndicationKind.AlcoholUseDisorder => "alcohol use disorder",
        IndicationKind.OpioidUseDisorder => "opioid use disorder",
        IndicationKind.WeightManagement => "chronic weight management",
        IndicationKind.CompulsiveSexualBehaviour => "compulsive sexual behaviour",
        IndicationKind.NonSuicidalSelfInjury => "non-suicidal self-injury",
        IndicationKind.CholestaticPruritus => "cholestatic pruritus",
        _ => "a low-dose naltrexone use",
    };
}

/// <summary>
/// Maps a draft's reasonCode / reasonReference (resolved through the request's resources: draft bundle, contained,
/// prefetch) to AUD, OUD or one of the off-label uses of clinical-reference §1.1. Codes first, then text (with
/// <see cref="TextGuards"/>). Weight management is not coded in the value sets: it is the product's own label
/// indication for naltrexone/bupropion (see <see cref="OnLabelByProduct"/>).
/// </summary>
public static class IndicationQueries
{
    private static readonly (IndicationKind Kind, string Url)[] Sets =
    [
        (IndicationKind.OpioidUseDisorder, ValueSetUrls.OpioidUseDisorder),
        (IndicationKind.AlcoholUseDisorder, ValueSetUrls.AlcoholUseDisorder),
        (IndicationKind.CompulsiveSexualBehaviour, ValueSetUrls.OffLabelCompulsiveSexualBehaviour),
        (IndicationKind.NonSuicidalSelfInjury, ValueSetUrls.OffLabelSelfInjury),
        (IndicationKind.CholestaticPruritus, ValueSetUrls.OffLabelCholestaticPruritus),
        (IndicationKind.LowDoseNaltrexone, ValueSetUrls.LdnIndications),
    ];

    /// <summary>The draft's indications, each kind once (memoized per call: R07, R08, R18 and R30 all ask).</summary>
    public static IReadOnlyList<Indication> Of(RuleContext ctx, DraftMedication draft)
    {
        var memo = ctx.Memo(static _ => new PerDraft());
        if (!memo.Indications.TryGetValue(draft, out var found))
            memo.Indications[draft] = found = Compute(ctx, draft);
        return found;
    }

    private static List<Indication> Compute(RuleContext ctx, DraftMedication draft)
    {
        var found = new List<Indication>();
        foreach (var reason in draft.Request.ReasonCode ?? [])
            Classify(ctx, reason, $"reasonCode '{reason.Label()}'", found);
        foreach (var reference in draft.Request.ReasonReference ?? [])
        {
            var condition = Resolve(ctx, reference, draft.Request);
            if (condition is not null)
            {
                if (condition.VerificationStatus.HasCode("refuted") || condition.VerificationStatus.HasCode("entered-in-error")) continue;
                Classify(ctx, condition.Code, $"reasonReference Condition/{condition.Id} '{condition.Code.Label()}'", found);
            }
            else if (!string.IsNullOrWhiteSpace(reference.Display))
                Classify(ctx, new CodeableConcept { Text = reference.Display }, $"reasonReference '{reference.Display}'", found);
        }
        return found.DistinctBy(i => i.Kind).ToList();
    }

    /// <summary>The label indication implied by the product: chronic weight management for naltrexone/bupropion.</summary>
    public static Indication? OnLabelByProduct(DraftMedication draft) =>
        draft.Class.Has(MedicationKind.NaltrexoneBupropion)
            ? new Indication(IndicationKind.WeightManagement, "chronic weight management", "the product's label indication", MatchKind.Code)
            : null;

    /// <summary>Opioid use disorder on the problem list: active or in remission, not refuted.</summary>
    public static IReadOnlyList<ConditionMatch> OudOnRecord(RuleContext ctx) => ConditionQueries.ActiveOrInRemission(ctx, ValueSetUrls.OpioidUseDisorder);

    /// <summary>OUD as the draft's reason or on the problem list: the evidence lines, empty when none.</summary>
    public static IReadOnlyList<string> OudEvidence(RuleContext ctx, DraftMedication draft)
    {
        var memo = ctx.Memo(static _ => new PerDraft());
        if (!memo.OudEvidence.TryGetValue(draft, out var lines))
            memo.OudEvidence[draft] = lines = Of(ctx, draft).Where(i => i.Kind == IndicationKind.OpioidUseDisorder)
                .Select(i => $"Indication: opioid use disorder ({i.Evidence})")
                .Concat(OudOnRecord(ctx).Select(m => $"Opioid use disorder on record: {m.Describe()}"))
                .ToList();
        return lines;
    }

    /// <summary>Per-call answers by draft (by reference: DraftMedication is a record, its value equality is not needed here).</summary>
    private sealed class PerDraft
    {
        public Dictionary<DraftMedication, List<Indication>> Indications { get; } = new(ReferenceEqualityComparer.Instance);
        public Dictionary<DraftMedication, List<string>> OudEvidence { get; } = new(ReferenceEqualityComparer.Instance);
    }

    private static void Classify(RuleContext ctx, CodeableConcept? concept, string evidence, List<Indication> found)
    {
        foreach (var (kind, url) in Sets)
        {
            var m = ConditionQueries.Match(ctx, url, concept);
            if (m != MatchKind.None) found.Add(new Indication(kind, concept.Label(), evidence, m));
        }
    }

    private static Condition? Resolve(RuleContext ctx, Reference reference, Resource container)
    {
        var resolved = ctx.Data.Resolver.Resolve<Condition>(reference, container);
        if (resolved is not null) return resolved;
        var parsed = reference.TypeAndId();
        return parsed is { Type: "Condition" } p ? ctx.Data.Conditions.FirstOrDefault(c => c.Id == p.Id) : null;
    }
}
