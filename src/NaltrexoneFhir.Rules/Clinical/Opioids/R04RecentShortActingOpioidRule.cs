using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R04 · recent-opioid-use · critical                                      Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND a short-acting opioid (not active any more) was possibly taken
///      within the last 10 days (configurable: Rules:ShortActingOpioidWashoutDays)
/// Then critical: starting naltrexone now may precipitate severe withdrawal.
/// Source: oral label [PP-NTX]; Vivitrol 5.3 [VIV-5.x].
public sealed class R04RecentShortActingOpioidRule : Rule
{
    public override string Id => "R04";
    public override string Concern => Concerns.RecentOpioidUse;
    public override string Title => "Short-acting opioid used within the washout before naltrexone";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabelDosing, ClinicalSources.VivitrolWarnings];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var days = ctx.Options.ShortActingOpioidWashoutDays;
        var within = RecentOpioidUse.Within(ctx, longActing: false, days);
        if (within.Count == 0) return;   // the usual case: no sorting set up for nothing
        var recent = within.OrderByDescending(m => m.LastUse).ToList();
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var m = recent[0];
            findings.Add(Found(Indicators.Critical,
                $"{Text.Clip(m.Label, 50)} used {(m.LastUse is { } l ? Text.DaysAgo(ctx.Now, l) : "recently")} (<{days} d): naltrexone may precipitate withdrawal",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. recent.Select(r => RecentOpioidUse.Describe(ctx, r))],
                [$"Delay the start until the patient has been opioid-free for 7–{days} days.",
                 "Confirm with a urine opioid screen or a naloxone challenge before the first dose."],
                [Orders.RemoveDraft(ntx, recommended: true), Orders.OrderUrineDrugScreen(ctx, "Confirm opioid-free status before naltrexone")],
                recent.Where(r => r.Class.FromText).Select(r => Text.ClassifiedNote(r.Class)).ToList(), weight: 5));
        }
    }
}
