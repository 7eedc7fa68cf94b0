using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Populations;

/// <summary>An eGFR result as an interval (a comparator such as "&gt;60" makes it open), in mL/min/1.73 m².</summary>
public sealed record EgfrReading(Observation Observation, decimal Low, decimal High, string Shown, FhirDateTime When)
{
    public bool CertainlyBelow(decimal limit) => High < limit || (High == limit && Shown.StartsWith('<'));
    public bool CertainlyAtLeast(decimal limit) => Low >= limit;
    public string Describe() => $"eGFR {Shown} mL/min/1.73 m² on {Text.Date(When)} (Observation/{Observation.Id})";
}

/// <summary>The latest eGFR within the lookback (shared by R20, R21 and R32); results with an unknown unit are set aside.</summary>
public sealed class RenalFunction
{
    public EgfrReading? Latest { get; private init; }
    public IReadOnlyList<UnreadableLab> Unreadable { get; private init; } = [];

    public static RenalFunction Of(RuleContext ctx)
    {
        var unreadable = new List<UnreadableLab>();
        EgfrReading? latest = null;
        foreach (var obs in Observations.In(ctx, ValueSetUrls.Egfr))
        {
            if (obs.When() is not { } when || !ctx.PossiblyWithinDays(when.End, ctx.Options.EgfrLookbackDays)) continue;
            if (obs.ValueQuantity is not { Value: { } v } q) continue;
            if (!IsEgfrUnit(q.Code) && !IsEgfrUnit(q.Unit))
            {
                unreadable.Add(new UnreadableLab(Analyte.Egfr, obs, q.Code ?? q.Unit, when));
                continue;
            }
            var (low, high, shown) = q.Comparator switch
            {
                ">" or ">=" => (v, decimal.MaxValue, $">{Text.Num(v)}"),
                "<" or "<=" => (0m, v, $"<{Text.Num(v)}"),
                _ => (v, v, Text.Num(v)),
            };
            var reading = new EgfrReading(obs, low, high, shown, when);
            if (latest is null || when.End > latest.When.End) latest = reading;
        }
        return new RenalFunction { Latest = latest, Unreadable = unreadable };
    }

    /// <summary>mL/min/{1.73_m2}, mL/min/1.73m2 and spelling variants; a missing unit is not assumed.</summary>
    private static bool IsEgfrUnit(string? unit)
    {
        var u = (unit ?? "").Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        return u.StartsWith("ml/min/", StringComparison.Ordinal) && u.Contains("1.73", StringComparison.Ordinal);
    }
}
