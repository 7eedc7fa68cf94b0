using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Surgery;

/// R29 · planned-surgery · warning                                         Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND a surgery (value set surgical-procedures, by code or text; text
///      such as "surgical consult" or "post-op follow-up" does not count) is planned — a ServiceRequest
///      (active/draft/on-hold, incl. drafts in this session) by its occurrence, a Procedure (preparation/in-progress)
///      by its performed date, or an Appointment (proposed/pending/booked) by its start — possibly within the hold
///      window ahead: 3 days for oral naltrexone and naltrexone/bupropion (Rules:SurgeryHoldOralDays), 30 days for
///      extended-release naltrexone (Rules:SurgeryHoldExtendedReleaseDays)
/// Then warning: naltrexone will block opioid analgesia. Hold oral naltrexone 72 h before surgery; for
///      extended-release plan 30 days ahead or non-opioid anaesthesia/analgesia.
/// Source: ASAM 2015 [ASAM-2015], [ASAM-2015t]; secondary [SURGERY-HOLD].
public sealed class R29PlannedSurgeryRule : Rule
{
    public override string Id => "R29";
    public override string Concern => Concerns.PlannedSurgery;
    public override string Title => "Surgery planned within the naltrexone hold window";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.ServiceRequests, DataKeys.Procedures, DataKeys.Appointments];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.Asam2015, ClinicalSources.Asam2015Table, ClinicalSources.SurgeryHoldSecondary];

    private sealed record Planned(string Label, string Reference, FhirDateTime When);

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var planned = PlannedSurgeries(ctx).ToList();
        if (planned.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var xr = ntx.Class.Has(MedicationKind.NaltrexoneExtendedRelease);
            var days = xr ? ctx.Options.SurgeryHoldExtendedReleaseDays : ctx.Options.SurgeryHoldOralDays;
            var horizon = ctx.Now.AddDays(days);
            var soon = planned.Where(p => p.When.Start < horizon && p.When.End > ctx.Now).OrderBy(p => p.When.Start).ToList();
            if (soon.Count == 0) continue;
            var first = soon[0];
            findings.Add(Found(Indicators.Warning,
                $"{Text.Clip(first.Label, 40)} planned {Text.Date(first.When)} (within {days} days): naltrexone will block opioid analgesia",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. soon.Select(p => $"Planned: {p.Label} on {Text.Date(p.When)} ({p.Reference})")],
                xr
                    ? ["Extended-release naltrexone should be held 30 days before an expected surgery: postpone the injection, or plan regional/non-opioid anaesthesia and analgesia.",
                       "If opioids are needed, give them with continuous monitoring in an anaesthesia care setting."]
                    : ["Hold oral naltrexone 72 hours before surgery; plan non-opioid analgesia (NSAIDs; short-term ketorolac for moderate–severe pain).",
                       "Restarting after perioperative opioids again needs the 7–10 day opioid-free interval."],
                [Orders.RemoveDraft(ntx)]));
        }
    }

    private static IEnumerable<Planned> PlannedSurgeries(RuleContext ctx)
    {
        var set = ctx.ValueSet(ValueSetUrls.SurgicalProcedures);
        bool IsSurgery(params CodeableConcept?[] concepts) =>
            concepts.Any(c => set.ContainsAny(c)) || concepts.SelectMany(c => c.Texts()).Any(t => set.MatchesText(t) && !TextGuards.RejectsSurgery(t));

        var requests = ctx.Data.ServiceRequests.Concat(ctx.Data.OtherDraftOrders.Select(d => d.Resource).OfType<ServiceRequest>()).DistinctBy(s => s.Id ?? Guid.NewGuid().ToString());
        foreach (var sr in requests)
        {
            if (sr.Status is not (null or "active" or "draft" or "on-hold")) continue;
            if (!IsSurgery([sr.Code, .. sr.Category ?? []])) continue;
            if ((sr.OccurrenceDateTime ?? sr.OccurrencePeriod?.Start) is { IsValid: true } when)
                yield return new Planned(sr.Code.Label("Surgery"), $"ServiceRequest/{sr.Id}", when);
        }
        foreach (var p in ctx.Data.Procedures)
        {
            if (p.Status is not ("preparation" or "in-progress")) continue;
            if (!IsSurgery(p.Code, p.Category)) continue;
            if ((p.PerformedDateTime ?? p.PerformedPeriod?.Start) is { IsValid: true } when)
                yield return new Planned(p.Code.Label("Surgery"), $"Procedure/{p.Id}", when);
        }
        foreach (var a in ctx.Data.Appointments)
        {
            if (a.Status is not ("proposed" or "pending" or "booked")) continue;
            var description = a.Description is { Length: > 0 } d ? new CodeableConcept { Text = d } : null;
            if (!IsSurgery([.. a.ServiceType ?? [], .. a.ServiceCategory ?? [], a.AppointmentType, .. a.ReasonCode ?? [], description])) continue;
            if (a.Start is { IsValid: true } when)
                yield return new Planned(a.ServiceType?.FirstOrDefault().Label(a.Description ?? "Surgery") ?? a.Description ?? "Surgery", $"Appointment/{a.Id}", when);
        }
    }
}
