using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Populations;

/// R24 · pediatric · warning                                               Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the patient is certainly younger than 18 years
///      (Rules:MinimumAgeYears) on the evaluation date, from Patient.birthDate (a partial birth date counts only when
///      every day it allows gives an age under 18)
/// Then warning: safety and effectiveness have not been established under 18; specialist review; check local policy.
/// Source: drug summaries "<18 yrs: not recommended" [RUN-NTX]; ASAM 2015; Contrave not studied in children [CONTRAVE].
public sealed class R24PediatricRule : Rule
{
    public override string Id => "R24";
    public override string Concern => Concerns.Pediatric;
    public override string Title => "Patient under 18";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Patient];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.RenalSummary, ClinicalSources.PediatricUse, ClinicalSources.Asam2015, ClinicalSources.Contrave];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        if (ctx.Data.Patient?.BirthDate is not { IsValid: true } birth) return;
        var today = DateOnly.FromDateTime(ctx.Now.UtcDateTime);
        // The oldest the patient can be: born on the first day the birth date allows.
        var age = AgeOn(DateOnly.FromDateTime(birth.Start.UtcDateTime), today);
        if (age >= ctx.Options.MinimumAgeYears || age < 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Warning,
                $"Patient is {age} years old (under {ctx.Options.MinimumAgeYears}): naltrexone safety and effectiveness are not established",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", $"Birth date {birth.Raw} (Patient/{ctx.Data.Patient.Id}); age {age} on {Text.Date(ctx.Now)}."],
                ["Arrange specialist review and check local policy and federal rules for treating patients under 18.",
                 .. ntx.Class.Has(Terminology.MedicationKind.NaltrexoneBupropion) ? ["Naltrexone/bupropion has not been studied in paediatric patients (boxed warning)."] : Array.Empty<string>()],
                sources: ntx.Class.Has(Terminology.MedicationKind.NaltrexoneBupropion) ? Sources : [ClinicalSources.RenalSummary, ClinicalSources.PediatricUse, ClinicalSources.Asam2015]));
    }

    /// <summary>Completed years on <paramref name="on"/>; the birthday itself counts as reached.</summary>
    public static int AgeOn(DateOnly birth, DateOnly on)
    {
        var age = on.Year - birth.Year;
        if (on < birth.AddYears(age)) age--;
        return age;
    }
}
