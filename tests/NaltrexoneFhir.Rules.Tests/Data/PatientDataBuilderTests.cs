using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Data;

public sealed class PatientDataBuilderTests
{
    /// <summary>The LINQ expression DosageText replaced, kept as the specification.</summary>
    private static string Linq(MedicationRequest mr) =>
        string.Join(' ', (mr.DosageInstruction ?? []).SelectMany(d => d.Route.Texts().Append(d.Text ?? "")));

    public static TheoryData<string> Shapes() => ["none", "empty", "text", "no text", "route", "route without text", "two", "two with routes"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DosageText_IsTheRouteTextsAndTextsJoined(string shape)
    {
        var route = new CodeableConcept { Text = "oral", Coding = [new Coding { Display = "Oral route" }, new Coding { Display = " " }] };
        IReadOnlyList<Dosage>? dosages = shape switch
        {
            "none" => null,
            "empty" => [],
            "text" => [new Dosage { Text = "1 tablet daily" }],
            "no text" => [new Dosage()],
            "route" => [new Dosage { Text = "1 tablet daily", Route = route }],
            "route without text" => [new Dosage { Route = route }],
            "two" => [new Dosage { Text = "a" }, new Dosage()],
            _ => [new Dosage { Text = "a", Route = route }, new Dosage { Route = new CodeableConcept() }, new Dosage { Text = "c" }],
        };
        var mr = new MedicationRequest { DosageInstruction = dosages };
        Assert.Equal(Linq(mr), PatientDataBuilder.DosageText(mr));
    }

    [Fact]
    public void DraftOrdersEchoedInTheRecord_AreNotHistory_MatchedByTypeAndId()
    {
        // The EHR may send the order being signed back in the prefetch, with another status: it is not history. Only
        // the same type and id is the draft: another type with that id, or another id, is history.
        var draft = Fx.Draft("d1", Fx.Oxycodone);
        var echo = Fx.Med("d1", Fx.Oxycodone, "active", 0);
        var sameIdOtherType = new MedicationStatement { Id = "d1", Status = "active", MedicationCodeableConcept = Fx.Oxycodone, Subject = new Reference { ReferenceValue = $"Patient/{Fx.PatientId}" } };
        var other = Fx.Med("d2", Fx.Oxycodone, "active", 3);
        var (ctx, _) = new Scenario().Draft(Fx.Draft("n1", Fx.NaltrexoneOral)).Draft(draft).Meds(echo, other).Statements(sameIdOtherType).Build();
        Assert.Equal(new[] { "MedicationRequest/d2", "MedicationStatement/d1" },
            ctx.Data.Medications.Select(m => $"{m.Source.TypeName}/{m.Source.Id}"));
    }
}
