using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// A C# HTTP/1.1 load client (HttpClient + SocketsHttpHandler, keep-alive), used for the fixed-rate run and, when
/// <c>wrk</c> is not installed, for the closed-loop runs.
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

    /// <summary>
    /// Open loop at a fixed rate: request i is scheduled at start + i/rate and sent then whatever happened to the
    /// others; its latency is measured from its scheduled time, so queueing behind a slow answer counts
    /// (coordinated-omission-aware, like wrk2). Includes up to ~1 ms of client timer granularity.
    /// </summary>
    public static async Task<LoadResult> FixedRateAsync(string target, Uri url, byte[] body, double rate, TimeSpan duration, int maxConnections)
    {
        using var client = NewClient(maxConnections);
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var latencies = new long[total];
        var inFlight = new Task[total];
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < total)
        {
            var now = Stopwatch.GetTimestamp();
            while (next < total && start + (long)(next * interval) <= now)
            {
                var i = next++;
                var due = start + (long)(i * interval);
                inFlight[i] = FireAsync(client, url, body, latencies, i, due);
            }
            if (next < total) await Task.Delay(1);
        }
        await Task.WhenAll(inFlight);
        var seconds = total / rate;
        var ok = latencies.Where(l => l >= 0).ToList();
        return new LoadResult(target, "C# open-loop client", $"fixed rate {rate:0} req/s", maxConnections, seconds, total, total - ok.Count, Latency.FromTicks(ok));
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

    private static async Task FireAsync(HttpClient client, Uri url, byte[] body, long[] latencies, int i, long due)
    {
        await Task.Yield(); // never run the send on the scheduling loop
        latencies[i] = await SendAsync(client, url, body) ? Stopwatch.GetTimestamp() - due : -1;
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
