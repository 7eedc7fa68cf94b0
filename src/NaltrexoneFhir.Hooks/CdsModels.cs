using System.Text.Json;
using System.Text.Json.Serialization;
using NaltrexoneFhir.Fhir.Json;

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

/// <remarks>
/// A suggestion's resource is usually built as a model by the rules (<see cref="ResourceModel"/>): it is written
/// straight from the model into the response, and only when its card is answered (rules build suggestions that
/// card composition then drops). Turning it into a <see cref="JsonElement"/> first (serialize, parse, write again)
/// cost more than writing it, on every suggestion built (BENCHMARKS.md). <see cref="Resource"/> still gives it as
/// JSON to anyone who asks.
/// </remarks>
[JsonConverter(typeof(CdsActionJsonConverter))]
public sealed record CdsAction
{
    private readonly JsonElement? _resource;
    private JsonElement? _fromModel;

    public required string Type { get; init; }          // create | update | delete
    public required string Description { get; init; }

    /// <summary>The resource as JSON: as given, or made from <see cref="ResourceModel"/> on first read.</summary>
    public JsonElement? Resource
    {
        get => _resource ?? (ResourceModel is { } model ? _fromModel ??= FhirJson.ToElement(model) : null);
        init => _resource = value;
    }

    public string? ResourceId { get; init; }

    /// <summary>The resource as a model, written as <c>resource</c> when <see cref="Resource"/> was not given. Never read from JSON.</summary>
    public Fhir.Model.Resource? ResourceModel { get; init; }

    /// <summary>The resource JSON as given (not made from the model).</summary>
    internal JsonElement? GivenResource => _resource;

    public bool Equals(CdsAction? other) =>
        other is not null && Type == other.Type && Description == other.Description && ResourceId == other.ResourceId
        && ReferenceEquals(ResourceModel, other.ResourceModel) && Nullable.Equals(_resource, other._resource);

    public override int GetHashCode() => HashCode.Combine(Type, Description, ResourceId, ResourceModel);
}

/// <summary>
/// <see cref="CdsAction"/> as CDS Hooks writes it (camelCase, nulls omitted), with the resource written from its model
/// when it has one. Reads as the serializer's Web defaults would: names case-insensitive, unknown members skipped,
/// <c>type</c> and <c>description</c> required.
/// </summary>
public sealed class CdsActionJsonConverter : JsonConverter<CdsAction>
{
    public override CdsAction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A CDS action must be a JSON object.");
        string? type = null, description = null, resourceId = null;
        JsonElement? resource = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (Is(name, "type")) type = String(ref reader, "type");
            else if (Is(name, "description")) description = String(ref reader, "description");
            else if (Is(name, "resourceId")) resourceId = String(ref reader, "resourceId");
            else if (Is(name, "resource")) resource = reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);
            else reader.Skip();
        }
        if (type is null || description is null) throw new JsonException("A CDS action needs 'type' and 'description'.");
        return new CdsAction { Type = type, Description = description, ResourceId = resourceId, Resource = resource };
    }

    public override void Write(Utf8JsonWriter writer, CdsAction value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("type", value.Type);
        writer.WriteString("description", value.Description);
        if (value.GivenResource is { } given)
        {
            writer.WritePropertyName("resource");
            given.WriteTo(writer);
        }
        else if (value.ResourceModel is { } model)
        {
            writer.WritePropertyName("resource");
            FhirJson.Write(writer, model);
        }
        if (value.ResourceId is { } id) writer.WriteString("resourceId", id);
        writer.WriteEndObject();
    }

    private static bool Is(string? name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    private static string? String(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"A CDS action's '{name}' must be a string."),
    };
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
