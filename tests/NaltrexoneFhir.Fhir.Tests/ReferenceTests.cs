using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;

namespace NaltrexoneFhir.Fhir.Tests;

/// <summary>Reference parsing (allocation-free since the snapshot's subject checks) and the resolver's lazily built index.</summary>
public sealed class ReferenceTests
{
    /// <summary>The Split-based parser this replaced, kept as the specification.</summary>
    private static (string Type, string Id)? SplitParse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.StartsWith('#') || value.StartsWith("urn:", StringComparison.Ordinal)) return null;
        var parts = value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 4 && parts[^2] == "_history") parts = parts[..^2];
        if (parts.Length < 2) return null;
        var type = parts[^2];
        return type.Length > 0 && char.IsUpper(type[0]) ? (type, parts[^1]) : null;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("Patient/p1")]
    [InlineData("Patient/p1/")]
    [InlineData("//Patient//p1//")]
    [InlineData("https://ehr.example/fhir/Patient/p1")]
    [InlineData("https://ehr.example/fhir/Patient/p1/_history/3")]
    [InlineData("Patient/p1/_history/3")]
    [InlineData("p1/_history/3")]
    [InlineData("_history/3")]
    [InlineData("Patient/_history/3")]
    [InlineData("patient/p1")]
    [InlineData("Ärzte/p1")]
    [InlineData("#p1")]
    [InlineData("urn:uuid:1234")]
    [InlineData("p1")]
    [InlineData("/")]
    [InlineData("Patient/p 1")]
    public void Parse_MatchesTheSplitParser(string? value) => Assert.Equal(SplitParse(value), ReferenceExtensions.ParseTypeAndId(value));

    [Fact]
    public void Parse_AndIsPatient_MatchTheSplitParser_OnGeneratedReferences()
    {
        // Every sequence of up to five atoms: separators, cases, the _history marker, blanks, '#' and "urn:".
        string[] atoms = ["/", "Patient", "p", "_history", "1", " ", "#", "urn:"];
        var all = new List<string>();
        IEnumerable<string> current = [""];
        for (var length = 0; length < 5; length++)
        {
            current = current.SelectMany(v => atoms.Select(a => v + a)).ToList();
            all.AddRange(current);
        }
        foreach (var value in all)
        {
            var expected = SplitParse(value);
            Assert.Equal(expected, ReferenceExtensions.ParseTypeAndId(value));
            Assert.Equal(expected is not { } p || (p.Type == "Patient" && p.Id == "1"), new Reference { ReferenceValue = value }.IsPatient("1"));
        }
    }

    [Theory]
    [InlineData("Patient/bench-001", "bench-001", true)]
    [InlineData("Patient/bench-002", "bench-001", false)]
    [InlineData("Group/bench-001", "bench-001", false)]
    [InlineData("https://ehr/fhir/Patient/bench-001/_history/2", "bench-001", true)]
    [InlineData("#contained", "bench-001", true)]
    [InlineData("urn:uuid:1", "bench-001", true)]
    [InlineData("bench-001", "bench-001", true)]
    [InlineData(null, "bench-001", true)]
    [InlineData("Patient/bench-001", null, false)]
    public void IsPatient(string? reference, string? patientId, bool expected) =>
        Assert.Equal(expected, new Reference { ReferenceValue = reference }.IsPatient(patientId!));

    [Fact]
    public void Resolver_FirstAddWins_AcrossFullUrlsAndTypeIds_AndLaterAddsAreSeen()
    {
        var a = new Medication { Id = "1", Code = new CodeableConcept { Text = "A" } };
        var b = new Medication { Id = "1", Code = new CodeableConcept { Text = "B" } };
        var c = new Medication { Id = "2", Code = new CodeableConcept { Text = "C" } };
        var resolver = new ResourceResolver();
        resolver.Add(a);
        resolver.Add(b, "Medication/2"); // same type/id as a (a wins); its fullUrl claims "Medication/2" first
        Assert.Equal("A", resolver.Resolve<Medication>(new Reference { ReferenceValue = "Medication/1" })!.Code!.Text);
        resolver.Add(c); // after a lookup: indexed on the next one, and "Medication/2" stays b's
        Assert.Equal("B", resolver.Resolve<Medication>(new Reference { ReferenceValue = "Medication/2" })!.Code!.Text);
        Assert.Equal("B", resolver.Resolve<Medication>(new Reference { ReferenceValue = "https://x/Medication/2" })!.Code!.Text);
        Assert.Null(resolver.Resolve<Condition>(new Reference { ReferenceValue = "Medication/1" }));
        resolver.Add(new Medication { Id = "3" }, "https://ehr/fhir/Medication/33");
        Assert.NotNull(resolver.Resolve<Medication>(new Reference { ReferenceValue = "Medication/33" }));
        Assert.NotNull(resolver.Resolve<Medication>(new Reference { ReferenceValue = "Medication/3" }));
    }
}
