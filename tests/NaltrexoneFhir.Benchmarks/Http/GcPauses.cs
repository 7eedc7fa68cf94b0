using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>What the service's garbage collector did during a round: its pauses, and what each young GC kept.</summary>
/// <param name="Seconds">How long the recording ran.</param>
/// <param name="Pauses">Every pause (runtime suspended → resumed): when it began (UTC) and how long it lasted (ms).</param>
/// <param name="PromotedKb">Per GC, the KB that survived it out of gen0.</param>
/// <param name="YoungPhases">
/// Per young (gen0) GC, the collector's own time in two parts: from its start to the end of its last marking step
/// (every kind of root: stacks, the older generations' cards, handles, finalization), then plan, relocate and compact.
/// The first part is nearly a fixed cost; the second grows with what the GC keeps (BENCHMARKS.md, session 18).
/// </param>
public sealed record GcPauseSummary(double Seconds, IReadOnlyList<(DateTime StartUtc, double Ms)> Pauses, IReadOnlyList<double> PromotedKb,
    IReadOnlyList<(double MarkMs, double CompactMs)> YoungPhases)
{
    public IEnumerable<double> PausesMs => Pauses.Select(p => p.Ms);
    public int Count => Pauses.Count;
    public double PerSecond => Count / Seconds;
    public double MedianMs => Median.Of(PausesMs);
    public double MaxMs => Count == 0 ? 0 : PausesMs.Max();
    /// <summary>Share of the wall time the service's threads were stopped by the GC.</summary>
    public double PausedShare => PausesMs.Sum() / (Seconds * 1000);
    public double MedianPromotedKb => Median.Of(PromotedKb);

    public override string ToString() => Count == 0
        ? "no GC"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Count} GCs ({PerSecond:0.0}/s), pause median {MedianMs:0.00} ms, max {MaxMs:0.00} ms, {PausedShare:P1} of the time; median {MedianPromotedKb:0} KB kept out of gen0 per GC{Phases()}");

    private string Phases() => YoungPhases.Count == 0
        ? ""
        : string.Create(CultureInfo.InvariantCulture,
            $" (a young GC marks for {Median.Of(YoungPhases.Select(p => p.MarkMs)):0.00} ms, then plans, relocates and compacts for {Median.Of(YoungPhases.Select(p => p.CompactMs)):0.00} ms: medians)");

    /// <summary>Every pause on a round's time axis: its start in ms after <paramref name="roundStartUtc"/>, and its length.</summary>
    public IEnumerable<(double StartMs, double Ms)> PausesFrom(DateTime roundStartUtc) =>
        Pauses.Select(p => ((p.StartUtc - roundStartUtc).TotalMilliseconds, p.Ms));
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
    private readonly List<(DateTime StartUtc, double Ms)> _pauses = [];
    private readonly List<double> _promoted = [];
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly List<(double MarkMs, double CompactMs)> _youngPhases = [];
    private double _suspendedAt = -1;
    private DateTime _suspendedAtUtc;
    private double _gcStartedAt = -1, _lastMarkAt = -1;
    private int _gcDepth = -1;

    private GcPauses(EventPipeSession session)
    {
        _session = session;
        var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCSuspendEEStart += e => (_suspendedAt, _suspendedAtUtc) = (e.TimeStampRelativeMSec, e.TimeStamp.ToUniversalTime());
        source.Clr.GCRestartEEStop += e =>
        {
            if (_suspendedAt < 0) return;
            lock (_pauses) _pauses.Add((_suspendedAtUtc, e.TimeStampRelativeMSec - _suspendedAt));
            _suspendedAt = -1;
        };
        // One GC's events arrive in order on the thread that runs it (workstation GC): start, a marking step per kind of root, stop.
        source.Clr.GCStart += e => (_gcStartedAt, _lastMarkAt, _gcDepth) = (e.TimeStampRelativeMSec, -1, e.Depth);
        source.Clr.GCMarkWithType += e => _lastMarkAt = e.TimeStampRelativeMSec;
        source.Clr.GCStop += e =>
        {
            if (_gcDepth == 0 && _gcStartedAt >= 0 && _lastMarkAt >= _gcStartedAt)
                lock (_pauses) _youngPhases.Add((_lastMarkAt - _gcStartedAt, e.TimeStampRelativeMSec - _lastMarkAt));
            _gcStartedAt = -1;
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
        lock (_pauses) return new GcPauseSummary(seconds, [.. _pauses], [.. _promoted], [.. _youngPhases]);
    }

    public void Dispose() => _session.Dispose();
}
