using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Infrastructure;
using NaltrexoneFhir.Cli.Rendering;
using NaltrexoneFhir.Cli.Requests;
using NaltrexoneFhir.Cli.Tokens;
using Spectre.Console;

namespace NaltrexoneFhir.Cli.Commands;

/// <summary>
/// <c>fire &lt;service-url&gt; --patient &lt;id&gt; --fhir &lt;base&gt; --order &lt;file|preset&gt;</c>: builds a CDS Hooks
/// request the way an EHR would (prefetch from the FHIR server using the service's discovery templates, or none with
/// --no-prefetch to exercise the service's FHIR fallback), posts it and renders the cards. Works against any CDS
/// Hooks service.
/// </summary>
public static class FireCommand
{
    public const string DefaultUser = "Practitioner/ntx-cds-cli";

    public static Command Create(CliEnvironment env)
    {
        var serviceUrl = new Argument<string>("service-url") { Description = "URL of one CDS service, e.g. http://localhost:5000/cds-services/naltrexone-order-sign" };
        var patient = new Option<string>("--patient", "-p") { Description = "Patient id (context.patientId)", Required = true };
        var fhir = new Option<string?>("--fhir") { Description = "FHIR server base URL: prefetch is fetched from it and sent as fhirServer" };
        var order = new Option<string[]>("--order", "-o")
        {
            Description = $"Draft order: a JSON file (resource or Bundle) or a preset ({string.Join(", ", Orders.PresetNames)}). Repeatable",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var noPrefetch = new Option<bool>("--no-prefetch") { Description = "Send no prefetch (the service must query the FHIR server itself)" };
        var hook = new Option<string?>("--hook") { Description = "Hook to send (default: the hook the service declares in discovery)" };
        var user = new Option<string>("--user") { Description = "context.userId", DefaultValueFactory = _ => DefaultUser };
        var encounter = new Option<string?>("--encounter") { Description = "context.encounterId" };
        var fhirToken = new Option<string?>("--fhir-token") { Description = "Access token sent in fhirAuthorization for the service's own FHIR queries" };
        var sign = new Option<bool>("--sign") { Description = "Send a bearer JWT signed with the local development key (see 'token')" };
        var keyDir = TokenCommand.KeyDirOption(env);
        var json = new Option<bool>("--json") { Description = "Print the raw response body only" };
        var save = new Option<string?>("--save-request") { Description = "Also write the request sent to this file (a replayable request.json)" };

        var command = new Command("fire", "Build a hook request (prefetch from a FHIR server), post it and render the cards")
        {
            serviceUrl, patient, fhir, order, noPrefetch, hook, user, encounter, fhirToken, sign, keyDir, json, save,
        };
        command.SetGuardedAction(env, async (parse, ct) =>
        {
            var url = Http.ParseUrl(parse.GetValue(serviceUrl), "service-url");
            var fhirBase = parse.GetValue(fhir) is { } f ? Http.ParseUrl(f, "--fhir") : null;
            var patientId = parse.GetValue(patient)!.Trim();
            if (patientId.Length == 0 || patientId.Contains('/'))
                throw new CliException("--patient takes a bare patient id (e.g. pat-001), not a reference.");
            var raw = parse.GetValue(json);
            var pretty = !raw;

            using var http = env.CreateHttpClient();
            var (discoveryUrl, serviceId) = Discovery.SplitServiceUrl(url);
            var (services, _) = await Discovery.FetchAsync(http, discoveryUrl, ct);
            var service = services.FirstOrDefault(s => s.Id == serviceId)
                ?? throw new CliException($"{discoveryUrl} has no service '{serviceId}'. Services: {string.Join(", ", services.Select(s => s.Id))}.");

            var hookName = parse.GetValue(hook) ?? service.Hook;
            var orderValues = parse.GetValue(order) ?? [];
            if (hookName is "order-sign" or "order-select" && orderValues.Length == 0)
                throw new CliException($"{hookName} needs at least one --order (a JSON file or a preset: {string.Join(", ", Orders.PresetNames)}).");
            var call = new HookCall(hookName, patientId, parse.GetValue(user)!, parse.GetValue(encounter),
                Orders.Load(orderValues, patientId, env.WorkingDirectory));

            JsonObject? prefetch = null;
            if (!parse.GetValue(noPrefetch) && service.Prefetch.Count > 0)
            {
                if (fhirBase is null)
                    throw new CliException($"'{serviceId}' asks for prefetch ({string.Join(", ", service.Prefetch.Keys)}): pass --fhir <base> to fetch it, or --no-prefetch to send none.");
                var builder = new PrefetchBuilder(http, fhirBase);
                IReadOnlyList<PrefetchOutcome> outcomes = [];
                await WithStatus(env, pretty, "Fetching prefetch…", async status =>
                {
                    var n = 0;
                    (prefetch, outcomes) = await builder.BuildAsync(service.Prefetch, call.TemplateContext,
                        key => status($"Fetching prefetch {++n}/{service.Prefetch.Count}: {key}"), ct);
                });
                if (pretty) RenderPrefetch(env.Console, outcomes);
            }

            var request = HookRequestBuilder.Build(call, prefetch, fhirBase, parse.GetValue(fhirToken));
            if (parse.GetValue(save) is { } savePath) await SaveAsync(savePath, request, env, ct);

            string? bearer = null;
            if (parse.GetValue(sign))
            {
                using var key = DevKey.LoadOrCreate(parse.GetValue(keyDir)!, out _);
                bearer = key.Mint(TokenCommand.DefaultIssuer, TokenCommand.DefaultIssuer, url.GetLeftPart(UriPartial.Path),
                    TimeSpan.FromMinutes(5), env.Clock.GetUtcNow());
            }

            var sw = Stopwatch.StartNew();
            HttpAnswer answer = null!;
            await WithStatus(env, pretty, $"Calling {serviceId}…", async _ =>
                answer = await Http.SendJsonAsync(http, HttpMethod.Post, url, request, "application/json", ct, bearer));
            sw.Stop();

            if (raw)
            {
                await env.Out.WriteLineAsync(answer.TryJson() is { } body ? JsonFiles.Write(body) : answer.Body);
                return answer.IsSuccess ? ExitCodes.Ok : ExitCodes.Failed;
            }
            if (!answer.IsSuccess)
            {
                env.Console.MarkupLine($"[red]HTTP {answer.Code} {answer.Status}[/] [grey]({sw.ElapsedMilliseconds} ms)[/]");
                foreach (var issue in answer.Issues()) env.Console.MarkupLine($"  [red]•[/] {Markup.Escape(issue)}");
                return ExitCodes.Failed;
            }
            if (answer.TryJson() is not JsonObject response || response["cards"] is not JsonArray cards)
                throw new CliException($"{url} answered HTTP {answer.Code} without a CDS Hooks response (no \"cards\" array).", ExitCodes.Failed);
            env.Console.MarkupLine($"[green]HTTP {answer.Code}[/] in {sw.ElapsedMilliseconds} ms: [bold]{cards.Count}[/] card(s) from [bold]{Markup.Escape(serviceId)}[/] ({Markup.Escape(hookName)})");
            CardRenderer.Render(env.Console, response);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WithStatus(CliEnvironment env, bool show, string text, Func<Action<string>, Task> work)
    {
        if (!show || !env.Console.Profile.Capabilities.Interactive)
        {
            await work(_ => { });
            return;
        }
        await env.Console.Status().StartAsync(text, ctx => work(s => ctx.Status(Markup.Escape(s))));
    }

    private static void RenderPrefetch(IAnsiConsole console, IReadOnlyList<PrefetchOutcome> outcomes)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("Prefetch key").AddColumn("Sent");
        foreach (var o in outcomes)
            table.AddRow(Markup.Escape(o.Key), o.Result.StartsWith("left out", StringComparison.Ordinal)
                ? $"[yellow]{Markup.Escape(o.Result)}[/]" : Markup.Escape(o.Result));
        console.Write(table);
    }

    private static async Task SaveAsync(string path, JsonObject request, CliEnvironment env, CancellationToken ct)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(env.WorkingDirectory, path);
        try
        {
            if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(full, JsonFiles.Write(request), ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot write {full}: {ex.Message}");
        }
    }
}
