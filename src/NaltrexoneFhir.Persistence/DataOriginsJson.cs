using System.Text.Json;
using System.Text.Json.Serialization;

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
public static partial class DataOriginsJson
{
    public static string Write(List<HookCallData> data) => JsonSerializer.Serialize(data, Context.Default.ListHookCallData);

    /// <summary>Reads the column (any property order and whitespace, as PostgreSQL's JSON functions write it).</summary>
    public static List<HookCallData> Read(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize(json, Context.Default.ListHookCallData) ?? [];

    [JsonSerializable(typeof(List<HookCallData>))]
    private sealed partial class Context : JsonSerializerContext;
}
