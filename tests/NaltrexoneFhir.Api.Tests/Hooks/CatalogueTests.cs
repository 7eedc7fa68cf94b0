using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Tests.Support;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Api.Tests.Hooks;

[Collection(nameof(ApiCollection))]
public sealed class CatalogueTests(CdsApiFactory factory)
{
    private async Task<CatalogueDocument> GetCatalogue(HttpClient client)
    {
        var response = await client.GetAsync("/catalogue");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), CatalogueJsonContext.Default.CatalogueDocument)!;
    }

    [Fact]
    public async Task Catalogue_ListsEveryRule_WithConcernHooksDataSourcesAndEnabled()
    {
        var response = await factory.CreateClient().GetAsync("/catalogue");
        var json = await CdsApiFactory.ReadJson(response);
        var rules = json.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(RuleCatalog.All().Count, rules.Count);
        var r16 = rules.Single(r => r.GetProperty("id").GetString() == "R16");
        Assert.Equal("dose-above-recommended", r16.GetProperty("concern").GetString());
        Assert.Equal("warning", r16.GetProperty("defaultIndicator").GetString());
        Assert.Equal(["order-select", "order-sign"], r16.GetProperty("hooks").EnumerateArray().Select(h => h.GetString()));
        Assert.True(r16.GetProperty("enabled").GetBoolean());
        var r19 = rules.Single(r => r.GetProperty("id").GetString() == "R19");
        Assert.Equal(["conditions", "pregnancyTests"], r19.GetProperty("dataKeys").EnumerateArray().Select(h => h.GetString()));
        foreach (var rule in rules)
            foreach (var source in rule.GetProperty("sources").EnumerateArray())
            {
                Assert.False(string.IsNullOrEmpty(source.GetProperty("label").GetString()));
                Assert.StartsWith("http", source.GetProperty("url").GetString());
            }
        Assert.Contains(json.GetProperty("settings").EnumerateArray(), s => s.GetProperty("key").GetString() == "Rules:SurgeryHoldExtendedReleaseDays");
    }

    [Fact]
    public async Task Catalogue_IsNotACdsService() =>
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().PostAsync("/cds-services/catalogue", CdsApiFactory.Json("{}"))).StatusCode);

    [Fact]
    public async Task Catalogue_ShowsDisabledRules()
    {
        await using var f = new CdsApiFactory().With("Rules:Disabled:0", "R29");
        var doc = await GetCatalogue(f.CreateClient());
        Assert.False(doc.Rules.Single(r => r.Id == "R29").Enabled);
        Assert.True(doc.Rules.Single(r => r.Id == "R28").Enabled);
    }

    /// <summary>docs/rules.md is the route's data as markdown. UPDATE_DOCS=1 rewrites it (and the README settings table).</summary>
    [Fact]
    public async Task Catalogue_AndDocsRulesMd_Agree()
    {
        var doc = await GetCatalogue(factory.CreateClient());
        var expected = RulesMarkdown.Render(doc);
        var path = RepoFiles.Path("docs", "rules.md");
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, expected);
        }
        var actual = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(expected == actual,
            $"docs/rules.md does not match GET /catalogue. Regenerate it with: {RulesMarkdown.RegenerateHint}\n" + FirstDifference(expected, actual));
    }

    [Fact]
    public async Task ReadmeSettingsTable_MatchesTheOptions()
    {
        const string begin = "<!-- rule-settings:begin (generated; see docs/rules.md) -->";
        const string end = "<!-- rule-settings:end -->";
        var table = RulesMarkdown.SettingsTable(RuleCatalogue.Settings(new RuleOptions()));
        var path = RepoFiles.Path("README.md");
        var readme = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        var i = readme.IndexOf(begin, StringComparison.Ordinal);
        var j = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(i >= 0 && j > i, $"README.md must hold the settings table between '{begin}' and '{end}'.");
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            readme = readme[..(i + begin.Length)] + "\n" + table + readme[j..];
            await File.WriteAllTextAsync(path, readme);
            j = readme.IndexOf(end, StringComparison.Ordinal);
        }
        var actual = readme[(i + begin.Length)..j].Trim('\n') + "\n";
        Assert.True(table == actual, $"The README settings table differs from RuleOptions. Regenerate with: {RulesMarkdown.RegenerateHint}\n" + FirstDifference(table, actual));
    }

    [Theory]
    [InlineData("Rules:EgfrModerateBelow", "20", "EgfrModerateBelow")]
    [InlineData("Rules:TransaminaseCriticalMultiple", "2", "TransaminaseCriticalMultiple")]
    [InlineData("Rules:Disabled:0", "R99", "R99")]
    [InlineData("Rules:SurgeryHoldExtendedReleaseDays", "500", "SurgeryHoldExtendedReleaseDays")]
    [InlineData("Rules:LowDoseMaxDailyMg", "60", "LowDoseMaxDailyMg")]
    public void NonsenseConfiguration_FailsStartup_WithAClearMessage(string key, string value, string named)
    {
        var ex = StartupFailure.Of(() => new CdsApiFactory().With(key, value));
        var all = ex.ToString();
        Assert.Contains(named, all);
        Assert.IsType<OptionsValidationException>(Unwrap(ex));
    }

    private static Exception Unwrap(Exception ex)
    {
        while (ex is not OptionsValidationException && ex.InnerException is not null) ex = ex.InnerException;
        if (ex is AggregateException { InnerExceptions.Count: > 0 } agg) return Unwrap(agg.InnerExceptions[0]);
        return ex;
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var k = 0; k < Math.Max(e.Length, a.Length); k++)
        {
            var el = k < e.Length ? e[k] : "<end of file>";
            var al = k < a.Length ? a[k] : "<end of file>";
            if (el != al) return $"First difference at line {k + 1}:\n  expected: {el}\n  actual:   {al}";
        }
        return "";
    }
}
