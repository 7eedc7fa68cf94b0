using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Terminology;

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
        var draftIds = request.DraftOrders.Select(d => d.Reference).ToHashSet(StringComparer.Ordinal);
        var pid = request.PatientId;

        var all = values.Values.SelectMany(v => v.Resources).ToList();
        bool Keep(Resource r) => r.Id is null || !draftIds.Contains($"{r.TypeName}/{r.Id}");

        var meds = new List<MedicationUse>();
        foreach (var mr in all.OfType<MedicationRequest>().Where(Keep).DistinctBy(Identity))
        {
            if (mr.Status.IsEnteredInError() || mr.Status == MedicationRequestStatus.Draft || !mr.Subject.IsPatient(pid)) continue;
            meds.Add(new MedicationUse(mr, ClassifyRequest(mr, resolver), mr.Status,
                mr.Status is MedicationRequestStatus.Active or MedicationRequestStatus.OnHold,
                mr.AuthoredOn, LastUse(mr), mr.DosageInstruction ?? []));
        }
        foreach (var ms in all.OfType<MedicationStatement>().Where(Keep).DistinctBy(Identity))
        {
            if (ms.Status.IsEnteredInError() || ms.Status == "not-taken" || !ms.Subject.IsPatient(pid)) continue;
            var med = ms.MedicationReference is { } r ? resolver.Resolve<Medication>(r, ms) : null;
            var cls = classifier.Classify(ms.MedicationCodeableConcept, med, ms.MedicationReference?.Display);
            var end = ms.EffectivePeriod?.End is { IsValid: true } e ? e.End : (DateTimeOffset?)null;
            var start = ms.EffectivePeriod?.Start ?? ms.EffectiveDateTime;
            var active = ms.Status is "active" or "intended";
            var last = end ?? (ms.EffectiveDateTime is { IsValid: true } dt ? dt.End : ms.DateAsserted is { IsValid: true } da ? da.End : null);
            meds.Add(new MedicationUse(ms, cls, ms.Status, active, start, last, ms.Dosage ?? []));
        }

        return new PatientData
        {
            PatientId = pid,
            Hook = request.Hook,
            Patient = all.OfType<Patient>().FirstOrDefault(p => p.Id is null || p.Id == pid),
            Medications = meds,
            DraftMedications = drafts,
            OtherDraftOrders = request.DraftOrders.Where(d => d.Resource is not MedicationRequest).ToList(),
            Observations = all.OfType<Observation>().DistinctBy(Identity).Where(o => o.IsUsableObservation() && o.Subject.IsPatient(pid)).ToList(),
            Conditions = all.OfType<Condition>().DistinctBy(Identity).Where(c => c.Subject.IsPatient(pid)).ToList(),
            Allergies = all.OfType<AllergyIntolerance>().DistinctBy(Identity).Where(a => a.Patient.IsPatient(pid)).ToList(),
            ServiceRequests = all.OfType<ServiceRequest>().Where(Keep).DistinctBy(Identity).Where(s => s.Subject.IsPatient(pid)).ToList(),
            Procedures = all.OfType<Procedure>().DistinctBy(Identity).Where(p => p.Subject.IsPatient(pid)).ToList(),
            Appointments = all.OfType<Appointment>().DistinctBy(Identity).ToList(),
            Availability = values.ToDictionary(kv => kv.Key, kv => new DataStatus(kv.Key, kv.Value.State, kv.Value.Problem)),
            Resolver = resolver,
        };
    }

    private MedicationClassification ClassifyRequest(MedicationRequest mr, ResourceResolver resolver)
    {
        var med = mr.MedicationReference is { } r ? resolver.Resolve<Medication>(r, mr) : null;
        var extra = string.Join(' ', (mr.DosageInstruction ?? []).SelectMany(d => d.Route.Texts().Append(d.Text ?? "")));
        return classifier.Classify(mr.MedicationCodeableConcept, med, mr.MedicationReference?.Display, extra);
    }

    private static ResourceResolver NewResolver(HookRequest request)
    {
        var resolver = new ResourceResolver();
        if (request.DraftOrdersBundle is { } b) resolver.AddBundle(b);
        return resolver;
    }

    /// <summary>Resources with the same type and id (e.g. sent under two prefetch keys) count once.</summary>
    private static object Identity(Resource r) => r.Id is { } id ? $"{r.TypeName}/{id}" : r;

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
