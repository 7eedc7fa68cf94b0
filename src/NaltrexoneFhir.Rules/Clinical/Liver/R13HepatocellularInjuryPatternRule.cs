using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R13 · hepatotoxicity · critical                                         Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the latest ALT or AST is > 3× ULN AND the latest total bilirubin
///      (mg/dL or µmol/L) is > 2× ULN (Hy's-law pattern)
/// Then critical: suggests liver injury; urgent evaluation before any naltrexone.
/// Source: secondary practice cut-offs; LiverTox.
public sealed class R13HepatocellularInjuryPatternRule : Rule
{
    public override string Id => "R13";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "Transaminases > 3× and bilirubin > 2× ULN";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverTox];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var labs = ctx.Memo(LiverLabAssessment.Of);
        var worst = labs.WorstTransaminase;
        var bili = labs.Bilirubin;
        var o = ctx.Options;
        if (worst is null || bili is null || worst.Ratio <= o.TransaminaseWarningMultiple || bili.Ratio <= o.BilirubinMultiple) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Critical,
                $"{worst.Name} {Text.Ratio(worst.Ratio)} and bilirubin {Text.Ratio(bili.Ratio)} ULN ({Text.Date(bili.When)}): suggests liver injury; do not start",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. labs.Transaminases.Select(r => r.Describe()), bili.Describe()],
                ["Urgent liver evaluation before any naltrexone."],
                [Orders.RemoveDraft(ntx, recommended: true)], weight: 7));
    }
}
