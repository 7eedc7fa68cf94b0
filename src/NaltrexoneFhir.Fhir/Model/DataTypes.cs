using System.Text.Json;
using System.Text.Json.Serialization;

namespace NaltrexoneFhir.Fhir.Model;

// Data types the rules read. Unknown elements (extensions, _primitive siblings, future elements) are kept in
// Unknown and written back. Arrays are null when absent (FHIR forbids empty arrays).

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

public sealed record Reference : Element
{
    [JsonPropertyName("reference")] public string? ReferenceValue { get; init; }
    public string? Type { get; init; }
    public Identifier? Identifier { get; init; }
    public string? Display { get; init; }
}

public sealed record Identifier : Element
{
    public string? Use { get; init; }
    public string? System { get; init; }
    public string? Value { get; init; }
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
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
}

public sealed record Ratio : Element
{
    public Quantity? Numerator { get; init; }
    public Quantity? Denominator { get; init; }
}

public sealed record Period : Element
{
    public FhirDateTime? Start { get; init; }
    public FhirDateTime? End { get; init; }
}

public sealed record Meta : Element
{
    public string? VersionId { get; init; }
    public FhirDateTime? LastUpdated { get; init; }
    public IReadOnlyList<string>? Profile { get; init; }
}

public sealed record Annotation : Element
{
    public string? Text { get; init; }
}

public sealed record Timing : Element
{
    public IReadOnlyList<FhirDateTime>? Event { get; init; }
    public TimingRepeat? Repeat { get; init; }
    public CodeableConcept? Code { get; init; }
}

public sealed record TimingRepeat : Element
{
    public Quantity? BoundsDuration { get; init; }
    public Range? BoundsRange { get; init; }
    public Period? BoundsPeriod { get; init; }
    public int? Count { get; init; }
    public int? CountMax { get; init; }
    public decimal? Duration { get; init; }
    public string? DurationUnit { get; init; }
    public int? Frequency { get; init; }
    public int? FrequencyMax { get; init; }
    public decimal? Period { get; init; }
    public decimal? PeriodMax { get; init; }
    public string? PeriodUnit { get; init; }
    public IReadOnlyList<string>? DayOfWeek { get; init; }
    public IReadOnlyList<string>? TimeOfDay { get; init; }
    public IReadOnlyList<string>? When { get; init; }
}

public sealed record Dosage : Element
{
    public int? Sequence { get; init; }
    public string? Text { get; init; }
    public Timing? Timing { get; init; }
    public bool? AsNeededBoolean { get; init; }
    public CodeableConcept? AsNeededCodeableConcept { get; init; }
    public CodeableConcept? Route { get; init; }
    public IReadOnlyList<DoseAndRate>? DoseAndRate { get; init; }
    public Ratio? MaxDosePerPeriod { get; init; }
    public Quantity? MaxDosePerAdministration { get; init; }
}

public sealed record DoseAndRate : Element
{
    public CodeableConcept? Type { get; init; }
    public Range? DoseRange { get; init; }
    public Quantity? DoseQuantity { get; init; }
    public Ratio? RateRatio { get; init; }
    public Range? RateRange { get; init; }
    public Quantity? RateQuantity { get; init; }
}

/// <summary>The value of a choice element medication[x].</summary>
public abstract record MedicationChoice
{
    public sealed record Concept(CodeableConcept Value) : MedicationChoice;
    public sealed record Ref(Reference Value) : MedicationChoice;
}
