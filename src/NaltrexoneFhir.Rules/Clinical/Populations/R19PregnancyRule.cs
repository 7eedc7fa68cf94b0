using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Populations;

/// R19 · pregnancy · warning                                               Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND an active, not refuted pregnancy condition is on record (value set
///      pregnancy; text matches are dropped when negated, e.g. "not pregnant"), OR the latest qualitative hCG result
///      possibly within the last 30 days (Rules:HcgLookbackDays) is positive (a later negative result supersedes it)
/// Then warning: human data on naltrexone in pregnancy are limited; ASAM: naltrexone should not be initiated in
///      pregnancy, and agonist therapy is preferred for OUD. Suggest an hCG test when none is recent; or removing the draft.
/// Source: Vivitrol 8.1 [VIV-BS]; ASAM 2015 summary table [ASAM-2015t].
public sealed class R19PregnancyRule : Rule
{
    public override string Id => "R19";
    public override string Concern => Concerns.Pregnancy;
    public override string Title => "Pregnancy (condition or positive hCG)";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions, DataKeys.PregnancyTests];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolBriefSummary, ClinicalSources.Asam2015Table];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var days = ctx.Options.HcgLookbackDays;
        var conditions = ConditionQueries.Active(ctx, ValueSetUrls.Pregnancy);
        var recent = Observations.In(ctx, ValueSetUrls.Hcg)
            .Where(o => o.When() is { } w && ctx.PossiblyWithinDays(w.End, days))
            .Select(o => (Obs: o, Positive: QualitativeResults.IsPositive(ctx, o)))
            .Where(x => x.Positive is not null)
            .OrderByDescending(x => x.Obs.When()!.Value.End)
            .ToList();
        var positive = recent.Count > 0 && recent[0].Positive == true ? recent[0].Obs : null;
        if (conditions.Count == 0 && positive is null) return;

        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var evidence = new List<string> { $"Draft order: {ntx.Label} ({ntx.Reference})" };
            evidence.AddRange(conditions.Select(c => $"Pregnancy on record: {c.Describe()}"));
            if (positive is not null)
                evidence.Add($"Positive {positive.Code.Label("hCG test")} on {Text.Date(positive.When())} (Observation/{positive.Id})");
            else if (recent.Count > 0)
                evidence.Add($"Latest hCG test: negative on {Text.Date(recent[0].Obs.When())} (Observation/{recent[0].Obs.Id}); the pregnancy condition is still active.");
            var what = positive is not null ? $"Positive hCG on {Text.Date(positive.When())}" : $"{Text.Clip(conditions[0].Condition.Code.Label("Pregnancy"), 40)} on record";
            var suggestions = new List<SuggestionSpec>();
            if (recent.Count == 0) suggestions.Add(Orders.OrderPregnancyTest(ctx, "Confirm pregnancy status before naltrexone"));
            suggestions.Add(Orders.RemoveDraft(ntx));
            findings.Add(Found(Indicators.Warning,
                $"{what}: patient may be pregnant; human data on naltrexone are limited",
                evidence,
                ["Confirm pregnancy status and review risk and benefit; naltrexone should not be started in pregnancy (ASAM).",
                 "For opioid use disorder in pregnancy, agonist therapy (methadone or buprenorphine) is preferred."],
                suggestions));
        }
    }
}
