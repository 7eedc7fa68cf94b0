using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Opioids;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Opioids;

public sealed class R07OpioidFreeVerificationRuleTests
{
    private readonly R07OpioidFreeVerificationRule _rule = new();
    private static Condition Oud => Fx.Cond("c1", CodeSystems.Icd10Cm, "F11.20", "Opioid dependence, uncomplicated");

    [Fact]
    public void OudOnRecord_NoScreen_FiresInfo_WithUrineScreenOrder()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Oud).Run(_rule));
        Assert.Equal(Indicators.Info, f.Indicator);
        Assert.Equal(Concerns.OpioidFreeVerification, f.Concern);
        var create = f.Suggestions.SelectMany(s => s.Actions).Single(a => a.Type == "create");
        var sr = (ServiceRequest)FhirJson.ReadResource(create.Resource!.Value);
        Assert.True(sr.Code.HasCoding(CodeSystems.Loinc, "19295-5"));
    }

    [Fact]
    public void OudAsTheDraftsReason_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.NaltrexoneOral), Fx.Oud)).Run(_rule));

    [Fact]
    public void NegativeScreen3DaysAgo_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Oud).Screens(Fx.Screen("u1", "19295-5", "Negative", 3)).Run(_rule));

    [Fact]
    public void Screen10DaysAgo_IsTooOld_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Oud).Screens(Fx.Screen("u1", "19295-5", "Negative", 10)).Run(_rule));

    [Fact]
    public void OldScreensOnly_NameTheLatest_TheFirstOfEquallyLateOnes()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Oud)
            .Screens(Fx.Screen("u1", "19295-5", "Negative", 40), Fx.Screen("u2", "19295-5", "Negative", 20), Fx.Screen("u3", "19295-5", "Negative", 20),
                     Fx.Screen("u4", "19295-5", "Negative", 100)).Run(_rule));
        Assert.Contains($"last {Fx.Day(20)}", f.Summary);
        Assert.Contains(f.Evidence, e => e.Contains("(Observation/u2)"));
        Assert.DoesNotContain(f.Evidence, e => e.Contains("(Observation/u3)"));
    }

    [Fact]
    public void ARecentScreen_AnywhereInTheHistory_IsEnough() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Oud)
            .Screens(Fx.Screen("u1", "19295-5", "Negative", 40), Fx.Screen("u2", "19295-5", "Negative", 3), Fx.Screen("u3", "19295-5", "Negative", 90)).Run(_rule));

    [Fact]
    public void AudOnly_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.NaltrexoneOral), Fx.Aud)).Run(_rule));

    [Fact]
    public void ResolvedOud_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "F11.20", "Opioid dependence", "resolved")).Run(_rule));

    [Fact]
    public void OudInRemission_Counts_TheseAreThePatientsWhoStartNaltrexone() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "F11.21", "Opioid dependence, in remission", "remission")).Run(_rule));

    [Fact]
    public void RefutedOud_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Fx.Cond("c1", CodeSystems.Icd10Cm, "F11.20", "Opioid dependence", "remission", "refuted")).Run(_rule));
}

public sealed class R08OverdoseRiskRuleTests
{
    private readonly R08OverdoseRiskRule _rule = new();

    [Fact]
    public void XrDraft_FiresInfo_AndSuggestsNaloxone()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr)).Run(_rule));
        Assert.Equal(Indicators.Info, f.Indicator);
        Assert.Equal(Concerns.OverdoseRisk, f.Concern);
        var mr = (MedicationRequest)FhirJson.ReadResource(f.Suggestions.SelectMany(s => s.Actions).Single(a => a.Type == "create").Resource!.Value);
        Assert.True(mr.MedicationCodeableConcept.HasCoding(CodeSystems.RxNorm, "1725059"));
        Assert.Equal("Patient/p1", mr.Subject!.ReferenceValue);
    }

    [Fact]
    public void OralForOud_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.NaltrexoneOral), Fx.Oud)).Run(_rule));

    [Fact]
    public void OralForAud_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.WithReasons(Fx.Draft("d1", Fx.NaltrexoneOral), Fx.Aud)).Run(_rule));

    [Fact]
    public void OralWithOudOnRecord_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Conditions(Fx.Cond("c1", CodeSystems.Snomed, "75544000", "Opioid dependence")).Run(_rule));

    [Fact]
    public void NaloxoneAlreadyActive_StillCounsels_ButDoesNotOrderAgain()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr)).Meds(Fx.Med("m1", Fx.Naloxone)).Run(_rule));
        Assert.Empty(f.Suggestions);
        Assert.Contains(f.Evidence, e => e.Contains("Naloxone already prescribed"));
    }

    [Fact]
    public void BuprenorphineNaloxone_IsNotNaloxoneOnHand()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr)).Meds(Fx.Med("m1", Fx.BuprenorphineNaloxone, "stopped", 60)).Run(_rule));
        Assert.NotEmpty(f.Suggestions);
    }
}
