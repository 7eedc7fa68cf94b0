using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace NaltrexoneFhir.Api.Tests;

/// <summary>The real host in memory, with the clock pinned (Clock:Now) so dated test data never rots.</summary>
public sealed class CdsApiFactory : WebApplicationFactory<Program>
{
    public const string Now = "2026-11-22T10:00:00Z";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "naltrexone-api-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;
    private readonly List<Action<IWebHostBuilder>> _configure = [];

    public CdsApiFactory() => _settings = new() { ["Clock:Now"] = Now, ["Storage:DataDirectory"] = _dataDirectory };

    public CdsApiFactory With(string key, string? value) { _settings[key] = value; return this; }

    /// <summary>Further host configuration (environment, logging) applied after the settings.</summary>
    public CdsApiFactory Configure(Action<IWebHostBuilder> configure) { _configure.Add(configure); return this; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        foreach (var c in _configure) c(builder);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJson(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}

[CollectionDefinition(nameof(ApiCollection))]
public sealed class ApiCollection : ICollectionFixture<CdsApiFactory>;
