using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NaltrexoneFhir.Testing;

/// <summary>One request a stub server received (what tests assert on: path, query, bearer, Accept).</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string? Accept);

/// <summary>
/// A real HTTP server on a free loopback port (Kestrel), for tests of the FHIR-server fallback over real sockets:
/// a canned FHIR server, a slow or failing server, or a delay/fault proxy in front of the sandbox. Records every request.
/// </summary>
public sealed class StubHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubHttpServer(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Origin { get; }
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<StubHttpServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StubHttpServer? self = null;
        app.Run(async ctx =>
        {
            self!.Requests.Enqueue(new RecordedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString,
                ctx.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, ctx.Request.Headers.Accept.ToString()));
            await handler(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new StubHttpServer(app, address.TrimEnd('/'));
        return self;
    }

    /// <summary>Writes a FHIR JSON body.</summary>
    public static Task Fhir(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/fhir+json";
        return ctx.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
