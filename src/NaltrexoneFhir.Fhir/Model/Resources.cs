using System.Text.Json;
using System.Text.Json.Serialization;

namespace NaltrexoneFhir.Fhir.Model;

/// <summary>
/// Base of every resource. Reading goes through this type so that <c>resourceType</c> selects the class;
/// unknown resource types are read as a plain <see cref="Resource"/> (their elements kept in <see cref="Unknown"/>).
/// Settable properties (not init) keep JSON reading off the serializer's constructor path: see DataTypes.cs.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "resourceType", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(Patient), "Patient")]
[JsonDerivedType(typeof(MedicationRequest), "MedicationRequest")]
[JsonDerivedType(typeof(MedicationStatement), "MedicationStatement")]
[JsonDerivedType(typeof(Medication), "Medication")]
[JsonDerivedType(typeof(Observation), "Observation")]
[JsonDerivedType(typeof(Condition), "Condition")]
[JsonDerivedType(typeof(AllergyIntolerance), "AllergyIntolerance")]
[JsonDerivedType(typeof(ServiceRequest), "ServiceRequest")]
[JsonDerivedType(typeof(Procedure), "Procedure")]
[JsonDerivedType(typeof(Appointment), "Appointment")]
[JsonDerivedType(typeof(Bundle), "Bundle")]
[JsonDerivedType(typeof(OperationOutcome), "OperationOutcome")]
public class Resource
{
    public string? Id { get; set; }
    /// <summary>Null when read for the rules by <c>FhirFastReader</c>, which skips it (<c>FhirFastReader.NotRead</c>): no rule may read it.</summary>
    public Meta? Meta { get; set; }
    /// <summary>Resources contained in this one (FHIR <c>contained</c>); read on every type so references can resolve.</summary>
    public IReadOnlyList<Resource>? Contained { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>The FHIR type name; "Resource" for types this model does not know. Not serialized (the discriminator is).</summary>
    [JsonIgnore] public string TypeName => TypeNameCore;
    protected virtual string TypeNameCore => "Resource";
}

public sealed class Patient : Resource
{
    protected override string TypeNameCore => "Patient";
    public bool? Active { get; set; }
    public string? Gender { get; set; }
    public FhirDateTime? BirthDate { get; set; }
    public bool? DeceasedBoolean { get; set; }
    public FhirDateTime? DeceasedDateTime { get; set; }
}

public sealed class MedicationRequest : Resource
{
    protected override string TypeNameCore => "MedicationRequest";
    public string? Status { get; set; }
    public string? Intent { get; set; }
    public IReadOnlyList<CodeableConcept>? Category { get; set; }
    public CodeableConcept? MedicationCodeableConcept { get; set; }
    public Reference? MedicationReference { get; set; }
    public Reference? Subject { get; set; }
    public Reference? Encounter { get; set; }
    public FhirDateTime? AuthoredOn { get; set; }
    public Reference? Requester { get; set; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; set; }
    public IReadOnlyList<Reference>? ReasonReference { get; set; }
    public IReadOnlyList<Annotation>? Note { get; set; }
    public IReadOnlyList<Dosage>? DosageInstruction { get; set; }
    public DispenseRequest? DispenseRequest { get; set; }

    [JsonIgnore] public MedicationChoice? Medication => MedicationChoices.Of(MedicationCodeableConcept, MedicationReference);
}

public sealed record DispenseRequest : Element
{
    public Period? ValidityPeriod { get; set; }
    public int? NumberOfRepeatsAllowed { get; set; }
    public Quantity? Quantity { get; set; }
    public Quantity? ExpectedSupplyDuration { get; set; }
}

public sealed class MedicationStatement : Resource
{
    protected override string TypeNameCore => "MedicationStatement";
    public string? Status { get; set; }
    public CodeableConcept? MedicationCodeableConcept { get; set; }
    public Reference? MedicationReference { get; set; }
    public Reference? Subject { get; set; }
    public FhirDateTime? EffectiveDateTime { get; set; }
    public Period? EffectivePeriod { get; set; }
    public FhirDateTime? DateAsserted { get; set; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; set; }
    public IReadOnlyList<Dosage>? Dosage { get; set; }

