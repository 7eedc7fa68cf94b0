using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Populations;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Populations;

public sealed class R19PregnancyRuleTests
{
    private readonly R19PregnancyRule _rule = new();
    private static Scenario Ntx() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral));

    [Fact]
    public void ActivePregnancy_FiresWarning_WithRemoveAndHcgSuggestions()
    {
        var f = Assert.Single(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "77386006", "Pregnancy")).Run(_rule));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.Pregnancy, f.Concern);
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.Type == "create"));
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.Type == "delete"));
    }

    [Fact]
    public void PregnancyByIcdChapterO_Fires() =>
        Assert.Single(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "O09.90", "Supervision of high risk pregnancy, unspecified")).Run(_rule));

    [Fact]
    public void PositiveHcg10DaysAgo_Fires() =>
        Assert.Single(Ntx().PregnancyTests(Fx.Hcg("h1", "Positive", 10)).Run(_rule));

    [Fact]
    public void PositiveHcgByInterpretationCode_Fires()
    {
        var obs = new Observation
        {
            Id = "h1", Status = "final", Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = "21198-7" }] },
            EffectiveDateTime = new FhirDateTime(Fx.Day(5)), ValueQuantity = new Quantity { Value = 1200, Unit = "m[IU]/mL" },
            Interpretation = [new CodeableConcept { Coding = [new Coding { System = CodeSystems.ObservationInterpretation, Code = "POS" }] }],
        };
        Assert.Single(Ntx().PregnancyTests(obs).Run(_rule));
    }

    [Fact]
    public void QuantitativeHcgWithoutInterpretation_IsNotRead()
    {
        var obs = new Observation
        {
            Id = "h1", Status = "final", Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = "21198-7" }] },
            EffectiveDateTime = new FhirDateTime(Fx.Day(5)), ValueQuantity = new Quantity { Value = 1200, Unit = "m[IU]/mL" },
        };
        Assert.Empty(Ntx().PregnancyTests(obs).Run(_rule));
    }

    [Theory]
    [InlineData("Not detected")]
    [InlineData("Negative")]
    public void NegativeHcg_IsSilent(string result) => Assert.Empty(Ntx().PregnancyTests(Fx.Hcg("h1", result, 5)).Run(_rule));

    [Fact]
    public void PositiveHcg45DaysAgo_IsOutsideTheWindow() => Assert.Empty(Ntx().PregnancyTests(Fx.Hcg("h1", "Positive", 45)).Run(_rule));

    [Fact]
    public void LaterNegativeHcg_SupersedesAnEarlierPositive() =>
        Assert.Empty(Ntx().PregnancyTests(Fx.Hcg("h1", "Positive", 20), Fx.Hcg("h2", "Negative", 2)).Run(_rule));

    [Theory]
    [InlineData("resolved", "confirmed")]
    [InlineData("active", "refuted")]
    public void InactiveOrRefutedPregnancy_IsSilent(string clinical, string verification) =>
        Assert.Empty(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "77386006", "Pregnancy", clinical, verification)).Run(_rule));

    [Fact]
    public void NegatedTextCondition_IsSilent()
    {
        var c = new Condition { Id = "c1", Code = Fx.TextOnly("Not pregnant"), ClinicalStatus = Fx.Cond("x", "s", "c", "d").ClinicalStatus };
        Assert.Empty(Ntx().Conditions(c).Run(_rule));
    }

    [Fact]
    public void TextOnlyPregnancyCondition_Fires()
    {
        var c = new Condition { Id = "c1", Code = Fx.TextOnly("Pregnant, 12 weeks"), ClinicalStatus = Fx.Cond("x", "s", "c", "d").ClinicalStatus };
        Assert.Single(Ntx().Conditions(c).Run(_rule));
    }
}

