using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Populations;

/// R21 · renal-impairment · info                                           Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the latest eGFR within 365 days is 30–59 mL/min/1.73 m²
///      (Rules:EgfrSevereBelow ≤ eGFR < Rules:EgfrModerateBelow), OR — only when no eGFR result is available in the
///      lookback — an active CKD stage 3 condition is on record (value set ckd-moderate)
/// Then info: naltrexone has not been well studied in moderate renal impairment; use caution.
/// Source: clinical-reference §1.7 ([XR-RENAL]; eGFR categories G3a/G3b [ARUP-eGFR]).
public sealed class R21ModerateRenalImpairmentRule : Rule
{
    public override string Id => "R21";
    public override string Concern => Concerns.RenalImpairment;
    public override string Title => "Moderate renal impairment (eGFR 30–59)";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.RenalLabs, DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.ExtendedReleaseRenal, ClinicalSources.EgfrCategories];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var o = ctx.Options;
        var latest = ctx.Memo(RenalFunction.Of).Latest;
        string what;
        List<string> evidence;
        if (latest is not null)
        {
            if (!latest.CertainlyBelow(o.EgfrModerateBelow) || latest.CertainlyBelow(o.EgfrSevereBelow)) return;
            what = $"eGFR {latest.Shown} on {Text.Date(latest.When)}";
            evidence = [$"Latest {latest.Describe()} (moderate: {Text.Num(o.EgfrSevereBelow)}–{Text.Num(o.EgfrModerateBelow - 1)})"];
        }
        else
        {
            var conditions = ConditionQueries.Active(ctx, ValueSetUrls.CkdModerate);
            if (conditions.Count == 0) return;
            what = Text.Clip(conditions[0].Condition.Code.Label("CKD stage 3"), 50);
            evidence = [.. conditions.Select(c => $"On record: {c.Describe()}"), $"No eGFR result in the past {o.EgfrLookbackDays} days."];
        }
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Info,
                $"{what}: moderate renal impairment; naltrexone is not well studied here, use caution",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. evidence],
                ["Use caution; naltrexone has not been well studied in moderate renal impairment."]));
    }
}
