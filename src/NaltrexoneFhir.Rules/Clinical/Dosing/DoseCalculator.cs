using System.Globalization;
using System.Text;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// <summary>An inclusive range of non-negative numbers; <see cref="Low"/> == <see cref="High"/> for an exact value.</summary>
public readonly record struct Bounds(decimal Low, decimal High)
{
    public static Bounds Exact(decimal value) => new(value, value);
    public static readonly Bounds Zero = Exact(0);
    public bool IsExact => Low == High;
    public static Bounds operator +(Bounds a, Bounds b) => new(a.Low + b.Low, a.High + b.High);
    public static Bounds operator *(Bounds a, Bounds b) => new(a.Low * b.Low, a.High * b.High);
    public Bounds Round() => new(DoseCalculator.Round(Low), DoseCalculator.Round(High));
    public Bounds CapHigh(decimal cap) => new(Math.Min(Low, cap), Math.Min(High, cap));
}

/// <summary>Which naltrexone product the dose is for (decides how a missing frequency and a count unit are read).</summary>
public enum DoseProduct
{
    /// <summary>Oral naltrexone (tablets, compounded low-dose capsules).</summary>
    OralNaltrexone,
    /// <summary>Extended-release injectable naltrexone: an order without a repeat is one injection.</summary>
    ExtendedRelease,
    /// <summary>Naltrexone/bupropion tablets: mg are naltrexone mg only when they are a whole number of tablets.</summary>
    NaltrexoneBupropion,
}

/// <summary>Naltrexone per tablet / capsule / injection, and where that number came from.</summary>
public sealed record Strength(decimal MgPerUnit, string Source);

public enum DoseStatus
{
    /// <summary>The order has no dosageInstruction: nothing to check.</summary>
    NotStated,
    /// <summary>A dose is given but cannot be turned into mg and a schedule; the reason says why.</summary>
    NotComputable,
    Computed,
}

/// <summary>One dosageInstruction, computed.</summary>
public sealed record DoseLine(
    int? Sequence,
    Bounds DoseMg,
    /// <summary>Administrations per day (0 low bound when taken as needed); Exact(1) for a single administration.</summary>
    Bounds PerDay,
    Bounds DailyMg,
    /// <summary>Shortest time between two administrations, in days; null for a single administration.</summary>
    decimal? MinIntervalDays,
    bool IsSingle,
    bool AsNeeded,
    decimal? DurationDays,
    string Text);

/// <summary>Concurrent dosage lines (same sequence): their daily amounts add up.</summary>
public sealed record DosePhase(int? Sequence, IReadOnlyList<DoseLine> Lines)
{
    public Bounds DailyMg => Lines.Aggregate(Bounds.Zero, (s, l) => s + l.DailyMg).Round();
    public decimal MaxSingleMg => Lines.Max(l => l.DoseMg.High);
    public decimal MinSingleMg => Lines.Min(l => l.DoseMg.Low);
    public decimal? MinIntervalDays => Lines.Where(l => l.MinIntervalDays is not null).Select(l => l.MinIntervalDays).Min();
    public bool IsSingle => Lines.All(l => l.IsSingle);
    public decimal? DurationDays => Lines.Select(l => l.DurationDays).Max();
    public string Text => string.Join(" + ", Lines.Select(l => l.Text));
}

/// <summary>The dose of one order: phases in sequence order (a titration has several), or why it could not be computed.</summary>
public sealed record DoseResult(DoseStatus Status, IReadOnlyList<DosePhase> Phases, string? Problem, Strength? Strength)
{
    public bool IsComputed => Status == DoseStatus.Computed;
    /// <summary>The highest average daily amount over all phases (upper bound).</summary>
    public decimal MaxDailyMg => Phases.Count == 0 ? 0 : Phases.Max(p => p.DailyMg.High);
    public decimal MaxSingleMg => Phases.Count == 0 ? 0 : Phases.Max(p => p.MaxSingleMg);
    public decimal MinSingleMg => Phases.Count == 0 ? 0 : Phases.Min(p => p.MinSingleMg);
    public decimal? MinIntervalDays => Phases.Where(p => p.MinIntervalDays is not null).Select(p => p.MinIntervalDays).Min();
    /// <summary>The first phase: the starting regimen.</summary>
    public DosePhase? Start => Phases.Count > 0 ? Phases[0] : null;

