using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Rules.Clinical.DataQuality;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.DataQuality;

public sealed class R31UnclassifiedMedicationRuleTests
{
    private readonly R31UnclassifiedMedicationRule _rule = new();

    [Fact]
    public void UncodedUnknownText_Fires() =>
        Assert.Single(new Scenario().Draft(Fx.Draft("d1", Fx.TextOnly("Grandma's tonic"))).Run(_rule));

    [Fact]
    public void CodedUnrelatedDrug_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.Lisinopril)).Run(_rule));

    [Fact]
    public void UncodedButKnownText_IsSilent() =>
        Assert.Empty(new Scenario().Draft(Fx.Draft("d1", Fx.TextOnly("Revia 50 mg"))).Run(_rule));

    [Fact]
    public void MedicationReferenceToContainedMedication_ResolvesIngredients()
    {
        var mr = new MedicationRequest
        {
            Id = "d1", Status = "draft", Intent = "order",
            MedicationReference = new Reference { ReferenceValue = "#med1" },
            Contained = [new Medication { Id = "med1", Ingredient = [new MedicationIngredient { ItemCodeableConcept = Fx.Rx("7243", "naltrexone") }] }],
        };
        var s = new Scenario().Draft(mr).Meds(Fx.Med("m1", Fx.Oxycodone));
        Assert.Empty(s.Run(_rule));
        Assert.Contains(Concerns.OpioidCoprescription, s.Concerns());
    }
}
