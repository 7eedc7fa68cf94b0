using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R10 · hepatotoxicity · critical                                         Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND active decompensated cirrhosis is on record
///      (716203000, or alcoholic cirrhosis/hepatitis with ascites K70.31/K70.11)
/// Then critical: naltrexone safety is not established in decompensated cirrhosis (exposure ~8× higher).
/// Source: liver-disease cohort (PMC9701476); LiverTox.
public sealed class R10DecompensatedCirrhosisRule : Rule
{
    public override string Id => "R10";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "Decompensated cirrhosis";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverCohort, ClinicalSources.LiverTox];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var matches = ConditionQueries.Active(ctx, ValueSetUrls.CirrhosisDecompensated);
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Critical,
                $"Decompensated cirrhosis on record ({Text.Date(matches[0].Condition.OnsetDateTime ?? matches[0].Condition.RecordedDate)}): naltrexone safety not established",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => m.Describe())],
                ["Ask for a hepatology review before any naltrexone.", "For alcohol use disorder consider acamprosate or baclofen."],
                [Orders.RemoveDraft(ntx, recommended: true)], weight: 7));
    }
}
