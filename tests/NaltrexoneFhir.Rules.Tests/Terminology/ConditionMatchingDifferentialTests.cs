using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Tests.Terminology;

/// <summary>
/// The per-call matching of conditions against all value sets at once (ConceptMemberships over the index's combined
/// code and phrase indexes) must answer exactly what matching each value set separately answered. The reference
/// below is that per-value-set algorithm, kept as it was; the conditions are generated from the value sets' own
/// codes and phrases, with negations, other senses, case changes, near misses and every status.
/// </summary>
public sealed class ConditionMatchingDifferentialTests
{
    private static readonly ValueSetIndex Index = Scenario.Terminology;

    [Fact]
    public void CombinedMatching_EqualsPerValueSetMatching_ForGeneratedConditions()
    {
        var rng = new Random(20261203);
        var sets = Index.All.OrderBy(s => s.Url, StringComparer.Ordinal).ToArray();
        var counts = new Dictionary<string, int>();
        void Count(string what) => counts[what] = counts.GetValueOrDefault(what) + 1;

        for (var batch = 0; batch < 150; batch++)
        {
            var conditions = Enumerable.Range(0, 12).Select(i => Generate(rng, sets, $"c{batch}-{i}")).ToList();
            var ctx = new RuleContext(new PatientData { PatientId = "p", Conditions = conditions }, Fx.Now, new RuleOptions(), Index);
            // Value sets in a random order per call: the memberships must not depend on which set is asked first.
            foreach (var vs in sets.OrderBy(_ => rng.Next()))
                foreach (var allowText in new[] { true, false })
                {
                    var active = ConditionQueries.Active(ctx, vs.Url, allowText);
                    Assert.Equal(Reference(conditions, vs, allowText, ReferenceIsActive), Describe(active));
                    var remission = ConditionQueries.ActiveOrInRemission(ctx, vs.Url, allowText);
                    Assert.Equal(Reference(conditions, vs, allowText, ReferenceIsActiveOrInRemission), Describe(remission));
                    foreach (var c in conditions)
                    {
                        var expected = ReferenceMatch(vs, c.Code, allowText);
                        Assert.Equal(expected, ConditionQueries.Match(ctx, vs.Url, c.Code, allowText));
                        Count($"{expected}");
                        if (expected == MatchKind.None && allowText && ReferenceTextNamesSet(vs, c.Code)) Count("text rejected by guards");
                    }
                    // A concept not among the conditions (e.g. a reasonReference display) is matched the same way.
                    var loose = new CodeableConcept { Text = Text(rng, sets[rng.Next(sets.Length)]) };
                    Assert.Equal(ReferenceMatch(vs, loose, allowText), ConditionQueries.Match(ctx, vs.Url, loose, allowText));
                }
        }

        // The generated data must exercise every outcome, or this test could pass without comparing anything.
        Assert.True(counts.GetValueOrDefault("Code") > 500, $"code matches: {counts.GetValueOrDefault("Code")}");
        Assert.True(counts.GetValueOrDefault("Text") > 500, $"text matches: {counts.GetValueOrDefault("Text")}");
        Assert.True(counts.GetValueOrDefault("text rejected by guards") > 100, $"rejected: {counts.GetValueOrDefault("text rejected by guards")}");
    }

    [Fact]
    public void SetsMatchingTextAndContainingAny_EqualEachValueSet()
    {
        var rng = new Random(7);
        var sets = Index.All.OrderBy(s => s.Url, StringComparer.Ordinal).ToArray();
        for (var i = 0; i < 3000; i++)
        {
            var concept = Concept(rng, sets);
            var codes = Index.SetsContainingAny(concept);
            var texts = concept?.Texts().Select(t => (t, Index.SetsMatchingText(t))).ToList() ?? [];
            foreach (var vs in sets)
            {
                var ordinal = Index.OrdinalOf(vs.Url);
                Assert.Equal(vs.ContainsAny(concept), codes.Contains(ordinal));
                foreach (var (t, m) in texts) Assert.True(vs.MatchesText(t) == m.Contains(ordinal), $"{vs.Url}: '{t}'");
            }
        }
    }

    // ---- the per-value-set algorithm as it was (ConditionQueries before the combined matching) ----

    private static MatchKind ReferenceMatch(IndexedValueSet vs, CodeableConcept? concept, bool allowText)
    {
        var m = vs.Match(concept, allowText);
        if (m != MatchKind.Text) return m;
        return concept.Texts().Any(t => vs.MatchesText(t) && !TextGuards.Rejects(t)) ? MatchKind.Text : MatchKind.None;
    }

    private static bool ReferenceTextNamesSet(IndexedValueSet vs, CodeableConcept? concept) =>
        concept is not null && !vs.ContainsAny(concept) && concept.Texts().Any(vs.MatchesText);

    private static bool ReferenceIsActive(Condition c) => c.IsActiveCondition();

    private static bool ReferenceIsActiveOrInRemission(Condition c) => c.IsActiveCondition()
        || (c.ClinicalStatus.HasCode("remission") && !c.VerificationStatus.HasCode("refuted") && !c.VerificationStatus.HasCode("entered-in-error"));