    /// <summary>"50 mg on Mon–Fri + 100 mg on Sat (average 50 mg/day)".</summary>
    public string Describe()
    {
        if (!IsComputed) return Problem ?? "dose not computable";
        // The average is shown where it is not obvious (not a single dose, not exactly once a day).
        var parts = Phases.Select(p => p.IsSingle || (p.Lines.Count == 1 && p.Lines[0].PerDay == Bounds.Exact(1))
            ? p.Text
            : $"{p.Text} (average {DoseCalculator.Mg(p.DailyMg)}/day)");
        return string.Join(", then ", parts);
    }

    public static DoseResult NotStated { get; } = new(DoseStatus.NotStated, [], null, null);
    public static DoseResult Fail(string problem, Strength? strength = null) => new(DoseStatus.NotComputable, [], problem, strength);
}

/// <summary>
/// Turns FHIR dosageInstruction into mg per administration, administrations per day and the average daily amount.
/// Pure and conservative: anything it cannot read exactly gives <see cref="DoseStatus.NotComputable"/> with the reason,
/// never a guess. Supported: doseQuantity / doseRange in mg, g, mcg (ug) or in tablets/capsules/injections (with a
/// known strength); timing.repeat frequency(Max) per period(Max) periodUnit, dayOfWeek, timeOfDay, when, count = 1,
/// boundsDuration / boundsPeriod; timing.code (v3 GTS abbreviations QD, BID, TID, QID, QOD, QnH, AM, PM, BED, WK, MO);
/// asNeeded (upper bound; lower bound 0; with no frequency, maxDosePerPeriod is the upper bound); maxDosePerPeriod /
/// maxDosePerAdministration as caps; several
/// dosageInstruction entries (same sequence = concurrent and added; different sequence = successive phases).
/// </summary>
public static class DoseCalculator
{
    /// <summary>Tablets, capsules and injections: a count of dose units multiplied by the strength.</summary>
    private static readonly HashSet<string> CountUnits = new(StringComparer.Ordinal)
    {
        "{tbl}", "{tablet}", "{tablets}", "tablet", "tablets", "tab", "tabs", "{tab}",
        "{capsule}", "{capsules}", "{cap}", "capsule", "capsules", "cap", "caps",
        "{injection}", "injection", "injections", "{kit}", "kit", "kits", "vial", "vials", "{vial}",
        "syringe", "{syringe}", "{each}", "each", "ea", "1", "{dose}", "dose", "doses",
    };

    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static DoseResult Compute(IReadOnlyList<Dosage>? dosages, DoseProduct product, Strength? strength)
    {
        if (dosages is null || dosages.Count == 0) return DoseResult.NotStated;
        try
        {
            return ComputeCore(dosages, product, strength);
        }
        catch (Exception ex) when (ex is OverflowException or DivideByZeroException)
        {
            return DoseResult.Fail("the dose or timing numbers are out of any plausible range", strength);
        }
    }

    private static DoseResult ComputeCore(IReadOnlyList<Dosage> dosages, DoseProduct product, Strength? strength)
    {
        var lines = new List<DoseLine>();
        foreach (var d in dosages)
        {
            var line = Line(d, product, strength, out var problem);
            if (line is null) return DoseResult.Fail(problem!, strength);
            lines.Add(line);
        }

        var numbered = lines.Count(l => l.Sequence is not null);
        if (numbered > 0 && numbered < lines.Count)
            return DoseResult.Fail("some dosage instructions have a sequence number and others do not, so their order is unclear", strength);
        var phases = lines.GroupBy(l => l.Sequence).OrderBy(g => g.Key ?? 0).Select(g => new DosePhase(g.Key, g.ToList())).ToList();
        return new DoseResult(DoseStatus.Computed, phases, null, strength);
    }

