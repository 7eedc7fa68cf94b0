using NaltrexoneFhir.Rules.Clinical.DataQuality;
using NaltrexoneFhir.Rules.Clinical.Liver;
using NaltrexoneFhir.Rules.Clinical.Opioids;
using NaltrexoneFhir.Rules.Clinical.PatientView;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Catalog;

/// <summary>Every rule the service runs. Adding a rule = one file + one line here.</summary>
public static class RuleCatalog
{
    public static IReadOnlyList<IRule> All() =>
    [
        new R01OpioidWithNaltrexoneRule(),
        new R02OpioidWhileOnNaltrexoneRule(),
        new R04RecentShortActingOpioidRule(),
        new R05RecentLongActingOpioidRule(),
        new R06PositiveUrineOpioidScreenRule(),
        new R09AcuteLiverInjuryRule(),
        new R10DecompensatedCirrhosisRule(),
        new R11TransaminasesOver5xRule(),
        new R12Transaminases3To5xRule(),
        new R13HepatocellularInjuryPatternRule(),
        new R14ChronicLiverDiseaseRule(),
        new R15MissingBaselineLftRule(),
        new R31UnclassifiedMedicationRule(),
        new R32LabUnitUnrecognizedRule(),
        new PV01NaltrexoneBlockadeRule(),
    ];
}