    private static List<string> Reference(List<Condition> conditions, IndexedValueSet vs, bool allowText, Func<Condition, bool> current)
    {
        var list = new List<ConditionMatch>();
        foreach (var c in conditions)
        {
            if (!current(c)) continue;
            var m = ReferenceMatch(vs, c.Code, allowText);
            if (m != MatchKind.None) list.Add(new ConditionMatch(c, m));
        }
        return Describe(list);
    }

    // Identity, match kind and the evidence line, in order.
    private static List<string> Describe(IReadOnlyList<ConditionMatch> matches) =>
        matches.Select(m => $"{m.Condition.Id} {m.By} {m.Describe()}").ToList();

    // ---- generated conditions ----

    private static readonly string[] ClinicalStatuses = ["active", "recurrence", "relapse", "remission", "resolved", "inactive", "ACTIVE", "Remission"];
    private static readonly string[] VerificationStatuses = ["confirmed", "unconfirmed", "provisional", "refuted", "entered-in-error", "Refuted"];
    private static readonly string[] Unrelated = ["Essential hypertension", "Asthma", "Low back pain", "Type 2 diabetes mellitus", "Chronic sinusitis"];
    private static readonly string[] Templates =
    [
        "{0}", "{0}", "{0}", "Chronic {0}", "{0}, moderate", "({0})", "{0} - on problem list", "Patient with {0} and anxiety",
        "no {0}", "No history of {0}", "denies {0}", "{0} ruled out", "r/o {0}", "hx of {0}", "family history of {0}", "{0} resolved",
        "screening for {0}", "at risk of {0}", "concern for {0}", "{0}s", "pre{0}", "{0}2", "respiratory depression", "depression of consciousness",
        "bone marrow depression and {0}", "CNS depression", "{0} without respiratory depression",
    ];

    private static Condition Generate(Random rng, IndexedValueSet[] sets, string id)
    {
        var condition = new Condition
        {
            Id = id,
            Code = Concept(rng, sets),
            RecordedDate = new FhirDateTime("2025-01-0" + rng.Next(1, 10)),
        };
        if (rng.Next(8) != 0)
            condition.ClinicalStatus = new CodeableConcept { Coding = [new Coding { System = CodeSystems.ConditionClinical, Code = Pick(rng, ClinicalStatuses) }] };
        if (rng.Next(4) != 0)
            condition.VerificationStatus = new CodeableConcept { Coding = [new Coding { System = CodeSystems.ConditionVerification, Code = Pick(rng, VerificationStatuses) }] };
        if (rng.Next(6) == 0) condition.AbatementString = "2024";
        return condition;
    }

    private static CodeableConcept? Concept(Random rng, IndexedValueSet[] sets)
    {
        if (rng.Next(40) == 0) return null;
        var codings = new List<Coding>();
        for (var n = rng.Next(0, 4); n > 0; n--) codings.Add(Coding(rng, sets));
        var text = rng.Next(5) switch
        {
            0 => null,
            1 => "  ",
            _ => Text(rng, sets[rng.Next(sets.Length)]),
        };
        // Most senders repeat the text as the display (the same string, or an equal one).
        if (codings.Count > 0 && text is not null && rng.Next(2) == 0)
            codings[0] = codings[0] with { Display = rng.Next(2) == 0 ? text : new string(text.AsSpan()) };
        return new CodeableConcept { Coding = codings, Text = text };
    }

    private static Coding Coding(Random rng, IndexedValueSet[] sets)
    {
        var concepts = sets[rng.Next(sets.Length)].Concepts.ToList();
        if (concepts.Count == 0 || rng.Next(5) == 0)
            return new Coding { System = rng.Next(2) == 0 ? CodeSystems.Snomed : CodeSystems.Icd10Cm, Code = rng.Next(2) == 0 ? "Z99.89" : rng.Next(100000, 999999).ToString(), Display = Pick(rng, Unrelated) };
        var (system, code, display) = concepts[rng.Next(concepts.Count)];
        code = rng.Next(6) switch
        {
            0 => code + rng.Next(10),                       // a child code (is-a prefixes)
            1 => code.ToLowerInvariant(),                    // codes are exact, prefixes case-insensitive
            2 when code.Length > 2 => code[..^1],            // a parent, maybe not in the set
            _ => code,
        };
        return new Coding
        {
            System = rng.Next(25) == 0 ? null : system,
            Code = rng.Next(30) == 0 ? null : code,
            Display = rng.Next(3) switch { 0 => null, 1 => display, _ => Text(rng, sets[rng.Next(sets.Length)]) },
        };
    }

    private static string Text(Random rng, IndexedValueSet vs)
    {
        var phrase = vs.Phrases.Length > 0 && rng.Next(6) != 0 ? vs.Phrases[rng.Next(vs.Phrases.Length)] : Pick(rng, Unrelated);
        var text = string.Format(Pick(rng, Templates), phrase);
        return rng.Next(3) switch
        {
            0 => text.ToUpperInvariant(),
            1 => string.Concat(text.Select(ch => rng.Next(2) == 0 ? char.ToUpperInvariant(ch) : ch)),
            _ => text,
        };
    }

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];
}
