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
    /// answered, for <paramref name="duration"/>, the bodies in turn. Measures the maximum throughput.
    /// </summary>
    public static async Task<LoadResult> ClosedLoopAsync(string target, Uri url, IReadOnlyList<byte[]> bodies, int connections, TimeSpan duration)
    {
        var next = -1;
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
                var body = bodies[(int)((uint)Interlocked.Increment(ref next) % (uint)bodies.Count)];
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

    /// <summary>
    /// Sequential requests whose bodies are sent no faster than <paramref name="bytesPerSecond"/>, as from an EHR on
    /// another host (125 MB/s: a 1 Gbit/s link). Loopback with the client on the same cores measures the service with
    /// a body that arrives as fast as the cores can copy it; across a link it arrives over tens of milliseconds, and
    /// what the service adds after the last byte is the part it controls. Returns the whole call's latency and, as a
    /// second result, the latency from the last body byte written to the end of the answer.
    /// </summary>
    public static async Task<(LoadResult Whole, Latency AfterLastByte)> SequentialPacedAsync(string target, Uri url, byte[] body, int count, double bytesPerSecond)
    {
        using var client = NewClient(1);
        var whole = new List<long>(count);
        var afterLastByte = new List<long>(count);
        long errors = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var content = new PacedContent(body, bytesPerSecond);
            if (await SendAsync(client, url, body, content))
            {
                var end = Stopwatch.GetTimestamp();
                whole.Add(end - t0);
                afterLastByte.Add(end - content.LastByteWritten);
            }
            else errors++;
        }
        var seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        var mode = FormattableString.Invariant($"sequential, upload {bytesPerSecond / 1e6:0} MB/s");
        return (new LoadResult(target, "C# client", mode, 1, seconds, count, errors, Latency.FromTicks(whole)), Latency.FromTicks(afterLastByte));
    }

    /// <summary>The body in 64 KB pieces, each written when the link would have carried the ones before it (Content-Length set).</summary>
    private sealed class PacedContent(byte[] body, double bytesPerSecond) : HttpContent
    {
        public long LastByteWritten { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var start = Stopwatch.GetTimestamp();
            for (var sent = 0; sent < body.Length;)
            {
                var piece = Math.Min(64 * 1024, body.Length - sent);
                await stream.WriteAsync(body.AsMemory(sent, piece));
                await stream.FlushAsync();
                sent += piece;
                var due = start + (long)(sent / bytesPerSecond * Stopwatch.Frequency);
                var ahead = TimeSpan.FromTicks((due - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
                if (sent < body.Length && ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead);
            }
            LastByteWritten = Stopwatch.GetTimestamp();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private static async Task<bool> SendAsync(HttpClient client, Uri url, byte[] body, HttpContent? content = null)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content ?? new ByteArrayContent(body) };
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
