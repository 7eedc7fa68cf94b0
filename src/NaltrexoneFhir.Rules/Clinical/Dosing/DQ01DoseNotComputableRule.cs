using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// DQ01 · dose-not-computable · info                                       Hooks: order-select, order-sign
/// When a draft naltrexone product has a dosageInstruction whose dose cannot be read exactly: no structured dose
///      (text only), a unit that is not mg/g/mcg or a count with a known strength, no usable frequency for an oral
///      product, an ambiguous naltrexone/bupropion mg amount, dates instead of a frequency, or mixed sequence numbers.
///      (An order with no dosageInstruction at all states no dose: nothing to check, no card.)
/// Then info: the dose checks (R16–R18) were not run for this order, and why — never a guessed dose.
/// Source: service design; oral label dosing [DM-NTX]; Vivitrol dosing [VIV-HL].
public sealed class DQ01DoseNotComputableRule : Rule
{
    public override string Id => "DQ01";
    public override string Concern => Concerns.DoseNotComputable;
    public override string Title => "Naltrexone dose could not be computed from the order";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabel, ClinicalSources.VivitrolHighlights];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        foreach (var draft in ctx.NaltrexoneTriggers)
        {
            var dose = DraftDoses.Of(ctx).For(draft);
            if (dose.Status != DoseStatus.NotComputable) continue;
            findings.Add(Found(Indicators.Info,
                $"Could not compute the {Text.Short(draft.Label, 30)} dose from its dosage instruction: dose checks were not run",
                [$"Draft order: {draft.Label} ({draft.Reference})", $"Why: {dose.Problem}.",
                 .. (draft.Request.DosageInstruction ?? []).Where(d => !string.IsNullOrWhiteSpace(d.Text)).Select(d => $"Dosage text: '{d.Text}'")],
                ["Check the dose against the label: oral 50 mg a day (OUD: start 25 mg); extended-release 380 mg every 4 weeks; naltrexone/bupropion up to 2 tablets twice daily.",
                 "Enter the dose as a structured amount in mg (or tablets) with a frequency so the checks can run."]));
        }
    }
}
