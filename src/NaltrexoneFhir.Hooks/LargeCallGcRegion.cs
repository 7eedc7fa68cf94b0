using System.Runtime;

namespace NaltrexoneFhir.Hooks;

/// <summary>
/// Keeps the garbage collector from running while one large hook call is read and evaluated, so that it runs before
/// or after the call instead, when that call's model is not live.
/// <para>
/// Why: a large history (a 4.9 MB body, 5,741 resources) builds about 8 MB of model that stays live until the cards
/// are composed. A gen0 collection in the middle of the call (about one per call) has to mark and promote all of it
/// so far, stopping every thread for about 4 ms, a sixth of the call. Inside a no-GC region
/// (<see cref="GC.TryStartNoGCRegion(long, bool)"/>) the call allocates from a budget reserved up front instead; the
/// collection that reserves it runs at the start of the call, when the previous calls' models are garbage and cost
/// nothing to collect (BENCHMARKS.md, session 7).
/// </para>
/// <para>
/// The region is process-wide, so one call at a time holds it (others run as usual, never waiting for it). Every
/// thread's allocations count against the budget; when they exhaust it the runtime simply collects and leaves the
/// region, which <see cref="Dispose"/> tolerates. Small bodies never enter one: reserving costs a collection per
/// call, which only pays when the call would otherwise collect with its model live.
/// </para>
/// </summary>
public sealed class LargeCallGcRegion : IDisposable
{
    /// <summary>Bodies from this size (bytes) enter a region; below it the reserving collection costs more than it saves.</summary>
    public const long DefaultMinBodyBytes = 1024 * 1024;

    /// <summary>Budget per byte of body: reading and evaluating allocates about 1.7 bytes per body byte on all threads.</summary>
    public const int DefaultBudgetPerBodyByte = 3;

    private static int _held;
    private static long _entered;
    private int _disposed;

    private LargeCallGcRegion() { }

    /// <summary>How many regions this process has entered (diagnostics and tests).</summary>
    public static long Entered => Interlocked.Read(ref _entered);

    /// <summary>
    /// Enters a region with a budget of <paramref name="budgetPerBodyByte"/> times <paramref name="bodyBytes"/> when the
    /// body is at least <paramref name="minBodyBytes"/> (0: never) and no other call holds one; null otherwise, and
    /// when the runtime refuses (a budget larger than it can reserve, or a region some other code started). Never
    /// throws. Dispose the result when the call's model is no longer needed.
    /// </summary>
    public static LargeCallGcRegion? TryEnter(long bodyBytes, long minBodyBytes = DefaultMinBodyBytes, int budgetPerBodyByte = DefaultBudgetPerBodyByte)
    {
        if (minBodyBytes <= 0 || bodyBytes < minBodyBytes || budgetPerBodyByte <= 0) return null;
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0) return null;
        try
        {
            // No full blocking collection to make room: the ephemeral one is the cheap one this is for.
            if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion
                && GC.TryStartNoGCRegion(checked(bodyBytes * budgetPerBodyByte), disallowFullBlockingGC: true))
            {
                Interlocked.Increment(ref _entered);
                return new LargeCallGcRegion();
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // A budget beyond what the runtime reserves, or a region started elsewhere: run the call as usual.
        }
        Volatile.Write(ref _held, 0);
        return null;
    }

    /// <summary>Leaves the region (if the runtime has not already left it because the budget ran out) and lets the next call hold one.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The budget ran out (or something collected) and the runtime already left the region.
        }
        finally
        {
            Volatile.Write(ref _held, 0);
        }
    }
}
