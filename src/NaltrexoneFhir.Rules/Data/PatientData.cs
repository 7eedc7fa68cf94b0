using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Data;

/// <summary>A medication the patient takes or took (MedicationRequest or MedicationStatement), classified.</summary>
public sealed record MedicationUse(
    Resource Source,
    MedicationClassification Class,
    string? Status,
    bool IsActive,
    FhirDateTime? Start,
    /// <summary>Latest moment the patient may have taken it (upper bound), when it can be estimated.</summary>
    DateTimeOffset? LastUse,
    IReadOnlyList<Dosage> Dosage)
{
    public string Reference => $"{Source.TypeName}/{Source.Id}";
    public string Label => Class.Label;
    public FhirDateTime? Authored => Source is MedicationRequest mr ? mr.AuthoredOn : (Source as MedicationStatement)?.DateAsserted;
}

/// <summary>A draft medication order from context.draftOrders, classified. Triggers are the orders the hook is about.</summary>
public sealed record DraftMedication(DraftOrder Order, MedicationRequest Request, MedicationClassification Class, bool IsTrigger)
{
    public string Reference => Order.Reference;
    public string Label => Class.Label;
}

/// <summary>Whether the data behind a prefetch key could be read.</summary>
public sealed record DataStatus(string Key, PrefetchState State, string? Problem)
{
    public bool IsAvailable => State is PrefetchState.Null or PrefetchState.Provided;
}

/// <summary>The snapshot of patient data rules read. Built once per hook call; rules never do I/O.</summary>
public sealed class PatientData
{
    public required string PatientId { get; init; }
    public string Hook { get; init; } = HookNames.OrderSign;
    public Patient? Patient { get; init; }
    public IReadOnlyList<MedicationUse> Medications { get; init; } = [];
    public IReadOnlyList<DraftMedication> DraftMedications { get; init; } = [];
    public IReadOnlyList<DraftOrder> OtherDraftOrders { get; init; } = [];
    public IReadOnlyList<Observation> Observations { get; init; } = [];
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    public IReadOnlyList<AllergyIntolerance> Allergies { get; init; } = [];
    public IReadOnlyList<ServiceRequest> ServiceRequests { get; init; } = [];
    public IReadOnlyList<Procedure> Procedures { get; init; } = [];
    public IReadOnlyList<Appointment> Appointments { get; init; } = [];
    public IReadOnlyDictionary<string, DataStatus> Availability { get; init; } = new Dictionary<string, DataStatus>();
    public ResourceResolver Resolver { get; init; } = new();

    public bool IsAvailable(string key) => Availability.TryGetValue(key, out var s) && s.IsAvailable;

    /// <summary>The draft medications the hook is about. Made once per snapshot (rules ask for it dozens of times per call).</summary>
    public IReadOnlyList<DraftMedication> TriggerDrafts => _triggerDrafts ??= [.. DraftMedications.Where(d => d.IsTrigger)];

    private IReadOnlyList<DraftMedication>? _triggerDrafts; // a race only makes an equal list twice
}
