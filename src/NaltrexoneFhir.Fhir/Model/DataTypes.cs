using System.Text.Json;
using System.Text.Json.Serialization;

namespace NaltrexoneFhir.Fhir.Model;

// Data types the rules read. Unknown elements (extensions, _primitive siblings, future elements) are kept in
// Unknown and written back. Arrays are null when absent (FHIR forbids empty arrays).
// Properties are { get; set; }, not init: with init-only properties the JSON source generator builds every object
// through its parameterized-constructor path (an argument array per object, boxed values, extension data deferred
// and read again), which cost about a quarter of the reading time (tests/NaltrexoneFhir.Benchmarks/BENCHMARKS.md).
// Treat model objects as read-only once read: rules are pure functions of the snapshot.

public abstract record Element
{
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unknown { get; set; }
}

public sealed record Coding : Element
{
    public string? System { get; init; }
    public string? Version { get; init; }
    public string? Code { get; init; }
    public string? Display { get; init; }
    public bool? UserSelected { get; init; }
}

public sealed record CodeableConcept : Element
{
    public IReadOnlyList<Coding>? Coding { get; init; }
    public string? Text { get; init; }
}

/// <summary>
/// Immutable once built (<c>init</c>), so that readers may share one instance between resources: a patient's record
/// names the same subject in every resource (<c>FhirFastReader</c> shares it).
/// </summary>
public sealed record Reference : Element
{
    [JsonPropertyName("reference")] public string? ReferenceValue { get; init; }
    public string? Type { get; init; }
    public Identifier? Identifier { get; init; }
    public string? Display { get; init; }
}

public sealed record Identifier : Element
{
    public string? Use { get; set; }
    public string? System { get; set; }
    public string? Value { get; set; }
}

public sealed record Quantity : Element
{
    public decimal? Value { get; init; }
    public string? Comparator { get; init; }
    public string? Unit { get; init; }
    public string? System { get; init; }
    public string? Code { get; init; }
}

public sealed record Range : Element
{
    public Quantity? Low { get; set; }
    public Quantity? High { get; set; }
}

public sealed record Ratio : Element
{
    public Quantity? Numerator { get; set; }
    public Quantity? Denominator { get; set; }
}

public sealed record Period : Element
{
    public FhirDateTime? Start { get; set; }
    public FhirDateTime? End { get; set; }
}

public sealed record Meta : Element
{
    public string? VersionId { get; set; }
    public FhirDateTime? LastUpdated { get; set; }
    public IReadOnlyList<string>? Profile { get; set; }
}

public sealed record Annotation : Element
{
    public string? Text { get; set; }
}

public sealed record Timing : Element
{
    public IReadOnlyList<FhirDateTime>? Event { get; set; }
    public TimingRepeat? Repeat { get; set; }
    public CodeableConcept? Code { get; set; }
}

public sealed record TimingRepeat : Element
{
    public Quantity? BoundsDuration { get; set; }
    public Range? BoundsRange { get; set; }
    public Period? BoundsPeriod { get; set; }
    public int? Count { get; set; }
    public int? CountMax { get; set; }
    public decimal? Duration { get; set; }
    public string? DurationUnit { get; set; }
    public int? Frequency { get; set; }
    public int? FrequencyMax { get; set; }
    public decimal? Period { get; set; }
    public decimal? PeriodMax { get; set; }
    public string? PeriodUnit { get; set; }
    public IReadOnlyList<string>? DayOfWeek { get; set; }
    public IReadOnlyList<string>? TimeOfDay { get; set; }
    public IReadOnlyList<string>? When { get; set; }
}

public sealed record Dosage : Element
{
    public int? Sequence { get; set; }
    public string? Text { get; set; }
    public Timing? Timing { get; set; }
    public bool? AsNeededBoolean { get; set; }
    public CodeableConcept? AsNeededCodeableConcept { get; set; }
    public CodeableConcept? Route { get; set; }
    public IReadOnlyList<DoseAndRate>? DoseAndRate { get; set; }
    public Ratio? MaxDosePerPeriod { get; set; }
    public Quantity? MaxDosePerAdministration { get; set; }
}

public sealed record DoseAndRate : Element
{
    public CodeableConcept? Type { get; set; }
    public Range? DoseRange { get; set; }
    public Quantity? DoseQuantity { get; set; }
    public Ratio? RateRatio { get; set; }
    public Range? RateRange { get; set; }
    public Quantity? RateQuantity { get; set; }
}

/// <summary>The value of a choice element medication[x].</summary>
public abstract record MedicationChoice
{
    public sealed record Concept(CodeableConcept Value) : MedicationChoice;
    public sealed record Ref(Reference Value) : MedicationChoice;
}
