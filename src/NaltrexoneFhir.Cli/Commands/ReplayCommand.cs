using System.CommandLine;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Infrastructure;
using Spectre.Console;

namespace NaltrexoneFhir.Cli.Commands;

/// <summary>
/// <c>replay &lt;folder&gt; --service &lt;base-url&gt;</c>: posts each recorded request and compares the answer with its
/// expected file. A scenario is a folder with <c>request.json</c> (a CDS Hooks request) and <c>expected.json</c>
/// (<c>{"service": "...", "status": 200, "concerns": [...]}</c>: the exact set of card <c>source.topic.code</c>s;
/// status defaults to 200). Exit code 1 when any scenario fails, so an EHR's CI can run it.
/// </summary>
public static class ReplayCommand
{
    public sealed record Result(string Name, string Service, string Expected, string Actual, bool Passed, string? Reason);

    public static Command Create(CliEnvironment env)
    {
        var folder = new Argument<string>("folder") { Description = "A scenario folder, or a folder of scenario folders (request.json + expected.json)" };
        var service = new Option<string>("--service", "-s") { Description = "Base URL of the CDS Hooks service (http://host or http://host/cds-services)", Required = true };
        var command = new Command("replay", "Post recorded hook requests and compare the card concerns with the expected ones") { folder, service };
        command.SetGuardedAction(env, async (parse, ct) =>
        {
            var baseUrl = Requests.Discovery.DiscoveryUrl(Http.ParseUrl(parse.GetValue(service), "--service"));
            var root = Path.GetFullPath(Path.Combine(env.WorkingDirectory, parse.GetValue(folder)!));
            var scenarios = FindScenarios(root);

            using var http = env.CreateHttpClient();
            var results = new List<Result>();
            await env.Console.Progress().AutoClear(true).HideCompleted(true)
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("Replaying", maxValue: scenarios.Count);
                    foreach (var dir in scenarios)
                    {
                        task.Description = Markup.Escape(Path.GetFileName(dir));
                        results.Add(await RunAsync(http, baseUrl, dir, root, ct));
                        task.Increment(1);
                    }
                });

            // One table per service: scenario, result, the concerns the service answered (failures explain themselves below).
            foreach (var group in results.GroupBy(r => r.Service))
            {
                var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(group.Key)}[/]")
                    .AddColumn(new TableColumn("Scenario").NoWrap()).AddColumn(new TableColumn("Result").NoWrap()).AddColumn("Answer");
                foreach (var r in group)
                    table.AddRow(Markup.Escape(r.Name), r.Passed ? "[green]PASS[/]" : "[red]FAIL[/]", Markup.Escape(r.Actual));
                env.Console.Write(table);
            }
            foreach (var r in results.Where(r => !r.Passed && r.Reason is not null))
                env.Console.MarkupLine($"[red]✗[/] {Markup.Escape(r.Name)}: expected {Markup.Escape(r.Expected)}; {Markup.Escape(r.Reason!)}");
            var failed = results.Count(r => !r.Passed);
            env.Console.MarkupLine($"{(failed == 0 ? "[green]" : "[red]")}{results.Count - failed} passed, {failed} failed[/]");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>The folder itself when it is a scenario, else its sub-folders that hold a request.json (sorted by name).</summary>
    public static IReadOnlyList<string> FindScenarios(string root)
    {
        if (!Directory.Exists(root)) throw new CliException($"Folder not found: {root}");
        if (File.Exists(Path.Combine(root, "request.json"))) return [root];
        var list = Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "request.json")))
            .Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
            throw new CliException($"No scenarios under {root}: expected folders holding request.json and expected.json.");
        return list;
    }

    private static async Task<Result> RunAsync(HttpClient http, Uri baseUrl, string dir, string root, CancellationToken ct)
    {
        var name = dir == root ? Path.GetFileName(dir) : Path.GetRelativePath(root, dir);
        string serviceId = "?";
        try
        {
            var expected = JsonFiles.ReadObject(Path.Combine(dir, "expected.json"));
            serviceId = (string?)expected["service"] ?? throw new CliException("expected.json has no \"service\".");
            var status = expected["status"] is JsonValue sv && sv.TryGetValue<int>(out var st) ? st : 200;
            var want = (expected["concerns"] as JsonArray ?? []).Select(c => (string?)c ?? "").Order(StringComparer.Ordinal).ToList();
            var request = JsonFiles.Read(Path.Combine(dir, "request.json"));
            var expectedText = status == 200 ? Concerns(want) : $"HTTP {status}";

            var answer = await Http.SendJsonAsync(http, HttpMethod.Post, Http.Combine(baseUrl, Uri.EscapeDataString(serviceId)), request, "application/json", ct);
            if (answer.Code != status)
                return new(name, serviceId, expectedText, $"HTTP {answer.Code}", false, $"expected HTTP {status}, got {answer.Describe()}");
            if (status != 200) return new(name, serviceId, expectedText, $"HTTP {answer.Code}", true, null);

            if (answer.TryJson() is not JsonObject body || body["cards"] is not JsonArray cards)
                return new(name, serviceId, expectedText, "no cards array", false, "the answer is not a CDS Hooks response");
            var actual = cards.OfType<JsonObject>().Select(c => (string?)c["source"]?["topic"]?["code"] ?? "(no topic)")
                .Order(StringComparer.Ordinal).ToList();
            var passed = want.SequenceEqual(actual);
            return new(name, serviceId, expectedText, Concerns(actual), passed,
                passed ? null : $"missing [{string.Join(", ", want.Except(actual))}], unexpected [{string.Join(", ", actual.Except(want))}]");
        }
        catch (CliException ex) when (!ex.IsNetwork)
        {
            return new(name, serviceId, "?", "?", false, ex.Message);   // a bad file fails its scenario, not the run
        }
    }

    private static string Concerns(IReadOnlyList<string> concerns) => concerns.Count == 0 ? "(no cards)" : string.Join(", ", concerns);
}
