namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>The one median the benchmark's reports use (GC pauses, kdamond episodes, rounds).</summary>
internal static class Median
{
    /// <summary>The upper median (the value at index ⌊n/2⌋ of the sorted values); 0 for none.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