    private static DoseLine? Line(Dosage d, DoseProduct product, Strength? strength, out string? problem)
    {
        problem = null;
        var dose = DoseMg(d, product, strength, out var doseText, out problem);
        if (dose is null) return null;
        if (d.MaxDosePerAdministration is { } maxAdmin)
        {
            var capMg = ToMg(maxAdmin, product, strength, out _);
            if (capMg is { } adminCap) dose = dose.Value.CapHigh(adminCap);
        }

        var asNeeded = d.AsNeededBoolean == true || d.AsNeededCodeableConcept is not null;
        var cap = d.MaxDosePerPeriod is { } maxPer ? MaxPerDayMg(maxPer, product, strength) : null;
        var schedule = Schedule(d.Timing, product, out problem);
        if (schedule is null && asNeeded && cap is { } c0 && dose.Value.High > 0)
        {
            // As needed with no frequency but a stated daily maximum: 0 up to the maximum.
            problem = null;
            schedule = (new Bounds(0, c0 / dose.Value.High), null, false, $"at most {Num(c0)} mg a day");
        }
        if (schedule is null) return null;
        var (perDay, minInterval, single, scheduleText) = schedule.Value;
        if (asNeeded && !single) perDay = new Bounds(0, perDay.High);

        var daily = (dose.Value * perDay).Round();
        if (cap is { } c) daily = daily.CapHigh(c);

        var duration = DurationDays(d.Timing?.Repeat);
        var text = new StringBuilder(doseText).Append(' ').Append(scheduleText);
        if (asNeeded) text.Append(" as needed");
        if (duration is { } days) text.Append(" for ").Append(Num(days)).Append(days == 1 ? " day" : " days");
        return new DoseLine(d.Sequence, dose.Value.Round(), perDay, daily, minInterval, single, asNeeded, duration, text.ToString());
    }

    // ---- dose amount -------------------------------------------------------------------------------------------

    private static Bounds? DoseMg(Dosage d, DoseProduct product, Strength? strength, out string text, out string? problem)
    {
        text = "";
        problem = null;
        var entries = (d.DoseAndRate ?? []).Where(x => x.DoseQuantity is not null || x.DoseRange is not null).ToList();
        if (entries.Count == 0)
        {
            problem = string.IsNullOrWhiteSpace(d.Text)
                ? "the dosage instruction has no dose amount"
                : $"the dose is given only as text ('{Clip(d.Text, 60)}'), not as a structured amount";
            return null;
        }
        // "ordered" wins over "calculated" when both are sent.
        var entry = entries.FirstOrDefault(x => x.Type?.Coding?.Any(c => c.Code == "ordered") == true) ?? entries[0];

        Quantity lowQ, highQ;
        if (entry.DoseQuantity is { } q) { lowQ = q; highQ = q; }
        else
        {
            var range = entry.DoseRange!;
            if (range.High?.Value is null) { problem = "the dose range has no upper limit"; return null; }
            highQ = range.High;
            lowQ = range.Low?.Value is not null ? range.Low : range.High;
        }
        var low = ToMg(lowQ, product, strength, out problem);
        if (low is null) return null;
        var high = ToMg(highQ, product, strength, out problem);
        if (high is null) return null;
        if (low > high) (low, high) = (high, low);

        var b = new Bounds(low.Value, high.Value);
        var count = IsCountUnit(highQ) ? (lowQ.Value == highQ.Value ? Num(highQ.Value!.Value) : $"{Num(lowQ.Value!.Value)}–{Num(highQ.Value!.Value)}") : null;
        var unitWord = highQ.Value == 1 && lowQ.Value == 1 ? UnitWord(highQ, singular: true) : UnitWord(highQ, singular: false);
        text = count is not null ? $"{count} {unitWord} ({Mg(b)})" : Mg(b);
        return b;
    }

