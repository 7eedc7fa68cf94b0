using System.Buffers;
using System.Text.Json;
using MediatR;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Errors;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Api.Hooks;

public static class CdsEndpoints
{
    public static IEndpointRouteBuilder MapCdsHooks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cds-services", (ServiceCatalog catalog, IOptionsSnapshot<RuleOptions> options) =>
            TypedResults.Json(new DiscoveryResponse(ServiceCatalog.Services.Select(s => catalog.Describe(s, options.Value)).ToList()),
                CdsJsonContext.Default.DiscoveryResponse))
            .WithTags("CDS Hooks").WithSummary("Discovery: the services, hooks and prefetch templates").Produces<DiscoveryResponse>();

        app.MapPost("/cds-services/{id}", InvokeAsync)
            .WithTags("CDS Hooks").WithSummary("Call a CDS service with a hook request; answers with cards")
            .Accepts<JsonElement>("application/json").Produces<CdsResponse>()
            .Produces(StatusCodes.Status400BadRequest, contentType: Outcomes.FhirJsonContentType)
            .Produces(StatusCodes.Status404NotFound, contentType: Outcomes.FhirJsonContentType)
            .Produces(StatusCodes.Status412PreconditionFailed, contentType: Outcomes.FhirJsonContentType)
            .Produces(StatusCodes.Status413PayloadTooLarge, contentType: Outcomes.FhirJsonContentType);
        return app;
    }

    private static async Task<IResult> InvokeAsync(string id, HttpContext http, ServiceCatalog catalog, DataKeys keys, IMediator mediator, IOptions<CdsOptions> options,
        BodyPreReads preReads)
    {
        var service = catalog.Find(id);
        if (service is null)
            return Outcomes.Result(StatusCodes.Status404NotFound, "not-found", $"No CDS service with id '{(id.Length > 40 ? id[..40] + "…" : id)}'.");

        var (body, problem) = await ReadBodyAsync(http, options.Value, keys.Names, preReads);
        if (problem is not null) return problem;
        using (body)
        {
            var result = await mediator.Send(new EvaluateHook.Request(service, body!.RootElement, body.Prefetch), http.RequestAborted);
            return result switch
            {
                HookResult.Ok ok => new BufferedJsonResult<CdsResponse>(ok.Response, CdsJsonContext.Default.CdsResponse),
                HookResult.Invalid bad => Outcomes.Result(StatusCodes.Status400BadRequest, bad.Issues),
                HookResult.PreconditionFailed pf => Outcomes.Result(StatusCodes.Status412PreconditionFailed, pf.Issues),
                _ => throw new InvalidOperationException("Unknown hook result."),
            };
        }
    }

    /// <summary>
    /// Reads the body with a size limit (413) and a depth limit (400); malformed JSON is a 400, never a 500.
    /// The bytes go into one pooled buffer sized from Content-Length (grown only for chunked bodies), which the
    /// returned <see cref="JsonBody"/> gives back when disposed: a growing MemoryStream allocated and copied about four
    /// times the body per call (BENCHMARKS.md). The prefetch values are kept apart as slices of that buffer
    /// (<see cref="HookBody"/>), not put into the document; those named in <paramref name="readAhead"/> are read into
    /// the model in the same pass, and, in a large body, its Bundle entries already while it arrives
    /// (<paramref name="preReads"/>).
    /// </summary>
    internal static async Task<(JsonBody? Body, IResult? Problem)> ReadBodyAsync(HttpContext http, CdsOptions options, IReadOnlySet<string>? readAhead = null,
        BodyPreReads? preReads = null)
    {
        var limit = options.MaxRequestBodyBytes;
        if (http.Request.ContentLength > limit) return (null, TooLarge(limit));
        // One byte more than announced, so that reaching the end needs no second buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(http.Request.ContentLength is > 0 and var n ? (int)n + 1 : 16 * 1024);
        // A large announced hook body: its Bundle entries are read while the rest arrives (stopped before the parse
        // below, and before the buffer goes back to the pool on every path).
        var preRead = readAhead is null ? null : preReads?.TryStart(http.Request.ContentLength, buffer);
        try
        {
            var length = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted)) > 0)
            {
                length += read;
                if (length > limit) return (null, TooLarge(limit));
                preRead?.Advance(length);
                if (length < buffer.Length) continue;
                if (preRead is not null)
                {
                    await preRead.EndAsync(); // cannot happen with Content-Length; never leave it reading a returned buffer
                    preRead = null;
                }
                var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1L));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            if (length == 0)
                return (null, Outcomes.Result(StatusCodes.Status400BadRequest, "required", "The request body is empty; a CDS Hooks request (JSON) is required."));
            if (preRead is not null) await preRead.StopAsync();
            var parsed = HookBody.Parse(buffer.AsMemory(0, length), options.MaxJsonDepth, readAhead, preRead: preRead?.Reader);
            var body = new JsonBody(parsed, buffer);
            buffer = null!; // owned by the body now
            return (body, null);
        }
        catch (JsonException ex)
        {
            var depth = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase);
            return (null, Outcomes.Result(StatusCodes.Status400BadRequest, depth ? "too-costly" : "structure",
                depth ? $"The JSON body is nested deeper than {options.MaxJsonDepth} levels." :
                $"The body is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})."));
        }
        finally
        {
            if (preRead is not null) await preRead.EndAsync();
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult TooLarge(long limit) =>
        Outcomes.Result(StatusCodes.Status413PayloadTooLarge, "too-costly", $"The request body is larger than {limit} bytes.");
}

/// <summary>A request body parsed as JSON over a pooled buffer; disposing it disposes the document and returns the buffer.</summary>
public sealed class JsonBody(HookBody body, byte[] buffer) : IDisposable
{
    private byte[]? _buffer = buffer;

    public JsonElement RootElement => body.RootElement;

    /// <summary>The prefetch values as slices of the buffer (see <see cref="HookBody.Prefetch"/>).</summary>
    public IReadOnlyDictionary<string, RawJson>? Prefetch => body.Prefetch;

    public void Dispose()
    {
        body.Dispose();
        if (Interlocked.Exchange(ref _buffer, null) is { } b) ArrayPool<byte>.Shared.Return(b);
    }
}
