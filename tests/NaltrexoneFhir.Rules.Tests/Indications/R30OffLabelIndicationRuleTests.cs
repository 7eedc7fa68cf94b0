using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Indications;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Dosing;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Indications;

public sealed class R30OffLabelIndicationRuleTests
{
    private readonly R30OffLabelIndicationRule _rule = new();

    private static Scenario Ntx(params CodeableConcept[] reasons) => new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.NaltrexoneOral), reasons));

    [Theory]
    [InlineData("R45.88", "Nonsuicidal self-harm")]
    [InlineData("L29.81", "Cholestatic pruritus")]
    [InlineData("F63.89", "Other impulse disorders")]
    public void OffLabelCodedReason_FiresInfo(string code, string display)
    {
        var f = Assert.Single(Ntx(Fx.Reason(Fx.Icd(code, display))).Run(_rule));
        Assert.Equal(Indicators.Info, f.Indicator);
        Assert.Equal(Concerns.OffLabelIndication, f.Concern);
        Assert.Contains(f.Actions, a => a.Contains("informed consent"));
    }

    [Theory]
    [InlineData("Compulsive sexual behavior")]
    [InlineData("Fibromyalgia")]
    [InlineData("Multiple sclerosis")]
    public void OffLabelTextReason_Fires(string text) => Assert.Single(Ntx(Fx.TextOnly(text)).Run(_rule));

    [Fact]
    public void Aud_IsOnLabel() => Assert.Empty(Ntx(Fx.Aud).Run(_rule));

    [Fact]
    public void Oud_IsOnLabel() => Assert.Empty(Ntx(Fx.Oud).Run(_rule));

    [Fact]
    public void OnLabelReasonAlongsideAnOffLabelOne_IsSilent() => Assert.Empty(Ntx(Fx.Aud, Fx.TextOnly("Fibromyalgia")).Run(_rule));

    [Fact]
    public void NoReason_NoDose_IsSilent() => Assert.Empty(Ntx().Run(_rule));

    [Fact]
    public void LowDoseByDose_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(4.5m, Dose.Daily))).Run(_rule));

    [Fact]
    public void LowDoseByOrderText_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.TextOnly("Low dose naltrexone 3 mg capsule"))).Run(_rule));

    [Fact]
    public void LowDoseForAud_IsNotOffLabelIndication() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(4.5m, Dose.Daily), Fx.Aud)).Run(_rule));

    [Fact]
    public void Contrave_ForWeight_IsOnLabel() =>
        Assert.Empty(new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.Contrave), Fx.TextOnly("Obesity"))).Run(_rule));

    [Fact]
    public void Contrave_ForSelfInjury_IsOffLabel() =>
        Assert.Single(new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.Contrave), Fx.Reason(Fx.Icd("R45.88", "Nonsuicidal self-harm")))).Run(_rule));

    [Fact]
    public void StandardDoseWithoutReason_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral, Dose.Mg(50, Dose.Daily))).Run(_rule));
}
