using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace NaltrexoneFhir.Api.PatientData;

/// <summary>
/// The time allowed for all FHIR-server calls of one hook call. Its token is cancelled when the budget is spent or the
/// caller goes away. Elapsed time is measured with a real clock (<see cref="TimeProvider.GetTimestamp"/>), never with
/// the clinical clock that <c>Clock:Now</c> may pin.
/// </summary>
public sealed class FetchBudget : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly TimeProvider _time;
    private readonly long _start;

    public FetchBudget(TimeSpan total, TimeProvider time, CancellationToken requestAborted)
    {
        Total = total;
        _time = time;
        _start = time.GetTimestamp();
        RequestAborted = requestAborted;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        _cts.CancelAfter(total);
    }

    public TimeSpan Total { get; }
    public CancellationToken Token => _cts.Token;
    public CancellationToken RequestAborted { get; }
    public TimeSpan Elapsed => _time.GetElapsedTime(_start);
    public TimeSpan Remaining => Total - Elapsed is var r && r > TimeSpan.Zero ? r : TimeSpan.Zero;

    public void Dispose() => _cts.Dispose();
}

/// <summary>
/// The Polly (Polly.Core 8) pipeline around one HTTP call: a per-call timeout inside at most one retry, and the retry
/// only for a connection failure (refused, reset, closed before a response) while enough of the budget is left.
/// Timeouts and HTTP error statuses are never retried: a CDS answer must stay fast.
/// </summary>
public sealed class FhirServerResilience
{
    public static readonly ResiliencePropertyKey<FetchBudget> BudgetKey = new("naltrexone-fhir.fetch-budget");
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    public FhirServerResilience(IOptions<FhirServerOptions> options) : this(options.Value, TimeProvider.System) { }

    public FhirServerResilience(FhirServerOptions options, TimeProvider time)
    {
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 1,
                Delay = RetryDelay,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && IsConnectionFailure(ex)
                    && args.Context.Properties.TryGetValue(BudgetKey, out var budget)
                    && budget.Remaining - RetryDelay >= options.RetryMinimumRemaining),
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>The connection failed, or was reset or closed before a response: safe to retry a GET once.</summary>
    public static bool IsConnectionFailure(Exception ex) => ex is HttpRequestException hre
        && (hre.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded
            || (hre.InnerException as SocketException ?? hre.InnerException?.InnerException as SocketException)?.SocketErrorCode
                is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.ConnectionRefused);
}

/// <summary>The result of reading one key from the FHIR server: the data (all pages read), or why it is missing.</summary>
public sealed record FetchResult(PrefetchValue? Value, string? Problem, bool Complete, int Pages, string Outcome, int? Status)
{
    public static FetchResult Failed(string problem, string outcome, int? status, int pages = 0) => new(null, problem, false, pages, outcome, status);
}

