using System.Reflection;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Infrastructure;

namespace NaltrexoneFhir.Cli.Requests;

/// <summary>
/// Draft orders for a hook call: a JSON file (a resource, or a Bundle of them) or a preset name. Presets are the
/// files of fhir-profiles/examples/draft-orders, embedded in the tool (the playground page uses the same files).
/// </summary>
public static class Orders
{
    private const string Prefix = "draft-orders/";

    public static IReadOnlyList<string> PresetNames { get; } = typeof(Orders).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length]).Order(StringComparer.Ordinal).ToList();

    /// <summary>Resolves each --order value to draft resources for the patient (subject set, status draft when absent).</summary>
    public static IReadOnlyList<JsonObject> Load(IEnumerable<string> values, string patientId, string workingDirectory)
    {
        var result = new List<JsonObject>();
        foreach (var value in values)
        {
            var path = Path.IsPathRooted(value) ? value : Path.Combine(workingDirectory, value);
            JsonNode node = File.Exists(path) || value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || value.Contains('/')
                ? JsonFiles.Read(path)
                : Preset(value);
            result.AddRange(Resources(node, value));
        }
        for (var i = 0; i < result.Count; i++) Normalize(result[i], patientId, i + 1);
        return result;
    }

    public static JsonObject Preset(string name)
    {
        using var stream = typeof(Orders).Assembly.GetManifestResourceStream(Prefix + name + ".json")
            ?? throw new CliException($"'{name}' is neither a file nor an order preset. Presets: {string.Join(", ", PresetNames)}.");
        using var reader = new StreamReader(stream);
        return (JsonObject)JsonFiles.Parse(reader.ReadToEnd(), $"preset {name}");
    }

    private static IEnumerable<JsonObject> Resources(JsonNode node, string source)
    {
        if (node is not JsonObject o || o["resourceType"] is null)
            throw new CliException($"{source} must hold a FHIR resource (with resourceType) or a Bundle of draft orders.");
        if ((string?)o["resourceType"] != "Bundle") return [(JsonObject)o.DeepClone()];
        var entries = (o["entry"] as JsonArray ?? []).OfType<JsonObject>().Select(e => e["resource"]).OfType<JsonObject>()
            .Select(r => (JsonObject)r.DeepClone()).ToList();
        if (entries.Count == 0) throw new CliException($"{source} is a Bundle with no entry resources.");
        return entries;
    }

    private static void Normalize(JsonObject order, string patientId, int n)
    {
        order["id"] ??= $"draft-{n}";
        order["status"] ??= "draft";
        order["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" };
    }
}
