namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// Concern codes: a public contract (card.source.topic.code, system urn:naltrexone-cds:concern).
/// EHR filters and analytics key on them; never change a code's meaning.
/// </summary>
public static class Concerns
{
    public const string System = "urn:naltrexone-cds:concern";

    public const string OpioidCoprescription = "opioid-coprescription";
    public const string OpioidAntidiarrhealInteraction = "opioid-antidiarrheal-interaction";
    public const string RecentOpioidUse = "recent-opioid-use";
    public const string OpioidFreeVerification = "opioid-free-verification";
    public const string OverdoseRisk = "overdose-risk";
    public const string Hepatotoxicity = "hepatotoxicity";
    public const string MissingBaselineLft = "missing-baseline-lft";
    public const string DoseAboveRecommended = "dose-above-recommended";
    public const string DoseIndicationMismatch = "dose-indication-mismatch";
    public const string DoseNotComputable = "dose-not-computable";
    public const string Pregnancy = "pregnancy";
    public const string RenalImpairment = "renal-impairment";
    public const string DepressionSuicidality = "depression-suicidality";
    public const string Pediatric = "pediatric";
    public const string Allergy = "allergy";
    public const string DuplicateTherapy = "duplicate-therapy";
    public const string SeizureRisk = "seizure-risk";
    public const string PlannedSurgery = "planned-surgery";
    public const string OffLabelIndication = "off-label-indication";
    public const string UnclassifiedMedication = "unclassified-medication";
    public const string LabUnitUnrecognized = "lab-unit-unrecognized";
    public const string DataUnavailable = "data-unavailable";
    /// <summary>patient-view: the patient is on naltrexone, so opioid analgesia is blocked.</summary>
    public const string NaltrexoneBlockade = "naltrexone-opioid-blockade";

    public static string Display(string code) => code switch
    {
        OpioidCoprescription => "Opioid and naltrexone co-prescription",
        OpioidAntidiarrhealInteraction => "Naltrexone with an opioid antidiarrheal",
        RecentOpioidUse => "Recent opioid use before naltrexone",
        OpioidFreeVerification => "Opioid-free status not verified",
        OverdoseRisk => "Opioid overdose risk after naltrexone",
        Hepatotoxicity => "Hepatotoxicity risk",
        MissingBaselineLft => "Missing baseline liver function tests",
        DoseAboveRecommended => "Dose above recommended",
        DoseIndicationMismatch => "Dose does not match indication",
        DoseNotComputable => "Dose could not be computed",
        Pregnancy => "Pregnancy",
        RenalImpairment => "Renal impairment",
        DepressionSuicidality => "Depression or suicidality",
        Pediatric => "Patient under 18",
        Allergy => "Allergy",
        DuplicateTherapy => "Duplicate naltrexone therapy",
        SeizureRisk => "Seizure risk",
        PlannedSurgery => "Planned surgery",
        OffLabelIndication => "Off-label indication",
        UnclassifiedMedication => "Unclassified medication",
        LabUnitUnrecognized => "Lab unit not recognised",
        DataUnavailable => "Data unavailable: checks not run",
        NaltrexoneBlockade => "Patient on naltrexone: opioid blockade",
        _ => code,
    };
}
