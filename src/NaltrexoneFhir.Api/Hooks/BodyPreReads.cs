using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hosting;
using NaltrexoneFhir.Api.Operations;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Fhir.Json;

namespace NaltrexoneFhir.Api.Hooks;

/// <summary>
/// Reads a large hook body's Bundle entries while the rest of it arrives (<see cref="FhirFastReader.EntryPreReader"/>)
/// for bodies announcing at least <see cref="CdsOptions.PreReadMinBytes"/>: on one of a few long-lived threads (one
/// per core, started at the first such body) at nice <see cref="CdsOptions.PreReadNice"/>, so that it takes only CPU
/// the arrival leaves idle (a thread-pool task at normal priority made the large call ~1 ms slower on loopback with
/// the client on the same 2 cores; BENCHMARKS.md, session 13). Long-lived rather than one per body: no thread is
/// created per request, and their number is bounded. At most one body per thread at a time; a body beyond that is
/// read as it always was. Counted in the service's metrics (<see cref="CdsMetrics.PreReadBody"/>,
/// <see cref="CdsMetrics.PreReadEntries"/>): whether a body got a thread, and how many entries were read early and used.
/// </summary>
public sealed class BodyPreReads(IOptions<CdsOptions> options, CdsMetrics metrics) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private readonly BlockingCollection<FhirFastReader.EntryPreReader> _queue = [];
    private int _threadsStarted;

    private void Ended(FhirFastReader.EntryPreReader reader) => metrics.PreReadEntries(reader.Count, reader.Taken);

    /// <summary>A started pre-reader over <paramref name="buffer"/>, or null when the body does not qualify or every thread is busy.</summary>
    public Lease? TryStart(long? contentLength, Memory<byte> buffer)
    {
        var o = options.Value;
        if (o.PreReadMinBytes == 0 || contentLength is not { } length || length < o.PreReadMinBytes || length > buffer.Length
            || Environment.ProcessorCount < 2)
            return null;
        if (!_slots.Wait(0))
        {
            metrics.PreReadBody(started: false);
            return null;
        }
        var reader = new FhirFastReader.EntryPreReader(buffer[..(int)length], o.MaxJsonDepth);
        try
        {
            StartThreads(o.PreReadNice);
            _queue.Add(reader);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or OutOfMemoryException)
        {
            _slots.Release(); // shutting down, or no thread: the body is read as always
            return null;
        }
        metrics.PreReadBody(started: true);
        return new Lease(reader, this);
    }

    private void StartThreads(int nice)
    {
        if (Interlocked.CompareExchange(ref _threadsStarted, 1, 0) != 0) return;
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            new Thread(() =>
            {
                BackgroundThread.LowerPriority(nice);
                foreach (var reader in _queue.GetConsumingEnumerable()) reader.Run();
            })
            { IsBackground = true, Name = "entry-pre-read" }.Start();
        }
    }

    public void Dispose() => _queue.CompleteAdding();

    /// <summary>
    /// One pre-reader and its slot: <see cref="StopAsync"/> (idempotent) stops it and frees the slot, before the parse;
    /// <see cref="EndAsync"/>, once the body is parsed or given up, also counts what it read and what the parse took.
    /// </summary>
    public sealed class Lease(FhirFastReader.EntryPreReader reader, BodyPreReads owner)
    {
        private int _released;
        private int _ended;

        public FhirFastReader.EntryPreReader Reader => reader;

        public void Advance(int available) => reader.Advance(available);

        public async Task StopAsync()
        {
            await reader.StopAsync();
            if (Interlocked.Exchange(ref _released, 1) == 0) owner._slots.Release();
        }

        public async Task EndAsync()
        {
            await StopAsync();
            if (Interlocked.Exchange(ref _ended, 1) == 0) owner.Ended(reader);
        }
    }
}
