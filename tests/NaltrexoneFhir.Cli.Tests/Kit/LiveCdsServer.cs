using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace NaltrexoneFhir.Cli.Tests.Kit;

/// <summary>The real service on a loopback port (Kestrel, not TestServer), clock pinned like the API tests.</summary>
public sealed class LiveCdsServer : WebApplicationFactory<Program>
{
    public const string Now = "2026-11-22T10:00:00Z";

    public LiveCdsServer()
    {
        UseKestrel(0);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
    }

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string BaseUrl { get; }

    public string ServiceUrl(string id) => $"{BaseUrl}/cds-services/{id}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Clock:Now", Now);
    }
}

[CollectionDefinition(nameof(LiveServerCollection))]
public sealed class LiveServerCollection : ICollectionFixture<LiveCdsServer>;
