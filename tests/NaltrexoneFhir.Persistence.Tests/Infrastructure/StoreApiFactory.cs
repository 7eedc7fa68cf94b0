using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NaltrexoneFhir.Api.Store;

namespace NaltrexoneFhir.Persistence.Tests.Infrastructure;

/// <summary>The real API host in memory, pointed at one test database, with a known patient-id key.</summary>
public sealed class StoreApiFactory(TestDatabase database, Dictionary<string, string?>? extra = null) : WebApplicationFactory<Program>
{
    public static readonly byte[] HmacKey = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = database.AppSettings();
        settings["Clock:Now"] = "2026-11-22T10:00:00Z";
        settings["Audit:PatientIdHmacKey"] = Convert.ToBase64String(HmacKey);
        settings["Audit:MaxRetryDelay"] = "00:00:00.500";
        settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "None";
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
    }

    public AuditQueue Queue => Services.GetRequiredService<AuditQueue>();

    /// <summary>Waits until every audit record queued so far is in the database (bounded so a bug fails the test instead of hanging it).</summary>
    public async Task AuditSettledAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await Queue.WhenSettledAsync(cts.Token);
    }

    public static string ExpectedHash(string patientId) => Convert.ToHexStringLower(HMACSHA256.HashData(HmacKey, Encoding.UTF8.GetBytes(patientId)));
}

/// <summary>The repo's sample order-sign request (naltrexone ordered for a patient on oxycodone, ALT 182 U/L).</summary>
public static class SampleHook
{
    public const string Service = "naltrexone-order-sign";
    private static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "examples", "hook-requests", "order-sign-naltrexone-on-oxycodone.json");

    public static string PatientId => JsonNode.Parse(File.ReadAllText(Path))!["context"]!["patientId"]!.GetValue<string>();

    public static StringContent Request(string? hookInstance = null)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path))!;
        node["hookInstance"] = hookInstance ?? Guid.NewGuid().ToString();
        return new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json");
    }

    public static async Task<JsonElement> CallAsync(HttpClient client, string? hookInstance = null)
    {
        var response = await client.PostAsync($"/cds-services/{Service}", Request(hookInstance));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>())!;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
