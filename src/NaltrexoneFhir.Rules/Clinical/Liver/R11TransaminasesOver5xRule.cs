using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R11 · hepatotoxicity · critical                                         Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the latest ALT or AST within 365 days is > 5× ULN
///      (ULN = the Observation's referenceRange.high, else Rules:AltUpperLimitUPerL/AstUpperLimitUPerL; U/L, IU/L,
///      µkat/L and nkat/L converted)
/// Then critical: hold naltrexone, repeat the hepatic panel and work up the cause.
/// Source: COMBINE (>5× ULN); LiverTox.
public sealed class R11TransaminasesOver5xRule : Rule
{
    public override string Id => "R11";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "ALT or AST above 5× the upper limit of normal";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.Combine, ClinicalSources.LiverTox];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var labs = ctx.Memo(LiverLabAssessment.Of);
        var worst = labs.WorstTransaminase;
        if (worst is null || worst.Ratio <= ctx.Options.TransaminaseCriticalMultiple) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Critical,
                $"{worst.Name} {Text.Num(worst.Value)} {worst.Unit} ({Text.Ratio(worst.Ratio)} ULN) on {Text.Date(worst.When)}: high risk if naltrexone is started",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. labs.Transaminases.Select(r => r.Describe())],
                ["Hold naltrexone.", "Repeat the hepatic function panel and work up the cause of the elevation."],
                [Orders.RemoveDraft(ntx, recommended: true), Orders.OrderHepaticPanel(ctx, $"Repeat liver tests: {worst.Name} {Text.Ratio(worst.Ratio)} ULN")],
                weight: 6));
    }
}
