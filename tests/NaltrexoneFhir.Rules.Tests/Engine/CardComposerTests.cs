using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Tests.Engine;

/// <summary>How several findings of one concern become one card: merged, each line once, in a fixed order.</summary>
public sealed class CardComposerTests
{
    private static readonly ClinicalSource A = new("A", "Source A", "https://example.org/a");
    private static readonly ClinicalSource B = new("B", "Source B", "https://example.org/b");

    private static Finding Finding(string rule, string indicator, int weight = 0) => new()
    {
        RuleId = rule,
        Concern = Concerns.Hepatotoxicity,
        Indicator = indicator,
        Summary = $"{rule} summary",
        Sources = [A],
        Weight = weight,
    };

    private static CdsAction Delete(string id) => new() { Type = "delete", Description = "Remove.", ResourceId = id };

    [Fact]
    public void FindingsOfOneConcern_MergeIntoOneCard_EachLineOnce_FirstOccurrenceWins()
    {
        var findings = new[]
        {
            Finding("R02", Indicators.Info) with
            {
                Evidence = ["shared line", "info line"],
                Actions = ["act 2", "act 1"],
                Notes = ["note"],
                Sources = [B, A],
                Suggestions = [new("Order a test", [Delete("x")], IsRecommended: true)],
            },
            Finding("R01", Indicators.Warning, weight: 1) with
            {
                Evidence = ["shared line", "warning line"],
                Actions = ["act 1"],
                Sources = [A],
                Suggestions = [new("Remove the order", [Delete("MedicationRequest/d1")], IsRecommended: true), new("Order a test", [], IsRecommended: false)],
            },
            Finding("R03", Indicators.Warning) with { Evidence = ["warning line"], Notes = ["note", "second note"], Sources = [B] },
        };
        var ids = 0;
        var card = Assert.Single(CardComposer.Compose(findings, () => new Guid(++ids, 0, 0, new byte[8])));

        // The strongest finding (warning, then weight, then rule id) leads: its summary, indicator and first source.
        Assert.Equal("R01 summary", card.Summary);
        Assert.Equal(Indicators.Warning, card.Indicator);
        Assert.Equal("Source A", card.Source.Label);
        Assert.Equal(
            "**Findings**\n\n" +
            "- shared line *(R01)*\n" +
            "- warning line *(R01)*\n" +
            "- info line *(R02)*\n" +
            "\n**What to do**\n\n" +
            "- act 1\n" +
            "- act 2\n" +
            "\n**Notes**\n\n" +
            "- note\n" +
            "- second note\n" +
            "\n**Sources**: [Source A](https://example.org/a); [Source B](https://example.org/b)" +
            "\n\n*Rules: R01, R03, R02*",
            card.Detail);

        // Suggestions once per label, in order; only the first recommended one is marked; uuids: suggestions, then card.
        Assert.Equal(new[] { "Remove the order", "Order a test" }, card.Suggestions!.Select(s => s.Label));
        Assert.Equal(new bool?[] { true, null }, card.Suggestions!.Select(s => s.IsRecommended));
        Assert.Null(card.Suggestions![1].Actions); // the first "Order a test" had no actions
        Assert.Equal(new[] { new Guid(1, 0, 0, new byte[8]).ToString(), new Guid(2, 0, 0, new byte[8]).ToString() }, card.Suggestions!.Select(s => s.Uuid));
        Assert.Equal(new Guid(3, 0, 0, new byte[8]).ToString(), card.Uuid);
        Assert.Equal("at-most-one", card.SelectionBehavior);
    }

    [Fact]
    public void OneFinding_WithoutActionsOrNotes_HasNoSuchSections_AndNoRulesLine()
    {
        var card = Assert.Single(CardComposer.Compose([Finding("R01", Indicators.Info) with { Evidence = ["line"] }]));
        Assert.Equal("**Findings**\n\n- line *(R01)*\n\n**Sources**: [Source A](https://example.org/a)", card.Detail);
        Assert.Null(card.Suggestions);
        Assert.Null(card.SelectionBehavior);
    }

