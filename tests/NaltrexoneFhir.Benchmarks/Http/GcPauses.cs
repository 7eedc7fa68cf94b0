using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>What the service's garbage collector did during a round: its pauses, and what each young GC kept.</summary>
/// <param name="Seconds">How long the recording ran.</param>
/// <param name="PausesMs">Every pause (runtime suspended → resumed), in ms.</param>
/// <param name="PromotedKb">Per GC, the KB that survived it out of gen0.</param>
public sealed record GcPauseSummary(double Seconds, IReadOnlyList<double> PausesMs, IReadOnlyList<double> PromotedKb)
{
    public int Count => PausesMs.Count;
    public double PerSecond => Count / Seconds;
    public double MedianMs => Median(PausesMs);
    public double MaxMs => PausesMs.Count == 0 ? 0 : PausesMs.Max();
    /// <summary>Share of the wall time the service's threads were stopped by the GC.</summary>
    public double PausedShare => PausesMs.Sum() / (Seconds * 1000);
    public double MedianPromotedKb => Median(PromotedKb);

    public override string ToString() => Count == 0
        ? "no GC"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Count} GCs ({PerSecond:0.0}/s), pause median {MedianMs:0.00} ms, max {MaxMs:0.00} ms, {PausedShare:P1} of the time; median {MedianPromotedKb:0} KB kept out of gen0 per GC");

    private static double Median(IReadOnlyList<double> xs) => xs.Count == 0 ? 0 : xs.Order().ElementAt(xs.Count / 2);
}

/// <summary>
/// Records the GC pauses of another .NET process while a round runs, from the runtime's own events over EventPipe
/// (the diagnostics port every .NET process opens; nothing to configure in the service). A pause runs from the
/// runtime's suspension (GCSuspendEEStart) to its resumption (GCRestartEEStop), so it includes the wait for threads
/// to stop. The in-process profile loop cannot see these: the service under HTTP load has more threads, an audit
/// queue whose records outlive a young GC, and Kestrel's buffers (BENCHMARKS.md, session 14).
/// </summary>
public sealed class GcPauses : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _processing;
    private readonly List<double> _pauses = [];
    private readonly List<double> _promoted = [];
    private readonly DateTime _started = DateTime.UtcNow;
    private double _suspendedAt = -1;

    private GcPauses(EventPipeSession session)
    {
        _session = session;
        var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCSuspendEEStart += e => _suspendedAt = e.TimeStampRelativeMSec;
        source.Clr.GCRestartEEStop += e =>
        {
            if (_suspendedAt < 0) return;
            lock (_pauses) _pauses.Add(e.TimeStampRelativeMSec - _suspendedAt);
            _suspendedAt = -1;
        };
        source.Clr.GCHeapStats += e =>
        {
            lock (_pauses) _promoted.Add(e.TotalPromotedSize0 / 1024.0);
        };
        _processing = Task.Run(() =>
        {
            try { source.Process(); }
            catch (Exception) { /* the session ended or the service went away: what was recorded stands */ }
        });
    }

    /// <summary>Starts recording <paramref name="processId"/>'s GC events, or null when it cannot be attached to.</summary>
    public static GcPauses? TryStart(int processId)
    {
        try
        {
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            return new GcPauses(new DiagnosticsClient(processId).StartEventPipeSession([provider], requestRundown: false));
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException)
        {
            return null;
        }
    }

    /// <summary>Stops recording and returns what was seen.</summary>
    public GcPauseSummary Stop()
    {
        var seconds = (DateTime.UtcNow - _started).TotalSeconds;
        try { _session.Stop(); }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException) { /* already gone */ }
        _processing.Wait(TimeSpan.FromSeconds(10));
        lock (_pauses) return new GcPauseSummary(seconds, [.. _pauses], [.. _promoted]);
    }

    public void Dispose() => _session.Dispose();
}
