using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Interactions;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Interactions;

public sealed class R03OpioidAntidiarrhealRuleTests
{
    private readonly R03OpioidAntidiarrhealRule _rule = new();

    [Fact]
    public void NaltrexoneDraft_WithActiveLoperamide_FiresInfo()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Loperamide)).Run(_rule));
        Assert.Equal(Indicators.Info, f.Indicator);
        Assert.Equal(Concerns.OpioidAntidiarrhealInteraction, f.Concern);
    }

    [Fact]
    public void DiphenoxylateDraft_WhileOnNaltrexone_Fires_AndSuggestsRemovingIt()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Diphenoxylate)).Meds(Fx.Med("m1", Fx.NaltrexoneOral)).Run(_rule));
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.Type == "delete" && a.ResourceId == "MedicationRequest/d1"));
    }

    [Fact]
    public void StoppedLoperamide_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Loperamide, "stopped")).Run(_rule));

    [Fact]
    public void LoperamideDraft_WithoutNaltrexone_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Loperamide)).Run(_rule));

    [Fact]
    public void Loperamide_IsNotAnOpioidForR01() =>
        Assert.DoesNotContain(Concerns.OpioidCoprescription, new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Loperamide)).Concerns());
}

public sealed class R27DuplicateNaltrexoneRuleTests
{
    private readonly R27DuplicateNaltrexoneRule _rule = new();

    [Fact]
    public void ActiveOralNaltrexone_AndNewDraft_FiresWarning()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.NaltrexoneOral)).Run(_rule));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.DuplicateTherapy, f.Concern);
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.Type == "delete"));
    }

    [Fact]
    public void XrInjection20DaysAgo_AndOralDraft_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.NaltrexoneXr, "completed", authoredDaysAgo: 20)).Run(_rule));

    [Fact]
    public void XrInjection30DaysAgo_AndNextXrDraft_IsSilent_TheNextDoseIsDue() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr)).Meds(Fx.Med("m1", Fx.NaltrexoneXr, "completed", authoredDaysAgo: 30)).Run(_rule));

    [Fact]
    public void XrInjection14DaysAgo_AndAnotherXrDraft_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr)).Meds(Fx.Med("m1", Fx.NaltrexoneXr, "completed", authoredDaysAgo: 14)).Run(_rule));

    [Fact]
    public void XrInjection60DaysAgo_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.NaltrexoneXr, "completed", authoredDaysAgo: 60)).Run(_rule));

    [Fact]
    public void ActiveContrave_AndOralDraft_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Contrave)).Run(_rule));

    [Fact]
    public void TwoNaltrexoneDraftsInOneSession_Fire() =>
        Assert.Equal(2, new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Draft(Fx.Draft("d2", Fx.NaltrexoneXr)).Run(_rule).Count);

    [Fact]
    public void StoppedOralNaltrexone_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.NaltrexoneOral, "stopped")).Run(_rule));

    [Fact]
    public void Embeda_IsNotNaltrexoneTherapy() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Embeda)).Run(_rule));
}

public sealed class R28SeizureThresholdRuleTests
{
    private readonly R28SeizureThresholdRule _rule = new();

    [Fact]
    public void ContraveDraft_WithActiveTramadol_FiresWarning()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Contrave)).Meds(Fx.Med("m1", Fx.Tramadol)).Run(_rule));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.SeizureRisk, f.Concern);
    }

    [Fact]
    public void TramadolDraft_WithActiveContrave_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Tramadol)).Meds(Fx.Med("m1", Fx.Contrave)).Run(_rule));

    [Fact]
    public void ContraveDraft_WithBupropionXl_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Contrave)).Meds(Fx.Med("m1", Fx.Bupropion)).Run(_rule));

    [Fact]
    public void ContraveAlone_IsSilent_ItsOwnBupropionDoesNotCount() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Contrave)).Run(_rule));

    [Fact]
    public void TextOnlyContrave_IsSilentAlone() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.TextOnly("naltrexone/bupropion ER tablet"))).Run(_rule));

    [Fact]
    public void OralNaltrexone_WithTramadol_IsNotASeizureCard() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Tramadol)).Run(_rule));

    [Fact]
    public void StoppedTramadol_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Contrave)).Meds(Fx.Med("m1", Fx.Tramadol, "stopped", authoredDaysAgo: 60)).Run(_rule));
}

public sealed class R28bHepatotoxicComedicationRuleTests
{
    private readonly R28bHepatotoxicComedicationRule _rule = new();

    [Fact]
    public void NaltrexoneDraft_WithActiveDisulfiram_FiresHepatotoxicityWarning()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Disulfiram)).Run(_rule));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.Hepatotoxicity, f.Concern);
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.Type == "create"));
    }

    [Fact]
    public void DisulfiramDraft_WhileOnNaltrexone_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Disulfiram)).Meds(Fx.Med("m1", Fx.NaltrexoneOral)).Run(_rule));

    [Fact]
    public void NoHepatotoxicDrug_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Lisinopril)).Run(_rule));

    [Fact]
    public void DisulfiramDraft_WithoutNaltrexone_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Disulfiram)).Run(_rule));
}