    [JsonIgnore] public MedicationChoice? Medication => MedicationChoices.Of(MedicationCodeableConcept, MedicationReference);
}

public sealed class Medication : Resource
{
    protected override string TypeNameCore => "Medication";
    public CodeableConcept? Code { get; set; }
    public string? Status { get; set; }
    public CodeableConcept? Form { get; set; }
    public IReadOnlyList<MedicationIngredient>? Ingredient { get; set; }
}

public sealed record MedicationIngredient : Element
{
    public CodeableConcept? ItemCodeableConcept { get; set; }
    public Reference? ItemReference { get; set; }
    public bool? IsActive { get; set; }
    public Ratio? Strength { get; set; }
}

/// <remarks>
/// The elements a result rarely has (or the rules' reader never keeps) live in one side object, made on the first
/// non-null set: a long history's thousands of lab results each carried ~80 bytes of empty fields (BENCHMARKS.md,
/// session 9). They read and write as ordinary properties.
/// </remarks>
public sealed class Observation : Resource
{
    private Uncommon? _uncommon;

    protected override string TypeNameCore => "Observation";
    public string? Status { get; set; }
    /// <summary>Null when read for the rules by <c>FhirFastReader</c>, which skips it (<c>FhirFastReader.NotRead</c>): no rule may read it.</summary>
    public IReadOnlyList<CodeableConcept>? Category { get => _uncommon?.Category; set => Set(value, static (u, v) => u.Category = v); }
    public CodeableConcept? Code { get; set; }
    public Reference? Subject { get; set; }
    public FhirDateTime? EffectiveDateTime { get; set; }
    public Period? EffectivePeriod { get => _uncommon?.EffectivePeriod; set => Set(value, static (u, v) => u.EffectivePeriod = v); }
    public FhirDateTime? EffectiveInstant { get => _uncommon?.EffectiveInstant; set => Set(value, static (u, v) => u.EffectiveInstant = v); }
    public FhirDateTime? Issued { get; set; }
    public Quantity? ValueQuantity { get; set; }
    public CodeableConcept? ValueCodeableConcept { get; set; }
    public string? ValueString { get => _uncommon?.ValueString; set => Set(value, static (u, v) => u.ValueString = v); }
    public bool? ValueBoolean { get => _uncommon?.ValueBoolean; set => Set(value, static (u, v) => u.ValueBoolean = v); }
    public int? ValueInteger { get => _uncommon?.ValueInteger; set => Set(value, static (u, v) => u.ValueInteger = v); }
    public IReadOnlyList<CodeableConcept>? Interpretation { get; set; }
    public IReadOnlyList<ReferenceRange>? ReferenceRange { get; set; }
    public IReadOnlyList<ObservationComponent>? Component { get => _uncommon?.Component; set => Set(value, static (u, v) => u.Component = v); }

    /// <summary>Sets an uncommon element; null is stored only where the side object already exists (null is its default).</summary>
    private void Set<T>(T value, Action<Uncommon, T> set)
    {
        if (value is null && _uncommon is null) return;
        set(_uncommon ??= new Uncommon(), value);
    }

    private sealed class Uncommon
    {
        public IReadOnlyList<CodeableConcept>? Category;
        public Period? EffectivePeriod;
        public FhirDateTime? EffectiveInstant;
        public string? ValueString;
        public bool? ValueBoolean;
        public int? ValueInteger;
        public IReadOnlyList<ObservationComponent>? Component;
    }
}

public sealed record ReferenceRange : Element
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
    public CodeableConcept? Type { get; init; }
    public string? Text { get; init; }
}

public sealed record ObservationComponent : Element
{
    public CodeableConcept? Code { get; set; }
    public Quantity? ValueQuantity { get; set; }
    public CodeableConcept? ValueCodeableConcept { get; set; }
    public string? ValueString { get; set; }
    public IReadOnlyList<CodeableConcept>? Interpretation { get; set; }
    public IReadOnlyList<ReferenceRange>? ReferenceRange { get; set; }
}

public sealed class Condition : Resource
{
    protected override string TypeNameCore => "Condition";
    public CodeableConcept? ClinicalStatus { get; set; }
    public CodeableConcept? VerificationStatus { get; set; }
    public IReadOnlyList<CodeableConcept>? Category { get; set; }
    public CodeableConcept? Severity { get; set; }
    public CodeableConcept? Code { get; set; }
    public Reference? Subject { get; set; }
    public FhirDateTime? OnsetDateTime { get; set; }
    public Period? OnsetPeriod { get; set; }
    public string? OnsetString { get; set; }
    public FhirDateTime? AbatementDateTime { get; set; }
    public Period? AbatementPeriod { get; set; }
    public string? AbatementString { get; set; }
    public FhirDateTime? RecordedDate { get; set; }
}

