using System.Text.Json;
using System.Text.Json.Serialization;

namespace NaltrexoneFhir.Fhir.Model;

/// <summary>
/// Base of every resource. Reading goes through this type so that <c>resourceType</c> selects the class;
/// unknown resource types are read as a plain <see cref="Resource"/> (their elements kept in <see cref="Unknown"/>).
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
    public string? Id { get; init; }
    public Meta? Meta { get; init; }
    /// <summary>Resources contained in this one (FHIR <c>contained</c>); read on every type so references can resolve.</summary>
    public IReadOnlyList<Resource>? Contained { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <summary>The FHIR type name; "Resource" for types this model does not know. Not serialized (the discriminator is).</summary>
    [JsonIgnore] public string TypeName => TypeNameCore;
    protected virtual string TypeNameCore => "Resource";
}

public sealed class Patient : Resource
{
    protected override string TypeNameCore => "Patient";
    public bool? Active { get; init; }
    public string? Gender { get; init; }
    public FhirDateTime? BirthDate { get; init; }
    public bool? DeceasedBoolean { get; init; }
    public FhirDateTime? DeceasedDateTime { get; init; }
}

public sealed class MedicationRequest : Resource
{
    protected override string TypeNameCore => "MedicationRequest";
    public string? Status { get; init; }
    public string? Intent { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public Reference? MedicationReference { get; init; }
    public Reference? Subject { get; init; }
    public Reference? Encounter { get; init; }
    public FhirDateTime? AuthoredOn { get; init; }
    public Reference? Requester { get; init; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; init; }
    public IReadOnlyList<Reference>? ReasonReference { get; init; }
    public IReadOnlyList<Annotation>? Note { get; init; }
    public IReadOnlyList<Dosage>? DosageInstruction { get; init; }
    public DispenseRequest? DispenseRequest { get; init; }

    [JsonIgnore] public MedicationChoice? Medication => MedicationChoices.Of(MedicationCodeableConcept, MedicationReference);
}

public sealed record DispenseRequest : Element
{
    public Period? ValidityPeriod { get; init; }
    public int? NumberOfRepeatsAllowed { get; init; }
    public Quantity? Quantity { get; init; }
    public Quantity? ExpectedSupplyDuration { get; init; }
}

public sealed class MedicationStatement : Resource
{
    protected override string TypeNameCore => "MedicationStatement";
    public string? Status { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public Reference? MedicationReference { get; init; }
    public Reference? Subject { get; init; }
    public FhirDateTime? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public FhirDateTime? DateAsserted { get; init; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; init; }
    public IReadOnlyList<Dosage>? Dosage { get; init; }

    [JsonIgnore] public MedicationChoice? Medication => MedicationChoices.Of(MedicationCodeableConcept, MedicationReference);
}

public sealed class Medication : Resource
{
    protected override string TypeNameCore => "Medication";
    public CodeableConcept? Code { get; init; }
    public string? Status { get; init; }
    public CodeableConcept? Form { get; init; }
    public IReadOnlyList<MedicationIngredient>? Ingredient { get; init; }
}

public sealed record MedicationIngredient : Element
{
    public CodeableConcept? ItemCodeableConcept { get; init; }
    public Reference? ItemReference { get; init; }
    public bool? IsActive { get; init; }
    public Ratio? Strength { get; init; }
}

public sealed class Observation : Resource
{
    protected override string TypeNameCore => "Observation";
    public string? Status { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Subject { get; init; }
    public FhirDateTime? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public FhirDateTime? EffectiveInstant { get; init; }
    public FhirDateTime? Issued { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    public string? ValueString { get; init; }
    public bool? ValueBoolean { get; init; }
    public int? ValueInteger { get; init; }
    public IReadOnlyList<CodeableConcept>? Interpretation { get; init; }
    public IReadOnlyList<ReferenceRange>? ReferenceRange { get; init; }
    public IReadOnlyList<ObservationComponent>? Component { get; init; }
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
    public CodeableConcept? Code { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    public string? ValueString { get; init; }
    public IReadOnlyList<CodeableConcept>? Interpretation { get; init; }
    public IReadOnlyList<ReferenceRange>? ReferenceRange { get; init; }
}

public sealed class Condition : Resource
{
    protected override string TypeNameCore => "Condition";
    public CodeableConcept? ClinicalStatus { get; init; }
    public CodeableConcept? VerificationStatus { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public CodeableConcept? Severity { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Subject { get; init; }
    public FhirDateTime? OnsetDateTime { get; init; }
    public Period? OnsetPeriod { get; init; }
    public string? OnsetString { get; init; }
    public FhirDateTime? AbatementDateTime { get; init; }
    public Period? AbatementPeriod { get; init; }
    public string? AbatementString { get; init; }
    public FhirDateTime? RecordedDate { get; init; }
}

public sealed class AllergyIntolerance : Resource
{
    protected override string TypeNameCore => "AllergyIntolerance";
    public CodeableConcept? ClinicalStatus { get; init; }
    public CodeableConcept? VerificationStatus { get; init; }
    public string? Type { get; init; }
    public IReadOnlyList<string>? Category { get; init; }
    public string? Criticality { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Patient { get; init; }
    public FhirDateTime? RecordedDate { get; init; }
    public IReadOnlyList<AllergyReaction>? Reaction { get; init; }
}

public sealed record AllergyReaction : Element
{
    public CodeableConcept? Substance { get; init; }
    public IReadOnlyList<CodeableConcept>? Manifestation { get; init; }
    public string? Severity { get; init; }
}

public sealed class ServiceRequest : Resource
{
    protected override string TypeNameCore => "ServiceRequest";
    public string? Status { get; init; }
    public string? Intent { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public string? Priority { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Subject { get; init; }
    public FhirDateTime? OccurrenceDateTime { get; init; }
    public Period? OccurrencePeriod { get; init; }
    public FhirDateTime? AuthoredOn { get; init; }
    public Reference? Requester { get; init; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; init; }
    public IReadOnlyList<Reference>? ReasonReference { get; init; }
    public IReadOnlyList<Annotation>? Note { get; init; }
}

public sealed class Procedure : Resource
{
    protected override string TypeNameCore => "Procedure";
    public string? Status { get; init; }
    public CodeableConcept? Category { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Subject { get; init; }
    public FhirDateTime? PerformedDateTime { get; init; }
    public Period? PerformedPeriod { get; init; }
}

public sealed class Appointment : Resource
{
    protected override string TypeNameCore => "Appointment";
    public string? Status { get; init; }
    public IReadOnlyList<CodeableConcept>? ServiceCategory { get; init; }
    public IReadOnlyList<CodeableConcept>? ServiceType { get; init; }
    public CodeableConcept? AppointmentType { get; init; }
    public IReadOnlyList<CodeableConcept>? ReasonCode { get; init; }
    public string? Description { get; init; }
    public FhirDateTime? Start { get; init; }
    public FhirDateTime? End { get; init; }
    public IReadOnlyList<AppointmentParticipant>? Participant { get; init; }
}

public sealed record AppointmentParticipant : Element
{
    public Reference? Actor { get; init; }
    public string? Status { get; init; }
}

public sealed class Bundle : Resource
{
    protected override string TypeNameCore => "Bundle";
    public string? Type { get; init; }
    public int? Total { get; init; }
    public IReadOnlyList<BundleLink>? Link { get; init; }
    public IReadOnlyList<BundleEntry>? Entry { get; init; }
}

public sealed record BundleLink : Element
{
    public string? Relation { get; init; }
    public string? Url { get; init; }
}

public sealed record BundleEntry : Element
{
    public string? FullUrl { get; init; }
    public Resource? Resource { get; init; }
    public BundleEntrySearch? Search { get; init; }
}

public sealed record BundleEntrySearch : Element
{
    public string? Mode { get; init; }
}

public sealed class OperationOutcome : Resource
{
    protected override string TypeNameCore => "OperationOutcome";
    public IReadOnlyList<OperationOutcomeIssue>? Issue { get; init; }
}

public sealed record OperationOutcomeIssue : Element
{
    public string? Severity { get; init; }
    public string? Code { get; init; }
    public CodeableConcept? Details { get; init; }
    public string? Diagnostics { get; init; }
    public IReadOnlyList<string>? Expression { get; init; }
}

internal static class MedicationChoices
{
    public static MedicationChoice? Of(CodeableConcept? concept, Reference? reference) =>
        concept is not null ? new MedicationChoice.Concept(concept)
        : reference is not null ? new MedicationChoice.Ref(reference)
        : null;
}
