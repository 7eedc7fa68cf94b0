using System.ComponentModel.DataAnnotations;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// Every clinical threshold, lookback and switch, in one reviewed place (configuration section "Rules").
/// Defaults come from clinical-reference.md; the table in README "Rule configuration" documents them.
/// </summary>
public sealed class RuleOptions
{
    public const string SectionName = "Rules";

    /// <summary>Rule ids (e.g. "R15") switched off.</summary>
    public string[] Disabled { get; set; } = [];

    // Opioid exposure (R01–R08)
    [Range(1, 60)] public int ShortActingOpioidWashoutDays { get; set; } = 10;
    [Range(1, 60)] public int LongActingOpioidWashoutDays { get; set; } = 14;
    [Range(1, 60)] public int UrineOpioidScreenLookbackDays { get; set; } = 14;
    [Range(1, 60)] public int OpioidFreeVerificationDays { get; set; } = 7;
    [Range(7, 90)] public int ExtendedReleaseBlockadeDays { get; set; } = 35;

    // Hepatotoxicity (R09–R15, R32)
    [Range(1, 3650)] public int LiverTestLookbackDays { get; set; } = 365;
    [Range(1.0, 1000.0)] public decimal AltUpperLimitUPerL { get; set; } = 40m;
    [Range(1.0, 1000.0)] public decimal AstUpperLimitUPerL { get; set; } = 40m;
    [Range(0.1, 20.0)] public decimal BilirubinUpperLimitMgPerDl { get; set; } = 1.2m;
    [Range(1.0, 20.0)] public decimal TransaminaseWarningMultiple { get; set; } = 3m;
    [Range(1.0, 50.0)] public decimal TransaminaseCriticalMultiple { get; set; } = 5m;
    [Range(1.0, 20.0)] public decimal BilirubinMultiple { get; set; } = 2m;

    // Dosing (R16–R18)
    [Range(1.0, 1000.0)] public decimal OralMaxAverageDailyMg { get; set; } = 50m;
    [Range(1.0, 2000.0)] public decimal ExtendedReleaseDoseMg { get; set; } = 380m;
    [Range(1, 90)] public int ExtendedReleaseMinIntervalDays { get; set; } = 28;
    [Range(1.0, 200.0)] public decimal OudStartMaxMg { get; set; } = 25m;
    [Range(0.5, 50.0)] public decimal LowDoseMaxDailyMg { get; set; } = 5m;
    [Range(1.0, 200.0)] public decimal PruritusStartMaxMg { get; set; } = 25m;

    // Special populations (R19–R24, R29)
    [Range(1, 365)] public int HcgLookbackDays { get; set; } = 30;
    [Range(1.0, 200.0)] public decimal EgfrSevereBelow { get; set; } = 30m;
    [Range(1.0, 200.0)] public decimal EgfrModerateBelow { get; set; } = 60m;
    [Range(1, 3650)] public int EgfrLookbackDays { get; set; } = 365;
    [Range(1, 30)] public int MinimumAgeYears { get; set; } = 18;
    [Range(1, 30)] public int SurgeryHoldOralDays { get; set; } = 3;
    [Range(1, 90)] public int SurgeryHoldExtendedReleaseDays { get; set; } = 30;

    public bool IsEnabled(string ruleId) => !Disabled.Contains(ruleId, StringComparer.OrdinalIgnoreCase);
}
