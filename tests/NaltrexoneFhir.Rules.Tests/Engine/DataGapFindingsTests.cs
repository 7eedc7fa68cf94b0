using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Tests.Engine;

public sealed class DataGapFindingsTests
{
    private static readonly IReadOnlyList<Rule> OrderSignRules =
        RuleCatalog.All().Where(r => r.Hooks.Contains(HookNames.OrderSign)).ToList();

    private static string Label(string key) => key switch
    {
        DataKeys.MedicationRequests => "medication list",
        DataKeys.LiverLabs => "liver tests",
        _ => key,
    };

    [Fact]
    public void NoGaps_NoFindings() => Assert.Empty(DataGapFindings.Build(OrderSignRules, [], Label));

    [Fact]
    public void UnavailableKey_OneFindingPerRuleThatNeedsIt_AllOneConcern()
    {
        var gap = new DataGap(DataKeys.MedicationRequests, DataGapKind.Unavailable, "FHIR server timed out");
        var findings = DataGapFindings.Build(OrderSignRules, [gap], Label);

        var needing = OrderSignRules.Where(r => r.Needs.Contains(DataKeys.MedicationRequests)).Select(r => r.Id).Order().ToList();
        Assert.NotEmpty(needing);
        Assert.Equal(needing, findings.Select(f => f.RuleId).Order());
        Assert.All(findings, f => Assert.Equal(Concerns.DataUnavailable, f.Concern));
        Assert.All(findings, f => Assert.Equal(Indicators.Warning, f.Indicator));
        Assert.Contains(findings, f => f.Evidence.Single() ==
            "Naltrexone ordered for a patient on an active opioid — not checked: medication list unavailable — FHIR server timed out");
        Assert.Equal($"{needing.Count} safety checks not run: medication list unavailable — FHIR server timed out", findings[0].Summary);

        var card = Assert.Single(CardComposer.Compose(findings));    // one card, naming every check
        Assert.Equal(Concerns.DataUnavailable, card.Source.Topic!.Code);
        Assert.All(needing, id => Assert.Contains($"*({id})*", card.Detail));
        Assert.StartsWith("https://", card.Source.Url);
    }

    [Fact]
    public void ManyGaps_SummaryStaysUnder140_AndNamesTheReason()
    {
        var gaps = DataKeysWithLongLabels.Select(k => new DataGap(k, DataGapKind.Unavailable, "FHIR server refused access (HTTP 401)")).ToList();
        var findings = DataGapFindings.Build(OrderSignRules, gaps, k => $"the {k} data of this patient");
        var summary = findings[0].Summary;
        Assert.True(summary.Length < 140, summary);
        Assert.EndsWith("— FHIR server refused access (HTTP 401)", summary);
        Assert.Contains("more unavailable", summary);
    }

    [Fact]
    public void DifferentReasons_EachNamedInTheEvidence()
    {
        var findings = DataGapFindings.Build(OrderSignRules,
        [
            new(DataKeys.LiverLabs, DataGapKind.Unavailable, "FHIR server error (HTTP 503)"),
            new(DataKeys.MedicationRequests, DataGapKind.Unavailable, "FHIR server timed out"),
        ], Label);
        Assert.DoesNotContain("—", findings[0].Summary); // no single reason to state
        Assert.Contains(findings, f => f.Evidence.Single().EndsWith("liver tests unavailable — FHIR server error (HTTP 503)", StringComparison.Ordinal));
    }

    [Fact]
    public void IncompleteKey_RulesRanOnPartialData()
    {
        var findings = DataGapFindings.Build(OrderSignRules,
            [new(DataKeys.MedicationRequests, DataGapKind.Incomplete, "more than 5 pages; only the first 5 were read")], Label);
        Assert.StartsWith("Safety checks ran on partial data: medication list incomplete", findings[0].Summary);
        Assert.All(findings, f => Assert.Contains("— checked on partial data: medication list incomplete — more than 5 pages", f.Evidence.Single()));
    }

    [Fact]
    public void GapNoTriggeredRuleNeeds_NoFinding() =>
        Assert.Empty(DataGapFindings.Build(OrderSignRules.Where(r => !r.Needs.Contains(DataKeys.LiverLabs)),
            [new(DataKeys.LiverLabs, DataGapKind.Unavailable, "FHIR server timed out")], Label));

    private static readonly string[] DataKeysWithLongLabels =
        [DataKeys.MedicationRequests, DataKeys.MedicationStatements, DataKeys.Conditions, DataKeys.LiverLabs, DataKeys.OpioidScreens, DataKeys.Patient];
}
