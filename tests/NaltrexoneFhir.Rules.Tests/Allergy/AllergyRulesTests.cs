using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Allergy;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Allergy;

public sealed class AllergyRulesTests
{
    private static Scenario Ntx() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral));

    [Theory]
    [InlineData("7243", "naltrexone")]
    [InlineData("1483744", "naltrexone hydrochloride 50 MG Oral Tablet")]
    [InlineData("637213", "naltrexone 380 MG Injection")]
    public void NaltrexoneAllergyByCode_IsCritical(string code, string display)
    {
        var f = Assert.Single(Ntx().Allergies(Fx.Allergy("a1", Fx.Rx(code, display))).Run(new R25NaltrexoneAllergyRule()));
        Assert.Equal(Indicators.Critical, f.Indicator);
        Assert.Equal(Concerns.Allergy, f.Concern);
        Assert.Contains(f.Suggestions, s => s.IsRecommended && s.Actions.Any(a => a.Type == "delete"));
    }

    [Theory]
    [InlineData("Vivitrol")]
    [InlineData("ReVia")]
    [InlineData("Contrave")]
    public void NaltrexoneAllergyByText_Fires(string text) =>
        Assert.Single(Ntx().Allergies(Fx.Allergy("a1", Fx.TextOnly(text))).Run(new R25NaltrexoneAllergyRule()));

    [Fact]
    public void Intolerance_Counts() =>
        Assert.Single(Ntx().Allergies(Fx.Allergy("a1", Fx.Rx("7243", "naltrexone"), type: "intolerance")).Run(new R25NaltrexoneAllergyRule()));

    [Theory]
    [InlineData("inactive", "confirmed")]
    [InlineData("resolved", "confirmed")]
    [InlineData("active", "refuted")]
    [InlineData("active", "entered-in-error")]
    public void InactiveOrRefutedAllergy_IsSilent(string clinical, string verification) =>
        Assert.Empty(Ntx().Allergies(Fx.Allergy("a1", Fx.Rx("7243", "naltrexone"), clinical, verification)).Run(new R25NaltrexoneAllergyRule()));

    [Fact]
    public void EmbedaAllergy_IsAnOpioidAllergy_NotNaltrexone() =>
        Assert.Empty(Ntx().Allergies(Fx.Allergy("a1", Fx.Embeda)).Run(new R25NaltrexoneAllergyRule()));

    [Fact]
    public void NaloxoneAllergy_IsInfo_AndNotCritical()
    {
        var s = Ntx().Allergies(Fx.Allergy("a1", Fx.Rx("7242", "naloxone")));
        Assert.Empty(s.Run(new R25NaltrexoneAllergyRule()));
        Assert.Equal(Indicators.Info, Assert.Single(s.Run(new R26RelatedAntagonistAllergyRule())).Indicator);
    }

    [Fact]
    public void NalmefeneByText_Fires() =>
        Assert.Single(Ntx().Allergies(Fx.Allergy("a1", Fx.TextOnly("Nalmefene"))).Run(new R26RelatedAntagonistAllergyRule()));

    [Fact]
    public void NegatedNaloxoneText_IsSilent() =>
        Assert.Empty(Ntx().Allergies(Fx.Allergy("a1", Fx.TextOnly("No known allergy to naloxone"))).Run(new R26RelatedAntagonistAllergyRule()));

    [Fact]
    public void Penicillin_IsSilent()
    {
        var s = Ntx().Allergies(Fx.Allergy("a1", Fx.TextOnly("Penicillin")));
        Assert.Empty(s.Run(new R25NaltrexoneAllergyRule()));
        Assert.Empty(s.Run(new R26RelatedAntagonistAllergyRule()));
    }

    [Fact]
    public void BothAllergies_OneCard_Critical()
    {
        var card = Assert.Single(Ntx().Allergies(Fx.Allergy("a1", Fx.Rx("7243", "naltrexone")), Fx.Allergy("a2", Fx.Rx("7242", "naloxone"))).Cards(),
            c => c.Source.Topic!.Code == Concerns.Allergy);
        Assert.Equal(Indicators.Critical, card.Indicator);
    }

    [Fact]
    public void ReactionSubstance_IsRead()
    {
        var a = Fx.Allergy("a1", Fx.TextOnly("Drug allergy"));
        a = new AllergyIntolerance
        {
            Id = a.Id, Type = a.Type, Code = a.Code, Patient = a.Patient, ClinicalStatus = a.ClinicalStatus, VerificationStatus = a.VerificationStatus,
            Reaction = [new AllergyReaction { Substance = Fx.Rx("7243", "naltrexone") }],
        };
        Assert.Single(Ntx().Allergies(a).Run(new R25NaltrexoneAllergyRule()));
    }
}
