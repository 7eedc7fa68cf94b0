using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Catalog;

public sealed record CatalogueSource(string Label, string Url);

/// <summary>One rule as published by GET /catalogue and docs/rules.md.</summary>
public sealed record CatalogueRule(
    string Id,
    string Title,
    string Concern,
    IReadOnlyList<string> Hooks,
    string DefaultIndicator,
    IReadOnlyList<string> DataKeys,
    IReadOnlyList<CatalogueSource> Sources,
    bool Enabled);

/// <summary>One configuration setting (section "Rules") with its default and allowed range.</summary>
public sealed record CatalogueSetting(string Key, string Default, string? Range, string Description);

public sealed record CatalogueDocument(IReadOnlyList<CatalogueRule> Rules, IReadOnlyList<CatalogueSetting> Settings);

/// <summary>
/// The published rule catalogue, built from the rules themselves (ids, concerns, hooks, data keys, sources) and
/// from <see cref="RuleOptions"/> ([Description], [Range], defaults): the route and the markdown never drift apart.
/// </summary>
public static class RuleCatalogue
{
    public static CatalogueDocument Describe(IEnumerable<Rule> rules, RuleOptions options) => new(
        rules.Select(r => new CatalogueRule(
            r.Id, r.Title, r.Concern,
            r.Hooks.Order(StringComparer.Ordinal).ToList(),
            r.DefaultIndicator,
            r.Needs.ToList(),
            r.Sources.Select(s => new CatalogueSource(s.Label, s.Url)).ToList(),
            options.IsEnabled(r.Id))).ToList(),
        Settings(options));

    /// <summary>Every public setting of <see cref="RuleOptions"/> with its current value, range and description.</summary>
    public static IReadOnlyList<CatalogueSetting> Settings(RuleOptions options) =>
        typeof(RuleOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => new CatalogueSetting(
                $"{RuleOptions.SectionName}:{p.Name}",
                Format(p.GetValue(options)),
                p.GetCustomAttribute<RangeAttribute>() is { } r ? $"{Format(r.Minimum)}–{Format(r.Maximum)}" : null,
                p.GetCustomAttribute<DescriptionAttribute>()?.Description ?? ""))
            .ToList();

    private static string Format(object? value) => value switch
    {
        null => "",
        string[] a => a.Length == 0 ? "[]" : "[" + string.Join(", ", a) + "]",
        decimal d => d.ToString("0.###", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Renders the catalogue as markdown (docs/rules.md) and the settings table (README).</summary>
public static class RulesMarkdown
{
    public const string RegenerateHint = "UPDATE_DOCS=1 dotnet test tests/NaltrexoneFhir.Api.Tests --filter Catalogue";

    public static string Render(CatalogueDocument doc)
    {
        var sb = new StringBuilder();
        sb.Append("# Rule catalogue\n\n");
        sb.Append("Generated from the service's rule catalogue (the same data as `GET /catalogue`); do not edit by hand.\n");
        sb.Append("A test fails when this file and the route disagree. Regenerate with:\n\n");
        sb.Append("```bash\n").Append(RegenerateHint).Append("\n```\n\n");
        sb.Append("Concern codes are published in `card.source.topic.code` (system `urn:naltrexone-cds:concern`); one card per concern,\n");
        sb.Append("the strongest finding sets the indicator. Rule ids R01–R32 follow `clinical-reference.md` §3; R28b, PV01 and DQ01 are the\n");
        sb.Append("service's own additions. Every rule can be switched off with `Rules:Disabled`.\n\n");
        sb.Append("## Rules\n\n");
        sb.Append("| Id | Title | Concern | Hooks | Default indicator | Data read | Sources |\n");
        sb.Append("|---|---|---|---|---|---|---|\n");
        foreach (var r in doc.Rules)
        {
            sb.Append("| ").Append(r.Id).Append(r.Enabled ? "" : " (disabled)")
              .Append(" | ").Append(Cell(r.Title))
              .Append(" | `").Append(r.Concern).Append('`')
              .Append(" | ").Append(string.Join(", ", r.Hooks))
              .Append(" | ").Append(r.DefaultIndicator)
              .Append(" | ").Append(r.DataKeys.Count == 0 ? "draft order only" : string.Join(", ", r.DataKeys.Select(k => $"`{k}`")))
              .Append(" | ").Append(string.Join("; ", r.Sources.Select(s => $"[{Cell(s.Label)}]({s.Url})")))
              .Append(" |\n");
        }
        sb.Append("\n## Configuration\n\n");
        sb.Append(SettingsTable(doc.Settings));
        return sb.ToString();
    }

    /// <summary>The settings table (also kept in README "Rule catalogue and configuration").</summary>
    public static string SettingsTable(IReadOnlyList<CatalogueSetting> settings)
    {
        var sb = new StringBuilder();
        sb.Append("| Setting | Default | Allowed | Meaning |\n");
        sb.Append("|---|---|---|---|\n");
        foreach (var s in settings)
            sb.Append("| `").Append(s.Key).Append("` | ").Append(s.Default).Append(" | ").Append(s.Range ?? "rule ids").Append(" | ").Append(Cell(s.Description)).Append(" |\n");
        return sb.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
