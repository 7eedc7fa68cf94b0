using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Rules.Clinical.Dosing;

namespace NaltrexoneFhir.Rules.Tests.Dosing;

/// <summary>Builders for dosageInstruction in tests.</summary>
public static class Dose
{
    public static Quantity Q(decimal value, string unit, string? code = null) =>
        new() { Value = value, Unit = unit, Code = code ?? unit, System = "http://unitsofmeasure.org" };

    public static Dosage Of(Quantity dose, TimingRepeat? repeat = null, int? sequence = null, bool prn = false, string? text = null, CodeableConcept? timingCode = null) => new()
    {
        Sequence = sequence,
        Text = text,
        AsNeededBoolean = prn ? true : null,
        Timing = repeat is null && timingCode is null ? null : new Timing { Repeat = repeat, Code = timingCode },
        DoseAndRate = [new DoseAndRate { DoseQuantity = dose }],
    };

    public static Dosage Mg(decimal mg, TimingRepeat? repeat = null, int? sequence = null) => Of(Q(mg, "mg"), repeat, sequence);

    public static TimingRepeat Every(int frequency, decimal period, string unit) => new() { Frequency = frequency, Period = period, PeriodUnit = unit };
    public static TimingRepeat Daily => Every(1, 1, "d");
    public static TimingRepeat On(params string[] days) => new() { Frequency = 1, Period = 1, PeriodUnit = "d", DayOfWeek = days };

