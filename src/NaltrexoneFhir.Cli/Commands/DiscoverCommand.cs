using System.CommandLine;
using NaltrexoneFhir.Cli.Infrastructure;
using NaltrexoneFhir.Cli.Requests;
using Spectre.Console;

namespace NaltrexoneFhir.Cli.Commands;

/// <summary><c>discover &lt;service-base-url&gt;</c>: the services a CDS Hooks endpoint offers, with their prefetch templates.</summary>
public static class DiscoverCommand
{
    public static Command Create(CliEnvironment env)
    {
        var url = new Argument<string>("service-base-url") { Description = "Base URL of a CDS Hooks service (http://host or http://host/cds-services)" };
        var json = new Option<bool>("--json") { Description = "Print the raw discovery document" };
        var command = new Command("discover", "List the services of a CDS Hooks endpoint and their prefetch templates") { url, json };
        command.SetGuardedAction(env, async (parse, ct) =>
        {
            var discoveryUrl = Discovery.DiscoveryUrl(Http.ParseUrl(parse.GetValue(url), "service-base-url"));
            using var http = env.CreateHttpClient();
            var (services, raw) = await Discovery.FetchAsync(http, discoveryUrl, ct);
            if (parse.GetValue(json))
            {
                await env.Out.WriteLineAsync(JsonFiles.Write(raw));
                return ExitCodes.Ok;
            }

            env.Console.MarkupLine($"[bold]{services.Count}[/] service(s) at [link]{Markup.Escape(discoveryUrl.ToString())}[/]");
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("Service id").NoWrap()).AddColumn("Hook").AddColumn("Title").AddColumn("Prefetch keys");
            foreach (var s in services)
                table.AddRow($"[bold]{Markup.Escape(s.Id)}[/]", Markup.Escape(s.Hook), Markup.Escape(s.Title ?? ""),
                    Markup.Escape(s.Prefetch.Count == 0 ? "(none)" : string.Join(", ", s.Prefetch.Keys.Order(StringComparer.Ordinal))));
            env.Console.Write(table);

            var templates = services.SelectMany(s => s.Prefetch).Distinct().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            if (templates.Count == 0) return ExitCodes.Ok;
            var prefetch = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("Prefetch key").NoWrap()).AddColumn("Template");
            foreach (var (key, template) in templates)
                prefetch.AddRow(Markup.Escape(key), Markup.Escape(Shorten(template, 160)));
            env.Console.Write(prefetch);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
