using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// Latency at a fixed request rate, open loop (as wrk2 measures it; wrk2 is not in Debian): request <c>i</c> is due at
/// start + i/rate and its latency runs from that due time to the last byte of its answer, so waiting behind a slow
/// answer counts (coordinated omission is not hidden).
/// <para>
/// Built to cost the machine as little as possible, because it shares the 2 cores with the service: a few threads,
/// each with one keep-alive connection and blocking sockets, send pre-built requests (headers and body in one
/// buffer; request <c>i</c> is body <c>i</c> modulo their count) and read the answer by its framing (Content-Length or chunked), sleeping with <c>usleep</c> until the next
/// due time. The first version used HttpClient and a 1 ms timer loop; against the constant baseline route at a tenth
/// of its capacity it alone measured p50 3.6 ms and p99 13 ms, more than the target it was meant to check
/// (BENCHMARKS.md). Requests are taken in order by whichever connection is free; when all are busy, later requests
/// wait, and that wait is part of their latency.
/// </para>
/// </summary>
public static class OpenLoopClient
{
    public static LoadResult Run(string target, Uri url, IReadOnlyList<byte[]> bodies, double rate, TimeSpan duration, int connections)
    {
        var requests = bodies.Select(body => BuildRequest(url, body)).ToArray();
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var latencies = new long[total];
        var late = new long[total]; // how long after its due time each request was sent (the client's own wake-up)
        Array.Fill(latencies, -1);
        var interval = Stopwatch.Frequency / rate;
        var next = -1;
        // Each connection is opened and sends one request (not counted) before the clock starts: otherwise the first
        // requests of every run carry the TCP connect and the first answer on a new connection (and, in a fresh
        // process, the client's own JIT), ~30-50 ms for the first ~45 requests, which is the client starting up, not
        // the service's latency at this rate (BENCHMARKS.md, session 12).
        var threadCount = Math.Clamp(connections, 1, total);
        using var ready = new CountdownEvent(threadCount);
        using var go = new ManualResetEventSlim();
        long start = 0;
        var threads = Enumerable.Range(0, threadCount).Select(_ => new Thread(() =>
        {
            using var connection = new Connection(url);
            connection.Send(requests[^1]);
            ready.Signal();
            go.Wait();
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var due = start + (long)(i * interval);
                SleepUntil(due);
                late[i] = Stopwatch.GetTimestamp() - due;
                latencies[i] = connection.Send(requests[i % requests.Length]) ? Stopwatch.GetTimestamp() - due : -1;
            }
        }) { IsBackground = true, Name = "open-loop" }).ToList();
        foreach (var t in threads) t.Start();
        ready.Wait();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var (gcs0, paused0) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
        var wake = TimeSpan.FromMilliseconds(5); // for the threads to wake
        LastRunStartUtc = DateTime.UtcNow + wake;
        start = Stopwatch.GetTimestamp() + (long)(wake.TotalSeconds * Stopwatch.Frequency);
        go.Set();
        foreach (var t in threads) t.Join();
        ClientCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        ClientGc = (GC.CollectionCount(0) - gcs0, GC.GetTotalPauseDuration() - paused0);
        SendLateness = Latency.FromTicks([.. late]);
        LastRun = [.. latencies.Select((l, i) => (i * interval * 1000 / Stopwatch.Frequency, l < 0 ? -1 : l * 1000.0 / Stopwatch.Frequency))];
        var ok = latencies.Where(l => l >= 0).ToList();
        return new LoadResult(target, "open-loop client (raw sockets)", $"fixed rate {rate:0} req/s", connections, total / rate, total, total - ok.Count, Latency.FromTicks(ok));
    }

    /// <summary>
    /// Every request of the last <see cref="Run"/>: when it was due (ms after the start) and its latency (ms; −1 for an
    /// error). For finding what the slow ones have in common, e.g. whether they come in bursts (`rate … --dump`).
    /// </summary>
    public static (double DueMs, double LatencyMs)[] LastRun { get; private set; } = [];

    /// <summary>When the last <see cref="Run"/>'s first request was due (UTC; <see cref="LastRun"/>'s times count from it).</summary>
    public static DateTime LastRunStartUtc { get; private set; }

    /// <summary>The client's own CPU time during the last <see cref="Run"/> (reported beside the figures).</summary>
    public static TimeSpan ClientCpu { get; private set; }

    /// <summary>
    /// How late the client sent the last <see cref="Run"/>'s requests after their due times (its threads waking from
    /// their sleep, or all busy): part of every latency it reports, and the larger part of the p50 at low rates on a VM
    /// whose idle cores wake slowly.
    /// </summary>
    public static Latency SendLateness { get; private set; } = new(0, 0, 0, 0, 0);

    /// <summary>
    /// The client process's own GCs during the last <see cref="Run"/> and their total pause: a pause stops every
    /// connection's thread, so answers that arrive meanwhile are timed late (counted against the service).
    /// </summary>
    public static (int Count, TimeSpan Paused) ClientGc { get; private set; }

    private static byte[] BuildRequest(Uri url, byte[] body)
    {
        var head = Encoding.ASCII.GetBytes(
            $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        return [.. head, .. body];
    }

    private static void SleepUntil(long due)
    {
        while (true)
        {
            var micros = (due - Stopwatch.GetTimestamp()) * 1_000_000 / Stopwatch.Frequency;
            if (micros <= 0) return;
            if (OperatingSystem.IsLinux()) usleep((uint)Math.Min(micros, 100_000));
            else Thread.Sleep(TimeSpan.FromMicroseconds(micros));
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int usleep(uint microseconds);

    /// <summary>One keep-alive HTTP/1.1 connection, reconnected after an error.</summary>
    private sealed class Connection(Uri url) : IDisposable
    {
        private Socket? _socket;
        private readonly byte[] _buffer = new byte[64 * 1024];

        public bool Send(byte[] request)
        {
            try
            {
                _socket ??= Connect();
                _socket.Send(request);
                return ReadResponse(_socket);
            }
            catch (SocketException)
            {
                Reset();
                return false;
            }
            catch (IOException)
            {
                Reset();
                return false;
            }
        }

        private Socket Connect()
        {
            var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            s.Connect(url.Host, url.Port);
            return s;
        }

        private void Reset()
        {
            _socket?.Dispose();
            _socket = null;
        }

        /// <summary>
        /// Reads one answer; true for a 200. Handles Content-Length and chunked bodies. Reads the headers as bytes,
        /// allocating nothing: the client's own GCs stop every connection's thread and would be timed as the service's
        /// latency (with strings per answer it made ~2 GCs a second at 2,800 req/s, BENCHMARKS.md, session 21).
        /// </summary>
        private bool ReadResponse(Socket s)
        {
            var length = 0;
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                length += Receive(s, length);
            var headers = _buffer.AsSpan(0, headerEnd);
            var ok = headers.StartsWith("HTTP/1.1 200"u8);
            var bodyStart = headerEnd + 4;
            var close = HeaderValue(headers, "connection"u8).SequenceEqual("close"u8);
            if (HeaderValue(headers, "content-length"u8) is { IsEmpty: false } contentLength)
            {
                if (!System.Buffers.Text.Utf8Parser.TryParse(contentLength, out int declared, out _))
                    throw new IOException("The service sent an unreadable Content-Length.");
                var remaining = declared - (length - bodyStart);
                while (remaining > 0) remaining -= Receive(s, 0);
            }
            else if (ContainsIgnoreCase(HeaderValue(headers, "transfer-encoding"u8), "chunked"u8))
            {
                // Keep only the unread tail; the last chunk is "0\r\n\r\n".
                var tail = length - bodyStart;
                Buffer.BlockCopy(_buffer, bodyStart, _buffer, 0, tail);
                length = tail;
                while (!EndsChunked(_buffer.AsSpan(0, length)))
                {
                    if (length > _buffer.Length - 4096)
                    {
                        // Keep the last bytes only: enough to see the terminator.
                        Buffer.BlockCopy(_buffer, length - 16, _buffer, 0, 16);
                        length = 16;
                    }
                    length += Receive(s, length);
                }
            }
            if (close) Reset();
            return ok;
        }

        private static bool EndsChunked(ReadOnlySpan<byte> data) =>
            data.EndsWith("\r\n0\r\n\r\n"u8) || data.SequenceEqual("0\r\n\r\n"u8);

        private int Receive(Socket s, int offset)
        {
            var n = s.Receive(_buffer, offset, _buffer.Length - offset, SocketFlags.None);
            if (n == 0) throw new IOException("The service closed the connection.");
            return n;
        }

        private static bool ContainsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> word)
        {
            for (var i = 0; i + word.Length <= text.Length; i++)
                if (Ascii.EqualsIgnoreCase(text.Slice(i, word.Length), word)) return true;
            return false;
        }

        /// <summary>A header's value, trimmed (empty when the header is absent); the name compared without case.</summary>
        private static ReadOnlySpan<byte> HeaderValue(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> name)
        {
            while (!headers.IsEmpty)
            {
                var end = headers.IndexOf("\r\n"u8);
                var line = end < 0 ? headers : headers[..end];
                headers = end < 0 ? default : headers[(end + 2)..];
                var colon = line.IndexOf((byte)':');
                if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), name))
                    return line[(colon + 1)..].Trim((byte)' ');
            }
            return default;
        }

        public void Dispose() => _socket?.Dispose();
    }
}
