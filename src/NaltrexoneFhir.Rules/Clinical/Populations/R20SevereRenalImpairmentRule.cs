using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Populations;

/// R20 · renal-impairment · warning                                        Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the latest eGFR within 365 days (Rules:EgfrLookbackDays) is below
///      30 mL/min/1.73 m² (Rules:EgfrSevereBelow), OR an active CKD stage 4/5 or end-stage renal disease condition is
///      on record (value set ckd-severe)
/// Then warning: naltrexone and 6-β-naltrexol are cleared by the kidneys; use caution, review the need and monitor.
/// Source: clinical-reference §1.7 (drug summary [RUN-NTX]; XR-NTX not studied in moderate/severe impairment
///      [XR-RENAL]; eGFR categories [ARUP-eGFR]).
public sealed class R20SevereRenalImpairmentRule : Rule
{
    public override string Id => "R20";
    public override string Concern => Concerns.RenalImpairment;
    public override string Title => "Severe renal impairment (eGFR below 30, CKD stage 4–5 or ESRD)";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.RenalLabs, DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.RenalSummary, ClinicalSources.ExtendedReleaseRenal, ClinicalSources.EgfrCategories];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var limit = ctx.Options.EgfrSevereBelow;
        var latest = ctx.Memo(RenalFunction.Of).Latest;
        var low = latest is not null && latest.CertainlyBelow(limit) ? latest : null;
        var conditions = ConditionQueries.Active(ctx, ValueSetUrls.CkdSevere);
        if (low is null && conditions.Count == 0) return;
        var what = low is not null ? $"eGFR {low.Shown} on {Text.Date(low.When)}" : Text.Clip(conditions[0].Condition.Code.Label("Severe CKD"), 50);
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Warning,
                $"{what}: severe renal impairment; naltrexone is renally cleared, use caution",
                [$"Draft order: {ntx.Label} ({ntx.Reference})",
                 .. low is not null ? [$"Latest {low.Describe()} (severe: below {Text.Num(limit)})"] : Array.Empty<string>(),
                 .. conditions.Select(c => $"On record: {c.Describe()}")],
                ["Review the need for naltrexone; naltrexone and 6-β-naltrexol are excreted mainly in urine.",
                 "Monitor for adverse effects; extended-release naltrexone was not studied in moderate or severe renal impairment."],
                weight: 2));
    }
}
