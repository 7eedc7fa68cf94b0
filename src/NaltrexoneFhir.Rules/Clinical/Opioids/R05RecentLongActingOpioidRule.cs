using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R05 · recent-opioid-use · critical                                      Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND methadone, buprenorphine, levomethadyl or an extended-release /
///      transdermal opioid (not active any more) was possibly taken within the last 14 days
///      (configurable: Rules:LongActingOpioidWashoutDays)
/// Then critical: high risk of precipitated withdrawal for up to two weeks.
/// Source: Vivitrol 5.3 / label 2.3 "Switching from Buprenorphine and Methadone" [VIV-5.x].
public sealed class R05RecentLongActingOpioidRule : Rule
{
    public override string Id => "R05";
    public override string Concern => Concerns.RecentOpioidUse;
    public override string Title => "Methadone, buprenorphine or long-acting opioid stopped within 14 days";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolWarnings];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var days = ctx.Options.LongActingOpioidWashoutDays;
        var within = RecentOpioidUse.Within(ctx, longActing: true, days);
        if (within.Count == 0) return;   // the usual case: no sorting set up for nothing
        var recent = within.OrderByDescending(m => m.LastUse).ToList();
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var m = recent[0];
            findings.Add(Found(Indicators.Critical,
                $"{Text.Clip(m.Label, 45)} stopped {(m.LastUse is { } l ? Text.DaysAgo(ctx.Now, l) : "recently")} (<{days} d): high risk of precipitated withdrawal",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. recent.Select(r => RecentOpioidUse.Describe(ctx, r))],
                [$"Wait at least {days} days after the last dose of methadone, buprenorphine or a long-acting opioid.",
                 "If a faster switch is needed, induce only in a monitored setting where withdrawal can be managed."],
                [Orders.RemoveDraft(ntx, recommended: true), Orders.OrderUrineDrugScreen(ctx, "Confirm opioid-free status before naltrexone")],
                recent.Where(r => r.Class.FromText).Select(r => Text.ClassifiedNote(r.Class)).ToList(), weight: 6));
        }
    }
}
