using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NaltrexoneFhir.Fhir.Json;

/// <summary>
/// Reads FHIR arrays into <see cref="IReadOnlyList{T}"/>, dropping <c>null</c> items (FHIR forbids them; a
/// hostile or sloppy client may still send them), so the model never holds null elements.
/// </summary>
public sealed class NullSkippingListConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NullSkippingListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

public sealed class NullSkippingListConverter<T> : JsonConverter<IReadOnlyList<T>>
{
    public override IReadOnlyList<T>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"Expected a JSON array for a list of {typeof(T).Name}.");
        var info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        var list = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null) continue;
            var item = JsonSerializer.Deserialize(ref reader, info);
            if (item is not null) list.Add(item);
        }
        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
    {
        var info = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        writer.WriteStartArray();
        foreach (var item in value) JsonSerializer.Serialize(writer, item, info);
        writer.WriteEndArray();
    }
}
