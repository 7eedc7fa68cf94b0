using System.Buffers;
using System.Text.Json;

namespace NaltrexoneFhir.Persistence;

/// <summary>
/// The <c>hook_call.data_origins</c> column: a JSON array with one object per data key,
/// <c>[{"key":"liverLabs","origin":"prefetch","state":"provided"}, …]</c>. Queryable in SQL (SQLite
/// <c>json_each</c>, PostgreSQL <c>data_origins::jsonb</c>).
/// </summary>
/// <remarks>
/// Until schema version 3 these were rows of a <c>hook_call_data</c> table, about 11 of the ~15 rows written per hook
/// call and ~7 % of the service's CPU under load (BENCHMARKS.md); nothing queries them per key.
/// </remarks>
public static class DataOriginsJson
{
    public static string Write(IReadOnlyList<HookCallData> data)
    {
        if (data.Count == 0) return "[]";
        var buffer = new ArrayBufferWriter<byte>(64 * data.Count);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var d in data)
            {
                w.WriteStartObject();
                w.WriteString("key"u8, d.DataKey);
                w.WriteString("origin"u8, d.Origin);
                w.WriteString("state"u8, d.State);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads the column (any property order and whitespace, as PostgreSQL's JSON functions write it).</summary>
    public static List<HookCallData> Read(string json)
    {
        var list = new List<HookCallData>();
        if (string.IsNullOrWhiteSpace(json)) return list;
        using var doc = JsonDocument.Parse(json);
        foreach (var item in doc.RootElement.EnumerateArray())
            list.Add(new HookCallData(Text(item, "key"), Text(item, "origin"), Text(item, "state")));
        return list;
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
