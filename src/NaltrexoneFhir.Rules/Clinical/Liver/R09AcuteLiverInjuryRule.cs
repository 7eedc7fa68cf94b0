using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Liver;

/// R09 · hepatotoxicity · critical                                         Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND an active (not refuted) condition of acute hepatitis (any cause),
///      acute or chronic hepatic failure or end-stage liver disease is on record (value set liver-acute-injury)
/// Then critical: naltrexone is generally avoided. This follows the pre-2013 label contraindication and practice
///      references; the current label lists hepatotoxicity as a warning — the card says so.
/// Source: legacy label [MNK-old]; Vivitrol 5.4 [VIV-5.x]; LiverTox.
public sealed class R09AcuteLiverInjuryRule : Rule
{
    public override string Id => "R09";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "Acute hepatitis or liver failure on record";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LegacyOralLabel, ClinicalSources.VivitrolWarnings, ClinicalSources.LiverTox];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var matches = ConditionQueries.Active(ctx, ValueSetUrls.LiverAcuteInjury);
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Critical,
                $"{Text.Clip(matches[0].Condition.Code.Label("Acute liver disease"), 50)} on record: naltrexone is generally avoided in acute liver injury",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => m.Describe())],
                ["Do not start naltrexone; review liver status and discuss alternatives.",
                 "Acute hepatitis/liver failure was a contraindication in the pre-2013 label; the current label warns of hepatotoxicity and says to stop naltrexone if acute hepatitis develops."],
                [Orders.RemoveDraft(ntx, recommended: true)], weight: 8));
    }
}
