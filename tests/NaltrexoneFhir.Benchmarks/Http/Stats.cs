using System.Diagnostics;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>Latency percentiles in milliseconds (nearest rank).</summary>
public sealed record Latency(double P50, double P95, double P99, double Max, double Mean)
{
    public static Latency FromTicks(List<long> ticks)
    {
        if (ticks.Count == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        ticks.Sort();
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        double P(double q) => Ms(ticks[Math.Clamp((int)Math.Ceiling(q * ticks.Count) - 1, 0, ticks.Count - 1)]);
        return new(P(0.50), P(0.95), P(0.99), Ms(ticks[^1]), ticks.Average(t => Ms(t)));
    }

    public override string ToString() => $"p50 {P50:0.00} ms, p95 {P95:0.00} ms, p99 {P99:0.00} ms, max {Max:0.00} ms";
}

/// <summary>One load run against one endpoint.</summary>
public sealed record LoadResult(string Target, string Tool, string Mode, int Connections, double Seconds, long Requests, long Errors, Latency Latency)
{
    public double RequestsPerSecond => Seconds > 0 ? (Requests - Errors) / Seconds : 0;
}
