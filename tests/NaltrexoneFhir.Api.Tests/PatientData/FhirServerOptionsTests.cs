using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Tests.Support;

namespace NaltrexoneFhir.Api.Tests.PatientData;

/// <summary>FhirServer options are validated at start: nonsense fails start with a message naming the setting.</summary>
public sealed class FhirServerOptionsTests
{
    private static OptionsValidationException StartFails(Func<CdsApiFactory> factory) =>
        Assert.IsAssignableFrom<OptionsValidationException>(StartupFailure.Of(factory));

    [Fact]
    public void HttpBaseUrlOffLoopback_FailsStart() =>
        Assert.Contains("https is required", StartFails(() => new CdsApiFactory()
            .With("FhirServer:AllowedBaseUrls:0", "http://ehr.example.org/fhir").With("FhirServer:AllowHttpLoopback", "true")).Message);

    [Fact]
    public void HttpLoopbackInProduction_FailsStart() =>
        Assert.Contains("AllowHttpLoopback must be false in Production", StartFails(() => new CdsApiFactory()
            .With("FhirServer:AllowHttpLoopback", "true")
            // Production also needs a trusted client issuer and the audit key: give both, so only the loopback setting is wrong.
            .With("Security:PublicBaseUrl", "https://cds.example.org").With("Security:Issuers:0:Issuer", "https://ehr.example.org")
            .With("Security:Issuers:0:JwksUrl", "https://ehr.example.org/.well-known/jwks.json")
            .With("Audit:PatientIdHmacKey", Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()))
            .Configure(b => b.UseEnvironment("Production"))).Message);

    [Fact]
    public void TimeoutLongerThanBudget_FailsStart() =>
        Assert.Contains("FhirServer:Timeout", StartFails(() => new CdsApiFactory()
            .With("FhirServer:Timeout", "00:00:03").With("FhirServer:Budget", "00:00:02")).Message);

    [Fact]
    public void ValidConfiguration_Starts()
    {
        using var factory = new CdsApiFactory()
            .With("FhirServer:AllowedBaseUrls:0", "https://ehr.example.org/fhir")
            .With("FhirServer:AllowedBaseUrls:1", "http://127.0.0.1:8080/fhir")
            .With("FhirServer:AllowHttpLoopback", "true")
            .With("FhirServer:DataFailurePolicy", "Strict");
        Assert.NotNull(factory.CreateClient());
    }
}
