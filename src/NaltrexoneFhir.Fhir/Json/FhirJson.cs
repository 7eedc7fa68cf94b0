using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Json;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(TolerantStringJsonConverter)])]
[JsonSerializable(typeof(Resource))]
[JsonSerializable(typeof(List<Resource>))]
public sealed partial class FhirJsonContext : JsonSerializerContext;

/// <summary>The one entry point for FHIR JSON. Always reads through the polymorphic <see cref="Resource"/> contract.</summary>
public static class FhirJson
{
    /// <summary>
    /// The source-generated contract plus one modifier: <c>null</c> array items (FHIR forbids them; a hostile or sloppy
    /// client may still send them) are dropped after each object is read, so the model never holds null elements.
    /// Done as an OnDeserialized callback rather than a list converter: a converter has to start a nested
    /// deserialization per item, which cost most of the reading time and allocations (BENCHMARKS.md).
    /// </summary>
    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static readonly JsonTypeInfo<Resource> ResourceInfo = (JsonTypeInfo<Resource>)Options.GetTypeInfo(typeof(Resource));

    public static FhirJsonContext Context => FhirJsonContext.Default;

    /// <summary>Reads a resource; throws <see cref="JsonException"/> only for JSON that is malformed or of the wrong shape.</summary>
    public static Resource ReadResource(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new JsonException($"Expected a FHIR resource (JSON object) but found {element.ValueKind}.");
        return element.Deserialize(ResourceInfo)
               ?? throw new JsonException("Expected a FHIR resource but found null.");
    }

    public static Resource ReadResource(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, ResourceInfo)
        ?? throw new JsonException("Expected a FHIR resource but found null.");

    public static Resource ReadResource(string json) =>
        JsonSerializer.Deserialize(json, ResourceInfo)
        ?? throw new JsonException("Expected a FHIR resource but found null.");

    public static string Write(Resource resource) => JsonSerializer.Serialize(resource, ResourceInfo);

    public static byte[] WriteUtf8(Resource resource) => JsonSerializer.SerializeToUtf8Bytes(resource, ResourceInfo);

    public static JsonElement ToElement(Resource resource) => JsonSerializer.SerializeToElement(resource, ResourceInfo);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(FhirJsonContext.Default.Options)
        {
            TypeInfoResolver = FhirJsonContext.Default.WithAddedModifier(DropNullArrayItems),
        };
        options.MakeReadOnly();
        return options;
    }

    private static void DropNullArrayItems(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var lists = info.Properties
            .Where(p => p.Get is not null && p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            .Select(p => p.Get!)
            .ToArray();
        if (lists.Length == 0) return;
        var previous = info.OnDeserialized;
        info.OnDeserialized = obj =>
        {
            foreach (var get in lists)
                if (get(obj) is IList { Count: > 0 } list)
                    for (var i = list.Count - 1; i >= 0; i--)
                        if (list[i] is null) list.RemoveAt(i);
            previous?.Invoke(obj);
        };
    }
}
