using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.DataQuality;
using NaltrexoneFhir.Rules.Clinical.Liver;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Liver;

public sealed class LiverRulesTests
{
    private static Scenario Ntx() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral));

    [Fact]
    public void AcuteHepatitis_FiresCritical()
    {
        var f = Assert.Single(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "37871000", "Acute hepatitis")).Run(new R09AcuteLiverInjuryRule()));
        Assert.Equal(Indicators.Critical, f.Indicator);
    }

    [Theory]
    [InlineData("resolved", "confirmed")]
    [InlineData("active", "refuted")]
    [InlineData("active", "entered-in-error")]
    public void InactiveOrRefutedHepatitis_IsSilent(string clinical, string verification) =>
        Assert.Empty(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "37871000", "Acute hepatitis", clinical, verification)).Run(new R09AcuteLiverInjuryRule()));

    [Fact]
    public void LiverFailureByIcdPrefix_Fires() =>
        Assert.Single(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "K72.00", "Acute and subacute hepatic failure without coma")).Run(new R09AcuteLiverInjuryRule()));

    [Fact]
    public void DecompensatedCirrhosis_FiresCritical_AndChronicRuleStaysOut()
    {
        var s = Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "716203000", "Decompensated cirrhosis of liver"));
        Assert.Single(s.Run(new R10DecompensatedCirrhosisRule()));
        Assert.Empty(s.Run(new R14ChronicLiverDiseaseRule()));
    }

    [Fact]
    public void CompensatedCirrhosis_IsInfo()
    {
        var f = Assert.Single(Ntx().Conditions(Fx.Cond("c1", CodeSystems.Snomed, "19943007", "Cirrhosis of liver")).Run(new R14ChronicLiverDiseaseRule()));
        Assert.Equal(Indicators.Info, f.Indicator);
    }

    [Theory]
    [InlineData(182, 40, "R12")]   // 4.6× → warning
    [InlineData(250, 40, "R11")]   // 6.25× → critical
    [InlineData(110, 40, null)]    // 2.75× → nothing
    [InlineData(120, 40, null)]    // exactly 3× is not > 3×
    [InlineData(200, null, "R11")] // default ULN 40 → 5× is not > 5×... 200/40 = 5 → R12
    public void TransaminaseRatios(decimal alt, int? high, string? expected)
    {
        var s = Ntx().LiverLabs(Fx.Alt(alt, high: high));
        var r11 = s.Run(new R11TransaminasesOver5xRule());
        var r12 = s.Run(new R12Transaminases3To5xRule());
        if (high is null) { Assert.Empty(r11); Assert.Single(r12); return; }
        Assert.Equal(expected == "R11", r11.Count == 1);
        Assert.Equal(expected == "R12", r12.Count == 1);
    }

    [Fact]
    public void SummaryStatesTheFinding()
    {
        var f = Assert.Single(Ntx().LiverLabs(Fx.Alt(182, daysAgo: 20)).Run(new R12Transaminases3To5xRule()));
        Assert.StartsWith("ALT 182 U/L (4.6× ULN) on 2026-11-02", f.Summary);
    }

    [Fact]
    public void LatestValueWins_OlderHighValueIgnored() =>
        Assert.Empty(Ntx().LiverLabs(Fx.Alt(300, daysAgo: 60), Fx.Alt(30, daysAgo: 5)).Run(new R11TransaminasesOver5xRule()));

    [Fact]
    public void MicrokatalConverted()
    {
        // 4 µkat/L = 240 U/L, against default ULN 40 → 6×
        var f = Assert.Single(Ntx().LiverLabs(Fx.Alt(4, high: null, unit: "ukat/L")).Run(new R11TransaminasesOver5xRule()));
        Assert.Contains("240 U/L", f.Summary);
    }

    [Fact]
    public void ReferenceRangeInSameUnknownUnit_IsUsedUnitFree() =>
        Assert.Single(Ntx().LiverLabs(Fx.Lab("a1", "1742-6", 300, "mmol/h", 5, high: 50)).Run(new R11TransaminasesOver5xRule()));

    [Fact]
    public void UnconvertibleUnit_GivesUnitCard_NotAGuess()
    {
        var s = Ntx().LiverLabs(Fx.Lab("a1", "1742-6", 300, "mg/dL", 5));
        Assert.Empty(s.Run(new R11TransaminasesOver5xRule()));
        var f = Assert.Single(s.Run(new R32LabUnitUnrecognizedRule()));
        Assert.Equal(Concerns.LabUnitUnrecognized, f.Concern);
    }

    [Fact]
    public void BilirubinOver2xWithTransaminasesOver3x_FiresR13()
    {
        var bili = Fx.Lab("b1", "1975-2", 3.0m, "mg/dL", 5, high: 1.2m);
        Assert.Single(Ntx().LiverLabs(Fx.Alt(150), bili).Run(new R13HepatocellularInjuryPatternRule()));
        Assert.Empty(Ntx().LiverLabs(Fx.Alt(100), bili).Run(new R13HepatocellularInjuryPatternRule()));
    }

    [Fact]
    public void BilirubinInMicromolar_Converted()
    {
        var bili = Fx.Lab("b1", "14631-6", 60m, "umol/L", 5); // 3.5 mg/dL vs 1.2 → 2.9×
        Assert.Single(Ntx().LiverLabs(Fx.Alt(150), bili).Run(new R13HepatocellularInjuryPatternRule()));
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(364, false)]
    [InlineData(400, true)]
    public void MissingBaseline_ByLookback(int daysAgo, bool fires) =>
        Assert.Equal(fires, Ntx().LiverLabs(Fx.Alt(30, daysAgo)).Run(new R15MissingBaselineLftRule()).Count == 1);

    [Fact]
    public void MissingBaseline_NoLabsAtAll_OffersHepaticPanelOrder()
    {
        var f = Assert.Single(Ntx().Run(new R15MissingBaselineLftRule()));
        var action = Assert.Single(Assert.Single(f.Suggestions).Actions);
        Assert.Equal("create", action.Type);
        Assert.Contains("24325-3", action.Resource!.Value.GetRawText());
        Assert.Contains("\"resourceType\":\"ServiceRequest\"", action.Resource!.Value.GetRawText());
    }

    [Fact]
    public void MissingBaseline_PartialDateCountsOnlyIfWhollyInside()
    {
        var year = new Observation { Id = "y", Status = "final", Code = Fx.Alt(30).Code, EffectiveDateTime = new FhirDateTime("2025"), ValueQuantity = Fx.Alt(30).ValueQuantity };
        Assert.Single(Ntx().LiverLabs(year).Run(new R15MissingBaselineLftRule()));
    }

    [Fact]
    public void HepaticPanelCountsAsBaseline() =>
        Assert.Empty(Ntx().LiverLabs(Fx.Lab("p", "24325-3", 1, "1", 30)).Run(new R15MissingBaselineLftRule()));
}
