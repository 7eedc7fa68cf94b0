using NaltrexoneFhir.Api.PatientData;

namespace NaltrexoneFhir.Api.Tests.PatientData;

public sealed class FhirServerAllowlistTests
{
    private static readonly FhirServerAllowlist Allowlist = new(
        ["https://ehr.example.org/fhir/", "https://fhir.hospital.test:8443", "http://127.0.0.1:5055/fhir"], allowHttpLoopback: true);

    [Theory]
    [InlineData("https://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org/fhir/")]
    [InlineData("https://EHR.Example.org/fhir")]               // host names are case-insensitive
    [InlineData("https://ehr.example.org:443/fhir")]           // the default port is the same origin
    [InlineData("https://ehr.example.org/fhir/R4")]            // a path under an allowed base
    [InlineData("https://fhir.hospital.test:8443/any/path")]   // a base with an empty path covers the origin
    [InlineData("http://127.0.0.1:5055/fhir")]                 // http on loopback, explicitly allowed
    public void Allowed(string fhirServer) => Assert.True(Allowlist.Check(fhirServer).IsAllowed, fhirServer);

    [Theory]
    [InlineData(null, "no fhirServer")]
    [InlineData("", "no fhirServer")]
    [InlineData("https://ehr.example.org.attacker.test/fhir", "allowlist")]   // suffix trick
    [InlineData("https://ehr.example.org/fhir-admin", "allowlist")]           // path-prefix trick
    [InlineData("https://ehr.example.org/", "allowlist")]                     // above the allowed path
    [InlineData("https://ehr.example.org/fhir/../admin", "allowlist")]        // dot segments are resolved first
    [InlineData("https://ehr.example.org/fhir/%2e%2e/admin", "allowlist")]    // encoded dot segments are resolved too
    [InlineData("https://ehr.example.org/fhir/a%2f..%2fadmin", "encoded")]    // encoded slashes are refused
    [InlineData("https://ehr.example.org:8443/fhir", "allowlist")]            // another port
    [InlineData("http://ehr.example.org/fhir", "https is required")]          // http off loopback, never
    [InlineData("https://user:pw@ehr.example.org/fhir", "credentials")]
    [InlineData("https://ehr.example.org/fhir?x=1", "no query")]
    [InlineData("http://127.0.0.1:5056/fhir", "allowlist")]                   // loopback, but another port
    [InlineData("http://localhost:5055/fhir", "allowlist")]                   // same machine, but not the listed host
    [InlineData("http://169.254.169.254/latest/meta-data", "https is required")]
    [InlineData("file:///etc/passwd", "http(s)")]
    [InlineData("ehr.example.org/fhir", "absolute")]
    public void Refused(string? fhirServer, string reason)
    {
        var check = Allowlist.Check(fhirServer);
        Assert.False(check.IsAllowed);
        Assert.Contains(reason, check.Refusal);
    }

    [Fact]
    public void HttpLoopback_RefusedUnlessExplicitlyAllowed()
    {
        var strict = new FhirServerAllowlist(["http://127.0.0.1:5055/fhir", "https://ehr.example.org/fhir"], allowHttpLoopback: false);
        Assert.Contains("https is required", strict.Check("http://127.0.0.1:5055/fhir").Refusal);
        Assert.True(strict.Check("https://ehr.example.org/fhir").IsAllowed);
    }

    [Fact]
    public void EmptyAllowlist_RefusesEverything() =>
        Assert.Contains("not configured", new FhirServerAllowlist([], allowHttpLoopback: true).Check("https://ehr.example.org/fhir").Refusal);

    [Theory]
    [InlineData("https://ehr.example.org/fhir/MedicationRequest?patient=p1&_getpages=abc", true)]
    [InlineData("https://ehr.example.org/fhir?_getpages=abc", true)]
    [InlineData("https://ehr.example.org/other?_getpages=abc", false)]
    [InlineData("https://attacker.test/fhir/MedicationRequest?patient=p1", false)]
    [InlineData("https://u@ehr.example.org/fhir/MedicationRequest", false)]
    public void Covers_NextLinks(string url, bool covered) => Assert.Equal(covered, Allowlist.Covers(new Uri(url)));

    [Fact]
    public void Origin_ForLogs_HasNoPathOrCredentials() =>
        Assert.Equal("https://ehr.example.org:443", FhirServerAllowlist.Origin("https://user:pw@ehr.example.org/fhir/Patient/p1"));
}
