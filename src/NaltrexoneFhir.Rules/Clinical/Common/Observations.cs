using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Rules.Engine;

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
        var sets = valueSetUrls.Select(ctx.ValueSet).ToArray();
        var positions = new List<int>();
        foreach (var ((system, code), at) in index.Positions)
            if (sets.Any(vs => vs.Contains(system, code)))
                positions.AddRange(at);
        if (positions.Count == 0) return [];
        positions.Sort();
        var all = ctx.Data.Observations;
        var result = new List<Observation>(positions.Count);
        for (var i = 0; i < positions.Count; i++)
            if (i == 0 || positions[i] != positions[i - 1]) result.Add(all[positions[i]]);
        return result;
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
