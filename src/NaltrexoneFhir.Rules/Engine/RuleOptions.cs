using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// Every clinical threshold, lookback and switch, in one reviewed place (configuration section "Rules").
/// Defaults come from clinical-reference.md; docs/rules.md and the README table "Rule catalogue and configuration"
/// are generated from these properties ([Description] and [Range]), so they cannot drift.
/// </summary>
public sealed class RuleOptions
{
    public const string SectionName = "Rules";

    [Description("Rule ids (e.g. \"R15\") switched off; their prefetch keys leave discovery when no other rule reads them.")]
    public string[] Disabled { get; set; } = [];

    // Opioid exposure (R01–R08)
    [Description("R04: a short-acting opioid possibly taken within this many days counts as recent (label: 7–10 days opioid-free).")]
    [Range(1, 60)] public int ShortActingOpioidWashoutDays { get; set; } = 10;
    [Description("R05: methadone, buprenorphine or an extended-release/transdermal opioid within this many days counts as recent.")]
    [Range(1, 60)] public int LongActingOpioidWashoutDays { get; set; } = 14;
    [Description("R06: a positive urine opioid screen within this many days.")]
    [Range(1, 60)] public int UrineOpioidScreenLookbackDays { get; set; } = 14;
    [Description("R07: a urine opioid screen (any result) certainly within this many days verifies opioid-free status for OUD.")]
    [Range(1, 60)] public int OpioidFreeVerificationDays { get; set; } = 7;
    [Description("R02, R27, PV01: extended-release naltrexone counts as active this long after an injection/order.")]
    [Range(7, 90)] public int ExtendedReleaseBlockadeDays { get; set; } = 35;

    // Hepatotoxicity (R09–R15, R32)
    [Description("R11–R15: the latest ALT/AST/bilirubin within this many days is used; R15 baseline window.")]
    [Range(1, 3650)] public int LiverTestLookbackDays { get; set; } = 365;
    [Description("Default ALT upper limit of normal (U/L) when the Observation has no referenceRange.high.")]
    [Range(1.0, 1000.0)] public decimal AltUpperLimitUPerL { get; set; } = 40m;
    [Description("Default AST upper limit of normal (U/L) when the Observation has no referenceRange.high.")]
    [Range(1.0, 1000.0)] public decimal AstUpperLimitUPerL { get; set; } = 40m;
    [Description("Default total bilirubin upper limit of normal (mg/dL).")]
    [Range(0.1, 20.0)] public decimal BilirubinUpperLimitMgPerDl { get; set; } = 1.2m;
    [Description("R12: ALT/AST above this multiple of ULN (and up to the critical multiple) is a warning; R13 uses it with bilirubin.")]
    [Range(1.0, 20.0)] public decimal TransaminaseWarningMultiple { get; set; } = 3m;
    [Description("R11: ALT/AST above this multiple of ULN is critical.")]
    [Range(1.0, 50.0)] public decimal TransaminaseCriticalMultiple { get; set; } = 5m;
    [Description("R13: total bilirubin above this multiple of ULN (with ALT/AST above the warning multiple) is critical.")]
    [Range(1.0, 20.0)] public decimal BilirubinMultiple { get; set; } = 2m;

    // Dosing (R16–R18)
    [Description("R16: oral naltrexone above this average daily dose (mg) is a warning (label schedules average 50).")]
    [Range(1.0, 1000.0)] public decimal OralMaxAverageDailyMg { get; set; } = 50m;
    [Description("R16: naltrexone/bupropion above this many mg of naltrexone a day (maintenance 2 tablets twice daily = 32 mg) is a warning.")]
    [Range(1.0, 200.0)] public decimal NaltrexoneBupropionMaxDailyNaltrexoneMg { get; set; } = 32m;
    [Description("R17: the extended-release naltrexone dose (mg per injection).")]
    [Range(1.0, 2000.0)] public decimal ExtendedReleaseDoseMg { get; set; } = 380m;
    [Description("R17: extended-release naltrexone injections closer than this many days are a warning (every 4 weeks).")]
    [Range(1, 90)] public int ExtendedReleaseMinIntervalDays { get; set; } = 28;
    [Description("R18: opioid use disorder, no naltrexone before: a starting dose above this (mg) is flagged (label: 25 mg, then 50 mg).")]
    [Range(1.0, 200.0)] public decimal OudStartMaxMg { get; set; } = 25m;
    [Description("R18: low-dose naltrexone uses above this average daily dose (mg) are flagged (usual 1.5–4.5 mg); R30 reads a lower daily dose as LDN.")]
    [Range(0.5, 50.0)] public decimal LowDoseMaxDailyMg { get; set; } = 5m;
    [Description("R18: cholestatic pruritus, no naltrexone before: a starting dose above this (mg) is flagged (start low, e.g. 12.5 mg).")]
    [Range(1.0, 200.0)] public decimal PruritusStartMaxMg { get; set; } = 25m;
    [Description("R18: the starting dose (mg) the suggestion proposes for cholestatic pruritus (reference: start low, e.g. 12.5 mg).")]
    [Range(0.5, 200.0)] public decimal PruritusStartSuggestedMg { get; set; } = 12.5m;
    [Description("R18: the daily dose (mg) the suggestion proposes for a low-dose naltrexone use (most studies: 4.5 mg).")]
    [Range(0.5, 50.0)] public decimal LowDoseSuggestedMg { get; set; } = 4.5m;

    // Special populations (R19–R24, R29)
    [Description("R19: a positive hCG possibly within this many days.")]
    [Range(1, 365)] public int HcgLookbackDays { get; set; } = 30;
    [Description("R20: the latest eGFR below this (mL/min/1.73 m²) is severe renal impairment (warning).")]
    [Range(1.0, 200.0)] public decimal EgfrSevereBelow { get; set; } = 30m;
    [Description("R21: the latest eGFR below this (and not severe) is moderate renal impairment (info).")]
    [Range(1.0, 200.0)] public decimal EgfrModerateBelow { get; set; } = 60m;
    [Description("R20, R21: eGFR results within this many days are read (the latest wins).")]
    [Range(1, 3650)] public int EgfrLookbackDays { get; set; } = 365;
    [Description("R24: patients younger than this (years, on the evaluation date) get the paediatric warning.")]
    [Range(1, 30)] public int MinimumAgeYears { get; set; } = 18;
    [Description("R29: surgery planned within this many days ahead when oral naltrexone or naltrexone/bupropion is ordered (hold 72 h).")]
    [Range(1, 30)] public int SurgeryHoldOralDays { get; set; } = 3;
    [Description("R29: surgery planned within this many days ahead when extended-release naltrexone is ordered (hold 30 days).")]
    [Range(1, 90)] public int SurgeryHoldExtendedReleaseDays { get; set; } = 30;

    public bool IsEnabled(string ruleId)
    {
        foreach (var d in Disabled)
            if (string.Equals(d, ruleId, StringComparison.OrdinalIgnoreCase)) return false;
        return true;
    }
}
