using System.Text.Json;
using System.Text.Json.Serialization;

namespace NaltrexoneFhir.Hooks;

// CDS Hooks 2.0 wire model (https://cds-hooks.hl7.org/2.0/). Optional fields are omitted when null;
// lists are null rather than empty (the spec forbids empty arrays except "cards").

public static class HookNames
{
    public const string PatientView = "patient-view";
    public const string OrderSelect = "order-select";
    public const string OrderSign = "order-sign";
    public static readonly IReadOnlySet<string> Ordering = new HashSet<string> { OrderSelect, OrderSign };
    public static readonly IReadOnlySet<string> All = new HashSet<string> { PatientView, OrderSelect, OrderSign };
}

public static class Indicators
{
    public const string Info = "info", Warning = "warning", Critical = "critical";

    public static int Rank(string indicator) => indicator switch { Critical => 3, Warning => 2, _ => 1 };
}

public sealed record CdsCoding(string System, string Code, string? Display = null);

public sealed record CardSource
{
    public required string Label { get; init; }
    public string? Url { get; init; }
    public string? Icon { get; init; }
    public CdsCoding? Topic { get; init; }
}

public sealed record CdsAction
{
    public required string Type { get; init; }          // create | update | delete
    public required string Description { get; init; }
    public JsonElement? Resource { get; init; }
    public string? ResourceId { get; init; }
}

public sealed record Suggestion
{
    public required string Label { get; init; }
    public string? Uuid { get; init; }
    public bool? IsRecommended { get; init; }
    public IReadOnlyList<CdsAction>? Actions { get; init; }
}

public sealed record CdsLink
{
    public required string Label { get; init; }
    public required string Url { get; init; }
    public required string Type { get; init; }          // absolute | smart
    public string? AppContext { get; init; }
}

public sealed record Card
{
    public string? Uuid { get; init; }
    public required string Summary { get; init; }
    public string? Detail { get; init; }
    public required string Indicator { get; init; }
    public required CardSource Source { get; init; }
    public IReadOnlyList<Suggestion>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<CdsCoding>? OverrideReasons { get; init; }
    public IReadOnlyList<CdsLink>? Links { get; init; }
}

public sealed record CdsResponse
{
    public required IReadOnlyList<Card> Cards { get; init; }
    public IReadOnlyList<CdsAction>? SystemActions { get; init; }
}

public sealed record CdsServiceDescriptor
{
    public required string Hook { get; init; }
    public string? Title { get; init; }
    public required string Description { get; init; }
    public required string Id { get; init; }
    public IReadOnlyDictionary<string, string>? Prefetch { get; init; }
    public string? UsageRequirements { get; init; }
}

public sealed record DiscoveryResponse(IReadOnlyList<CdsServiceDescriptor> Services);

public sealed record FhirAuthorization
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; init; }
    [JsonPropertyName("token_type")] public string? TokenType { get; init; }
    [JsonPropertyName("expires_in")] public JsonElement? ExpiresIn { get; init; }
    public string? Scope { get; init; }
    public string? Subject { get; init; }
    public string? Patient { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(CdsResponse))]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(FhirAuthorization))]
public sealed partial class CdsJsonContext : JsonSerializerContext;
