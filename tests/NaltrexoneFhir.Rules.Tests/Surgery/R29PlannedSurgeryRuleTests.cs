using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Surgery;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Surgery;

public sealed class R29PlannedSurgeryRuleTests
{
    private readonly R29PlannedSurgeryRule _rule = new();
    private static Scenario Oral() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral));
    private static Scenario Xr() => new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneXr));

    [Fact]
    public void Oral_Cholecystectomy_In2Days_FiresWarning()
    {
        var f = Assert.Single(Oral().ServiceRequests(Fx.SurgeryRequest("s1", "Laparoscopic cholecystectomy", Fx.DayAhead(2))).Run(_rule));
        Assert.Equal(Indicators.Warning, f.Indicator);
        Assert.Equal(Concerns.PlannedSurgery, f.Concern);
    }

    [Fact]
    public void Oral_SurgeryIn10Days_IsOutsideThe72hWindow() =>
        Assert.Empty(Oral().ServiceRequests(Fx.SurgeryRequest("s1", "Knee replacement", Fx.DayAhead(10))).Run(_rule));

    [Fact]
    public void Xr_SurgeryIn20Days_Fires() =>
        Assert.Single(Xr().ServiceRequests(Fx.SurgeryRequest("s1", "Knee replacement", Fx.DayAhead(20))).Run(_rule));

    [Fact]
    public void Xr_SurgeryIn45Days_IsSilent() =>
        Assert.Empty(Xr().ServiceRequests(Fx.SurgeryRequest("s1", "Knee replacement", Fx.DayAhead(45))).Run(_rule));

    [Fact]
    public void PastSurgery_IsSilent() =>
        Assert.Empty(Xr().ServiceRequests(Fx.SurgeryRequest("s1", "Appendectomy", Fx.Day(3))).Run(_rule));

    [Fact]
    public void CodedSurgicalCategory_Fires()
    {
        var sr = new ServiceRequest
        {
            Id = "s1", Status = "active", Intent = "order", Code = Fx.TextOnly("Procedure 12345"),
            Category = [new CodeableConcept { Coding = [new Coding { System = CodeSystems.Snomed, Code = "387713003" }] }],
            OccurrenceDateTime = new FhirDateTime(Fx.DayAhead(1)),
        };
        Assert.Single(Oral().ServiceRequests(sr).Run(_rule));
    }

    [Theory]
    [InlineData("Surgical consult")]
    [InlineData("Post-op follow-up after surgery")]
    [InlineData("Dental cleaning")]
    public void NotAnOperation_IsSilent(string text) =>
        Assert.Empty(Oral().ServiceRequests(Fx.SurgeryRequest("s1", text, Fx.DayAhead(1))).Run(_rule));

    [Theory]
    [InlineData("completed")]
    [InlineData("revoked")]
    public void ClosedRequests_AreSilent(string status) =>
        Assert.Empty(Oral().ServiceRequests(Fx.SurgeryRequest("s1", "Hip replacement", Fx.DayAhead(1), status)).Run(_rule));

    [Fact]
    public void UndatedRequest_IsSilent() =>
        Assert.Empty(Oral().ServiceRequests(Fx.SurgeryRequest("s1", "Hip replacement", null)).Run(_rule));

    [Fact]
    public void BookedAppointment_Fires()
    {
        var a = new Appointment { Id = "a1", Status = "booked", Description = "Right hip replacement surgery", Start = new FhirDateTime(Fx.Now.AddDays(2).ToString("yyyy-MM-ddTHH:mm:ssZ")) };
        Assert.Single(Oral().Appointments(a).Run(_rule));
    }

    [Fact]
    public void CancelledAppointment_IsSilent()
    {
        var a = new Appointment { Id = "a1", Status = "cancelled", Description = "Hip replacement surgery", Start = new FhirDateTime(Fx.DayAhead(2)) };
        Assert.Empty(Oral().Appointments(a).Run(_rule));
    }

    [Fact]
    public void ProcedureInPreparation_Fires()
    {
        var p = new Procedure { Id = "p1", Status = "preparation", Code = Fx.TextOnly("Colectomy"), PerformedDateTime = new FhirDateTime(Fx.DayAhead(1)) };
        Assert.Single(Oral().Procedures(p).Run(_rule));
    }

    [Fact]
    public void SurgeryDraftInTheSameSession_Fires() =>
        Assert.Single(Oral().Draft(Fx.SurgeryRequest("s9", "Hysterectomy", Fx.DayAhead(2), "draft")).Run(_rule));

    [Fact]
    public void WindowIsConfigurable() =>
        Assert.Single(new Scenario { Options = new RuleOptions { SurgeryHoldOralDays = 14 } }.Draft(Fx.Draft("d1", Fx.NaltrexoneOral))
            .ServiceRequests(Fx.SurgeryRequest("s1", "Knee replacement", Fx.DayAhead(10))).Run(_rule));
}
