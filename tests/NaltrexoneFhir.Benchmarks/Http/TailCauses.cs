using System.Globalization;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// How much of a fixed-rate round's tail coincides with things outside the request's own work: the share of its
/// slowest 1 % of requests that were in flight (from when they were due to their answer) while each kind of event ran
/// (the service's GC pauses; the kernel's kdamond episodes), beside the same share for all requests. Request times are
/// the client's clock and the events' times the machine's, on one time axis from the round's start.
/// </summary>
public static class TailCauses
{
    /// <summary>
    /// How far around a kdamond episode a request's due time counts as "during" it, for <see cref="P99Away"/>: one
    /// value for the HTTP report and the <c>rate</c> tool.
    /// </summary>
    public const double EpisodeMarginMs = 30;

    /// <summary>
    /// A fixed-rate round against the service's GC pauses and the kernel's kdamond episodes (either may be empty): what
    /// its slowest 1 % were in flight during, and its p99 between the episodes (null without episodes).
    /// </summary>
    public static (string Causes, Away? BetweenEpisodes) OfRound(IReadOnlyList<(double DueMs, double LatencyMs)> requests,
        IEnumerable<(double StartMs, double Ms)> gcPauses, IEnumerable<(double StartMs, double Ms)> daemonEpisodes)
    {
        var episodes = daemonEpisodes.ToArray();
        return (Describe(requests, ("a GC pause", gcPauses), ("a kdamond episode", episodes)),
            episodes.Length == 0 ? null : P99Away(requests, episodes, EpisodeMarginMs));
    }

    /// <param name="requests">The round's requests: when each was due (ms after the start) and its latency (ms; −1 for an error).</param>
    /// <param name="causes">Each kind of event by name, with its intervals (start ms after the round's start, length ms).</param>
    public static string Describe(IReadOnlyList<(double DueMs, double LatencyMs)> requests, params (string Name, IEnumerable<(double StartMs, double Ms)> Intervals)[] causes)
    {
        var named = causes.Select(c => (c.Name, Intervals: c.Intervals.ToArray())).Where(c => c.Intervals.Length > 0).ToList();
        if (!requests.Any(r => r.LatencyMs >= 0) || named.Count == 0) return "no requests or no events to compare with";
        var shares = named.Select(c => (c.Name, Share: Of(requests, c.Intervals))).ToList();
        if (named.Count > 1) shares.Add(("either", Of(requests, [.. named.SelectMany(c => c.Intervals)])));
        return string.Create(CultureInfo.InvariantCulture,
            $"of the slowest 1 % (≥ {shares[0].Share.P99Ms:0.0} ms), in flight during: {string.Join("; ", shares.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Share.OfSlowest:P0} (of all requests: {s.Share.OfAll:P0})")))}");
    }

    /// <summary>The round's p99, and the shares of its slowest 1 % and of all its requests in flight during any of <paramref name="intervals"/>.</summary>
    public readonly record struct Share(double P99Ms, double OfSlowest, double OfAll);

    /// <summary>The p99 of the requests due away from every interval, and how many of the round's requests those are.</summary>
    public readonly record struct Away(double P99Ms, double ShareOfRequests);

    /// <summary>
    /// The p99 of the requests <b>due</b> outside every interval widened by <paramref name="margin"/> on both sides
    /// (before: a request due shortly before an episode may still be in flight when it starts; after: the queue it left
    /// drains). Chosen by due time, which the schedule fixes whatever the latency, so a slow request is not left out
    /// for being slow: what the service does between the events, not a p99 with the slow requests taken away.
    /// </summary>
    public static Away P99Away(IReadOnlyList<(double DueMs, double LatencyMs)> requests, IReadOnlyList<(double StartMs, double Ms)> intervals, double margin)
    {
        var ok = requests.Where(r => r.LatencyMs >= 0).ToList();
        var away = ok.Where(r => !intervals.Any(i => r.DueMs >= i.StartMs - margin && r.DueMs <= i.StartMs + i.Ms + margin))
            .Select(r => r.LatencyMs).Order().ToList();
        return away.Count == 0 ? new Away(0, 0) : new Away(P99(away), away.Count / (double)ok.Count);
    }

    public static Share Of(IReadOnlyList<(double DueMs, double LatencyMs)> requests, IReadOnlyList<(double StartMs, double Ms)> intervals)
    {
        var ok = requests.Where(r => r.LatencyMs >= 0).ToList();
        if (ok.Count == 0) return new Share(0, 0, 0);
        var p99 = P99([.. ok.Select(r => r.LatencyMs).Order()]);
        var slow = ok.Where(r => r.LatencyMs >= p99).ToList();
        bool InFlight((double DueMs, double LatencyMs) r) =>
            intervals.Any(i => i.StartMs < r.DueMs + r.LatencyMs && i.StartMs + i.Ms > r.DueMs);
        return new Share(p99, slow.Count(InFlight) / (double)slow.Count, ok.Count(InFlight) / (double)ok.Count);
    }

    /// <summary>The p99 of ascending latencies as this class counts it: the value at index ⌊0.99 n⌋.</summary>
    private static double P99(List<double> ascending) => ascending[(int)(ascending.Count * 0.99)];
}
