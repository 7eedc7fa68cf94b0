using System.Text.Json;
using NaltrexoneFhir.Rules.Catalog;

namespace NaltrexoneFhir.Api.Tests.Scenarios;

/// <summary>
/// The scenario folder covers the catalogue: for every rule a folder named "&lt;id&gt;-…" whose expected concerns include
/// the rule's concern, and one named "&lt;id&gt;-silent-…" whose expected concerns do not; and every subsection of
/// clinical-reference.md §1 (1.1–1.12) is named in at least one scenario's note.
/// </summary>
public sealed class ScenarioCoverageTests
{
    private static IReadOnlyList<(string Name, string[] Concerns, string Note)> Scenarios() =>
        Directory.EnumerateDirectories(Path.Combine(AppContext.BaseDirectory, "Scenarios")).Select(d =>
        {
            var e = JsonDocument.Parse(File.ReadAllText(Path.Combine(d, "expected.json"))).RootElement;
            return (Path.GetFileName(d),
                e.GetProperty("concerns").EnumerateArray().Select(c => c.GetString()!).ToArray(),
                e.TryGetProperty("note", out var n) ? n.GetString() ?? "" : "");
        }).ToList();

    public static IEnumerable<object[]> Rules() => RuleCatalog.All().Select(r => new object[] { r.Id, r.Concern });

    [Theory]
    [MemberData(nameof(Rules))]
    public void EveryRule_FiresAndStaysSilent_InTheScenarioFolder(string id, string concern)
    {
        var prefix = id.ToLowerInvariant() + "-";
        var all = Scenarios().Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(all.Any(s => !s.Name.StartsWith(prefix + "silent-", StringComparison.Ordinal) && s.Concerns.Contains(concern)),
            $"No scenario '{prefix}…' expects {concern}.");
        Assert.True(all.Any(s => s.Name.StartsWith(prefix + "silent-", StringComparison.Ordinal) && !s.Concerns.Contains(concern)),
            $"No scenario '{prefix}silent-…' shows {id} staying silent.");
    }

    [Theory]
    [InlineData("1.1")] [InlineData("1.2")] [InlineData("1.3")] [InlineData("1.4")] [InlineData("1.5")] [InlineData("1.6")]
    [InlineData("1.7")] [InlineData("1.8")] [InlineData("1.9")] [InlineData("1.10")] [InlineData("1.11")] [InlineData("1.12")]
    public void EverySeedOfClinicalReferenceSection1_HasAScenario(string section) =>
        Assert.Contains(Scenarios(), s => System.Text.RegularExpressions.Regex.IsMatch(s.Note, $@"§{System.Text.RegularExpressions.Regex.Escape(section)}(?!\d)")
                                        || s.Name.StartsWith($"s{section}-", StringComparison.Ordinal));
}
