using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Dosing;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Dosing;

public sealed class R16DoseAboveRecommendedRuleTests
{
    private readonly R16DoseAboveRecommendedRule _rule = new();

    private static Scenario Oral(params Dosage[] d) => new Scenario().Draft(Fx.WithDosage(Fx.Draft("d1", Fx.NaltrexoneOral), d));

    [Fact]
    public void Oral100mgDaily_FiresWarning_WithUpdateActionCarryingTheWholeDraft()
    {
        var f = Assert.Single(Oral(Dose.Mg(100, Dose.Daily)).Run(_rule));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.DoseAboveRecommended, f.Concern);
        Assert.Contains("100 mg/day", f.Summary);
        Assert.True(f.Summary.Length < 140);

        var update = f.Suggestions.SelectMany(s => s.Actions).First(a => a.Type == "update");
        var resource = (MedicationRequest)FhirJson.ReadResource(update.Resource!.Value);
        Assert.Equal("d1", resource.Id);
        Assert.Equal("draft", resource.Status);
        Assert.Equal("1483744", resource.MedicationCodeableConcept!.Coding![0].Code);
        var dose = Assert.Single(resource.DosageInstruction!);
        Assert.Equal(50m, dose.DoseAndRate![0].DoseQuantity!.Value);
        Assert.Equal("mg", dose.DoseAndRate[0].DoseQuantity!.Code);
        Assert.Equal(1, dose.Timing!.Repeat!.Frequency);
        Assert.Equal("d", dose.Timing.Repeat.PeriodUnit);
        // The corrected order passes the rule.
        Assert.Empty(new Scenario().Draft(resource).Run(_rule));
    }

    [Fact]
    public void UpdateAction_KeepsEverythingTheEhrSent()
    {
        var draft = FhirJson.ReadResource("""
            {"resourceType":"MedicationRequest","id":"d1","status":"draft","intent":"order",
             "extension":[{"url":"http://example.org/ehr-order-set","valueString":"AUD bundle"}],
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1483744"}]},
             "dispenseRequest":{"quantity":{"value":30,"unit":"tablet"}},
             "dosageInstruction":[{"route":{"text":"oral"},"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},
                                   "doseAndRate":[{"doseQuantity":{"value":100,"unit":"mg","code":"mg"}}]}]}
            """);
        var f = Assert.Single(new Scenario().Draft(draft).Run(_rule));
        var written = f.Suggestions[0].Actions.Single(a => a.Type == "update").Resource!.Value;
        Assert.Equal("AUD bundle", written.GetProperty("extension")[0].GetProperty("valueString").GetString());
        Assert.Equal(30, written.GetProperty("dispenseRequest").GetProperty("quantity").GetProperty("value").GetInt32());
        var dosage = written.GetProperty("dosageInstruction")[0];
        Assert.Equal("oral", dosage.GetProperty("route").GetProperty("text").GetString());
        Assert.Equal(50, dosage.GetProperty("doseAndRate")[0].GetProperty("doseQuantity").GetProperty("value").GetDecimal());
    }

    [Fact]
    public void Oral50mgTwiceDaily_Fires() => Assert.Single(Oral(Dose.Mg(50, Dose.Every(2, 1, "d"))).Run(_rule));

    [Fact]
    public void TwoTabletsDaily_OfThe50mgTablet_Fires() =>
        Assert.Single(Oral(Dose.Of(Dose.Q(2, "tablet", "{tbl}"), Dose.Daily)).Run(_rule));

    [Theory]
    [InlineData(50, 1, 1, "d")]   // standard
    [InlineData(25, 1, 1, "d")]   // OUD start
    [InlineData(100, 1, 2, "d")]  // label: every other day
    [InlineData(150, 1, 3, "d")]  // label: every third day
    public void LabelDoses_AreSilent(decimal mg, int f, decimal p, string u) =>
        Assert.Empty(Oral(Dose.Mg(mg, Dose.Every(f, p, u))).Run(_rule));

    [Fact]
    public void LabelSchedule_WeekdaysPlusSaturday_IsSilent() =>
        Assert.Empty(Oral(Dose.Mg(50, Dose.On("mon", "tue", "wed", "thu", "fri")), Dose.Mg(100, Dose.On("sat"))).Run(_rule));

    [Fact]
    public void LabelSchedule_MonWedFri_IsSilent() =>
        Assert.Empty(Oral(Dose.Mg(100, Dose.On("mon", "wed")), Dose.Mg(150, Dose.On("fri"))).Run(_rule));

    [Fact]
    public void MonWedFri_150Each_Fires() =>
        Assert.Single(Oral(Dose.Mg(150, Dose.On("mon", "wed", "fri"))).Run(_rule));

    [Fact]
    public void NoDosage_IsSilent() => Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Run(_rule));

    [Fact]
    public void UncomputableDose_IsSilentHere() => Assert.Empty(Oral(new Dosage { Text = "100 mg daily" }).Run(_rule));

    [Fact]
    public void ExtendedRelease_IsNotThisRule() =>
        Assert.Empty(new Scenario().Draft(Fx.WithDosage(Fx.Draft("d1", Fx.NaltrexoneXr), Dose.Mg(380, Dose.Every(1, 4, "wk")))).Run(_rule));

    [Fact]
    public void ThresholdIsConfigurable() =>
        Assert.Empty(new Scenario { Options = new RuleOptions { OralMaxAverageDailyMg = 100 } }
            .Draft(Fx.WithDosage(Fx.Draft("d1", Fx.NaltrexoneOral), Dose.Mg(100, Dose.Daily))).Run(_rule));

    [Theory]
    [InlineData(2, 2, false)]   // maintenance 2 tablets twice daily = 32 mg
    [InlineData(1, 1, false)]   // week 1
    [InlineData(3, 2, true)]    // 48 mg
    [InlineData(2, 3, true)]    // 48 mg
    public void NaltrexoneBupropion_AboveMaintenance_Fires(int tablets, int perDay, bool fires)
    {
        var findings = new Scenario().Draft(Fx.WithDosage(Fx.Draft("d1", Fx.Contrave), Dose.Of(Dose.Q(tablets, "tablet"), Dose.Every(perDay, 1, "d")))).Run(_rule);
        Assert.Equal(fires, findings.Count == 1);
        if (fires) Assert.Contains("2 tablets twice daily", findings[0].Summary);
    }
}

