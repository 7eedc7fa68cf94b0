using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Opioids;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Opioids;

public sealed class R01OpioidWithNaltrexoneRuleTests
{
    private readonly R01OpioidWithNaltrexoneRule _rule = new();

    [Fact]
    public void ActiveOxycodone_WhenOrderingNaltrexone_FiresCritical()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Oxycodone)).Run(_rule));
        Assert.Equal(Indicators.Critical, f.Indicator);
        Assert.Equal(Concerns.OpioidCoprescription, f.Concern);
        Assert.Contains("oxycodone", f.Summary);
        Assert.True(f.Summary.Length < 140);
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.Type == "delete" && a.ResourceId == "MedicationRequest/d1"));
    }

    [Theory]
    [InlineData("stopped")]
    [InlineData("completed")]
    [InlineData("entered-in-error")]
    [InlineData("cancelled")]
    public void InactiveOpioidOrder_IsSilent(string status) =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Oxycodone, status, authoredDaysAgo: 100)).Run(_rule));

    [Fact]
    public void OpioidOfAnotherPatient_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral))
            .Meds(Fx.Med("m1", Fx.Oxycodone, subject: new Reference { ReferenceValue = "Patient/someone-else" })).Run(_rule));

    [Fact]
    public void NoNaltrexoneDraft_IsNotTriggered() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Lisinopril)).Meds(Fx.Med("m1", Fx.Oxycodone)).Run(_rule));

    [Fact]
    public void ActiveMedicationStatement_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr))
            .Statements(new MedicationStatement { Id = "s1", Status = "active", MedicationCodeableConcept = Fx.Methadone }).Run(_rule));

    [Fact]
    public void DraftOpioidInSameSession_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Draft(Fx.Draft("d2", Fx.Tramadol)).Run(_rule));

    [Fact]
    public void EmbedaIsAnOpioid_NotNaltrexoneTherapy()
    {
        // Morphine/naltrexone (abuse deterrent) as the draft is an opioid, so R01 is not triggered by it...
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Embeda)).Meds(Fx.Med("m1", Fx.Oxycodone)).Run(_rule));
        // ...and as an active med it counts as the opioid.
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Embeda)).Run(_rule));
    }

    [Fact]
    public void TextOnlyOpioid_FiresAndSaysItWasClassifiedFromText()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.TextOnly("Hydromorphone 2 mg tablet"))).Run(_rule));
        Assert.Contains(f.Notes, n => n.Contains("free text"));
    }
}

public sealed class R02OpioidWhileOnNaltrexoneRuleTests
{
    private readonly R02OpioidWhileOnNaltrexoneRule _rule = new();

    [Fact]
    public void OpioidOrdered_WhileOnOralNaltrexone_FiresCritical()
    {
        var f = Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Oxycodone)).Meds(Fx.Med("m1", Fx.NaltrexoneOral)).Run(_rule));
        Assert.Equal(Indicators.Critical, f.Indicator);
        Assert.Contains(f.Suggestions, s => s.Actions.Any(a => a.ResourceId == "MedicationRequest/d1"));
    }

    [Fact]
    public void XrInjectionWithin35Days_Fires_EvenWhenCompleted() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Oxycodone)).Meds(Fx.Med("m1", Fx.NaltrexoneXr, "completed", authoredDaysAgo: 20)).Run(_rule));

    [Fact]
    public void XrInjectionOlderThan35Days_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Oxycodone)).Meds(Fx.Med("m1", Fx.NaltrexoneXr, "completed", authoredDaysAgo: 40)).Run(_rule));

    [Fact]
    public void ActiveContrave_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.Tramadol)).Meds(Fx.Med("m1", Fx.Contrave)).Run(_rule));

    [Fact]
    public void StoppedOralNaltrexone_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Oxycodone)).Meds(Fx.Med("m1", Fx.NaltrexoneOral, "stopped")).Run(_rule));

    [Fact]
    public void EmbedaActive_IsNotNaltrexoneTherapy() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Oxycodone)).Meds(Fx.Med("m1", Fx.Embeda)).Run(_rule));
}

public sealed class RecentOpioidUseRulesTests
{
    [Theory]
    [InlineData(5, true)]
    [InlineData(9, true)]
    [InlineData(12, false)]
    public void ShortActingOpioidStopped_WithinTenDays(int daysAgo, bool fires)
    {
        var findings = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral))
            .Meds(Fx.Med("m1", Fx.Oxycodone, "completed", authoredDaysAgo: daysAgo)).Run(new R04RecentShortActingOpioidRule());
        Assert.Equal(fires, findings.Count == 1);
    }

    [Fact]
    public void SupplyDurationExtendsLastUse()
    {
        var mr = Fx.Med("m1", Fx.Oxycodone, "completed", authoredDaysAgo: 30);
        mr = WithSupply(mr, 25);
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(mr).Run(new R04RecentShortActingOpioidRule()));
    }

    [Theory]
    [InlineData(12, true)]
    [InlineData(16, false)]
    public void MethadoneStopped_WithinFourteenDays(int daysAgo, bool fires)
    {
        var s = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Methadone, "stopped", authoredDaysAgo: daysAgo));
        Assert.Equal(fires, s.Run(new R05RecentLongActingOpioidRule()).Count == 1);
        Assert.Empty(s.Run(new R04RecentShortActingOpioidRule())); // long-acting is R05's, not R04's
    }

    [Fact]
    public void BuprenorphineStatementEnded_Fires()
    {
        var ms = new MedicationStatement
        {
            Id = "s1", Status = "completed", MedicationCodeableConcept = Fx.BuprenorphineNaloxone,
            EffectivePeriod = new Period { Start = new FhirDateTime(Fx.Day(200)), End = new FhirDateTime(Fx.Day(8)) },
        };
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr)).Statements(ms).Run(new R05RecentLongActingOpioidRule()));
    }

    [Theory]
    [InlineData("Positive", 3, true)]
    [InlineData("Detected", 10, true)]
    [InlineData("Negative", 3, false)]
    [InlineData("Not detected", 3, false)]
    [InlineData("Positive", 20, false)]
    public void UrineOpioidScreen(string result, int daysAgo, bool fires)
    {
        var findings = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral))
            .Screens(Fx.Screen("u1", "19295-5", result, daysAgo)).Run(new R06PositiveUrineOpioidScreenRule());
        Assert.Equal(fires, findings.Count == 1);
    }

    [Fact]
    public void EnteredInErrorScreen_IsIgnored()
    {
        var o = Fx.Screen("u1", "19295-5", "Positive", 2);
        o = new Observation { Id = o.Id, Status = "entered-in-error", Code = o.Code, EffectiveDateTime = o.EffectiveDateTime, ValueCodeableConcept = o.ValueCodeableConcept };
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Screens(o).Run(new R06PositiveUrineOpioidScreenRule()));
    }

    private static MedicationRequest WithSupply(MedicationRequest mr, int days) => new()
    {
        Id = mr.Id, Status = mr.Status, Intent = mr.Intent, MedicationCodeableConcept = mr.MedicationCodeableConcept, Subject = mr.Subject, AuthoredOn = mr.AuthoredOn,
        DispenseRequest = new DispenseRequest { ExpectedSupplyDuration = new Quantity { Value = days, Unit = "days", Code = "d" } },
    };
}
