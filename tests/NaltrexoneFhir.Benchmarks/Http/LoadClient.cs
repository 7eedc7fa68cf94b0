using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// A C# HTTP/1.1 load client (HttpClient + SocketsHttpHandler, keep-alive), used for the sequential large-history
/// calls and, when <c>wrk</c> is not installed, for the closed-loop runs (fixed rate: <see cref="OpenLoopClient"/>).
/// </summary>
public static class LoadClient
{
    /// <summary>
    /// Closed loop: <paramref name="connections"/> workers each send the next request when the previous one is
    /// answered, for <paramref name="duration"/>. Measures the maximum throughput.
    /// </summary>
    public static async Task<LoadResult> ClosedLoopAsync(string target, Uri url, byte[] body, int connections, TimeSpan duration)
    {
        using var client = NewClient(connections);
        var perWorker = new List<long>[connections];
        long errors = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var list = new List<long>(8192);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (await SendAsync(client, url, body)) list.Add(Stopwatch.GetTimestamp() - t0);
                else Interlocked.Increment(ref errors);
            }
            perWorker[w] = list;
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var all = perWorker.SelectMany(l => l).ToList();
        return new LoadResult(target, "C# client", "closed loop", connections, seconds, all.Count + errors, errors, Latency.FromTicks(all));
    }

    /// <summary>Sequential requests (one at a time), e.g. for the large-history patient over HTTP.</summary>
    public static async Task<LoadResult> SequentialAsync(string target, Uri url, byte[] body, int count)
    {
        using var client = NewClient(1);
        var list = new List<long>(count);
        long errors = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            if (await SendAsync(client, url, body)) list.Add(Stopwatch.GetTimestamp() - t0);
            else errors++;
        }
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        return new LoadResult(target, "C# client", "sequential", 1, seconds, count, errors, Latency.FromTicks(list));
    }

    private static async Task<bool> SendAsync(HttpClient client, Uri url, byte[] body)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JsonType;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await response.Content.CopyToAsync(Stream.Null);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private static HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { Timeout = TimeSpan.FromSeconds(60) };
}
