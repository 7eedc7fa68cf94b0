using System.CommandLine;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Infrastructure;
using Spectre.Console;

namespace NaltrexoneFhir.Cli.Commands;

/// <summary>
/// <c>seed &lt;fhir-base&gt; [--folder dir]</c>: loads synthetic patients into a FHIR server. Each *.json file is a
/// transaction or batch Bundle (POSTed to the base) or a single resource with an id (PUT to Type/id), so seeding twice
/// is harmless when the bundles use PUT entries.
/// </summary>
public static class SeedCommand
{
    /// <summary>Where seed bundles are looked for, upwards from the working directory, when --folder is not given.</summary>
    public static readonly string[] DefaultFolders = ["tests/sandbox-fhir/seed", "fhir-profiles/examples/sandbox"];

    public sealed record Result(string File, int Resources, bool Passed, string Message);

    public static Command Create(CliEnvironment env)
    {
        var fhirBase = new Argument<string>("fhir-base") { Description = "FHIR server base URL, e.g. http://localhost:8080/fhir" };
        var folder = new Option<string?>("--folder", "-f")
        {
            Description = $"Folder of transaction Bundles (*.json). Default: the first of {string.Join(", ", DefaultFolders)} found upwards from here",
        };
        var command = new Command("seed", "Load the synthetic patients (transaction Bundles) into a FHIR server") { fhirBase, folder };
        command.SetGuardedAction(env, async (parse, ct) =>
        {
            var baseUrl = Http.ParseUrl(parse.GetValue(fhirBase), "fhir-base");
            var dir = parse.GetValue(folder) is { } given
                ? Path.GetFullPath(Path.Combine(env.WorkingDirectory, given))
                : FindDefaultFolder(env.WorkingDirectory);
            if (!Directory.Exists(dir)) throw new CliException($"Folder not found: {dir}");
            var files = Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new CliException($"No *.json files in {dir}.");

            using var http = env.CreateHttpClient();
            var results = new List<Result>();
            await env.Console.Progress().AutoClear(true).HideCompleted(true).StartAsync(async progress =>
            {
                var task = progress.AddTask("Seeding", maxValue: files.Count);
                foreach (var file in files)
                {
                    task.Description = Markup.Escape(Path.GetFileName(file));
                    results.Add(await LoadAsync(http, baseUrl, file, ct));
                    task.Increment(1);
                }
            });

            var table = new Table().Border(TableBorder.Rounded).AddColumn("File").AddColumn("Resources").AddColumn("Result");
            foreach (var r in results)
                table.AddRow(Markup.Escape(r.File), r.Resources.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    r.Passed ? $"[green]{Markup.Escape(r.Message)}[/]" : $"[red]{Markup.Escape(r.Message)}[/]");
            env.Console.MarkupLine($"Seeding [link]{Markup.Escape(baseUrl.ToString())}[/] from {Markup.Escape(dir)}");
            env.Console.Write(table);
            var failed = results.Count(r => !r.Passed);
            env.Console.MarkupLine($"{(failed == 0 ? "[green]" : "[red]")}{results.Count - failed} loaded, {failed} failed[/] ({results.Sum(r => r.Resources)} resources)");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    public static string FindDefaultFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            foreach (var candidate in DefaultFolders)
            {
                var path = Path.Combine(dir.FullName, candidate);
                if (Directory.Exists(path) && Directory.EnumerateFiles(path, "*.json").Any()) return path;
            }
        throw new CliException($"No seed folder ({string.Join(" or ", DefaultFolders)}) found from {start} upwards; pass --folder <dir>.");
    }

    private static async Task<Result> LoadAsync(HttpClient http, Uri baseUrl, string file, CancellationToken ct)
    {
        var name = Path.GetFileName(file);
        JsonObject resource;
        try
        {
            resource = JsonFiles.ReadObject(file);
        }
        catch (CliException ex)
        {
            return new(name, 0, false, ex.Message);
        }

        var type = (string?)resource["resourceType"];
        var bundleType = (string?)resource["type"];
        HttpAnswer answer;
        int count;
        if (type == "Bundle" && bundleType is "transaction" or "batch")
        {
            count = (resource["entry"] as JsonArray)?.Count ?? 0;
            answer = await Http.SendJsonAsync(http, HttpMethod.Post, baseUrl, resource, Http.FhirJson, ct);
        }
        else if (type is not null && type != "Bundle" && (string?)resource["id"] is { Length: > 0 } id)
        {
            count = 1;
            answer = await Http.SendJsonAsync(http, HttpMethod.Put, Http.Combine(baseUrl, $"{type}/{Uri.EscapeDataString(id)}"), resource, Http.FhirJson, ct);
        }
        else
        {
            return new(name, 0, false, "not a transaction/batch Bundle nor a resource with an id");
        }

        if (!answer.IsSuccess) return new(name, count, false, answer.Describe());
        // A batch answers 200 even when entries fail: check each entry's status.
        var failedEntries = (answer.TryJson()?["entry"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(e => (string?)e["response"]?["status"]).Where(s => s is not null && !s.StartsWith('2')).ToList();
        return failedEntries.Count == 0
            ? new(name, count, true, $"HTTP {answer.Code}")
            : new(name, count, false, $"{failedEntries.Count} entries failed ({string.Join(", ", failedEntries.Distinct())})");
    }
}
