using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NaltrexoneFhir.Api.Security;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>
/// The real host with client JWT verification on: two trusted issuers whose JWK Sets are served by a stub handler
/// (keys generated per run), every log line captured, and the authenticated client of each request recorded.
/// </summary>
public sealed class SecuredApiFactory : WebApplicationFactory<Program>
{
    public const string BaseUrl = "https://cds.example.test";
    public const string AlternateBaseUrl = "https://cds-internal.example.test/naltrexone";
    public const string Ehr = "https://ehr.example.test";
    public const string EhrJwks = "https://ehr.example.test/jwks.json";
    public const string EhrJku = "https://ehr.example.test/.well-known/jwks.json";
    public const string EhrFhir = "https://fhir.ehr.example.test/r4";
    public const string Other = "https://other-ehr.example.test";
    public const string OtherJwks = "https://other-ehr.example.test/keys";
    public const string OtherTenant = "hospital-a";
    public const string OrderSign = "/cds-services/naltrexone-order-sign";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Clock:Now"] = CdsApiFactory.Now,
        ["Security:AllowUnauthenticated"] = "false",
        ["Security:PublicBaseUrl"] = BaseUrl,
        ["Security:AlternateBaseUrls:0"] = AlternateBaseUrl,
        ["Security:Issuers:0:Issuer"] = Ehr,
        ["Security:Issuers:0:JwksUrl"] = EhrJwks,
        ["Security:Issuers:0:AllowedJkuUrls:0"] = EhrJku,
        ["Security:Issuers:0:AllowedFhirServers:0"] = EhrFhir,
        ["Security:Issuers:1:Issuer"] = Other,
        ["Security:Issuers:1:JwksUrl"] = OtherJwks,
        ["Security:Issuers:1:Tenants:0"] = OtherTenant,
        ["Security:Issuers:1:Algorithms:0"] = "ES256",
        ["Security:Issuers:1:Algorithms:1"] = "ES384",
        ["Security:Cors:AllowedOrigins:0"] = "https://sandbox.cds-hooks.org",
    };
    private string _environment = "Development";

    public SecuredApiFactory()
    {
        Jwks.Serve(EhrJwks, TestKey.Jwks(EhrEc, EhrRsa));
        Jwks.Serve(EhrJku, TestKey.Jwks(EhrEc, EhrRsa));
        Jwks.Serve(OtherJwks, TestKey.Jwks(OtherEc256, OtherEc384));
    }

    public TestKey EhrEc { get; } = TestKey.Ec("ehr-es384");
    public TestKey EhrRsa { get; } = TestKey.Rsa("ehr-rs384");
    public TestKey OtherEc256 { get; } = TestKey.Ec("other-es256", "ES256");
    public TestKey OtherEc384 { get; } = TestKey.Ec("other-es384");
    public StubJwks Jwks { get; } = new();
    public LogCapture Logs { get; } = new();
    public ConcurrentQueue<AuthenticatedClient?> SeenClients { get; } = new();

    public SecuredApiFactory With(string key, string? value) { _settings[key] = value; return this; }
    public SecuredApiFactory InEnvironment(string name) { _environment = name; return this; }

    /// <summary>Removes every setting under <paramref name="prefix"/> (e.g. all trusted issuers).</summary>
    public SecuredApiFactory Without(string prefix)
    {
        foreach (var key in _settings.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) _settings.Remove(key);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => l.AddProvider(Logs));
        builder.ConfigureTestServices(s =>
        {
            s.AddHttpClient(JwksCache.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Jwks);
            s.AddSingleton<IStartupFilter>(new RecordClientFilter(SeenClients));
        });
    }

    /// <summary>The claims of a valid token for <paramref name="path"/> from the main EHR (CDS Hooks sandbox shape: exp = iat + 300).</summary>
    public static JsonObject Claims(string path = OrderSign, string iss = Ehr)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = iss,
            ["aud"] = BaseUrl + path,
            ["iat"] = Jwt.Epoch(now),
            ["exp"] = Jwt.Epoch(now.AddSeconds(300)),
            ["jti"] = Guid.NewGuid().ToString(),
        };
    }

    public static JsonObject Header(string? jku = null)
    {
        var h = new JsonObject { ["typ"] = "JWT" };
        if (jku is not null) h["jku"] = jku;
        return h;
    }

    /// <summary>A valid ES384 token from the main EHR, with optional changes to its claims.</summary>
    public string Token(string path = OrderSign, Action<JsonObject>? claims = null, JsonObject? header = null, TestKey? key = null)
    {
        var c = Claims(path);
        claims?.Invoke(c);
        return Jwt.Sign(header ?? Header(), c, key ?? EhrEc);
    }

    public async Task<HttpResponseMessage> PostHook(string? token, string path = OrderSign, string? body = null, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body ?? Hooks.Requests.OrderSign([Hooks.Requests.NaltrexoneDraft()]).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        return await CreateClient().SendAsync(request);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        EhrEc.Dispose(); EhrRsa.Dispose(); OtherEc256.Dispose(); OtherEc384.Dispose();
    }

    /// <summary>Records, after each request, the client the app saw in its scoped <see cref="CdsClientContext"/>.</summary>
    private sealed class RecordClientFilter(ConcurrentQueue<AuthenticatedClient?> seen) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, nextMiddleware) =>
            {
                await nextMiddleware(http);
                seen.Enqueue(http.RequestServices.GetRequiredService<CdsClientContext>().Client);
            });
            next(app);
        };
    }
}

/// <summary>Serves JWK Sets from memory and records every URL fetched.</summary>
public sealed class StubJwks : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, (HttpStatusCode Status, string Body)> _documents = new();
    public ConcurrentQueue<string> Requests { get; } = new();

    public void Serve(string url, string json, HttpStatusCode status = HttpStatusCode.OK) => _documents[url] = (status, json);

    public int Fetches(string url) => Requests.Count(r => r == url);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.ToString();
        Requests.Enqueue(url);
        var response = _documents.TryGetValue(url, out var doc)
            ? new HttpResponseMessage(doc.Status) { Content = new StringContent(doc.Body, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
        return Task.FromResult(response);
    }
}

/// <summary>Captures every log entry as text: message, structured values, exception and scopes.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Event, string Text)> Entries { get; } = new();

    public string AllText => string.Join('\n', Entries.Select(e => $"{e.Level} {e.Category} [{e.Event.Id}] {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class CapturingLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder(formatter(state, exception));
            AppendValues(text, state);
            if (exception is not null) text.Append(" | ").Append(exception);
            owner._scopes.ForEachScope((scope, sb) => { sb.Append(" | scope ").Append(scope); AppendValues(sb, scope); }, text);
            owner.Entries.Enqueue((category, logLevel, eventId, text.ToString()));
        }

        private static void AppendValues(StringBuilder sb, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (k, v) in pairs) sb.Append(" | ").Append(k).Append('=').Append(v);
        }
    }
}