/// <summary>
/// Reads FHIR data from the caller's server: a search (following <c>link[next]</c> up to the page cap) or a read,
/// with the caller's bearer token, <c>Accept: application/fhir+json</c>, a per-call timeout and a bounded body.
/// The HttpClient comes from IHttpClientFactory (pooled connections, no redirects, no cookies, no request logging).
/// </summary>
public sealed class FhirServerClient(HttpClient http, FhirServerResilience resilience, IOptions<FhirServerOptions> options)
{
    public const string FhirJson = "application/fhir+json";
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 128 };

    /// <summary>
    /// Fetches a key: <paramref name="url"/> is the rendered query; or, when <paramref name="firstPage"/> is given (a
    /// prefetched Bundle with a next link), only the remaining pages. <paramref name="mayFollow"/> decides whether a
    /// next-page URL may be requested (same origin, allowlisted); the token is only ever sent to such URLs.
    /// </summary>
    public async Task<FetchResult> FetchAsync(Uri url, Bundle? firstPage, bool isRead, string? accessToken, Func<Uri, bool> mayFollow, FetchBudget budget)
    {
        var maxPages = options.Value.MaxPages;
        var entries = new List<BundleEntry>();
        var pages = 0;
        Uri current = url;
        Bundle? page = firstPage;

        if (page is null)
        {
            var (resource, problem, outcome, status) = await GetAsync(url, accessToken, budget);
            pages = 1;
            if (problem is not null)
                return status == (int)HttpStatusCode.NotFound && isRead
                    ? new FetchResult(PrefetchValue.NullValue, null, true, pages, "not-found", status) // a read of nothing: no data
                    : FetchResult.Failed(problem, outcome, status, pages);
            if (isRead)
                return resource is Bundle or OperationOutcome
                    ? FetchResult.Failed("FHIR server returned an unexpected resource", "unexpected-resource", status, pages)
                    : new FetchResult(new PrefetchValue(PrefetchState.Provided, [resource!]), null, true, pages, "ok", status);
            if (resource is not Bundle bundle)
                return FetchResult.Failed("FHIR server returned an unexpected resource", "unexpected-resource", status, pages);
            page = bundle;
        }
        else
        {
            pages = 1;
        }

        int? lastStatus = 200;
        while (true)
        {
            entries.AddRange(page.Entry ?? []);
            var nextText = PrefetchReader.NextLink(page);
            if (nextText is null) break;
            if (!Uri.TryCreate(current, nextText, out var next) || !mayFollow(next))
                return Partial("a next-page link points outside the FHIR server (not followed)", "next-refused");
            if (pages >= maxPages)
                return Partial($"more than {maxPages} pages; only the first {maxPages} were read", "page-cap");

            var (resource, problem, outcome, status) = await GetAsync(next, accessToken, budget);
            pages++;
            lastStatus = status;
            if (problem is not null) return Partial($"{problem} on page {pages}", outcome);
            if (resource is not Bundle nextPage) return Partial($"FHIR server returned an unexpected resource on page {pages}", "unexpected-resource");
            page = nextPage;
            current = next;
        }
        return new FetchResult(PrefetchReader.FromBundle(Merge(entries)), null, true, pages, "ok", lastStatus);

        FetchResult Partial(string problem, string outcome) =>
            new(PrefetchReader.FromBundle(Merge(entries)), problem, false, pages, outcome, lastStatus);
    }

    private static Bundle Merge(List<BundleEntry> entries) => new() { Type = "searchset", Total = entries.Count, Entry = entries };

    /// <summary>One GET through the resilience pipeline; expected failures come back as a problem in card words.</summary>
    private async Task<(Resource? Resource, string? Problem, string Outcome, int? Status)> GetAsync(Uri url, string? accessToken, FetchBudget budget)
    {
        (int Status, byte[]? Body) response;
        var context = ResilienceContextPool.Shared.Get(budget.Token);
        context.Properties.Set(FhirServerResilience.BudgetKey, budget);
        try
        {
            response = await resilience.Pipeline.ExecuteAsync(
                static (ctx, state) => state.Self.SendOnceAsync(state.Url, state.Token, ctx.CancellationToken),
                context, (Self: this, Url: url, Token: accessToken));
        }
        catch (TimeoutRejectedException)
        {
            return (null, "FHIR server timed out", "timeout", null);
        }
        catch (OperationCanceledException) when (!budget.RequestAborted.IsCancellationRequested)
        {
            return (null, "FHIR server timed out", "budget-spent", null);
        }
        catch (HttpRequestException ex)
        {
            return ex.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => (null, "FHIR server host not found", "dns", null),
                HttpRequestError.SecureConnectionError => (null, "TLS connection to the FHIR server failed", "tls", null),
                HttpRequestError.ConnectionError => (null, "FHIR server unreachable", "unreachable", null),
                _ when FhirServerResilience.IsConnectionFailure(ex) => (null, "FHIR server dropped the connection", "connection-dropped", null),
                _ => (null, "connection to the FHIR server failed", "connection", null),
            };
        }
        catch (ResponseTooLargeException)
        {
            return (null, "FHIR server response too large", "too-large", null);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var status = response.Status;
        if (status is >= 300 and < 400) return (null, $"FHIR server redirected (HTTP {status}, not followed)", "redirect", status);
        if (status is 401 or 403) return (null, $"FHIR server refused access (HTTP {status})", "unauthorized", status);
        if (status >= 500) return (null, $"FHIR server error (HTTP {status})", "server-error", status);
        if (status is < 200 or >= 300) return (null, $"FHIR server answered HTTP {status}", "http-error", status);

        Resource resource;
        try
        {
            using var doc = JsonDocument.Parse(response.Body, JsonOptions);
            var value = PrefetchReader.Read(doc.RootElement);
            if (value.State == PrefetchState.OperationOutcome) return (null, "FHIR server returned an error outcome", "outcome", status);
            if (value.State != PrefetchState.Provided) return (null, "FHIR server response unreadable", "unreadable", status);
            resource = value.Bundle ?? value.Resources[0];
        }
        catch (JsonException)
        {
            return (null, "FHIR server response unreadable", "unreadable", status);
        }
        return (resource, null, "ok", status);
    }

    /// <summary>One attempt: send, then read the body within the size limit (the per-call timeout covers both).</summary>
    private async ValueTask<(int Status, byte[]? Body)> SendOnceAsync(Uri url, string? accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
        if (!string.IsNullOrEmpty(accessToken)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var status = (int)response.StatusCode;
        if (status is < 200 or >= 300) return (status, null);

        var limit = options.Value.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit) throw new ResponseTooLargeException();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw new ResponseTooLargeException();
            buffer.Write(chunk, 0, read);
        }
        return (status, buffer.ToArray());
    }

    private sealed class ResponseTooLargeException : Exception;
}
