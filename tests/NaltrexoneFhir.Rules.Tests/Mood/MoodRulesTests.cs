using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Mood;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Mood;

public sealed class MoodRulesTests
{
    private static Scenario Ntx(CodeableConcept? med = null) => new Scenario().Draft(Fx.Draft("d1", med ?? Fx.NaltrexoneOral));
    private static Condition Active(CodeableConcept code) => new() { Id = "c1", Code = code, ClinicalStatus = Fx.Cond("x", "s", "c", "d").ClinicalStatus };

    [Fact]
    public void SuicidalIdeation_Warning_CriticalWithContrave()
    {
        var si = Fx.Cond("c1", CodeSystems.Icd10Cm, "R45.851", "Suicidal ideations");
        var f = Assert.Single(Ntx().Conditions(si).Run(new R22SuicidalIdeationRule()));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.DepressionSuicidality, f.Concern);
        Assert.Equal(Indicators.Critical, Assert.Single(Ntx(Fx.Contrave).Conditions(si).Run(new R22SuicidalIdeationRule())).Indicator);
    }

    [Fact]
    public void Depression_Info_WarningWithContrave()
    {
        var dep = Fx.Cond("c1", CodeSystems.Icd10Cm, "F33.1", "Major depressive disorder, recurrent, moderate");
        Assert.Equal(Indicators.Info, Assert.Single(Ntx().Conditions(dep).Run(new R23DepressionRule())).Indicator);
        Assert.Equal(Indicators.Warning, Assert.Single(Ntx(Fx.Contrave).Conditions(dep).Run(new R23DepressionRule())).Indicator);
    }

    [Theory]
    [InlineData("Denies suicidal ideation")]
    [InlineData("No suicidal ideation")]
    [InlineData("History of suicidal ideation")]
    public void NegatedSuicidalIdeationText_IsSilent(string text) =>
        Assert.Empty(Ntx().Conditions(Active(Fx.TextOnly(text))).Run(new R22SuicidalIdeationRule()));

    [Theory]
    [InlineData("Respiratory depression")]
    [InlineData("ST depression on ECG")]
    [InlineData("Screening for depression")]
    public void OtherSensesOfDepression_AreSilent(string text) =>
        Assert.Empty(Ntx().Conditions(Active(Fx.TextOnly(text))).Run(new R23DepressionRule()));

    [Fact]
    public void TextDepression_Fires() =>
        Assert.Single(Ntx().Conditions(Active(Fx.TextOnly("Depression"))).Run(new R23DepressionRule()));

    [Fact]
    public void ResolvedDepression_IsSilent() =>
        Assert.Empty(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "35489007", "Depressive disorder", "resolved")).Run(new R23DepressionRule()));

    [Fact]
    public void BothRules_OneCard_TheStrongestWins()
    {
        var cards = Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "35489007", "Depressive disorder"), Fx.Cond("c2", CodeSystems.Snomed, "6471006", "Suicidal thoughts")).Cards();
        var card = Assert.Single(cards, c => c.Source.Topic!.Code == Concerns.DepressionSuicidality);
        Assert.Equal(Indicators.Warning, card.Indicator);
        Assert.Contains("R23", card.Detail);
    }
}