    /// <summary>A quantity in mg: mass units convert; count units need the strength; anything else is unreadable.</summary>
    internal static decimal? ToMg(Quantity q, DoseProduct product, Strength? strength, out string? problem)
    {
        problem = null;
        if (q.Value is not { } v || v < 0) { problem = "the dose has no value"; return null; }
        var unit = Unit(q);
        if (unit is null) { problem = $"the dose {Num(v)} has no unit"; return null; }
        if (MassFactor(unit) is { } f)
        {
            var mg = v * f;
            if (product == DoseProduct.NaltrexoneBupropion)
            {
                // 8 mg naltrexone / 90 mg bupropion per tablet: mg are read as naltrexone only as a whole number of
                // tablets (at most 4 at once); anything else (e.g. 90 or 360 mg) may be the bupropion amount.
                var tablets = strength is { MgPerUnit: > 0 } s ? mg / s.MgPerUnit : -1;
                if (tablets <= 0 || tablets != Math.Floor(tablets) || tablets > 4)
                {
                    problem = $"{Num(v)} {unit} of naltrexone/bupropion is ambiguous (naltrexone or bupropion?); order in tablets";
                    return null;
                }
            }
            return mg;
        }
        if (IsCountUnit(q))
        {
            if (strength is null)
            {
                problem = $"the dose is {Num(v)} {q.Unit ?? q.Code} but the naltrexone strength per unit is not known";
                return null;
            }
            return v * strength.MgPerUnit;
        }
        problem = $"the dose unit '{Clip(q.Unit ?? q.Code ?? "", 20)}' cannot be converted to mg";
        return null;
    }

    private static string? Unit(Quantity q)
    {
        foreach (var u in new[] { q.Code, q.Unit })
        {
            if (string.IsNullOrWhiteSpace(u)) continue;
            var n = Normalize(u);
            if (MassFactor(n) is not null || CountUnits.Contains(n)) return n;
        }
        return string.IsNullOrWhiteSpace(q.Code ?? q.Unit) ? null : Normalize(q.Code ?? q.Unit);
    }

    private static string Normalize(string? unit) =>
        (unit ?? "").Trim().Replace(" ", "", StringComparison.Ordinal).Replace("µ", "u", StringComparison.Ordinal).Replace("μ", "u", StringComparison.Ordinal).ToLowerInvariant();

    internal static decimal? MassFactor(string? unit) => Normalize(unit) switch
    {
        "mg" or "milligram" or "milligrams" => 1m,
        "g" or "gram" or "grams" => 1000m,
        "ug" or "mcg" or "microgram" or "micrograms" => 0.001m,
        _ => null,
    };

    private static bool IsCountUnit(Quantity q) =>
        (q.Code is not null && CountUnits.Contains(Normalize(q.Code))) || (q.Unit is not null && CountUnits.Contains(Normalize(q.Unit)));

    private static string UnitWord(Quantity q, bool singular)
    {
        var u = Normalize(q.Unit ?? q.Code).Trim('{', '}');
        var word = u switch
        {
            "tbl" or "tab" or "tabs" or "tablet" or "tablets" => "tablet",
            "cap" or "caps" or "capsule" or "capsules" => "capsule",
            "injection" or "injections" => "injection",
            "kit" or "kits" => "kit",
            "vial" or "vials" => "vial",
            "syringe" => "syringe",
            _ => "unit",
        };
        return singular ? word : word + "s";
    }

    private static decimal? MaxPerDayMg(Ratio r, DoseProduct product, Strength? strength)
    {
        if (r.Numerator is null || r.Denominator?.Value is not { } dv || dv <= 0) return null;
        var mg = ToMg(r.Numerator, product, strength, out _);
        var days = PeriodDays(dv, r.Denominator.Code ?? r.Denominator.Unit);
        return mg is null || days is null ? null : mg / days.Value.Low;
    }

    // ---- schedule ----------------------------------------------------------------------------------------------

    private static (Bounds PerDay, decimal? MinInterval, bool Single, string Text)? Schedule(Timing? timing, DoseProduct product, out string? problem)
    {
        problem = null;
        var r = timing?.Repeat;
        var hasRepeat = r is not null && (r.Frequency is not null || r.Period is not null || r.DayOfWeek is { Count: > 0 }
                                          || r.TimeOfDay is { Count: > 0 } || r.When is { Count: > 0 } || r.Count is not null);
        if (r is { Count: 1 } && r.CountMax is null or 1) return (Bounds.Exact(1), null, true, "once");
        if (hasRepeat) return Repeat(r!, out problem);
        if (timing?.Code is { } code)
        {
            var parsed = FromCode(code);
            if (parsed is not null) return parsed;
            problem = $"the timing code '{Clip(code.Label(), 30)}' is not a known frequency";
            return null;
        }
        if (timing?.Event is { Count: 1 }) return (Bounds.Exact(1), null, true, "once");
        if (timing?.Event is { Count: > 1 })
        {
            problem = "the doses are given as a list of dates, which this service does not average";
            return null;
        }
        // Extended-release naltrexone is one injection per order when no repeat is stated.
        if (product == DoseProduct.ExtendedRelease) return (Bounds.Exact(1), null, true, "once");
        problem = "the dosage has no frequency (timing)";
        return null;
    }

