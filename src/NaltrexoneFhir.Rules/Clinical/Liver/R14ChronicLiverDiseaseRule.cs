using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R14 · hepatotoxicity · info                                             Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND compensated cirrhosis or chronic viral/alcoholic hepatitis is
///      active (value set liver-chronic; conditions already counted by R09/R10 excluded)
/// Then info: usually tolerated; baseline and 1–3-monthly liver tests.
/// Source: liver-disease cohort (PMC9701476).
public sealed class R14ChronicLiverDiseaseRule : Rule
{
    public override string Id => "R14";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "Chronic liver disease";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverCohort];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var severe = ConditionQueries.Active(ctx, ValueSetUrls.LiverAcuteInjury)
            .Concat(ConditionQueries.Active(ctx, ValueSetUrls.CirrhosisDecompensated))
            .Select(m => m.Condition).ToHashSet();
        var matches = ConditionQueries.Active(ctx, ValueSetUrls.LiverChronic).Where(m => !severe.Contains(m.Condition)).ToList();
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Info,
                $"{Text.Clip(matches[0].Condition.Code.Label("Chronic liver disease"), 50)} on record: naltrexone usually tolerated; monitor liver tests",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => m.Describe())],
                ["Check baseline liver tests, then every 1–3 months."],
                [Orders.OrderHepaticPanel(ctx, "Baseline liver tests in chronic liver disease")]));
    }
}