public sealed class AllergyIntolerance : Resource
{
    protected override string TypeNameCore => "AllergyIntolerance";
    public CodeableConcept? ClinicalStatus { get; set; }
    public CodeableConcept? VerificationStatus { get; set; }
    public string? Type { get; set; }
    public IReadOnlyList<string>? Category { get; set; }
    public string? Criticality { get; set; }
    public CodeableConcept? Code { get; set; }
    public Reference? Patient { get; set; }
    public FhirDateTime? RecordedDate { get; set; }
    public IReadOnlyList<AllergyReaction>? Reaction { get; set; }
}

public sealed record AllergyReaction : Element
{
    public CodeableConcept? Substance { get; set; }
    public IReadOnlyList<CodeableConcept>? Manifestation { get; set; }
    public string? Severity { get; set; }
}

public sealed class ServiceRequest : Resource
{
    protected override string TypeNameCore => "ServiceRequest";
    public string? Status { get; set; }
    public string? Intent { get; set; }
    public IReadOnlyList<CodeableConcept>? Category { get; set; }
    public string? Priority { get; set; }
    public CodeableConcept? Code { get; set; }
    public Reference? Subject { get; set; }
    public FhirDateTime? OccurrenceDateTime { get; set; }
    public Period? OccurrencePeriod { get; set; }
    public FhirDateTime? AuthoredOn { get; set; }
    public Reference? Requester { get; set; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; set; }
    public IReadOnlyList<Reference>? ReasonReference { get; set; }
    public IReadOnlyList<Annotation>? Note { get; set; }
}

public sealed class Procedure : Resource
{
    protected override string TypeNameCore => "Procedure";
    public string? Status { get; set; }
    public CodeableConcept? Category { get; set; }
    public CodeableConcept? Code { get; set; }
    public Reference? Subject { get; set; }
    public FhirDateTime? PerformedDateTime { get; set; }
    public Period? PerformedPeriod { get; set; }
}

public sealed class Appointment : Resource
{
    protected override string TypeNameCore => "Appointment";
    public string? Status { get; set; }
    public IReadOnlyList<CodeableConcept>? ServiceCategory { get; set; }
    public IReadOnlyList<CodeableConcept>? ServiceType { get; set; }
    public CodeableConcept? AppointmentType { get; set; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; set; }
    public string? Description { get; set; }
    public FhirDateTime? Start { get; set; }
    public FhirDateTime? End { get; set; }
    public IReadOnlyList<AppointmentParticipant>? Participant { get; set; }
}

public sealed record AppointmentParticipant : Element
{
    public Reference? Actor { get; set; }
    public string? Status { get; set; }
}

public sealed class Bundle : Resource
{
    protected override string TypeNameCore => "Bundle";
    public string? Type { get; set; }
    public int? Total { get; set; }
    public IReadOnlyList<BundleLink>? Link { get; set; }
    public IReadOnlyList<BundleEntry>? Entry { get; set; }
}

public sealed record BundleLink : Element
{
    public string? Relation { get; set; }
    public string? Url { get; set; }
}

public sealed record BundleEntry : Element
{
    public string? FullUrl { get; set; }
    public Resource? Resource { get; set; }
    public BundleEntrySearch? Search { get; set; }
}

/// <summary>Immutable once built, so that readers may share one instance between entries (most say <c>match</c>).</summary>
public sealed record BundleEntrySearch : Element
{
    public string? Mode { get; init; }
}

public sealed class OperationOutcome : Resource
{
    protected override string TypeNameCore => "OperationOutcome";
    public IReadOnlyList<OperationOutcomeIssue>? Issue { get; set; }
}

public sealed record OperationOutcomeIssue : Element
{
    public string? Severity { get; set; }
    public string? Code { get; set; }
    public CodeableConcept? Details { get; set; }
    public string? Diagnostics { get; set; }
    public IReadOnlyList<string>? Expression { get; set; }
}

internal static class MedicationChoices
{
    public static MedicationChoice? Of(CodeableConcept? concept, Reference? reference) =>
        concept is not null ? new MedicationChoice.Concept(concept)
        : reference is not null ? new MedicationChoice.Ref(reference)
        : null;
}
