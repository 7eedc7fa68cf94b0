using NaltrexoneFhir.Rules.Clinical.Allergy;
using NaltrexoneFhir.Rules.Clinical.DataQuality;
using NaltrexoneFhir.Rules.Clinical.Dosing;
using NaltrexoneFhir.Rules.Clinical.Indications;
using NaltrexoneFhir.Rules.Clinical.Interactions;
using NaltrexoneFhir.Rules.Clinical.Liver;
using NaltrexoneFhir.Rules.Clinical.Mood;
using NaltrexoneFhir.Rules.Clinical.Opioids;
using NaltrexoneFhir.Rules.Clinical.PatientView;
using NaltrexoneFhir.Rules.Clinical.Populations;
using NaltrexoneFhir.Rules.Clinical.Surgery;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Catalog;

/// <summary>
/// Every rule the service runs, in catalogue order (clinical-reference §3 R01–R32, then the service's own rules).
/// Adding a rule = one file + one line here; GET /catalogue and docs/rules.md follow.
/// </summary>
public static class RuleCatalog
{
    public static IReadOnlyList<Rule> All() =>
    [
        new R01OpioidWithNaltrexoneRule(),
        new R02OpioidWhileOnNaltrexoneRule(),
        new R03OpioidAntidiarrhealRule(),
        new R04RecentShortActingOpioidRule(),
        new R05RecentLongActingOpioidRule(),
        new R06PositiveUrineOpioidScreenRule(),
        new R07OpioidFreeVerificationRule(),
        new R08OverdoseRiskRule(),
        new R09AcuteLiverInjuryRule(),
        new R10DecompensatedCirrhosisRule(),
        new R11TransaminasesOver5xRule(),
        new R12Transaminases3To5xRule(),
        new R13HepatocellularInjuryPatternRule(),
        new R14ChronicLiverDiseaseRule(),
        new R15MissingBaselineLftRule(),
        new R16DoseAboveRecommendedRule(),
        new R17ExtendedReleaseDoseRule(),
        new R18DoseIndicationMismatchRule(),
        new R19PregnancyRule(),
        new R20SevereRenalImpairmentRule(),
        new R21ModerateRenalImpairmentRule(),
        new R22SuicidalIdeationRule(),
        new R23DepressionRule(),
        new R24PediatricRule(),
        new R25NaltrexoneAllergyRule(),
        new R26RelatedAntagonistAllergyRule(),
        new R27DuplicateNaltrexoneRule(),
        new R28SeizureThresholdRule(),
        new R28bHepatotoxicComedicationRule(),
        new R29PlannedSurgeryRule(),
        new R30OffLabelIndicationRule(),
        new R31UnclassifiedMedicationRule(),
        new R32LabUnitUnrecognizedRule(),
        new PV01NaltrexoneBlockadeRule(),
        new DQ01DoseNotComputableRule(),
    ];
}