    public static CodeableConcept Code(string code) => new() { Coding = [new Coding { System = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation", Code = code }] };
}

public sealed class DoseCalculatorTests
{
    private static readonly Strength Fifty = new(50, "test");
    private static readonly Strength Eight = new(8, "test");
    private static readonly Strength Xr = new(380, "test");

    private static DoseResult Oral(params Dosage[] d) => DoseCalculator.Compute(d, DoseProduct.OralNaltrexone, Fifty);

    [Fact]
    public void NoDosageInstruction_IsNotStated()
    {
        Assert.Equal(DoseStatus.NotStated, DoseCalculator.Compute(null, DoseProduct.OralNaltrexone, Fifty).Status);
        Assert.Equal(DoseStatus.NotStated, DoseCalculator.Compute([], DoseProduct.OralNaltrexone, Fifty).Status);
    }

    [Theory]
    [InlineData(50, 1, 1, "d", 50)]      // 50 mg once daily
    [InlineData(100, 1, 1, "d", 100)]    // 100 mg once daily
    [InlineData(25, 2, 1, "d", 50)]      // 25 mg twice daily
    [InlineData(50, 2, 1, "d", 100)]     // 50 mg twice daily
    [InlineData(100, 1, 2, "d", 50)]     // label: 100 mg every other day
    [InlineData(150, 1, 3, "d", 50)]     // label: 150 mg every third day
    [InlineData(100, 1, 48, "h", 50)]    // 100 mg every 48 hours
    [InlineData(150, 1, 72, "h", 50)]    // 150 mg every 72 hours
    [InlineData(50, 1, 12, "h", 100)]    // 50 mg every 12 hours
    [InlineData(350, 1, 1, "wk", 50)]    // 350 mg once weekly
    [InlineData(4.5, 1, 1, "d", 4.5)]    // LDN
    public void FrequencyTimesDose_GivesAverageDailyMg(decimal mg, int frequency, decimal period, string unit, decimal expected)
    {
        var r = Oral(Dose.Mg(mg, Dose.Every(frequency, period, unit)));
        Assert.True(r.IsComputed, r.Problem);
        Assert.Equal(expected, r.MaxDailyMg);
        Assert.Equal(mg, r.MaxSingleMg);
    }

    [Fact]
    public void LabelSchedule_50WeekdaysPlus100Saturday_Averages50()
    {
        var r = Oral(Dose.Mg(50, Dose.On("mon", "tue", "wed", "thu", "fri")), Dose.Mg(100, Dose.On("sat")));
        Assert.True(r.IsComputed, r.Problem);
        Assert.Equal(50m, r.MaxDailyMg);
        Assert.Single(r.Phases);
        Assert.Contains("50 mg on Mon–Fri", r.Describe());
        Assert.Contains("100 mg on Sat", r.Describe());
    }

    [Fact]
    public void LabelSchedule_100_100_150_MonWedFri_Averages50()
    {
        var r = Oral(Dose.Mg(100, Dose.On("mon", "wed")), Dose.Mg(150, Dose.On("fri")));
        Assert.Equal(50m, r.MaxDailyMg);
        Assert.Equal(2m, r.MinIntervalDays); // the shortest gap: Mon → Wed
    }

    [Fact]
    public void SameSchedule_WithSequenceNumbersEqual_IsConcurrent()
    {
        var r = Oral(Dose.Mg(50, Dose.On("mon", "tue", "wed", "thu", "fri"), sequence: 1), Dose.Mg(100, Dose.On("sat"), sequence: 1));
        Assert.Equal(50m, r.MaxDailyMg);
    }

    [Fact]
    public void DayOfWeek_WithWeeklyPeriod_CountsEachListedDayOnce()
    {
        var r = Oral(Dose.Mg(100, new TimingRepeat { Frequency = 3, Period = 1, PeriodUnit = "wk", DayOfWeek = ["mon", "wed", "fri"] }));
        Assert.Equal(DoseCalculator.Round(300m / 7m), r.MaxDailyMg);
        Assert.Equal(2m, r.MinIntervalDays);
    }

    [Fact]
    public void DayOfWeek_WithoutPeriod_IsOnceOnEachDay()
    {
        var r = Oral(Dose.Mg(100, new TimingRepeat { DayOfWeek = ["mon", "wed", "fri"] }));
        Assert.True(r.IsComputed, r.Problem);
        Assert.Equal(DoseCalculator.Round(300m / 7m), r.MaxDailyMg);
    }

    [Fact]
    public void UnknownDayOfWeek_IsNotComputable() =>
        Assert.Equal(DoseStatus.NotComputable, Oral(Dose.Mg(50, new TimingRepeat { DayOfWeek = ["funday"] })).Status);

    [Fact]
    public void Titration_SequencesAreSuccessivePhases()
    {
        var r = Oral(Dose.Mg(25, new TimingRepeat { Frequency = 1, Period = 1, PeriodUnit = "d", BoundsDuration = Dose.Q(1, "d") }, sequence: 1),
                     Dose.Mg(50, Dose.Daily, sequence: 2));
        Assert.Equal(2, r.Phases.Count);
        Assert.Equal(25m, r.Start!.MaxSingleMg);
        Assert.Equal(50m, r.MaxDailyMg);
        Assert.Contains("25 mg once daily for 1 day, then 50 mg once daily", r.Describe());
    }

    [Fact]
    public void MixedSequenceNumbers_AreNotComputable() =>
        Assert.Equal(DoseStatus.NotComputable, Oral(Dose.Mg(25, Dose.Daily, sequence: 1), Dose.Mg(50, Dose.Daily)).Status);

    [Theory]
    [InlineData(0.05, "g", 50)]
    [InlineData(50000, "ug", 50)]
    [InlineData(50000, "mcg", 50)]
    [InlineData(4500, "µg", 4.5)]
    [InlineData(50, "MG", 50)]
    [InlineData(50, "milligrams", 50)]
    public void MassUnits_Convert(decimal value, string unit, decimal mg) =>
        Assert.Equal(mg, Oral(Dose.Of(Dose.Q(value, unit), Dose.Daily)).MaxDailyMg);

    [Theory]
    [InlineData("tablet", null)]
    [InlineData("tablets", null)]
    [InlineData("TAB", "TAB")]
    [InlineData("tablet", "{tbl}")]
    [InlineData("capsule", "{capsule}")]
    public void CountUnits_UseTheStrength(string unit, string? code) =>
        Assert.Equal(100m, Oral(Dose.Of(Dose.Q(2, unit, code), Dose.Daily)).MaxDailyMg);

    [Fact]
    public void CountUnit_WithoutStrength_IsNotComputable()
    {
        var r = DoseCalculator.Compute([Dose.Of(Dose.Q(1, "tablet"), Dose.Daily)], DoseProduct.OralNaltrexone, null);
        Assert.Equal(DoseStatus.NotComputable, r.Status);
        Assert.Contains("strength", r.Problem);
    }

    [Theory]
    [InlineData("mL")]
    [InlineData("drop")]
    [InlineData("U")]
    public void UnconvertibleUnit_IsNotComputable(string unit)
    {
        var r = Oral(Dose.Of(Dose.Q(5, unit), Dose.Daily));
        Assert.Equal(DoseStatus.NotComputable, r.Status);
        Assert.Contains("cannot be converted", r.Problem);
    }

    [Fact]
    public void DoseWithoutUnit_IsNotComputable() =>
        Assert.Contains("no unit", Oral(Dose.Of(new Quantity { Value = 50 }, Dose.Daily)).Problem);

    [Fact]
    public void TextOnlyDosage_IsNotComputable_AndSaysSo()
    {
        var r = Oral(new Dosage { Text = "50 mg by mouth daily" });
        Assert.Equal(DoseStatus.NotComputable, r.Status);
        Assert.Contains("only as text", r.Problem);
    }

    [Fact]
    public void OralWithoutTiming_IsNotComputable() =>
        Assert.Contains("no frequency", Oral(Dose.Mg(50)).Problem);

    [Fact]
    public void FrequencyWithoutPeriod_IsNotComputable() =>
        Assert.Equal(DoseStatus.NotComputable, Oral(Dose.Mg(50, new TimingRepeat { Frequency = 1 })).Status);

    [Fact]
    public void PeriodWithoutUnit_IsNotComputable() =>
        Assert.Contains("periodUnit", Oral(Dose.Mg(50, new TimingRepeat { Frequency = 1, Period = 1 })).Problem);

    [Fact]
    public void ZeroPeriod_IsNotComputable() =>
        Assert.Equal(DoseStatus.NotComputable, Oral(Dose.Mg(50, Dose.Every(1, 0, "d"))).Status);

    [Theory]
    [InlineData("QD", 50)]
    [InlineData("BID", 100)]
    [InlineData("TID", 150)]
    [InlineData("QOD", 25)]
    [InlineData("Q12H", 100)]
    [InlineData("Q5X", null)]
    [InlineData("Q8H", 150)]
    [InlineData("AM", 50)]
    [InlineData("BED", 50)]
    public void TimingCodes(string code, int? expected)
    {
        var r = Oral(Dose.Of(Dose.Q(50, "mg"), timingCode: Dose.Code(code)));
        if (expected is null) { Assert.Equal(DoseStatus.NotComputable, r.Status); return; }
        Assert.True(r.IsComputed, r.Problem);
        Assert.Equal(expected.Value, r.MaxDailyMg);
    }

    [Fact]
    public void TimeOfDay_CountsAsDailyFrequency() =>
        Assert.Equal(100m, Oral(Dose.Mg(50, new TimingRepeat { TimeOfDay = ["08:00:00", "20:00:00"] })).MaxDailyMg);

    [Fact]
    public void When_WithDailyPeriod_CountsEvents() =>
        Assert.Equal(100m, Oral(Dose.Mg(50, new TimingRepeat { Period = 1, PeriodUnit = "d", When = ["MORN", "EVE"] })).MaxDailyMg);

    [Fact]
    public void DoseRange_GivesBounds()
    {
        var d = new Dosage { Timing = new Timing { Repeat = Dose.Daily }, DoseAndRate = [new DoseAndRate { DoseRange = new Fhir.Model.Range { Low = Dose.Q(25, "mg"), High = Dose.Q(100, "mg") } }] };
        var r = Oral(d);
        Assert.Equal(new Bounds(25, 100), r.Phases[0].DailyMg);
        Assert.Equal(100m, r.MaxDailyMg);
        Assert.Contains("25–100 mg", r.Describe());
    }

    [Fact]
    public void DoseRange_WithoutHigh_IsNotComputable()
    {
        var d = new Dosage { Timing = new Timing { Repeat = Dose.Daily }, DoseAndRate = [new DoseAndRate { DoseRange = new Fhir.Model.Range { Low = Dose.Q(25, "mg") } }] };
        Assert.Contains("upper limit", Oral(d).Problem);
    }

    [Fact]
    public void FrequencyMaxAndPeriodMax_GiveBounds()
    {
        var r = Oral(Dose.Mg(50, new TimingRepeat { Frequency = 1, FrequencyMax = 2, Period = 1, PeriodMax = 2, PeriodUnit = "d" }));
        Assert.Equal(new Bounds(25, 100), r.Phases[0].DailyMg);
        Assert.Equal(0.5m, r.MinIntervalDays);
    }

    [Fact]
    public void AsNeeded_LowerBoundIsZero_UpperBoundIsTheSchedule()
    {
        var r = Oral(Dose.Of(Dose.Q(50, "mg"), Dose.Daily, prn: true));
        Assert.Equal(new Bounds(0, 50), r.Phases[0].DailyMg);
        Assert.Contains("as needed", r.Describe());
    }

    [Fact]
    public void MaxDosePerPeriod_CapsTheDailyAmount()
    {
        var d = Dose.Of(Dose.Q(50, "mg"), Dose.Every(4, 1, "d"), prn: true) with
        {
            MaxDosePerPeriod = new Ratio { Numerator = Dose.Q(50, "mg"), Denominator = Dose.Q(1, "d") },
        };
        Assert.Equal(50m, Oral(d).MaxDailyMg);
    }

    [Fact]
    public void AsNeeded_WithoutFrequency_UsesTheDailyMaximum()
    {
        var d = Dose.Of(Dose.Q(50, "mg"), prn: true) with { MaxDosePerPeriod = new Ratio { Numerator = Dose.Q(100, "mg"), Denominator = Dose.Q(1, "d") } };
        var r = Oral(d);
        Assert.True(r.IsComputed, r.Problem);
        Assert.Equal(new Bounds(0, 100), r.Phases[0].DailyMg);
        Assert.Contains("as needed", r.Describe());
    }

    [Fact]
    public void AsNeeded_WithoutFrequencyOrMaximum_IsNotComputable() =>
        Assert.Equal(DoseStatus.NotComputable, Oral(Dose.Of(Dose.Q(50, "mg"), prn: true)).Status);

    [Theory]
    [InlineData("79228162514264337593543950335", "1", "d")]
    [InlineData("50", "0.0000000000000000000000000001", "s")]
    public void AbsurdNumbers_AreNotComputable_NeverAnException(string mg, string period, string unit) =>
        Assert.Equal(DoseStatus.NotComputable, DoseCalculator.Compute(
            [Dose.Of(Dose.Q(decimal.Parse(mg, System.Globalization.CultureInfo.InvariantCulture), "g"), Dose.Every(1000, decimal.Parse(period, System.Globalization.CultureInfo.InvariantCulture), unit))],
            DoseProduct.OralNaltrexone, new Strength(50, "t")).Status);

    [Fact]
    public void CountOne_IsASingleAdministration()
    {
        var r = Oral(Dose.Mg(25, new TimingRepeat { Count = 1 }));
        Assert.True(r.Phases[0].IsSingle);
        Assert.Equal(25m, r.MaxDailyMg);
        Assert.Null(r.MinIntervalDays);
    }

    [Fact]
    public void OrderedDose_WinsOverCalculated()
    {
        var d = new Dosage
        {
            Timing = new Timing { Repeat = Dose.Daily },
            DoseAndRate =
            [
                new DoseAndRate { Type = new CodeableConcept { Coding = [new Coding { Code = "calculated" }] }, DoseQuantity = Dose.Q(100, "mg") },
                new DoseAndRate { Type = new CodeableConcept { Coding = [new Coding { Code = "ordered" }] }, DoseQuantity = Dose.Q(50, "mg") },
            ],
        };
        Assert.Equal(50m, Oral(d).MaxDailyMg);
    }

    // ---- extended-release -------------------------------------------------------------------------------------

    [Theory]
    [InlineData(4, "wk", 28)]
    [InlineData(1, "mo", 28)]
    [InlineData(2, "wk", 14)]
    [InlineData(28, "d", 28)]
    public void ExtendedRelease_Interval(decimal period, string unit, decimal interval)
    {
        var r = DoseCalculator.Compute([Dose.Mg(380, Dose.Every(1, period, unit))], DoseProduct.ExtendedRelease, Xr);
        Assert.Equal(interval, r.MinIntervalDays);
        Assert.Equal(380m, r.MaxSingleMg);
    }

    [Fact]
    public void ExtendedRelease_WithoutTiming_IsOneInjection()
    {
        var r = DoseCalculator.Compute([Dose.Mg(380)], DoseProduct.ExtendedRelease, Xr);
        Assert.True(r.IsComputed);
        Assert.True(r.Phases[0].IsSingle);
        Assert.Null(r.MinIntervalDays);
    }

    [Theory]
    [InlineData("injection", null)]
    [InlineData("kit", "{kit}")]
    [InlineData("vial", null)]
    public void ExtendedRelease_CountUnits_Are380mgEach(string unit, string? code) =>
        Assert.Equal(380m, DoseCalculator.Compute([Dose.Of(Dose.Q(1, unit, code), Dose.Every(1, 4, "wk"))], DoseProduct.ExtendedRelease, Xr).MaxSingleMg);

    [Fact]
    public void ExtendedRelease_Monthly_AverageIsABoundNotAGuess()
    {
        var r = DoseCalculator.Compute([Dose.Mg(380, Dose.Every(1, 1, "mo"))], DoseProduct.ExtendedRelease, Xr);
        Assert.Equal(DoseCalculator.Round(380m / 31m), r.Phases[0].DailyMg.Low);
        Assert.Equal(DoseCalculator.Round(380m / 28m), r.Phases[0].DailyMg.High);
    }

    // ---- naltrexone/bupropion -------------------------------------------------------------------------------

    [Theory]
    [InlineData(1, 1, 8)]      // week 1: 1 tablet in the morning
    [InlineData(1, 2, 16)]     // week 2: 1 tablet twice daily
    [InlineData(2, 2, 32)]     // maintenance: 2 tablets twice daily
    [InlineData(3, 2, 48)]     // above maintenance
    public void NaltrexoneBupropion_Tablets_Use8mg(int tablets, int perDay, decimal mg) =>
        Assert.Equal(mg, DoseCalculator.Compute([Dose.Of(Dose.Q(tablets, "tablet"), Dose.Every(perDay, 1, "d"))], DoseProduct.NaltrexoneBupropion, Eight).MaxDailyMg);

    [Theory]
    [InlineData(16, true)]     // two tablets' naltrexone
    [InlineData(8, true)]
    [InlineData(90, false)]    // the bupropion amount
    [InlineData(360, false)]   // the daily bupropion amount (a multiple of 8, but 45 tablets)
    [InlineData(12, false)]    // not a whole tablet
    public void NaltrexoneBupropion_MgAreNaltrexoneOnlyAsWholeTablets(decimal mg, bool computable) =>
        Assert.Equal(computable, DoseCalculator.Compute([Dose.Mg(mg, Dose.Every(2, 1, "d"))], DoseProduct.NaltrexoneBupropion, Eight).IsComputed);

    // ---- descriptions ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1, 1, "d", "50 mg once daily")]
    [InlineData(2, 1, "d", "50 mg twice daily")]
    [InlineData(1, 2, "d", "50 mg every 2 days")]
    [InlineData(1, 4, "wk", "50 mg every 4 weeks")]
    [InlineData(1, 1, "wk", "50 mg once weekly")]
    [InlineData(3, 1, "d", "50 mg 3 times daily")]
    public void Describe_ReadsLikeAnOrder(int frequency, decimal period, string unit, string expected) =>
        Assert.StartsWith(expected, Oral(Dose.Mg(50, Dose.Every(frequency, period, unit))).Describe());

    [Fact]
    public void Describe_Tablets_ShowTheMg() =>
        Assert.StartsWith("2 tablets (100 mg) once daily", Oral(Dose.Of(Dose.Q(2, "tablet"), Dose.Daily)).Describe());
}

public sealed class NaltrexoneStrengthTests
{
    [Theory]
    [InlineData("naltrexone hydrochloride 50 MG Oral Tablet", 50)]
    [InlineData("12 HR bupropion hydrochloride 90 MG / naltrexone hydrochloride 8 MG Extended Release Oral Tablet", 8)]
    [InlineData("naltrexone 380 MG Injection", 380)]
    [InlineData("Naltrexone 4.5 mg capsule (compounded)", 4.5)]
    [InlineData("naltrexone 1.5mg", 1.5)]
    public void Parse_ReadsTheNaltrexoneAmount(string text, decimal mg) => Assert.Equal(mg, NaltrexoneStrength.Parse(text));

    [Theory]
    [InlineData("Contrave 8 mg/90 mg tablet")]          // no 'naltrexone' in the part with the amount
    [InlineData("naltrexone 1 mg/mL oral suspension")]  // a concentration, not a per-unit strength
    [InlineData("naltrexone tablet")]
    [InlineData("naltrexone 25 mg or 50 mg")]          // two amounts
    [InlineData("naltrexone 999999999999999999999999999999999 mg")]
    [InlineData(null)]
    public void Parse_RefusesWhatIsNotOneAmount(string? text) => Assert.Null(NaltrexoneStrength.Parse(text));
}
