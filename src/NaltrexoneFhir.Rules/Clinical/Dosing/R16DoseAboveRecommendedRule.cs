using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// R16 · dose-above-recommended · warning                                  Hooks: order-select, order-sign
/// When a draft oral naltrexone order averages more than 50 mg a day in any phase (dose × frequency from
///      dosageInstruction; Rules:OralMaxAverageDailyMg) — the label schedules 100 mg every other day, 50 mg Mon–Fri +
///      100 mg Sat, 100/100/150 mg Mon/Wed/Fri and 150 mg every third day all average exactly 50 mg and stay silent —
///      or a draft naltrexone/bupropion order gives more than its maintenance dose of 32 mg naltrexone a day
///      (2 tablets twice daily; Rules:NaltrexoneBupropionMaxDailyNaltrexoneMg)
/// Then warning: hepatocellular injury is more likely at higher doses. Suggest updating the draft to 50 mg once
///      daily or 100 mg every other day (for naltrexone/bupropion: 2 tablets twice daily).
/// Source: oral label adverse reactions [DM-NTX]; dosing schedules [PDR]; Contrave label [CONTRAVE].
public sealed class R16DoseAboveRecommendedRule : Rule
{
    public override string Id => "R16";
    public override string Concern => Concerns.DoseAboveRecommended;
    public override string Title => "Oral naltrexone above 50 mg a day on average (naltrexone/bupropion above 2 tablets twice daily)";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabel, ClinicalSources.DosingSchedules, ClinicalSources.Contrave];
    public override bool IsTriggered(TriggerContext context) =>
        context.Triggers.Any(d => d.Class.Has(MedicationKind.NaltrexoneOral) || d.Class.Has(MedicationKind.NaltrexoneBupropion));

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var doses = DraftDoses.Of(ctx);
        foreach (var draft in ctx.NaltrexoneTriggers)
        {
            var product = DraftDoses.ProductOf(draft);
            if (product == DoseProduct.ExtendedRelease) continue;
            var dose = doses.For(draft);
            if (!dose.IsComputed) continue;
            var max = product == DoseProduct.NaltrexoneBupropion ? ctx.Options.NaltrexoneBupropionMaxDailyNaltrexoneMg : ctx.Options.OralMaxAverageDailyMg;
            if (dose.MaxDailyMg <= max) continue;

            var upTo = dose.Phases.Any(p => !p.DailyMg.IsExact) ? "up to " : "";
            var evidence = new List<string>
            {
                $"Draft order: {draft.Label} ({draft.Reference})",
                $"Dose: {dose.Describe()}",
                $"Highest average daily dose: {upTo}{Text.Num(dose.MaxDailyMg)} mg of naltrexone a day (limit {Text.Num(max)} mg a day)",
            };
            if (dose.Strength is { } s && dose.Phases.SelectMany(p => p.Lines).Any(l => l.Text.Contains('(')))
                evidence.Add($"Strength used: {Text.Num(s.MgPerUnit)} mg naltrexone per unit, from {s.Source}");

            if (product == DoseProduct.NaltrexoneBupropion)
            {
                findings.Add(Found(Indicators.Warning,
                    $"Naltrexone/bupropion gives {upTo}{Text.Num(dose.MaxDailyMg)} mg naltrexone a day, above the 2 tablets twice daily maintenance dose",
                    evidence,
                    ["Do not exceed 2 tablets twice daily (32 mg naltrexone / 360 mg bupropion a day); bupropion's seizure risk rises with dose."],
                    [ContraveMaintenance(draft)], weight: 2, sources: [ClinicalSources.Contrave]));
                continue;
            }
            findings.Add(Found(Indicators.Warning,
                $"Naltrexone {upTo}{Text.Num(dose.MaxDailyMg)} mg/day on average (>{Text.Num(max)} mg/day): hepatocellular injury is more likely",
                evidence,
                [$"Reduce to {Text.Num(max)} mg a day, or use a label schedule such as 100 mg every other day.",
                 "If a higher dose is intended, monitor liver tests."],
                [DosageEdits.Update(draft, $"Change to {Text.Num(max)} mg once daily",
                     $"Update the naltrexone order to {Text.Num(max)} mg by mouth once daily (the dispense quantity is unchanged: check it).",
                     [new DosageEdits.Line(max, "mg", 1, 1, "d", $"{Text.Num(max)} mg by mouth once daily")]),
                 DosageEdits.Update(draft, $"Change to {Text.Num(2 * max)} mg every other day",
                     $"Update the naltrexone order to {Text.Num(2 * max)} mg by mouth every other day (label schedule; check the dispense quantity).",
                     [new DosageEdits.Line(2 * max, "mg", 1, 2, "d", $"{Text.Num(2 * max)} mg by mouth every other day")], recommended: false)],
                weight: 2, sources: [ClinicalSources.OralLabel, ClinicalSources.DosingSchedules]));
        }
    }

    private static SuggestionSpec ContraveMaintenance(DraftMedication draft) =>
        DosageEdits.Update(draft, "Change to 2 tablets twice daily",
            "Update the naltrexone/bupropion order to the maintenance dose of 2 tablets by mouth twice daily.",
            [new DosageEdits.Line(2, "tablet", 2, 1, "d", "2 tablets by mouth twice daily")]);
}