    [Fact]
    public void ManyLines_EachOnce_InFirstOccurrenceOrder_BeyondTheSmallSetLimit()
    {
        // 40 distinct lines (past the composer's 16-line small set), every one repeated by a second finding, and the
        // early ones again after the switch: each must appear exactly once, in the order first seen.
        var lines = Enumerable.Range(1, 40).Select(i => $"line {i}").ToList();
        var findings = new[]
        {
            Finding("R01", Indicators.Warning, weight: 1) with { Evidence = lines, Actions = lines },
            Finding("R02", Indicators.Info) with { Evidence = [.. lines.AsEnumerable().Reverse()], Actions = [.. lines.Take(5)] },
        };
        var card = Assert.Single(CardComposer.Compose(findings));
        var evidence = card.Detail!.Split('\n').Where(l => l.StartsWith("- line ", StringComparison.Ordinal) && l.EndsWith("*(R01)*", StringComparison.Ordinal)).ToList();
        Assert.Equal(lines.Select(l => $"- {l} *(R01)*"), evidence);
        Assert.DoesNotContain("*(R02)*", card.Detail);
        var actions = card.Detail!.Split("**What to do**\n\n")[1].Split("\n\n")[0].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Select(l => $"- {l}"), actions);
    }

    [Fact]
    public void CardsComposedOneAfterAnother_EachHasOnlyItsOwnDetail()
    {
        // The composer reuses one detail builder per thread: nothing of an earlier card may leak into a later one.
        var first = Assert.Single(CardComposer.Compose([Finding("R01", Indicators.Info) with { Evidence = [new string('x', 5000)] }]));
        var second = Assert.Single(CardComposer.Compose([Finding("R02", Indicators.Info) with { Evidence = ["short"] }]));
        Assert.Contains(new string('x', 5000), first.Detail);
        Assert.Equal("**Findings**\n\n- short *(R02)*\n\n**Sources**: [Source A](https://example.org/a)", second.Detail);
    }

    [Fact]
    public void OverrideReasons_AreSharedButReadOnly()
    {
        var reasons = OverrideReasons.For(Concerns.Hepatotoxicity);
        Assert.Same(reasons, OverrideReasons.For(Concerns.Hepatotoxicity));
        Assert.Equal(new[] { "benefit-outweighs-risk", "specialist-approved", "will-monitor", "data-outdated" }, reasons.Select(r => r.Code));
        Assert.IsNotType<CdsCoding[]>(reasons);
        Assert.Throws<NotSupportedException>(() => ((IList<CdsCoding>)reasons)[0] = OverrideReasons.NotApplicable);
        Assert.Equal(new[] { "benefit-outweighs-risk", "will-monitor", "not-applicable" }, OverrideReasons.For("no-such-concern").Select(r => r.Code));
        Assert.Equal(new[] { "not-applicable", "will-monitor" }, OverrideReasons.For(Concerns.DataUnavailable).Select(r => r.Code));
    }

    [Fact]
    public void CardsAndTheirFindings_AreOrderedAsTheLinqDefinition_StableOnTies()
    {
        // Differential: random findings (few concerns, many ties of indicator, weight and rule id, groups of up to ~60)
        // against the definition in LINQ: group by concern in first-occurrence order; within a card, indicator rank
        // descending, weight descending, rule id ordinal, ties in input order; cards by indicator rank descending, then
        // concern. Each finding has its own evidence line, so the detail shows the order the composer used.
        string[] concerns = [Concerns.Hepatotoxicity, Concerns.OpioidCoprescription, Concerns.Pregnancy, Concerns.Allergy, Concerns.DoseNotComputable];
        string[] indicators = [Indicators.Info, Indicators.Warning, Indicators.Critical];
        var random = new Random(20261203);
        for (var round = 0; round < 200; round++)
        {
            var findings = Enumerable.Range(0, random.Next(1, 120)).Select(i => Finding($"R{random.Next(1, 4)}", indicators[random.Next(indicators.Length)], weight: random.Next(2)) with
            {
                Concern = concerns[random.Next(round % 2 == 0 ? 2 : concerns.Length)],
                Evidence = [$"e{i}"],
            }).ToList();

            var expected = findings.GroupBy(f => f.Concern)
                .Select(g => g.OrderByDescending(f => Indicators.Rank(f.Indicator)).ThenByDescending(f => f.Weight).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList())
                .OrderByDescending(g => Indicators.Rank(g[0].Indicator)).ThenBy(g => g[0].Concern, StringComparer.Ordinal)
                .ToList();
            var cards = CardComposer.Compose(findings);

            Assert.Equal(expected.Select(g => g[0].Concern), cards.Select(c => c.Source.Topic!.Code));
            foreach (var (group, card) in expected.Zip(cards))
            {
                Assert.Equal(group[0].Indicator, card.Indicator);
                var evidence = card.Detail!.Split('\n').Where(l => l.StartsWith("- e", StringComparison.Ordinal)).Select(l => l[2..l.IndexOf(' ', 2)]);
                Assert.Equal(group.SelectMany(f => f.Evidence), evidence);
            }
        }
    }
}
