using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R15 · missing-baseline-lft · warning                                    Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND no ALT, AST or hepatic/metabolic panel result lies certainly
///      within the last 365 days (Rules:LiverTestLookbackDays; a partial date counts only if all of it is inside)
/// Then warning, with a one-click order for a hepatic function panel (LOINC 24325-3).
/// Only when the liver-lab data is known (prefetch Bundle or null); never when it could not be read.
/// Source: labels' hepatotoxicity warnings [VIV-5.x]; LiverTox.
public sealed class R15MissingBaselineLftRule : Rule
{
    public override string Id => "R15";
    public override string Concern => Concerns.MissingBaselineLft;
    public override string Title => "No liver function tests in the lookback window";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolWarnings, ClinicalSources.LiverTox];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var labs = ctx.Memo(LiverLabAssessment.Of);
        if (labs.HasRecentLiverTest) return;
        var days = ctx.Options.LiverTestLookbackDays;
        var last = labs.LastLiverTest;
        var lastText = last?.When() is { } w ? $"last liver test {Text.Date(w)}" : "none on file";
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Warning,
                $"No ALT/AST in the past {days} days ({lastText}) before starting naltrexone",
                [$"Draft order: {ntx.Label} ({ntx.Reference})",
                 last is null ? "No ALT, AST or hepatic panel result on file." : $"Most recent liver test: {last.Code.Label("liver test")} on {Text.Date(last.When())} (Observation/{last.Id})"],
                ["Order a hepatic function panel (LOINC 24325-3) as a baseline.", "For alcohol use disorder at standard dose, waiting for the result need not delay the start."],
                [Orders.OrderHepaticPanel(ctx, "Baseline liver tests before naltrexone")]));
    }
}
