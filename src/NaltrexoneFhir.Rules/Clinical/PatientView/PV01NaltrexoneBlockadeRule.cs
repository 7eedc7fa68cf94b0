using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.PatientView;

/// PV01 · naltrexone-opioid-blockade · info (warning with an active opioid) Hooks: patient-view
/// When the patient is on naltrexone (active oral naltrexone or naltrexone/bupropion, or extended-release naltrexone
///      within 35 days)
/// Then info: opioid analgesics are blocked (regional / non-opioid analgesia; monitored setting if an opioid is
///      essential), and when liver tests were last done.
/// Source: Vivitrol label §7 and 5.6; ASAM 2015.
public sealed class PV01NaltrexoneBlockadeRule : Rule
{
    public override string Id => "PV01";
    public override string Concern => Concerns.NaltrexoneBlockade;
    public override string Title => "Patient on naltrexone: opioid analgesia blocked";
    public override IReadOnlySet<string> Hooks { get; } = new HashSet<string> { HookNames.PatientView };
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements, DataKeys.LiverLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolInteractions, ClinicalSources.Asam2015];
    public override bool IsTriggered(TriggerContext context) => true;

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var ntx = ExposureQueries.ActiveNaltrexone(ctx, includeDrafts: false);
        if (ntx.Count == 0) return;
        var labs = ctx.Memo(LiverLabAssessment.Of);
        var last = labs.LastLiverTest?.When() is { } w ? $"last LFT {Text.Date(w)}" : "no LFT on file";
        findings.Add(Found(Indicators.Info,
            $"On {Text.Clip(ntx[0].Label, 45)}: opioid analgesia is blocked; {last}",
            [.. ntx.Select(n => $"Naltrexone: {n.Label} — {n.Description} ({n.Reference})"),
             labs.LastLiverTest is { } t ? $"Most recent liver test: {t.Code.Label("liver test")} on {Text.Date(t.When())} (Observation/{t.Id})" : "No ALT, AST or hepatic panel on file."],
            ["For pain use regional or non-opioid analgesia; if an opioid is essential, give it only with continuous monitoring.",
             "Opioid tolerance is lower after naltrexone stops: counsel about overdose and naloxone."]));

        var opioids = ExposureQueries.ActiveOpioids(ctx).Where(o => !o.IsDraft).ToList();
        if (opioids.Count > 0)
            findings.Add(new Finding
            {
                RuleId = Id,
                Concern = Concerns.OpioidCoprescription,
                Indicator = Indicators.Warning,
                Summary = $"Active {Text.Clip(opioids[0].Label, 40)} while on {Text.Clip(ntx[0].Label, 35)}: opioid blocked; review both",
                Evidence = [.. opioids.Select(o => $"Opioid: {o.Label} — {o.Description} ({o.Reference})"), .. ntx.Select(n => $"Naltrexone: {n.Label} — {n.Description} ({n.Reference})")],
                Actions = ["Review whether both are intended; the opioid will not work while naltrexone blocks the receptors."],
                Sources = Sources,
            });
    }
}
