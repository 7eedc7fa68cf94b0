using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>
/// Where the service allocates, by type and by the innermost frames of the project's own code on the allocating stack:
/// reads a trace of the runtime's allocation ticks (one about every 100 KB, carrying the bytes since the last one)
/// recorded with their stacks from a running service:
/// <c>dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:08</c>.
/// Not a benchmark: the tool behind session 19's allocation sites in BENCHMARKS.md (which showed the audit writer's
/// decoding and binding, and then that the request path's bytes are spread over many small sites).
/// </summary>
public static class AllocationSites
{
    /// <summary>The sites' shares of the sampled bytes, largest first, and the bytes sampled.</summary>
    /// <param name="thread">Only this OS thread's allocations (e.g. the audit writer's), or all with null.</param>
    /// <param name="frames">How many frames from the first of the project's own to name the site by.</param>
    public static (List<(string Site, double Share)> Sites, long Bytes) Read(string nettrace, int? thread, int frames)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(nettrace);
        try
        {
            using var log = new TraceLog(etlx);
            var bytes = new Dictionary<string, long>();
            long total = 0;
            foreach (var e in log.Events)
            {
                if (e is not GCAllocationTickTraceData tick || (thread is { } t && tick.ThreadID != t)) continue;
                total += tick.AllocationAmount64;
                var names = new List<string>(frames);
                for (var frame = tick.CallStack(); frame is not null && names.Count < frames; frame = frame.Caller)
                {
                    var method = frame.CodeAddress.FullMethodName;
                    if (string.IsNullOrEmpty(method)) continue;
                    // From the first frame of our code outwards: who in the service asked for the bytes.
                    if (names.Count > 0 || method.Contains("NaltrexoneFhir.", StringComparison.Ordinal)) names.Add(Short(method));
                }
                var site = $"{tick.TypeName} | {(names.Count > 0 ? string.Join(" < ", names) : "(no frame of the service)")}";
                bytes[site] = bytes.GetValueOrDefault(site) + tick.AllocationAmount64;
            }
            var sites = bytes.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, (double)kv.Value / Math.Max(1, total))).ToList();
            return (sites, total);
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    private static string Short(string method)
    {
        var parameters = method.IndexOf('(');
        return (parameters > 0 ? method[..parameters] : method).Replace("NaltrexoneFhir.", "", StringComparison.Ordinal);
    }
}