public sealed class R17ExtendedReleaseDoseRuleTests
{
    private readonly R17ExtendedReleaseDoseRule _rule = new();

    private static Scenario Xr(params Dosage[] d) => new Scenario().Draft(Fx.WithDosage(Fx.Draft("d1", Fx.NaltrexoneXr), d));

    [Theory]
    [InlineData(380, 4, "wk", false)]
    [InlineData(380, 1, "mo", false)]
    [InlineData(380, 28, "d", false)]
    [InlineData(380, 2, "wk", true)]
    [InlineData(380, 21, "d", true)]
    [InlineData(190, 4, "wk", true)]
    [InlineData(760, 4, "wk", true)]
    public void DoseAndInterval(decimal mg, decimal period, string unit, bool fires)
    {
        var findings = Xr(Dose.Mg(mg, Dose.Every(1, period, unit))).Run(_rule);
        Assert.Equal(fires, findings.Count == 1);
        if (!fires) return;
        Assert.Equal(Concerns.DoseAboveRecommended, findings[0].Concern);
        Assert.Contains("380 mg every 4 weeks", findings[0].Summary);
        var update = findings[0].Suggestions.SelectMany(s => s.Actions).Single(a => a.Type == "update");
        var mr = (MedicationRequest)FhirJson.ReadResource(update.Resource!.Value);
        Assert.Equal(380m, mr.DosageInstruction![0].DoseAndRate![0].DoseQuantity!.Value);
        Assert.Equal(4m, mr.DosageInstruction[0].Timing!.Repeat!.Period);
        Assert.Equal("wk", mr.DosageInstruction[0].Timing!.Repeat!.PeriodUnit);
    }

    [Fact]
    public void SingleInjection_380_IsSilent() => Assert.Empty(Xr(Dose.Mg(380)).Run(_rule));

    [Fact]
    public void OneKit_IsSilent() => Assert.Empty(Xr(Dose.Of(Dose.Q(1, "kit", "{kit}"))).Run(_rule));

    [Fact]
    public void OralOrder_IsNotThisRule() =>
        Assert.Empty(new Scenario().Draft(Fx.WithDosage(Fx.Draft("d1", Fx.NaltrexoneOral), Dose.Mg(100, Dose.Daily))).Run(_rule));
}

public sealed class R18DoseIndicationMismatchRuleTests
{
    private readonly R18DoseIndicationMismatchRule _rule = new();

