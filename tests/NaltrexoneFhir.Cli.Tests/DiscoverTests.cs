using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Tests.Kit;

namespace NaltrexoneFhir.Cli.Tests;

[Collection(nameof(LiveServerCollection))]
public sealed class DiscoverTests(LiveCdsServer server) : IDisposable
{
    private readonly CliRunner _cli = new();

    [Fact]
    public async Task Discover_ListsServicesAndPrefetch()
    {
        var run = await _cli.RunAsync("discover", server.BaseUrl);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var id in new[] { "naltrexone-order-sign", "naltrexone-order-select", "naltrexone-patient-view" })
            Assert.Contains(id, run.Out);
        Assert.Contains("medicationRequests", run.Out);
        Assert.Contains("MedicationRequest?patient={{context.patientId}}", run.Out);
    }

    [Fact]
    public async Task DiscoverJson_PrintsTheDiscoveryDocument()
    {
        var run = await _cli.RunAsync("discover", server.BaseUrl + "/cds-services", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var services = JsonNode.Parse(run.Out)!["services"]!.AsArray();
        Assert.Contains(services, s => (string?)s!["id"] == "naltrexone-order-sign");
    }

    [Fact]
    public async Task UnreachableUrl_OneLineError_NoStackTrace()
    {
        var run = await _cli.RunAsync("discover", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: Could not reach http://127.0.0.1:1/cds-services", run.Error);
        Assert.DoesNotContain("   at ", run.Error + run.Out);
    }

    [Fact]
    public async Task NotAUrl_SaysWhatIsExpected()
    {
        var run = await _cli.RunAsync("discover", "localhost-without-scheme");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("must be an absolute http(s) URL", run.Error);
    }

    [Fact]
    public async Task NotACdsService_SaysSo()
    {
        var run = await _cli.RunAsync("discover", server.BaseUrl + "/health/live");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("answered HTTP 404", run.Error);
    }

    public void Dispose() => _cli.Dispose();
}
