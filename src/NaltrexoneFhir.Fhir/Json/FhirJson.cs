using System.Collections;
using System.Runtime.InteropServices;
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
    private static readonly JsonSerializerOptions Options = CreateOptions(allowOutOfOrderResourceType: true);

    private static readonly JsonTypeInfo<Resource> ResourceInfo = (JsonTypeInfo<Resource>)Options.GetTypeInfo(typeof(Resource));

    /// <summary>
    /// The same contract, but <c>resourceType</c> must be each resource's first property (as EHRs write it). With
    /// out-of-order metadata allowed, the serializer scans every resource object ahead for its discriminator before
    /// reading it, which was about half of the reading time (BENCHMARKS.md). Reads try this first and fall back to
    /// <see cref="ResourceInfo"/> whenever it cannot type every resource, so the result never differs.
    /// </summary>
    private static readonly JsonTypeInfo<Resource> ResourceFirstInfo =
        (JsonTypeInfo<Resource>)CreateOptions(allowOutOfOrderResourceType: false).GetTypeInfo(typeof(Resource));

    public static FhirJsonContext Context => FhirJsonContext.Default;

    /// <summary>Reads a resource; throws <see cref="JsonException"/> only for JSON that is malformed or of the wrong shape.</summary>
    public static Resource ReadResource(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new JsonException($"Expected a FHIR resource (JSON object) but found {element.ValueKind}.");
        if (TryReadResourceFirst(element) is { } fast) return fast;
        return element.Deserialize(ResourceInfo)
               ?? throw new JsonException("Expected a FHIR resource but found null.");
    }

    /// <summary>
    /// Reads a resource that only the rules will see (prefetch data), with <see cref="FhirFastReader"/> when the JSON
    /// has the plain expected shape and with <see cref="ReadResource(JsonElement)"/> otherwise. Unknown elements are
    /// skipped, not kept in <c>Unknown</c>, and <c>meta</c> is not built: never write the result back (suggestions that
    /// change a draft order start from the draft's own JSON, not from this model). Throws like
    /// <see cref="ReadResource(JsonElement)"/>.
    /// </summary>
    public static Resource ReadForRules(JsonElement element)
    {
        // The element's own bytes in its document: no copy.
        if (element.ValueKind == JsonValueKind.Object && FhirFastReader.TryRead(JsonMarshal.GetRawUtf8Value(element)) is { } fast)
            return fast;
        return ReadResource(element);
    }

    /// <summary>As <see cref="ReadForRules(JsonElement)"/>, from the resource's JSON text (one JSON object).</summary>
    public static Resource ReadForRules(ReadOnlySpan<byte> utf8Json) =>
        FhirFastReader.TryRead(utf8Json) ?? ReadResource(utf8Json);

    public static Resource ReadResource(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            if (JsonSerializer.Deserialize(utf8Json, ResourceFirstInfo) is { } fast && AllTyped(fast)) return fast;
        }
        catch (JsonException) { /* read again below: the tolerant reader decides */ }
        return JsonSerializer.Deserialize(utf8Json, ResourceInfo)
               ?? throw new JsonException("Expected a FHIR resource but found null.");
    }

    public static Resource ReadResource(string json) => ReadResource(System.Text.Encoding.UTF8.GetBytes(json));

    private static Resource? TryReadResourceFirst(JsonElement element)
    {
        try
        {
            return element.Deserialize(ResourceFirstInfo) is { } r && AllTyped(r) ? r : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when every resource in the graph (bundle entries, contained) was read as a modelled type. A plain
    /// <see cref="Resource"/> means an unknown type or a resourceType that was not first: read with the tolerant contract.
    /// </summary>
    private static bool AllTyped(Resource resource)
    {
        if (resource.GetType() == typeof(Resource)) return false;
        if (resource.Contained is { } contained)
            foreach (var c in contained)
                if (!AllTyped(c)) return false;
        if (resource is Bundle { Entry: { } entries })
            foreach (var e in entries)
                if (e.Resource is { } r && !AllTyped(r)) return false;
        return true;
    }

    public static string Write(Resource resource) => JsonSerializer.Serialize(resource, ResourceInfo);

    public static byte[] WriteUtf8(Resource resource) => JsonSerializer.SerializeToUtf8Bytes(resource, ResourceInfo);

    public static JsonElement ToElement(Resource resource) => JsonSerializer.SerializeToElement(resource, ResourceInfo);

    /// <summary>Writes the resource as the next value of <paramref name="writer"/> (its own encoder escapes the text).</summary>
    public static void Write(Utf8JsonWriter writer, Resource resource) => JsonSerializer.Serialize(writer, resource, ResourceInfo);

    private static JsonSerializerOptions CreateOptions(bool allowOutOfOrderResourceType)
    {
        var options = new JsonSerializerOptions(FhirJsonContext.Default.Options)
        {
            TypeInfoResolver = FhirJsonContext.Default.WithAddedModifier(DropNullArrayItems),
            AllowOutOfOrderMetadataProperties = allowOutOfOrderResourceType,
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
