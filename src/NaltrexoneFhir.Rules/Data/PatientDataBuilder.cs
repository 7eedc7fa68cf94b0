using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Terminology;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Data;

/// <summary>Builds the <see cref="PatientData"/> snapshot from a validated hook request and the data read for each key.</summary>
public sealed class PatientDataBuilder(MedicationClassifier classifier)
{
    /// <summary>Classifies the draft orders only (no patient data needed): used to decide which rules are triggered.</summary>
    public IReadOnlyList<DraftMedication> ClassifyDrafts(HookRequest request, ResourceResolver? resolver = null)
    {
        resolver ??= NewResolver(request);
        var drafts = new List<DraftMedication>();
        foreach (var order in request.DraftOrders)
        {
            if (order.Resource is not MedicationRequest mr || mr.Status.IsEnteredInError()) continue;
            var trigger = request.Selections is null || request.Selections.Contains(order.Reference)
                          || (order.FullUrl is not null && request.Selections.Contains(order.FullUrl));
            drafts.Add(new DraftMedication(order, mr, ClassifyRequest(mr, resolver), trigger));
        }
        return drafts;
    }

    public PatientData Build(HookRequest request, IReadOnlyDictionary<string, PrefetchValue> values)
    {
        var resolver = NewResolver(request);
        foreach (var v in values.Values)
        {
            if (v.Bundle is not null) resolver.AddBundle(v.Bundle);
            else foreach (var r in v.Resources) resolver.Add(r);
        }

        var drafts = ClassifyDrafts(request, resolver);
        // The drafts' references ("Type/id", or a fullUrl) as (before, after the first '/'): a resource is a draft when
        // "{TypeName}/{Id}" equals one of them, which (type names hold no '/') is exactly this pair, without building
        // that string for every order in the record.
        var draftIds = new HashSet<(string, string)>();
        foreach (var d in request.DraftOrders)
            if (d.Reference.IndexOf('/') is var slash and >= 0) draftIds.Add((d.Reference[..slash], d.Reference[(slash + 1)..]));
        var pid = request.PatientId;

        // One pass over every resource read: the same type and id (e.g. sent under two prefetch keys) counts once, the
        // first occurrence winning (draft orders echoed back in the data are not patient history), then each type's
        // filter. Was a scan of the whole record per resource type with a "Type/id" string built per resource.
        // Counted first so the long lists are made at their final size (a large history's 5,000 observations grew a
        // list by doubling: twice its size again in discarded arrays).
        int total = 0, observationCount = 0, medicationCount = 0;
        foreach (var v in values.Values)
        foreach (var resource in v.Resources)
        {
            total++;
            if (resource is Observation) observationCount++;
            else if (resource is MedicationRequest or MedicationStatement) medicationCount++;
        }
        var seenIds = new HashSet<(string Type, string Id)>(total, KeyHashedByLastPart.Instance);
        var seenUnidentified = new HashSet<Resource>(ReferenceEqualityComparer.Instance);
        bool FirstOccurrence(Resource r) => r.Id is { } id ? seenIds.Add((r.TypeName, id)) : seenUnidentified.Add(r);
        bool IsDraft(Resource r) => r.Id is not null && draftIds.Count > 0 && draftIds.Contains((r.TypeName, r.Id));

        Patient? patient = null;
        var meds = new List<MedicationUse>(medicationCount);
        var statements = new List<MedicationUse>(); // listed after the requests, as rules expect
        var observations = new List<Observation>(observationCount);
        var conditions = new List<Condition>();
        var allergies = new List<AllergyIntolerance>();
        var serviceRequests = new List<ServiceRequest>();
        var procedures = new List<Procedure>();
        var appointments = new List<Appointment>();
        foreach (var v in values.Values)
        foreach (var resource in v.Resources)
        {
            switch (resource)
            {
                case Patient p:
                    if (patient is null && (p.Id is null || p.Id == pid)) patient = p;
                    break;
                case MedicationRequest mr when !IsDraft(mr):
                    if (!FirstOccurrence(mr) || mr.Status.IsEnteredInError() || mr.Status == MedicationRequestStatus.Draft || !mr.Subject.IsPatient(pid)) break;
                    meds.Add(new MedicationUse(mr, ClassifyRequest(mr, resolver), mr.Status,
                        mr.Status is MedicationRequestStatus.Active or MedicationRequestStatus.OnHold,
                        mr.AuthoredOn, LastUse(mr), mr.DosageInstruction ?? []));
                    break;
                case MedicationStatement ms when !IsDraft(ms):
                    if (!FirstOccurrence(ms) || ms.Status.IsEnteredInError() || ms.Status == "not-taken" || !ms.Subject.IsPatient(pid)) break;
                    statements.Add(Statement(ms, resolver));
                    break;
                case Observation o:
                    if (FirstOccurrence(o) && o.IsUsableObservation() && o.Subject.IsPatient(pid)) observations.Add(o);
                    break;
                case Condition c:
                    if (FirstOccurrence(c) && c.Subject.IsPatient(pid)) conditions.Add(c);
                    break;
                case AllergyIntolerance a:
                    if (FirstOccurrence(a) && a.Patient.IsPatient(pid)) allergies.Add(a);
                    break;
                case ServiceRequest sr when !IsDraft(sr):
                    if (FirstOccurrence(sr) && sr.Subject.IsPatient(pid)) serviceRequests.Add(sr);
                    break;
                case Procedure pr:
                    if (FirstOccurrence(pr) && pr.Subject.IsPatient(pid)) procedures.Add(pr);
                    break;
                case Appointment ap:
                    if (FirstOccurrence(ap)) appointments.Add(ap);
                    break;
            }
        }
        meds.AddRange(statements);

        return new PatientData
        {
            PatientId = pid,
            Hook = request.Hook,
            Patient = patient,
            Medications = meds,
            DraftMedications = drafts,
            OtherDraftOrders = request.DraftOrders.Where(d => d.Resource is not MedicationRequest).ToList(),
            Observations = observations,
            Conditions = conditions,
            Allergies = allergies,
            ServiceRequests = serviceRequests,
            Procedures = procedures,
            Appointments = appointments,
            Availability = values.ToDictionary(kv => kv.Key, kv => new DataStatus(kv.Key, kv.Value.State, kv.Value.Problem)),
            Resolver = resolver,
        };
    }

