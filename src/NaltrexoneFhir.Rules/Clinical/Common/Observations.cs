using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

/// <summary>
/// The patient's observations whose code is in a value set (by code only, as <c>ContainsAny</c>), in snapshot order.
/// Several rules scan the whole list for their analyte (liver enzymes, bilirubin, eGFR, hCG, urine screens): with a
/// long history that was most of the rules' time (5,000 observations scanned once per analyte). The observations are
/// indexed by coding once per call, and each value set is answered from its distinct codes (BENCHMARKS.md).
/// </summary>
public static class Observations
{
    /// <summary>Observations with a coding in the value set.</summary>
    public static IReadOnlyList<Observation> In(RuleContext ctx, string valueSetUrl) =>
        ctx.Memo("observations-in", valueSetUrl, static (c, url) => InAny(c, [url]));

    /// <summary>Observations with a coding in any of the value sets, each once, in snapshot order.</summary>
    public static IReadOnlyList<Observation> InAny(RuleContext ctx, params string[] valueSetUrls)
    {
        var index = ctx.Memo(CodeIndex.Build);
        var sets = new IndexedValueSet[valueSetUrls.Length];
        for (var s = 0; s < sets.Length; s++) sets[s] = ctx.ValueSet(valueSetUrls[s]);
        // The position lists of the matching codings, each ascending without repeats; sized once when merged.
        var matching = new List<List<int>>();
        var count = 0;
        foreach (var ((system, code), at) in index.Positions)
            if (ContainsAny(sets, system, code))
            {
                matching.Add(at);
                count += at.Count;
            }
        if (count == 0) return [];
        var all = ctx.Data.Observations;
        var positions = matching[0];
        if (matching.Count > 1)
        {
            positions = new List<int>(count);
            foreach (var at in matching) positions.AddRange(at);
            positions.Sort();
        }
        var result = new List<Observation>(positions.Count);
        for (var i = 0; i < positions.Count; i++)
            if (i == 0 || positions[i] != positions[i - 1]) result.Add(all[positions[i]]);
        return result;
    }

    /// <summary>
    /// The latest dated observation by the end of its time, the first of equally late ones (what a stable sort, newest
    /// first, puts first; null when none is dated), and whether any certainly started within the last
    /// <paramref name="days"/> days. One pass without a delegate: a long history has thousands, and both callers ask both.
    /// </summary>
    public static (Observation? Latest, bool AnyWithinDays) LatestAndRecent(RuleContext ctx, IReadOnlyList<Observation> observations, int days)
    {
        Observation? latest = null;
        var latestEnd = DateTimeOffset.MinValue;
        var recent = false;
        for (var i = 0; i < observations.Count; i++)
        {
            if (observations[i].When() is not { } when) continue;
            if (latest is null || when.End > latestEnd) (latest, latestEnd) = (observations[i], when.End);
            recent = recent || ctx.CertainlyWithinDays(when.Start, days);
        }
        return (latest, recent);
    }

    private static bool ContainsAny(IndexedValueSet[] sets, string system, string code)
    {
        foreach (var set in sets)
            if (set.Contains(system, code)) return true;
        return false;
    }

    /// <summary>Positions of the observations per (system, code) of their codings.</summary>
    private sealed class CodeIndex
    {
        public Dictionary<(string System, string Code), List<int>> Positions { get; } = new(KeyHashedByLastPart.Instance);

        public static CodeIndex Build(RuleContext ctx)
        {
            var index = new CodeIndex();
            var all = ctx.Data.Observations;
            // Consecutive observations often carry the same coding, and the reader shares one string instance per
            // repeated value: the same references as the previous coding are the same key without hashing.
            string? lastSystem = null, lastCode = null;
            List<int>? last = null;
            for (var i = 0; i < all.Count; i++)
            {
                if (all[i].Code?.Coding is not { } codings) continue;
                for (var j = 0; j < codings.Count; j++) // indexed: foreach would box an enumerator per observation
                {
                    var coding = codings[j];
                    if (coding.System is not { } system || coding.Code is not { } code) continue;
                    List<int>? at;
                    if (ReferenceEquals(system, lastSystem) && ReferenceEquals(code, lastCode)) at = last!;
                    else if (!index.Positions.TryGetValue((system, code), out at)) index.Positions[(system, code)] = at = [];
                    (lastSystem, lastCode, last) = (system, code, at);
                    if (at.Count == 0 || at[^1] != i) at.Add(i);
                }
            }
            return index;
        }
    }
}
