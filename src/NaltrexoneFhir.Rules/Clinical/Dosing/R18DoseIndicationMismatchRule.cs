using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// R18 · dose-indication-mismatch · info                                   Hooks: order-select, order-sign
/// When a draft oral naltrexone order's indication (reasonCode / reasonReference Condition) is
///      - opioid use disorder, the patient has no naltrexone on record, and the first dose is above 25 mg
///        (Rules:OudStartMaxMg; label: 25 mg first, then 50 mg a day if no withdrawal signs), or
///      - a low-dose naltrexone use (ldn-indications) and the average daily dose is above 5 mg (Rules:LowDoseMaxDailyMg), or
///      - cholestatic pruritus, no naltrexone on record, and the first dose is above 25 mg (Rules:PruritusStartMaxMg)
/// Then info: the dose does not match the usual regimen for that indication. Suggest updating the draft to the
///      usual regimen (OUD 25 mg on day 1 then 50 mg daily; LDN 4.5 mg daily; pruritus 12.5 mg daily to start).
/// Source: clinical-reference §1.1 (OUD induction [RUN-NTX-OUD]; LDN [LDN]; cholestatic pruritus [PRURITUS]).
public sealed class R18DoseIndicationMismatchRule : Rule
{
    public override string Id => "R18";
    public override string Concern => Concerns.DoseIndicationMismatch;
    public override string Title => "Oral naltrexone dose does not match the regimen for its indication";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements, DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OudInduction, ClinicalSources.LowDoseNaltrexone, ClinicalSources.CholestaticPruritus];
    public override bool IsTriggered(TriggerContext context) => context.Triggers.Any(d => d.Class.Has(MedicationKind.NaltrexoneOral));

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var o = ctx.Options;
        var history = ExposureQueries.NaltrexoneHistory(ctx);
        foreach (var draft in ctx.NaltrexoneTriggers.Where(d => d.Class.Has(MedicationKind.NaltrexoneOral)))
        {
            var dose = DraftDoses.Of(ctx).For(draft);
            if (!dose.IsComputed) continue;
            var start = dose.Start!;
            var indications = IndicationQueries.Of(ctx, draft);
            var draftLine = $"Draft order: {draft.Label} ({draft.Reference}) — {dose.Describe()}";
            var historyLine = history.Count == 0 ? "No naltrexone on record: this is a first start." : null;

            if (history.Count == 0 && indications.FirstOrDefault(i => i.Kind == IndicationKind.OpioidUseDisorder) is { } oud && start.MaxSingleMg > o.OudStartMaxMg)
                findings.Add(Found(Indicators.Info,
                    $"Naltrexone for opioid use disorder starts at {Text.Num(start.MaxSingleMg)} mg: the usual first dose is {Text.Num(o.OudStartMaxMg)} mg",
                    [draftLine, $"Indication: {oud.Name} ({oud.Evidence})", historyLine!],
                    [$"Start with {Text.Num(o.OudStartMaxMg)} mg; if no withdrawal signs occur, continue {Text.Num(o.OralMaxAverageDailyMg)} mg a day."],
                    [DosageEdits.Update(draft, $"Start {Text.Num(o.OudStartMaxMg)} mg, then {Text.Num(o.OralMaxAverageDailyMg)} mg daily",
                        $"Update the order to {Text.Num(o.OudStartMaxMg)} mg on day 1, then {Text.Num(o.OralMaxAverageDailyMg)} mg once daily.",
                        [new DosageEdits.Line(o.OudStartMaxMg, "mg", 1, 1, "d", $"{Text.Num(o.OudStartMaxMg)} mg by mouth on day 1", Sequence: 1, BoundsDays: 1),
                         new DosageEdits.Line(o.OralMaxAverageDailyMg, "mg", 1, 1, "d", $"then {Text.Num(o.OralMaxAverageDailyMg)} mg by mouth once daily if there are no signs of withdrawal", Sequence: 2)])],
                    weight: 3, sources: [ClinicalSources.OudInduction]));

            if (indications.FirstOrDefault(i => i.Kind == IndicationKind.LowDoseNaltrexone) is { } ldn && dose.MaxDailyMg > o.LowDoseMaxDailyMg)
                findings.Add(Found(Indicators.Info,
                    $"Naltrexone {Text.Num(dose.MaxDailyMg)} mg/day for {Text.Clip(ldn.Label, 30)}: low-dose naltrexone is usually 1.5–4.5 mg/day",
                    [draftLine, $"Indication: {ldn.Label} — a low-dose naltrexone use ({ldn.Evidence})"],
                    [$"Check the dose: low-dose naltrexone is usually 1.5–4.5 mg a day (at most {Text.Num(o.LowDoseMaxDailyMg)} mg)."],
                    [DosageEdits.Update(draft, $"Change to {Text.Num(o.LowDoseSuggestedMg)} mg daily",
                        $"Update the order to {Text.Num(o.LowDoseSuggestedMg)} mg once daily (low-dose naltrexone).",
                        [new DosageEdits.Line(o.LowDoseSuggestedMg, "mg", 1, 1, "d", $"{Text.Num(o.LowDoseSuggestedMg)} mg by mouth once daily")])],
                    weight: 2, sources: [ClinicalSources.LowDoseNaltrexone]));

            if (history.Count == 0 && indications.FirstOrDefault(i => i.Kind == IndicationKind.CholestaticPruritus) is { } pruritus && start.MaxSingleMg > o.PruritusStartMaxMg)
                findings.Add(Found(Indicators.Info,
                    $"Naltrexone for cholestatic pruritus starts at {Text.Num(start.MaxSingleMg)} mg: start low to avoid withdrawal-like reactions",
                    [draftLine, $"Indication: {pruritus.Name} ({pruritus.Evidence})", historyLine!],
                    [$"Start low (e.g. {Text.Num(o.PruritusStartSuggestedMg)} mg a day): withdrawal-like reactions are reported at the start in cholestasis, even at low doses."],
                    [DosageEdits.Update(draft, $"Start at {Text.Num(o.PruritusStartSuggestedMg)} mg daily",
                        $"Update the order to {Text.Num(o.PruritusStartSuggestedMg)} mg once daily to start.",
                        [new DosageEdits.Line(o.PruritusStartSuggestedMg, "mg", 1, 1, "d", $"{Text.Num(o.PruritusStartSuggestedMg)} mg by mouth once daily to start")])],
                    weight: 1, sources: [ClinicalSources.CholestaticPruritus]));
        }
    }
}