    private static (Bounds PerDay, decimal? MinInterval, bool Single, string Text)? Repeat(TimingRepeat r, out string? problem)
    {
        problem = null;
        if (r.Frequency is < 1 || r.FrequencyMax < r.Frequency || r.Period is <= 0 || r.PeriodMax < r.Period)
        {
            problem = "the timing has a frequency or period that is zero, negative or inverted";
            return null;
        }

        var days = (r.DayOfWeek ?? []).Select(x => Array.IndexOf(Days, x.Trim().ToLowerInvariant())).ToList();
        if (days.Any(i => i < 0)) { problem = "the timing has an unknown dayOfWeek"; return null; }
        days = days.Distinct().Order().ToList();
        var perDayEvents = r.TimeOfDay is { Count: > 0 } t ? t.Count : r.When is { Count: > 0 } w ? w.Count : (int?)null;

        if (days.Count > 0)
        {
            // Only on the listed days: once (or `frequency` times per day, or each timeOfDay/when) on each listed day.
            var unit = r.PeriodUnit?.Trim().ToLowerInvariant();
            int timesPerDay;
            if (r.Period is null || (r.Period == 1 && unit == "d"))
                timesPerDay = r.Frequency ?? perDayEvents ?? 1;
            else if (r.Period == 1 && unit == "wk" && (r.Frequency is null or 1 || r.Frequency == days.Count))
                timesPerDay = perDayEvents ?? 1;
            else
            {
                problem = "the timing combines dayOfWeek with a period this service does not interpret";
                return null;
            }
            if (r.FrequencyMax is { } fm && fm != r.Frequency) { problem = "the timing combines dayOfWeek with a frequency range"; return null; }
            var perWeek = days.Count * timesPerDay;
            var minGap = days.Count == 1 ? 7 : days.Zip(days.Skip(1).Append(days[0] + 7), (a, b) => b - a).Min();
            var interval = timesPerDay > 1 ? 0m : minGap;
            var text = (timesPerDay == 1 ? "" : Times(timesPerDay) + " ") + "on " + DayList(days);
            return (Bounds.Exact(perWeek / 7m), interval, false, text);
        }

        if (r.Period is null)
        {
            if (r.Frequency is null && perDayEvents is { } n) return (Bounds.Exact(n), n > 1 ? 0m : 1m, false, Times(n) + " daily");
            problem = r.Frequency is not null ? "the timing has a frequency but no period" : "the timing has no frequency or period";
            return null;
        }

        var periodLow = PeriodDays(r.Period.Value, r.PeriodUnit);
        var periodHigh = PeriodDays(r.PeriodMax ?? r.Period.Value, r.PeriodUnit);
        if (periodLow is null || periodHigh is null)
        {
            problem = r.PeriodUnit is null ? "the timing has a period but no periodUnit" : $"the periodUnit '{Clip(r.PeriodUnit, 10)}' is not known";
            return null;
        }
        var freqLow = (decimal)(r.Frequency ?? perDayEvents ?? 1);
        var freqHigh = (decimal)(r.FrequencyMax ?? r.Frequency ?? perDayEvents ?? 1);
        var perDay = new Bounds(freqLow / periodHigh.Value.High, freqHigh / periodLow.Value.Low);
        var minInterval = periodLow.Value.Low / freqHigh;
        return (perDay, Round(minInterval), false, Every(r, freqLow, freqHigh));
    }

    /// <summary>Days in <paramref name="value"/> × unit; a month is 28–31 days and a year 365–366 (bounds, not a guess).</summary>
    internal static Bounds? PeriodDays(decimal value, string? unit) => unit?.Trim().ToLowerInvariant() switch
    {
        "s" => Bounds.Exact(value / 86400m),
        "min" => Bounds.Exact(value / 1440m),
        "h" => Bounds.Exact(value / 24m),
        "d" => Bounds.Exact(value),
        "wk" => Bounds.Exact(value * 7m),
        "mo" => new Bounds(value * 28m, value * 31m),
        "a" => new Bounds(value * 365m, value * 366m),
        _ => null,
    };

