using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Mood;

/// R22 · depression-suicidality · warning (critical with naltrexone/bupropion)   Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND active, not refuted suicidal ideation is on record (6471006 /
///      R45.851, value set suicidal-ideation; text matches are dropped when negated, e.g. "denies suicidal ideation")
/// Then warning — one level higher (critical) when the draft is naltrexone/bupropion, which carries a boxed warning
///      for suicidal thoughts and behaviours: monitor closely; arrange a mental-health follow-up; involve family.
/// Source: Vivitrol 5.5 [VIV-BS-5.5]; Contrave boxed warning [CONTRAVE].
public sealed class R22SuicidalIdeationRule : Rule
{
    public override string Id => "R22";
    public override string Concern => Concerns.DepressionSuicidality;
    public override string Title => "Suicidal ideation on record";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolBriefSummaryDepression, ClinicalSources.Contrave];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var matches = ConditionQueries.Active(ctx, ValueSetUrls.SuicidalIdeation);
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var contrave = ntx.Class.Has(MedicationKind.NaltrexoneBupropion);
            findings.Add(Found(contrave ? Indicators.Critical : Indicators.Warning,
                contrave
                    ? "Suicidal ideation on record: naltrexone/bupropion has a boxed warning for suicidal thoughts and behaviours"
                    : "Suicidal ideation on record: monitor closely for depression and suicidal thoughts on naltrexone",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => $"On record: {m.Describe()}")],
                ["Arrange a mental-health follow-up before or soon after starting; ask family or caregivers to report mood changes or suicidal thoughts.",
                 .. contrave ? ["Bupropion (in naltrexone/bupropion) carries a boxed warning for suicidal thoughts and behaviours: weigh an alternative."] : Array.Empty<string>()],
                contrave ? [Orders.RemoveDraft(ntx)] : null, weight: 2,
                sources: contrave ? [ClinicalSources.Contrave, ClinicalSources.VivitrolBriefSummaryDepression] : [ClinicalSources.VivitrolBriefSummaryDepression]));
        }
    }
}