    private MedicationUse Statement(MedicationStatement ms, ResourceResolver resolver)
    {
        var med = ms.MedicationReference is { } r ? resolver.Resolve<Medication>(r, ms) : null;
        var cls = classifier.Classify(ms.MedicationCodeableConcept, med, ms.MedicationReference?.Display);
        var end = ms.EffectivePeriod?.End is { IsValid: true } e ? e.End : (DateTimeOffset?)null;
        var start = ms.EffectivePeriod?.Start ?? ms.EffectiveDateTime;
        var active = ms.Status is "active" or "intended";
        var last = end ?? (ms.EffectiveDateTime is { IsValid: true } dt ? dt.End : ms.DateAsserted is { IsValid: true } da ? da.End : null);
        return new MedicationUse(ms, cls, ms.Status, active, start, last, ms.Dosage ?? []);
    }

    private MedicationClassification ClassifyRequest(MedicationRequest mr, ResourceResolver resolver)
    {
        var med = mr.MedicationReference is { } r ? resolver.Resolve<Medication>(r, mr) : null;
        return classifier.Classify(mr.MedicationCodeableConcept, med, mr.MedicationReference?.Display, DosageText(mr));
    }

    /// <summary>
    /// Each dosage's route texts and text ("" when absent), joined by spaces: what the classifier reads besides the
    /// medication. Loops instead of the LINQ chain it replaces (it runs for every prescription in the history);
    /// most prescriptions have one dosage without a route, whose text is the whole result.
    /// </summary>
    internal static string DosageText(MedicationRequest mr)
    {
        if (mr.DosageInstruction is not { Count: > 0 } dosages) return "";
        if (dosages.Count == 1 && dosages[0].Route is null) return dosages[0].Text ?? "";
        var parts = new List<string>();
        foreach (var d in dosages)
        {
            parts.AddRange(d.Route.Texts());
            parts.Add(d.Text ?? "");
        }
        return string.Join(' ', parts);
    }

    private static ResourceResolver NewResolver(HookRequest request)
    {
        var resolver = new ResourceResolver();
        if (request.DraftOrdersBundle is { } b) resolver.AddBundle(b);
        return resolver;
    }

    /// <summary>
    /// Latest moment a prescription may still be taken: the latest of validity end, dosage bounds end and
    /// authoredOn + expected supply / bounds duration; else the authored day.
    /// </summary>
    internal static DateTimeOffset? LastUse(MedicationRequest mr)
    {
        DateTimeOffset? best = null;
        void Consider(DateTimeOffset? t) { if (t is { } v && (best is null || v > best)) best = v; }
        if (mr.DispenseRequest?.ValidityPeriod?.End is { IsValid: true } ve) Consider(ve.End);
        foreach (var d in mr.DosageInstruction ?? [])
            if (d.Timing?.Repeat?.BoundsPeriod?.End is { IsValid: true } be) Consider(be.End);
        if (mr.AuthoredOn is { IsValid: true } authored)
        {
            Consider(authored.End);
            var supplyDays = Days(mr.DispenseRequest?.ExpectedSupplyDuration);
            foreach (var d in mr.DosageInstruction ?? [])
                supplyDays = Math.Max(supplyDays, Days(d.Timing?.Repeat?.BoundsDuration));
            if (supplyDays > 0) Consider(authored.End.AddDays((double)supplyDays));
        }
        return best;
    }

    internal static decimal Days(Quantity? q)
    {
        if (q?.Value is not { } v || v <= 0) return 0;
        return (q.Code ?? q.Unit)?.ToLowerInvariant() switch
        {
            "d" or "day" or "days" => v,
            "wk" or "week" or "weeks" => v * 7,
            "mo" or "month" or "months" => v * 30,
            "h" or "hour" or "hours" => v / 24,
            "a" or "year" or "years" => v * 365,
            _ => 0,
        };
    }
}
