using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>
/// Which types a loop allocates, sampled by the runtime itself: the GC raises an <c>AllocationTick</c> event about
/// every 100 KB allocated, naming the type of the object that crossed the mark, so each type's share of the
/// samples estimates its share of the bytes. For <c>profile --alloc</c>; not a benchmark.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames?.IndexOf("TypeName") is >= 0 and var t ? e.Payload[t] as string : null;
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is >= 0 and var a ? Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type ?? "?", amount, (_, v) => v + amount);
    }

    /// <summary>The types with the most sampled bytes: share of all samples, and estimated KB per call.</summary>
    public IEnumerable<string> Top(int count, long calls)
    {
        var total = _bytes.Values.Sum();
        return _bytes.OrderByDescending(kv => kv.Value).Take(count)
            .Select(kv => $"{kv.Value * 100.0 / total,5:0.0} %  {kv.Value / 1024.0 / calls,8:0.0} KB/call  {kv.Key}");
    }
}