    [Fact]
    public void Oud_Start50_NoHistory_FiresInfo_WithTitrationUpdate()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily), Fx.Oud)).Run(_rule));
        Assert.Equal(Indicators.Info, f.Indicator);
        Assert.Equal(Concerns.DoseIndicationMismatch, f.Concern);
        var mr = (MedicationRequest)FhirJson.ReadResource(f.Suggestions.SelectMany(s => s.Actions).Single(a => a.Type == "update").Resource!.Value);
        Assert.Equal(2, mr.DosageInstruction!.Count);
        Assert.Equal(25m, mr.DosageInstruction[0].DoseAndRate![0].DoseQuantity!.Value);
        Assert.Equal(1, mr.DosageInstruction[0].Sequence);
        Assert.Equal(50m, mr.DosageInstruction[1].DoseAndRate![0].DoseQuantity!.Value);
        // The suggested titration is itself silent.
        Assert.Empty(new Scenario().Draft(mr).Run(_rule));
    }

    [Fact]
    public void Oud_Start25_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(25, Dose.Daily), Fx.Oud)).Run(_rule));

    [Fact]
    public void Oud_Start50_WithNaltrexoneHistory_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily), Fx.Oud))
            .Meds(Fx.Med("m1", Fx.NaltrexoneOral, "completed", authoredDaysAgo: 90)).Run(_rule));

    [Fact]
    public void Aud_Start50_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily), Fx.Aud)).Run(_rule));

    [Fact]
    public void OudThroughReasonReference_IsResolved()
    {
        var draft = Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily));
        draft = new MedicationRequest
        {
            Id = draft.Id, Status = draft.Status, Intent = draft.Intent, MedicationCodeableConcept = draft.MedicationCodeableConcept,
            Subject = draft.Subject, DosageInstruction = draft.DosageInstruction,
            ReasonReference = [new Reference { ReferenceValue = "Condition/oud1" }],
        };
        var f = Assert.Single(new Scenario().Draft(draft).Conditions(Fx.Cond("oud1", Fhir.Querying.CodeSystems.Snomed, "75544000", "Opioid dependence")).Run(_rule));
        Assert.Contains(f.Evidence, e => e.Contains("Condition/oud1"));
    }

    [Fact]
    public void Ldn_Fibromyalgia_At50mg_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily), Fx.TextOnly("Fibromyalgia"))).Run(_rule));

    [Fact]
    public void Ldn_Fibromyalgia_At4_5mg_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(4.5m, Dose.Daily), Fx.TextOnly("Fibromyalgia"))).Run(_rule));

    [Fact]
    public void Pruritus_Start50_Fires_Start12_5_IsSilent()
    {
        var pruritus = Fx.Reason(Fx.Icd("L29.81", "Cholestatic pruritus"));
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily), pruritus)).Run(_rule));
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(12.5m, Dose.Daily), pruritus)).Run(_rule));
    }

    [Fact]
    public void NoIndication_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(100, Dose.Daily))).Run(_rule));

    [Fact]
    public void NegatedTextReason_IsNotAnIndication() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily), Fx.TextOnly("No opioid use disorder"))).Run(_rule));
}

public sealed class DQ01DoseNotComputableRuleTests
{
    private readonly DQ01DoseNotComputableRule _rule = new();

    [Fact]
    public void TextOnlyDosage_FiresInfo_SayingWhy()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, new Dosage { Text = "take as directed" })).Run(_rule));
        Assert.Equal(Indicators.Info, f.Indicator);
        Assert.Equal(Concerns.DoseNotComputable, f.Concern);
        Assert.Contains(f.Evidence, e => e.Contains("only as text"));
    }

    [Fact]
    public void MillilitreDose_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Of(Dose.Q(5, "mL"), Dose.Daily))).Run(_rule));

    [Fact]
    public void NoDosageInstruction_IsSilent() => Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Run(_rule));

    [Fact]
    public void ComputableDose_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily))).Run(_rule));

    [Fact]
    public void TabletsOfAnUnknownStrength_Fire() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.TextOnly("naltrexone tablet"), Dose.Of(Dose.Q(1, "tablet"), Dose.Daily))).Run(_rule));

    [Fact]
    public void ContraveInTablets_UsesItsSingleStrength_AndIsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.TextOnly("Contrave extended-release tablet"), Dose.Of(Dose.Q(2, "tablet"), Dose.Every(2, 1, "d")))).Run(_rule));

    [Fact]
    public void UnrelatedDraft_IsNotTriggered() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Lisinopril, new Dosage { Text = "daily" })).Run(_rule));
}
