using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Playground;

/// <summary>Playground settings (section "Playground").</summary>
public sealed class PlaygroundOptions
{
    public const string SectionName = "Playground";

    /// <summary>Serve /playground. Default: on in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Folder holding hook-requests/ and draft-orders/ (default: the examples copied next to the app).</summary>
    public string? ExamplesPath { get; set; }
}

/// <summary>
/// /playground: a static page (HTML/JS/CSS embedded in this assembly, no build step) that fires hooks at this
/// service and shows the cards the way an EHR would. Example patients are the recorded requests in
/// fhir-profiles/examples/hook-requests; draft orders are fhir-profiles/examples/draft-orders (the CLI's presets).
/// Served in Development, or when Playground:Enabled is true.
/// </summary>
public static class PlaygroundEndpoints
{
    private const string ResourcePrefix = "playground/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary();

    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>($"{PlaygroundOptions.SectionName}:{nameof(PlaygroundOptions.Enabled)}") ?? environment.IsDevelopment();

    public static WebApplication MapPlayground(this WebApplication app)
    {
        if (!IsEnabled(app.Configuration, app.Environment)) return app;
        var assets = LoadAssets();
        var examplesPath = app.Configuration[$"{PlaygroundOptions.SectionName}:{nameof(PlaygroundOptions.ExamplesPath)}"]
            ?? Path.Combine(AppContext.BaseDirectory, "examples");

        var group = app.MapGroup("/playground").WithTags("Playground");
        group.MapGet("", () => Asset(assets, "index.html")).WithSummary("The playground page");
        group.MapGet("/assets/{file}", (string file) => Asset(assets, file)).WithSummary("Playground scripts and styles");
        group.MapGet("/examples", () => TypedResults.Text(Examples(examplesPath).ToJsonString(), "application/json"))
            .WithSummary("Example patients (recorded hook requests) and draft orders")
            .Produces<JsonObject>();
        return app;
    }

    private static IResult Asset(FrozenDictionary<string, byte[]> assets, string file) =>
        assets.TryGetValue(file, out var bytes) && ContentTypes.TryGetValue(Path.GetExtension(file), out var type)
            ? TypedResults.Bytes(bytes, type)
            : TypedResults.NotFound();

    private static FrozenDictionary<string, byte[]> LoadAssets()
    {
        var asm = typeof(PlaygroundEndpoints).Assembly;
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = asm.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            assets[name[ResourcePrefix.Length..]] = buffer.ToArray();
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>{"patients": [{id, label, hook, request}], "orders": [{id, label, resource}]} read from the examples folder.</summary>
    public static JsonObject Examples(string examplesPath)
    {
        var patients = new JsonArray();
        foreach (var file in Files(Path.Combine(examplesPath, "hook-requests")))
        {
            if (Read(file) is not JsonObject request) continue;
            var id = Path.GetFileNameWithoutExtension(file);
            var hook = (string?)request["hook"] ?? "?";
            patients.Add(new JsonObject
            {
                ["id"] = id,
                ["label"] = Label(id, hook),
                ["hook"] = hook,
                ["request"] = request,
            });
        }
        var orders = new JsonArray();
        foreach (var file in Files(Path.Combine(examplesPath, "draft-orders")))
        {
            if (Read(file) is not JsonObject resource) continue;
            var text = (string?)resource["medicationCodeableConcept"]?["text"]
                ?? (string?)resource["medicationCodeableConcept"]?["coding"]?[0]?["display"]
                ?? (string?)resource["code"]?["text"];
            orders.Add(new JsonObject
            {
                ["id"] = Path.GetFileNameWithoutExtension(file),
                ["label"] = text ?? Path.GetFileNameWithoutExtension(file),
                ["resource"] = resource,
            });
        }
        return new JsonObject { ["patients"] = patients, ["orders"] = orders };
    }

    private static IEnumerable<string> Files(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal) : [];

    private static JsonNode? Read(string file)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file));
        }
        catch (JsonException)
        {
            return null;   // a broken example is left out of the lists, not a broken page
        }
    }

    /// <summary>"order-sign-naltrexone-on-oxycodone" → "Naltrexone on oxycodone (order-sign)".</summary>
    private static string Label(string id, string hook)
    {
        var rest = id.StartsWith(hook + "-", StringComparison.Ordinal) ? id[(hook.Length + 1)..] : id;
        var words = rest.Replace('-', ' ');
        return words.Length == 0 ? id : $"{char.ToUpperInvariant(words[0])}{words[1..]} ({hook})";
    }
}
