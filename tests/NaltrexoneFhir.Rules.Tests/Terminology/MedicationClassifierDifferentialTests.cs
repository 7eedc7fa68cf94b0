using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Tests.Kit;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Tests.Terminology;

/// <summary>
/// MedicationClassifier matches each coding and text once against all value sets (the index's combined indexes); it
/// must classify exactly as the per-value-set classifier did (<see cref="ReferenceMedicationClassifier"/>), over
/// medications generated from the medication value sets' codes and phrases.
/// </summary>
public sealed class MedicationClassifierDifferentialTests
{
    private static readonly string[] Urls =
    [
        ValueSetUrls.NaltrexoneOral, ValueSetUrls.NaltrexoneExtendedRelease, ValueSetUrls.NaltrexoneBupropion, ValueSetUrls.OpioidAgonists,
        ValueSetUrls.OpioidLongActing, ValueSetUrls.OpioidAntidiarrheals, ValueSetUrls.RelatedOpioidAntagonists,
        ValueSetUrls.SeizureThresholdLowering, ValueSetUrls.HepatotoxicComedications, ValueSetUrls.Depression,
    ];

    private static readonly string[] Templates =
        ["{0}", "{0} 50 MG Oral Tablet", "{0} 380 mg injection", "{0} extended release", "{0} / naltrexone", "not {0}", "{0}s", "x{0}", "Vitamin D3 2000 unit",
         // Endings an extra text can complete ("… 380" + " " + "mg"): the injection words are searched without joining the two.
         "{0} 380", "{0} inj", "{0} intramus", "{0} suspen"];

    /// <summary>Extra texts (e.g. a dosage route), some of which only name an injection together with the end of the product's text.</summary>
    private static readonly string?[] Extras =
        [null, null, "intramuscular", "mg", "MG vial", "ection", "cular", "sion", "ſuspension", "oral", "Inject", ""];

    [Fact]
    public void Classify_EqualsPerValueSetClassifier_ForGeneratedMedications()
    {
        var index = Scenario.Terminology;
        var sets = Urls.Select(u => index[u]).ToArray();
        var current = new MedicationClassifier(index);
        var reference = new ReferenceMedicationClassifier(index);
        var rng = new Random(42);
        var by = new Dictionary<ClassifiedBy, int>();
        for (var i = 0; i < 4000; i++)
        {
            var concept = rng.Next(6) == 0 ? null : Concept(rng, sets);
            var medication = rng.Next(3) == 0
                ? new Medication
                {
                    Code = rng.Next(3) == 0 ? null : Concept(rng, sets),
                    Ingredient = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => new MedicationIngredient
                    {
                        ItemCodeableConcept = rng.Next(4) == 0 ? null : Concept(rng, sets),
                        ItemReference = rng.Next(3) == 0 ? new Reference { Display = Text(rng, sets) } : null,
                    })],
                }
                : null;
            var display = rng.Next(3) == 0 ? Text(rng, sets) : null;
            var extra = Extras[rng.Next(Extras.Length)];
            var expected = reference.Classify(concept, medication, display, extra);
            Assert.Equal(expected, current.Classify(concept, medication, display, extra));
            by[expected.By] = by.GetValueOrDefault(expected.By) + 1;
        }
        // Every way of classifying must occur, or the comparison would be vacuous.
        foreach (var kind in Enum.GetValues<ClassifiedBy>()) Assert.True(by.GetValueOrDefault(kind) > 50, $"{kind}: {by.GetValueOrDefault(kind)}");
    }

    private static CodeableConcept Concept(Random rng, IndexedValueSet[] sets) => new()
    {
        Coding = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Coding(rng, sets))],
        Text = rng.Next(3) == 0 ? null : Text(rng, sets),
    };

    private static Coding Coding(Random rng, IndexedValueSet[] sets)
    {
        var concepts = sets[rng.Next(sets.Length)].Concepts.ToList();
        if (concepts.Count == 0 || rng.Next(4) == 0)
            return new Coding { System = rng.Next(2) == 0 ? CodeSystems.RxNorm : CodeSystems.Atc, Code = rng.Next(2) == 0 ? "N02BE01" : rng.Next(100000, 999999).ToString(), Display = Text(rng, sets) };
        var (system, code, display) = concepts[rng.Next(concepts.Count)];
        code = rng.Next(5) switch { 0 => code + rng.Next(10), 1 => code.ToLowerInvariant(), _ => code };
        return new Coding { System = system, Code = code, Display = rng.Next(2) == 0 ? display : null };
    }

    private static string Text(Random rng, IndexedValueSet[] sets)
    {
        var vs = sets[rng.Next(sets.Length)];
        var phrase = vs.Phrases.Length > 0 ? vs.Phrases[rng.Next(vs.Phrases.Length)] : "aspirin";
        var text = string.Format(Templates[rng.Next(Templates.Length)], phrase);
        return rng.Next(3) == 0 ? text.ToUpperInvariant() : text;
    }
}
