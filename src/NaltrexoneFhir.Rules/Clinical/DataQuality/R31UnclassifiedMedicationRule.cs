using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.DataQuality;

/// R31 · unclassified-medication · info                                    Hooks: order-select, order-sign
/// When a draft MedicationRequest has no RxNorm/ATC code the service can resolve (directly or through its
///      Medication's ingredients) AND its text matches no known ingredient
/// Then info: the service could not classify the order, so naltrexone safety checks were not run for it
///      (silence is never an answer).
/// Source: service design (CDS Hooks).
public sealed class R31UnclassifiedMedicationRule : Rule
{
    public override string Id => "R31";
    public override string Concern => Concerns.UnclassifiedMedication;
    public override string Title => "Draft medication could not be classified";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.CdsHooksSpec];
    public override bool IsTriggered(TriggerContext context) => context.Triggers.Any(d => d.Class.By == ClassifiedBy.Unclassified);

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        foreach (var d in ctx.Data.TriggerDrafts.Where(d => d.Class.By == ClassifiedBy.Unclassified))
            findings.Add(Found(Indicators.Info,
                $"Could not classify '{Text.Clip(d.Label, 50)}': naltrexone safety checks were not run for it",
                [$"Draft order: {d.Label} ({d.Reference}) — no RxNorm/ATC code and no recognised ingredient name."],
                ["Re-enter the order from the coded formulary so that opioid and naltrexone checks can run."]));
    }
}
