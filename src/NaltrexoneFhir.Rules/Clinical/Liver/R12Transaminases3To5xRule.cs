using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R12 · hepatotoxicity · warning                                          Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the latest ALT or AST within 365 days is > 3× and ≤ 5× ULN
/// Then warning: weigh the benefit; repeat LFTs within 2–4 weeks after starting; stop if hepatitis symptoms appear.
/// Source: LiverTox (>3× ULN); Vivitrol 5.4 [VIV-5.x].
public sealed class R12Transaminases3To5xRule : Rule
{
    public override string Id => "R12";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "ALT or AST 3–5× the upper limit of normal";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverTox, ClinicalSources.VivitrolWarnings];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var labs = ctx.Memo(LiverLabAssessment.Of);
        var worst = labs.WorstTransaminase;
        var o = ctx.Options;
        if (worst is null || worst.Ratio <= o.TransaminaseWarningMultiple || worst.Ratio > o.TransaminaseCriticalMultiple) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Warning,
                $"{worst.Name} {Text.Num(worst.Value)} {worst.Unit} ({Text.Ratio(worst.Ratio)} ULN) on {Text.Date(worst.When)}: weigh benefit, monitor liver tests",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. labs.Transaminases.Select(r => r.Describe())],
                ["Weigh the benefit against the risk of liver injury.", "Repeat liver tests within 2–4 weeks after starting; stop naltrexone if symptoms or signs of hepatitis appear."],
                [Orders.OrderHepaticPanel(ctx, $"Monitor liver tests: {worst.Name} {Text.Ratio(worst.Ratio)} ULN")], weight: 3));
    }
}
