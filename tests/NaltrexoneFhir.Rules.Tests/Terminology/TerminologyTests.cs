using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Tests.Kit;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Tests.Terminology;

public sealed class TerminologyTests
{
    private static readonly MedicationClassifier C = Scenario.Classifier;

    [Fact]
    public void EveryValueSetUrlConstant_IsLoaded()
    {
        var urls = typeof(ValueSetUrls).GetFields().Where(f => f.IsLiteral && f.Name != nameof(ValueSetUrls.Base)).Select(f => (string)f.GetRawConstantValue()!);
        foreach (var url in urls) Assert.True(Scenario.Terminology.TryGet(url, out _), url);
    }

    [Theory]
    [InlineData("1483744", MedicationKind.NaltrexoneOral)]
    [InlineData("637213", MedicationKind.NaltrexoneExtendedRelease)]
    [InlineData("1551468", MedicationKind.NaltrexoneBupropion)]
    [InlineData("1049621", MedicationKind.Opioid)]
    [InlineData("863845", MedicationKind.Opioid)]
    public void ClassifiesByCode(string code, MedicationKind expected)
    {
        var c = C.Classify(Fx.Rx(code, "x"));
        Assert.Equal(ClassifiedBy.Code, c.By);
        Assert.True(c.Has(expected));
    }

    [Theory]
    [InlineData("Vivitrol 380 mg IM", MedicationKind.NaltrexoneExtendedRelease)]
    [InlineData("naltrexone 380 mg injection", MedicationKind.NaltrexoneExtendedRelease)]
    [InlineData("Contrave 8/90", MedicationKind.NaltrexoneBupropion)]
    [InlineData("Naltrexone 50mg", MedicationKind.NaltrexoneOral)]
    [InlineData("Suboxone film", MedicationKind.OpioidLongActing)]
    [InlineData("morphine sulfate / naltrexone ER capsule", MedicationKind.Opioid)]
    public void ClassifiesByText(string text, MedicationKind expected)
    {
        var c = C.Classify(Fx.TextOnly(text));
        Assert.Equal(ClassifiedBy.Text, c.By);
        Assert.True(c.Has(expected), c.Kinds.ToString());
    }

    [Fact]
    public void ContraveText_IsNotAlsoOralNaltrexoneOrLongActingOpioid()
    {
        var c = C.Classify(Fx.TextOnly("naltrexone/bupropion extended release tablet"));
        Assert.Equal(MedicationKind.NaltrexoneBupropion, c.Kinds);
    }

    [Fact]
    public void UnknownRxNormCode_WithOpioidDisplay_FallsBackToText()
    {
        var c = C.Classify(Fx.Rx("999999", "oxycodone hydrochloride 10 MG Oral Tablet"));
        Assert.True(c.IsOpioid);
        Assert.Equal(ClassifiedBy.Text, c.By);
    }

    [Fact]
    public void IcdPrefixFilter_MatchesDescendants()
    {
        var oud = Scenario.Terminology[ValueSetUrls.OpioidUseDisorder];
        Assert.True(oud.Contains(CodeSystems.Icd10Cm, "F11.20"));
        Assert.False(oud.Contains(CodeSystems.Icd10Cm, "F10.20"));
    }

    [Fact]
    public void WholeWordTextMatch_DoesNotMatchInsideWords()
    {
        var opioids = Scenario.Terminology[ValueSetUrls.OpioidAgonists];
        Assert.True(opioids.MatchesText("Codeine 30 mg"));
        Assert.False(opioids.MatchesText("Xcodeinex"));
    }

    [Fact]
    public void IngredientOnlyMedication_Classified()
    {
        var med = new Medication { Ingredient = [new MedicationIngredient { ItemCodeableConcept = Fx.Rx("7804", "oxycodone") }] };
        var c = C.Classify(null, med);
        Assert.Equal(ClassifiedBy.Ingredient, c.By);
        Assert.True(c.IsOpioid);
    }
}
