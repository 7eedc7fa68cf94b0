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
}
