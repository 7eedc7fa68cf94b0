using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Engine;

public sealed class CatalogueTests
{
    /// <summary>clinical-reference.md §3: id → concern code and default indicator (the contract).</summary>
    public static TheoryData<string, string, string> Reference => new()
    {
        { "R01", "opioid-coprescription", "critical" }, { "R02", "opioid-coprescription", "critical" },
        { "R03", "opioid-antidiarrheal-interaction", "info" }, { "R04", "recent-opioid-use", "critical" },
        { "R05", "recent-opioid-use", "critical" }, { "R06", "recent-opioid-use", "critical" },
        { "R07", "opioid-free-verification", "info" }, { "R08", "overdose-risk", "info" },
        { "R09", "hepatotoxicity", "critical" }, { "R10", "hepatotoxicity", "critical" },
        { "R11", "hepatotoxicity", "critical" }, { "R12", "hepatotoxicity", "warning" },
        { "R13", "hepatotoxicity", "critical" }, { "R14", "hepatotoxicity", "info" },
        { "R15", "missing-baseline-lft", "warning" }, { "R16", "dose-above-recommended", "warning" },
        { "R17", "dose-above-recommended", "warning" }, { "R18", "dose-indication-mismatch", "info" },
        { "R19", "pregnancy", "warning" }, { "R20", "renal-impairment", "warning" },
        { "R21", "renal-impairment", "info" }, { "R22", "depression-suicidality", "warning" },
        { "R23", "depression-suicidality", "info" }, { "R24", "pediatric", "warning" },
        { "R25", "allergy", "critical" }, { "R26", "allergy", "info" },
        { "R27", "duplicate-therapy", "warning" }, { "R28", "seizure-risk", "warning" },
        { "R29", "planned-surgery", "warning" }, { "R30", "off-label-indication", "info" },
        { "R31", "unclassified-medication", "info" }, { "R32", "lab-unit-unrecognized", "info" },
    };

    [Theory]
    [MemberData(nameof(Reference))]
    public void EveryRuleOfTheReference_IsImplemented_WithItsConcernAndIndicator(string id, string concern, string indicator)
    {
        var rule = Assert.Single(RuleCatalog.All(), r => r.Id == id);
        Assert.Equal(concern, rule.Concern);
        Assert.Equal(indicator, rule.DefaultIndicator);
    }

    [Fact]
    public void EveryRule_HasATitleSourcesWithUrls_KnownDataKeys_AndAUniqueId()
    {
        var keys = new DataKeys(Scenario.Terminology).All.Select(k => k.Name).ToHashSet();
        var rules = RuleCatalog.All();
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        foreach (var r in rules)
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Title), r.Id);
            Assert.NotEmpty(r.Sources);
            Assert.All(r.Sources, s => Assert.StartsWith("http", s.Url));
            Assert.All(r.Needs, k => Assert.Contains(k, keys));
            Assert.NotEmpty(r.Hooks);
            Assert.Contains(r.DefaultIndicator, new[] { Indicators.Info, Indicators.Warning, Indicators.Critical });
            Assert.NotEmpty(OverrideReasons.For(r.Concern));
        }
    }

    [Fact]
    public void Describe_ReportsDisabledRules_AndEverySetting()
    {
        var doc = RuleCatalogue.Describe(RuleCatalog.All(), new RuleOptions { Disabled = ["R16"] });
        Assert.False(doc.Rules.Single(r => r.Id == "R16").Enabled);
        Assert.True(doc.Rules.Single(r => r.Id == "R17").Enabled);
        var setting = doc.Settings.Single(s => s.Key == "Rules:OralMaxAverageDailyMg");
        Assert.Equal("50", setting.Default);
        Assert.Equal("1–1000", setting.Range);
        Assert.All(doc.Settings, s => Assert.False(string.IsNullOrWhiteSpace(s.Description), s.Key));
    }

    [Fact]
    public void Markdown_NamesEveryRuleAndSetting()
    {
        var doc = RuleCatalogue.Describe(RuleCatalog.All(), new RuleOptions());
        var md = RulesMarkdown.Render(doc);
        foreach (var r in doc.Rules) Assert.Contains($"| {r.Id} |", md);
        foreach (var s in doc.Settings) Assert.Contains($"`{s.Key}`", md);
    }
}
