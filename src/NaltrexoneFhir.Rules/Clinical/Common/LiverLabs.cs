using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

public enum Analyte { Alt, Ast, Bilirubin, Egfr }

/// <summary>A lab value read against its upper limit of normal.</summary>
public sealed record LabReading(Analyte Analyte, Observation Observation, decimal Value, string Unit, decimal Uln, string UlnSource, FhirDateTime When)
{
    public decimal Ratio => Uln == 0 ? 0 : Value / Uln;
    public string Name => Analyte switch { Analyte.Alt => "ALT", Analyte.Ast => "AST", Analyte.Bilirubin => "Total bilirubin", _ => "eGFR" };
    public string Describe() => $"{Name} {Text.Num(Value)} {Unit} ({Text.Ratio(Ratio)} ULN {Text.Num(Uln)} {Unit}, {UlnSource}) on {Text.Date(When)} — Observation/{Observation.Id}";
}

/// <summary>A lab result whose unit could not be interpreted.</summary>
public sealed record UnreadableLab(Analyte Analyte, Observation Observation, string? Unit, FhirDateTime? When);

/// <summary>
/// The liver-lab picture shared by R11–R13, R15 and R32: the latest ALT, AST and bilirubin within the lookback,
/// each against the Observation's own reference range (options' default ULN otherwise), units converted.
/// </summary>
public sealed class LiverLabAssessment
{
    public LabReading? Alt { get; private init; }
    public LabReading? Ast { get; private init; }
    public LabReading? Bilirubin { get; private init; }
    public IReadOnlyList<UnreadableLab> Unreadable { get; private init; } = [];
    /// <summary>Most recent ALT/AST/hepatic panel of any age (for "last done" text).</summary>
    public Observation? LastLiverTest { get; private init; }
    /// <summary>An ALT, AST or hepatic panel certainly within the lookback.</summary>
    public bool HasRecentLiverTest { get; private init; }

    public IEnumerable<LabReading> Transaminases => new[] { Alt, Ast }.OfType<LabReading>();
    public LabReading? WorstTransaminase => Transaminases.OrderByDescending(r => r.Ratio).FirstOrDefault();

    public static LiverLabAssessment Of(RuleContext ctx)
    {
        var o = ctx.Options;
        var unreadable = new List<UnreadableLab>();

        LabReading? Latest(Analyte analyte, string valueSetUrl, decimal defaultUln, Func<string?, decimal?> factor, string unit)
        {
            LabReading? best = null;
            foreach (var obs in Observations.In(ctx, valueSetUrl))
            {
                if (obs.When() is not { } when || !ctx.PossiblyWithinDays(when.End, o.LiverTestLookbackDays)) continue;
                if (obs.ValueQuantity?.Value is not { } raw) continue;
                var reading = Read(analyte, obs, raw, when, defaultUln, factor, unit);
                if (reading is null) { unreadable.Add(new UnreadableLab(analyte, obs, obs.ValueQuantity.Code ?? obs.ValueQuantity.Unit, when)); continue; }
                if (best is null || when.End > best.When.End) best = reading;
            }
            return best;
        }

        var altReading = Latest(Analyte.Alt, ValueSetUrls.Alt, o.AltUpperLimitUPerL, LabUnits.EnzymeFactor, "U/L");
        var astReading = Latest(Analyte.Ast, ValueSetUrls.Ast, o.AstUpperLimitUPerL, LabUnits.EnzymeFactor, "U/L");
        var biliReading = Latest(Analyte.Bilirubin, ValueSetUrls.BilirubinTotal, o.BilirubinUpperLimitMgPerDl, LabUnits.BilirubinFactor, "mg/dL");

        var (lastTest, recentTest) = Observations.LatestAndRecent(ctx,
            Observations.InAny(ctx, ValueSetUrls.Alt, ValueSetUrls.Ast, ValueSetUrls.HepaticPanels), o.LiverTestLookbackDays);
        return new LiverLabAssessment
        {
            Alt = altReading,
            Ast = astReading,
            Bilirubin = biliReading,
            Unreadable = unreadable,
            LastLiverTest = lastTest,
            HasRecentLiverTest = recentTest,
        };
    }