    private static (Bounds, decimal?, bool, string)? FromCode(CodeableConcept code)
    {
        foreach (var c in code.Coding ?? [])
        {
            var k = c.Code?.Trim().ToUpperInvariant();
            (decimal perDay, decimal interval, string text)? v = k switch
            {
                "QD" or "AM" or "PM" => (1m, 1m, "once daily"),
                "BED" => (1m, 1m, "once daily at bedtime"),
                "BID" => (2m, 0m, "twice daily"),
                "TID" => (3m, 0m, "three times daily"),
                "QID" => (4m, 0m, "four times daily"),
                "QOD" => (0.5m, 2m, "every 2 days"),
                "WK" => (1m / 7m, 7m, "once weekly"),
                _ when k is { Length: >= 3 } && k[0] == 'Q' && k[^1] == 'H' && int.TryParse(k[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h > 0
                    => (24m / h, h / 24m, $"every {h} hours"),
                _ => null,
            };
            if (v is { } x) return (Bounds.Exact(x.perDay), Round(x.interval), false, x.text);
            if (k == "MO") return (new Bounds(1m / 31m, 1m / 28m), 28m, false, "monthly");
        }
        return null;
    }

    private static decimal? DurationDays(TimingRepeat? r)
    {
        if (r is null) return null;
        if (r.BoundsDuration is { } q && Data.PatientDataBuilder.Days(q) is > 0 and var d) return Round(d);
        if (r.BoundsPeriod is { Start: { IsValid: true } s, End: { IsValid: true } e } && e.End > s.Start)
            return Round((decimal)(e.End - s.Start).TotalDays);
        return null;
    }

    // ---- text --------------------------------------------------------------------------------------------------

    private static string Every(TimingRepeat r, decimal freqLow, decimal freqHigh)
    {
        var unit = r.PeriodUnit!.Trim().ToLowerInvariant();
        var p = r.Period!.Value;
        var pMax = r.PeriodMax;
        var freq = freqLow == freqHigh ? Times((int)freqLow) : $"{Num(freqLow)}–{Num(freqHigh)} times";
        var unitName = unit switch { "s" => "second", "min" => "minute", "h" => "hour", "d" => "day", "wk" => "week", "mo" => "month", _ => "year" };
        if (pMax is null && p == 1)
        {
            var adverb = unit switch { "d" => "daily", "wk" => "weekly", "mo" => "monthly", "a" => "yearly", _ => $"per {unitName}" };
            return $"{freq} {adverb}";
        }
        var every = pMax is { } m ? $"every {Num(p)}–{Num(m)} {unitName}s" : $"every {Num(p)} {unitName}s";
        return freqLow == 1 && freqHigh == 1 ? every : $"{freq} {every}";
    }

    private static string Times(int n) => n switch { 1 => "once", 2 => "twice", _ => $"{n} times" };

    private static string DayList(List<int> days)
    {
        // Contiguous runs become ranges: Mon–Fri; Mon, Wed, Fri.
        var parts = new List<string>();
        var i = 0;
        while (i < days.Count)
        {
            var j = i;
            while (j + 1 < days.Count && days[j + 1] == days[j] + 1) j++;
            parts.Add(j - i >= 2 ? $"{DayNames[days[i]]}–{DayNames[days[j]]}" : string.Join(", ", days[i..(j + 1)].Select(d => DayNames[d])));
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    public static decimal Round(decimal v) => Math.Round(v, 4, MidpointRounding.AwayFromZero);

    public static string Num(decimal v)
    {
        var r = Math.Round(v, 2, MidpointRounding.AwayFromZero);
        return r.ToString(r == Math.Round(r) ? "0" : "0.##", CultureInfo.InvariantCulture);
    }

    public static string Mg(Bounds b) => b.IsExact || Num(b.Low) == Num(b.High) ? $"{Num(b.High)} mg" : $"{Num(b.Low)}–{Num(b.High)} mg";

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
