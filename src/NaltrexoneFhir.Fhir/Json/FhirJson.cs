using System.Text.Json;
using System.Text.Json.Serialization;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Json;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    Converters = [typeof(TolerantStringJsonConverter), typeof(NullSkippingListConverterFactory)])]
[JsonSerializable(typeof(Resource))]
[JsonSerializable(typeof(List<Resource>))]
public sealed partial class FhirJsonContext : JsonSerializerContext;

/// <summary>The one entry point for FHIR JSON. Always reads through the polymorphic <see cref="Resource"/> contract.</summary>
public static class FhirJson
{
    public static FhirJsonContext Context => FhirJsonContext.Default;

    /// <summary>Reads a resource; throws <see cref="JsonException"/> only for JSON that is malformed or of the wrong shape.</summary>
    public static Resource ReadResource(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new JsonException($"Expected a FHIR resource (JSON object) but found {element.ValueKind}.");
        return element.Deserialize(FhirJsonContext.Default.Resource)
               ?? throw new JsonException("Expected a FHIR resource but found null.");
    }

    public static Resource ReadResource(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, FhirJsonContext.Default.Resource)
        ?? throw new JsonException("Expected a FHIR resource but found null.");

    public static Resource ReadResource(string json) =>
        JsonSerializer.Deserialize(json, FhirJsonContext.Default.Resource)
        ?? throw new JsonException("Expected a FHIR resource but found null.");

    public static string Write(Resource resource) => JsonSerializer.Serialize(resource, FhirJsonContext.Default.Resource);

    public static byte[] WriteUtf8(Resource resource) => JsonSerializer.SerializeToUtf8Bytes(resource, FhirJsonContext.Default.Resource);

    public static JsonElement ToElement(Resource resource) => JsonSerializer.SerializeToElement(resource, FhirJsonContext.Default.Resource);
}