public sealed class RenalRulesTests
{
    private static Scenario Ntx() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral));

    [Theory]
    [InlineData(22, "R20")]
    [InlineData(29.9, "R20")]
    [InlineData(30, "R21")]
    [InlineData(45, "R21")]
    [InlineData(59, "R21")]
    [InlineData(60, null)]
    [InlineData(95, null)]
    public void EgfrBands(decimal egfr, string? rule)
    {
        var s = Ntx().RenalLabs(Fx.Egfr(egfr));
        var r20 = s.Run(new R20SevereRenalImpairmentRule());
        var r21 = s.Run(new R21ModerateRenalImpairmentRule());
        Assert.Equal(rule == "R20", r20.Count == 1);
        Assert.Equal(rule == "R21", r21.Count == 1);
        if (rule == "R20") Assert.Equal(Indicators.Warning, r20[0].Indicator);
        if (rule == "R21") Assert.Equal(Indicators.Info, r21[0].Indicator);
    }

    [Fact]
    public void LatestEgfrWins() =>
        Assert.Empty(Ntx().RenalLabs(Fx.Egfr(20, daysAgo: 100), Fx.Egfr(75, daysAgo: 5)).Run(new R20SevereRenalImpairmentRule()));

    [Fact]
    public void GreaterThan60_IsNormal()
    {
        var s = Ntx().RenalLabs(Fx.Egfr(60, comparator: ">"));
        Assert.Empty(s.Run(new R20SevereRenalImpairmentRule()));
        Assert.Empty(s.Run(new R21ModerateRenalImpairmentRule()));
    }

    [Fact]
    public void LessThan15_IsSevere() =>
        Assert.Single(Ntx().RenalLabs(Fx.Egfr(15, comparator: "<")).Run(new R20SevereRenalImpairmentRule()));

    [Fact]
    public void OldEgfr_IsOutsideTheLookback() =>
        Assert.Empty(Ntx().RenalLabs(Fx.Egfr(20, daysAgo: 400)).Run(new R20SevereRenalImpairmentRule()));

    [Theory]
    [InlineData(CodeSystems.Icd10Cm, "N18.4", "Chronic kidney disease, stage 4 (severe)")]
    [InlineData(CodeSystems.Icd10Cm, "N18.6", "End stage renal disease")]
    [InlineData(CodeSystems.Snomed, "46177005", "End-stage renal disease")]
    public void SevereCkdCondition_Fires(string system, string code, string display) =>
        Assert.Single(Ntx().Conditions(Fx.Cond("c1", system, code, display)).Run(new R20SevereRenalImpairmentRule()));

    [Fact]
    public void Ckd3Condition_WithoutEgfr_IsInfo() =>
        Assert.Single(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "N18.31", "Chronic kidney disease, stage 3a")).Run(new R21ModerateRenalImpairmentRule()));

    [Fact]
    public void Ckd3Condition_WithNormalEgfr_IsSilent() =>
        Assert.Empty(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "N18.31", "Chronic kidney disease, stage 3a"))
            .RenalLabs(Fx.Egfr(72)).Run(new R21ModerateRenalImpairmentRule()));

    [Fact]
    public void EgfrInAnUnknownUnit_IsNotUsed_AndR32SaysSo()
    {
        var s = Ntx().RenalLabs(Fx.Egfr(20, unit: "mg/dL"));
        Assert.Empty(s.Run(new R20SevereRenalImpairmentRule()));
        Assert.Single(s.Run(new Clinical.DataQuality.R32LabUnitUnrecognizedRule()));
    }

    [Fact]
    public void BothRules_MakeOneRenalCard_TheWarningWins()
    {
        var cards = Ntx().RenalLabs(Fx.Egfr(45)).Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "N18.4", "CKD stage 4")).Cards();
        var card = Assert.Single(cards, c => c.Source.Topic!.Code == Concerns.RenalImpairment);
        Assert.Equal(Indicators.Warning, card.Indicator);
        Assert.Contains("R21", card.Detail);
    }
}

public sealed class R24PediatricRuleTests
{
    private readonly R24PediatricRule _rule = new();
    private static Scenario Ntx() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral));

    [Theory]
    [InlineData("2010-05-01", true)]     // 16
    [InlineData("2008-11-23", true)]     // 18 tomorrow
    [InlineData("2008-11-22", false)]    // 18 today
    [InlineData("2008-11-21", false)]    // 18 yesterday
    [InlineData("1978-04-12", false)]
    [InlineData("2009", true)]           // 17 at most
    [InlineData("2008", false)]          // 17 or 18: not certainly under 18
    [InlineData("not-a-date", false)]
    public void AgeOnTheEvaluationDate(string birthDate, bool fires)
    {
        var findings = Ntx().Patient(Fx.Patient(birthDate)).Run(_rule);
        Assert.Equal(fires, findings.Count == 1);
        if (fires) Assert.Equal(Indicators.Warning, findings[0].Indicator);
    }

    [Fact]
    public void NoPatientResource_IsSilent() => Assert.Empty(Ntx().Run(_rule));

    [Theory]
    [InlineData(2026, 2, 27, 17)]
    [InlineData(2026, 2, 28, 18)]   // in a non-leap year the 29 February birthday is reached on 28 February
    [InlineData(2026, 3, 1, 18)]
    public void Feb29Birthday(int y, int m, int d, int age) =>
        Assert.Equal(age, R24PediatricRule.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(y, m, d)));
}
