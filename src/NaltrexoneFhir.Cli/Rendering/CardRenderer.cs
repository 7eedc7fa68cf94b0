using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NaltrexoneFhir.Cli.Rendering;

/// <summary>Renders CDS Hooks cards the way an EHR shows them: indicator colour, summary, detail, source, suggestions.</summary>
public static partial class CardRenderer
{
    public static Color ColorOf(string? indicator) => indicator switch
    {
        "critical" => Color.Red,
        "warning" => Color.Orange1,
        "info" => Color.DeepSkyBlue1,
        _ => Color.Grey,
    };

    public static void Render(IAnsiConsole console, JsonObject response)
    {
        var cards = (response["cards"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (cards.Count == 0)
            console.MarkupLine("[green]No cards[/]: the service has nothing to say about this order.");
        foreach (var card in cards) console.Write(Card(card));

        var systemActions = (response["systemActions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var action in systemActions)
            console.MarkupLine($"[grey]system action[/] {Markup.Escape((string?)action["type"] ?? "?")}: {Markup.Escape((string?)action["description"] ?? "")}");
    }

    public static Panel Card(JsonObject card)
    {
        var indicator = (string?)card["indicator"] ?? "?";
        var color = ColorOf(indicator);
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape((string?)card["summary"] ?? "(no summary)")}[/]"),
        };
        if ((string?)card["detail"] is { Length: > 0 } detail)
        {
            rows.Add(Text.Empty);
            rows.Add(new Markup(MarkdownToMarkup(detail)));
        }

        var suggestions = (card["suggestions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (suggestions.Count > 0)
        {
            rows.Add(Text.Empty);
            rows.Add(new Markup("[underline]Suggestions[/]"));
            foreach (var s in suggestions)
            {
                var recommended = (bool?)s["isRecommended"] == true ? " [green](recommended)[/]" : "";
                rows.Add(new Markup($"  [bold]▶ {Markup.Escape((string?)s["label"] ?? "?")}[/]{recommended}"));
                foreach (var a in (s["actions"] as JsonArray ?? []).OfType<JsonObject>())
                    rows.Add(new Markup($"      [grey]{Markup.Escape((string?)a["type"] ?? "?")}[/] {Markup.Escape((string?)a["description"] ?? "")}"));
            }
        }

        var links = (card["links"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var l in links)
            rows.Add(new Markup($"[grey]link[/] {Markup.Escape((string?)l["label"] ?? "")} [link]{Markup.Escape((string?)l["url"] ?? "")}[/]"));

        var reasons = (card["overrideReasons"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => (string?)r["display"] ?? (string?)r["code"]).Where(r => r is not null).ToList();
        if (reasons.Count > 0)
        {
            rows.Add(Text.Empty);
            rows.Add(new Markup($"[grey]Override reasons:[/] {Markup.Escape(string.Join(" · ", reasons))}"));
        }

        var source = card["source"] as JsonObject;
        var sourceText = (string?)source?["label"] ?? "(no source)";
        if ((string?)source?["url"] is { } url) sourceText += $" — {url}";
        if ((string?)source?["topic"]?["code"] is { } topic) sourceText += $" [{topic}]";
        rows.Add(new Markup($"[grey]Source: {Markup.Escape(sourceText)}[/]"));

        return new Panel(new Rows(rows))
        {
            Header = new PanelHeader($"[bold {color.ToMarkup()}] {Markup.Escape(indicator.ToUpperInvariant())} [/]"),
            Border = BoxBorder.Heavy,
            BorderStyle = new Style(color),
            Expand = true,
        };
    }

    /// <summary>Minimal markdown → Spectre markup: **bold**, *italic*, `code`, [text](url), bullets; everything else escaped.</summary>
    public static string MarkdownToMarkup(string markdown)
    {
        var sb = new StringBuilder();
        foreach (var rawLine in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            var line = rawLine;
            if (line.TrimStart().StartsWith("- ", StringComparison.Ordinal) || line.TrimStart().StartsWith("* ", StringComparison.Ordinal))
                line = "  • " + line.TrimStart()[2..];
            var last = 0;
            foreach (Match m in Inline().Matches(line))
            {
                sb.Append(Markup.Escape(line[last..m.Index]));
                if (m.Groups["bold"].Success) sb.Append("[bold]").Append(Markup.Escape(m.Groups["bold"].Value)).Append("[/]");
                else if (m.Groups["italic"].Success) sb.Append("[italic]").Append(Markup.Escape(m.Groups["italic"].Value)).Append("[/]");
                else if (m.Groups["code"].Success) sb.Append("[grey]").Append(Markup.Escape(m.Groups["code"].Value)).Append("[/]");
                else sb.Append(Markup.Escape(m.Groups["text"].Value)).Append(" (").Append(Markup.Escape(m.Groups["url"].Value)).Append(')');
                last = m.Index + m.Length;
            }
            sb.Append(Markup.Escape(line[last..])).Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }

    [GeneratedRegex(@"\*\*(?<bold>[^*]+)\*\*|(?<![*\w])\*(?<italic>[^*\s][^*]*)\*(?!\*)|`(?<code>[^`]+)`|\[(?<text>[^\]]+)\]\((?<url>[^)\s]+)\)")]
    private static partial Regex Inline();
}
