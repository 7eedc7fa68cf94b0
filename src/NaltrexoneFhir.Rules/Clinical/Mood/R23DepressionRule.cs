using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Mood;

/// R23 · depression-suicidality · info (warning with naltrexone/bupropion)       Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND active, not refuted depression is on record (value set depression;
///      text matches are dropped for negations and other senses such as "respiratory depression" or "ST depression")
/// Then info — one level higher (warning) with naltrexone/bupropion: monitor mood during treatment.
/// Source: Vivitrol 5.5 [VIV-BS-5.5]; Contrave boxed warning [CONTRAVE].
public sealed class R23DepressionRule : Rule
{
    public override string Id => "R23";
    public override string Concern => Concerns.DepressionSuicidality;
    public override string Title => "Depression on record";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolBriefSummaryDepression, ClinicalSources.Contrave];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var matches = ConditionQueries.Active(ctx, ValueSetUrls.Depression);
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var contrave = ntx.Class.Has(MedicationKind.NaltrexoneBupropion);
            findings.Add(Found(contrave ? Indicators.Warning : Indicators.Info,
                $"{Text.Clip(matches[0].Condition.Code.Label("Depression"), 45)} on record: monitor mood during {(contrave ? "naltrexone/bupropion" : "naltrexone")} treatment",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => $"On record: {m.Describe()}")],
                ["Follow up on mood and ask about suicidal thoughts during treatment; ask family or caregivers to report changes."],
                sources: contrave ? [ClinicalSources.Contrave, ClinicalSources.VivitrolBriefSummaryDepression] : [ClinicalSources.VivitrolBriefSummaryDepression]));
        }
    }
}
