using NaltrexoneFhir.Benchmarks.Http;

namespace NaltrexoneFhir.Fhir.Tests;

/// <summary>
/// The HTTP benchmark's account of a fixed-rate round's tail: which of its slowest 1 % were in flight during an event
/// (a GC pause, a kdamond episode), and the kdamond watch's grouping of its CPU-time increases into episodes.
/// </summary>
public sealed class TailCausesTests
{
    // 1,000 requests due 1 ms apart, 0.5 ms each, except ten slow ones (20 ms) due at 500-509 ms.
    private static readonly (double DueMs, double LatencyMs)[] Round =
        [.. Enumerable.Range(0, 1000).Select(i => ((double)i, i is >= 500 and < 510 ? 20.0 : 0.5))];

    [Fact]
    public void SlowRequestsInFlightDuringAnEvent_AreCounted_AndTheShareOfAllRequestsBeside()
    {
        // An event from 515 to 518 ms: every slow request (in flight 500-529) overlaps it; of the fast ones, those due
        // at 515-517 (in flight 515.0-518.5) and the one due at 514 (until 514.5) does not.
        var share = TailCauses.Of(Round, [(515, 3)]);

        Assert.Equal(20.0, share.P99Ms);
        Assert.Equal(1.0, share.OfSlowest);
        Assert.Equal((10 + 3) / 1000.0, share.OfAll, 6);
    }

    [Fact]
    public void AnEventOutsideEveryRequest_ExplainsNothing_AndErrorsAreLeftOut()
    {
        (double DueMs, double LatencyMs)[] withErrors = [.. Round, (540, -1), (541, -1)];

        var share = TailCauses.Of(withErrors, [(2000, 5)]);

        Assert.Equal(0, share.OfSlowest);
        Assert.Equal(0, share.OfAll);
        Assert.Contains("a kdamond episode 0 %", TailCauses.Describe(withErrors, ("a kdamond episode", [(2000.0, 5.0)])));
    }

    [Fact]
    public void Describe_GivesEachCause_AndEither()
    {
        var text = TailCauses.Describe(Round, ("a GC pause", [(509.5, 1.0)]), ("a kdamond episode", [(900.0, 2.0)]));

        Assert.Contains("≥ 20.0 ms", text);
        Assert.Contains("a GC pause 100 %", text);
        Assert.Contains("a kdamond episode 0 %", text);
        Assert.Contains("either 100 %", text);
    }

    [Fact]
    public void P99AwayFromEvents_LeavesOutRequestsByTheirDueTime_NotByTheirLatency()
    {
        // 1,000 requests due 1 ms apart, 0.5 ms each, except: 20 ms for the fifteen due at 470-484 (due before the
        // event's widened window, 485-515, but in flight into it) and for the ten due at 500-509 (inside it).
        (double DueMs, double LatencyMs)[] round = [.. Enumerable.Range(0, 1000).Select(i =>
            ((double)i, i is >= 470 and < 485 or >= 500 and < 510 ? 20.0 : 0.5))];

        var away = TailCauses.P99Away(round, [(495, 10)], margin: 10);

        // Due 485-515 left out (31 requests) whatever their latency; the fifteen due before stay, slow as they are, and
        // are more than 1 % of the 969 left: the p99 away from the event is theirs.
        Assert.Equal((1000 - 31) / 1000.0, away.ShareOfRequests, 6);
        Assert.Equal(20.0, away.P99Ms);
        // Without them the window's own slow requests would have been the only ones, and away from it all is fast.
        var calm = TailCauses.P99Away([.. round.Select(r => r.DueMs < 485 ? (r.DueMs, 0.5) : r)], [(495, 10)], margin: 10);
        Assert.Equal(0.5, calm.P99Ms);
    }

    [Fact]
    public void DaemonIncreases_LessThan30msApart_AreOneEpisode_StartingItsFirstCpuTimeBeforeTheFirstPoll()
    {
        var t0 = new DateTime(2026, 12, 6, 16, 0, 0, DateTimeKind.Utc);
        (DateTime, double)[] increases = [(t0, 1.0), (t0.AddMilliseconds(20), 2.0), (t0.AddMilliseconds(40), 0.5), (t0.AddMilliseconds(514), 3.0)];

        var episodes = MemoryDaemonWatch.Episodes(increases);

        Assert.Equal(2, episodes.Count);
        Assert.Equal(t0.AddMilliseconds(-1), episodes[0].StartUtc);
        Assert.Equal(41.0, episodes[0].Ms, 6); // each increase within 30 ms of the last, not of the first
        Assert.Equal(3.5, episodes[0].CpuMs, 6);
        Assert.Equal(t0.AddMilliseconds(511), episodes[1].StartUtc);
        Assert.Equal(3.0, episodes[1].CpuMs, 6);
        var summary = new DaemonEpisodes(1.0, episodes).ToString();
        Assert.Contains("2 episodes, one every 512 ms", summary);
    }
}
