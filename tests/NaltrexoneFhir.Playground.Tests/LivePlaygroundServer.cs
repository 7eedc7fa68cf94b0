using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace NaltrexoneFhir.Playground.Tests;

/// <summary>The real service on a loopback port so a real browser can load /playground. Clock pinned like the API tests.</summary>
public sealed class LivePlaygroundServer : WebApplicationFactory<Program>
{
    public LivePlaygroundServer()
    {
        UseKestrel(0);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
    }

    public string BaseUrl { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Clock:Now", "2026-11-22T10:00:00Z");
        // Strict data-failure policy, so a request without prefetch shows the 412 OperationOutcome on the page.
        builder.UseSetting("FhirServer:DataFailurePolicy", "Strict");
    }
}
