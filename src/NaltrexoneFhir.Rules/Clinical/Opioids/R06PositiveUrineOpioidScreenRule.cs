using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R06 · recent-opioid-use · critical                                      Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND a urine opioid screen (opiates, fentanyl, buprenorphine, methadone,
///      oxycodone, tramadol) was positive within the last 14 days (Rules:UrineOpioidScreenLookbackDays)
/// Then critical: naltrexone is contraindicated after a positive urine opioid screen until opioid-free.
/// Source: oral label contraindication 4 [DC-NTX].
public sealed class R06PositiveUrineOpioidScreenRule : Rule
{
    public override string Id => "R06";
    public override string Concern => Concerns.RecentOpioidUse;
    public override string Title => "Recent positive urine opioid screen";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.OpioidScreens];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabelContraindications];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var days = ctx.Options.UrineOpioidScreenLookbackDays;
        var positives = UrineScreens.OpioidScreens(ctx)
            .Where(o => o.When() is { } w && ctx.PossiblyWithinDays(w.End, days) && UrineScreens.IsPositive(ctx, o) == true)
            .OrderByDescending(o => o.When()!.Value.End)
            .ToList();
        if (positives.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var p = positives[0];
            findings.Add(Found(Indicators.Critical,
                $"Positive urine {Text.Clip(p.Code.Label("opioid screen"), 40)} on {Text.Date(p.When())}: naltrexone contraindicated until opioid-free",
                [$"Draft order: {ntx.Label} ({ntx.Reference})",
                 .. positives.Select(o => $"{o.Code.Label("Urine opioid screen")}: positive on {Text.Date(o.When())} (Observation/{o.Id})")],
                ["Repeat the urine screen after the washout period.", "Consider a naloxone challenge before the first dose."],
                [Orders.RemoveDraft(ntx, recommended: true), Orders.OrderUrineDrugScreen(ctx, "Repeat urine opioid screen after washout")],
                weight: 7));
        }
    }
}