    /// <summary>
    /// Ratio to ULN: with a reference-range high in the value's unit (or unitless) the ratio is unit-free;
    /// otherwise both are converted to the canonical unit; an unconvertible unit gives null.
    /// </summary>
    private static LabReading? Read(Analyte analyte, Observation obs, decimal raw, FhirDateTime when, decimal defaultUln, Func<string?, decimal?> factor, string canonicalUnit)
    {
        var q = obs.ValueQuantity!;
        var valueUnit = q.Code ?? q.Unit;
        Quantity? high = null; // the first range's high above zero (indexed: no enumerator per result)
        for (var i = 0; high is null && i < (obs.ReferenceRange?.Count ?? 0); i++)
            if (obs.ReferenceRange![i].High is { Value: > 0 } h) high = h;
        var valueFactor = factor(valueUnit);
        if (high is not null)
        {
            var highUnit = high.Code ?? high.Unit;
            if (highUnit is null || LabUnits.SameUnit(highUnit, valueUnit))
            {
                // unit-free ratio; show in canonical unit when convertible
                return valueFactor is { } f
                    ? new LabReading(analyte, obs, raw * f, canonicalUnit, high.Value!.Value * f, "lab reference range", when)
                    : new LabReading(analyte, obs, raw, valueUnit ?? "", high.Value!.Value, "lab reference range", when);
            }
            if (valueFactor is { } vf && factor(highUnit) is { } hf)
                return new LabReading(analyte, obs, raw * vf, canonicalUnit, high.Value!.Value * hf, "lab reference range", when);
        }
        return valueFactor is { } f2 ? new LabReading(analyte, obs, raw * f2, canonicalUnit, defaultUln, "default ULN", when) : null;
    }
}

/// <summary>Unit conversion for the liver labs (clinical-reference §2.6).</summary>
public static class LabUnits
{
    /// <summary>
    /// Units as compared: no spaces, micro as 'u', lower case. Each unit string seen is normalized once per process (a
    /// result's unit is read every call, four to five times per liver result); the cache stops growing at
    /// <see cref="MaxCachedUnits"/> distinct units, so hostile input cannot grow it.
    /// </summary>
    private static string Normalize(string? unit)
    {
        if (unit is null) return "";
        if (NormalizedUnits.TryGetValue(unit, out var normalized)) return normalized;
        normalized = unit.Trim().Replace(" ", "").Replace("µ", "u").Replace("μ", "u").ToLowerInvariant();
        if (NormalizedUnits.Count < MaxCachedUnits) NormalizedUnits.TryAdd(unit, normalized);
        return normalized;
    }

    private const int MaxCachedUnits = 512;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> NormalizedUnits = new(StringComparer.Ordinal);

    public static bool SameUnit(string? a, string? b) => Normalize(a) == Normalize(b) || (EnzymeFactor(a) is { } fa && fa == EnzymeFactor(b));

    /// <summary>Factor to U/L: U/L, [IU]/L, IU/L = 1; µkat/L = 60; nkat/L = 0.06.</summary>
    public static decimal? EnzymeFactor(string? unit) => Normalize(unit) switch
    {
        "u/l" or "[iu]/l" or "iu/l" or "units/l" or "unit/l" => 1m,
        "ukat/l" => 60m,
        "nkat/l" => 0.06m,
        _ => null,
    };

    /// <summary>Factor to mg/dL: mg/dL = 1; µmol/L ÷ 17.1.</summary>
    public static decimal? BilirubinFactor(string? unit) => Normalize(unit) switch
    {
        "mg/dl" => 1m,
        "umol/l" => 1m / 17.1m,
        _ => null,
    };
}
