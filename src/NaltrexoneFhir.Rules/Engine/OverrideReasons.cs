using System.Collections.Frozen;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>Override reasons offered on cards (system urn:naltrexone-cds:override-reason), by concern.</summary>
public static class OverrideReasons
{
    public const string System = "urn:naltrexone-cds:override-reason";

    public static readonly CdsCoding BenefitOutweighsRisk = new(System, "benefit-outweighs-risk", "Benefit outweighs risk for this patient");
    public static readonly CdsCoding OpioidFreeConfirmed = new(System, "opioid-free-confirmed", "Patient already opioid-free, confirmed by naloxone challenge or urine screen");
    public static readonly CdsCoding OpioidStopped = new(System, "opioid-stopped", "The opioid has been stopped; the medication list is out of date");
    public static readonly CdsCoding MonitoredSetting = new(System, "monitored-setting", "Induction or analgesia in a monitored setting");
    public static readonly CdsCoding DataOutdated = new(System, "data-outdated", "The data shown is outdated or wrong");
    public static readonly CdsCoding WillMonitor = new(System, "will-monitor", "Will monitor closely");
    public static readonly CdsCoding AlreadyOrdered = new(System, "already-ordered", "Already ordered or done elsewhere");
    public static readonly CdsCoding SpecialistApproved = new(System, "specialist-approved", "Approved by a specialist");
    public static readonly CdsCoding NotApplicable = new(System, "not-applicable", "Not applicable to this patient");
    public static readonly CdsCoding SupervisedSchedule = new(System, "supervised-schedule", "Supervised label schedule (e.g. 100 mg every other day) intended");
    public static readonly CdsCoding DoseIntended = new(System, "dose-intended", "Dose chosen deliberately for this patient");
    public static readonly CdsCoding PreviouslyTolerated = new(System, "previously-tolerated", "Patient has taken naltrexone before without withdrawal");
    public static readonly CdsCoding DoseCheckedManually = new(System, "dose-checked-manually", "Dose checked manually");
    public static readonly CdsCoding NaloxoneOnHand = new(System, "naloxone-on-hand", "Patient already has naloxone");
    public static readonly CdsCoding OverdoseCounselled = new(System, "overdose-counselled", "Patient and caregivers counselled about overdose risk");
    public static readonly CdsCoding NotPregnant = new(System, "not-pregnant", "Pregnancy excluded (negative test or outdated record)");
    public static readonly CdsCoding MentalHealthFollowUp = new(System, "mental-health-follow-up", "Mental-health follow-up arranged");
    public static readonly CdsCoding ToleratedBefore = new(System, "tolerated-before", "Patient has tolerated this drug since the recorded reaction");
    public static readonly CdsCoding NotAnAllergy = new(System, "not-an-allergy", "Not an allergy (side effect or wrong entry)");
    public static readonly CdsCoding SwitchingProduct = new(System, "switching-product", "Switching products; the other one will be stopped");
    public static readonly CdsCoding SurgeryTeamAware = new(System, "surgery-team-aware", "Surgical/anaesthesia team aware; non-opioid analgesia planned");
    public static readonly CdsCoding SurgeryNotPlanned = new(System, "surgery-not-planned", "The surgery is cancelled or not planned in this window");
    public static readonly CdsCoding RationaleDocumented = new(System, "rationale-documented", "Rationale and informed consent documented");

    /// <summary>The reasons offered for a concern's card (shared read-only lists, made once: every card asks).</summary>
    public static IReadOnlyList<CdsCoding> For(string concern) => ByConcern.TryGetValue(concern, out var reasons) ? reasons : Default;

    private static readonly IReadOnlyList<CdsCoding> Default = Reasons(BenefitOutweighsRisk, WillMonitor, NotApplicable);

    private static readonly FrozenDictionary<string, IReadOnlyList<CdsCoding>> ByConcern =
        new Dictionary<string, IReadOnlyList<CdsCoding>>
        {
            [Concerns.OpioidCoprescription] = Reasons(OpioidStopped, MonitoredSetting, BenefitOutweighsRisk, DataOutdated),
            [Concerns.RecentOpioidUse] = Reasons(OpioidFreeConfirmed, MonitoredSetting, DataOutdated),
            [Concerns.OpioidFreeVerification] = Reasons(OpioidFreeConfirmed, AlreadyOrdered),
            [Concerns.Hepatotoxicity] = Reasons(BenefitOutweighsRisk, SpecialistApproved, WillMonitor, DataOutdated),
            [Concerns.MissingBaselineLft] = Reasons(AlreadyOrdered, WillMonitor, NotApplicable),
            [Concerns.UnclassifiedMedication] = Reasons(NotApplicable, WillMonitor),
            [Concerns.LabUnitUnrecognized] = Reasons(NotApplicable, WillMonitor),
            [Concerns.DataUnavailable] = Reasons(NotApplicable, WillMonitor),
            [Concerns.OpioidAntidiarrhealInteraction] = Reasons(BenefitOutweighsRisk, WillMonitor, NotApplicable),
            [Concerns.OverdoseRisk] = Reasons(NaloxoneOnHand, OverdoseCounselled, NotApplicable),
            [Concerns.DoseAboveRecommended] = Reasons(SupervisedSchedule, SpecialistApproved, WillMonitor),
            [Concerns.DoseIndicationMismatch] = Reasons(DoseIntended, PreviouslyTolerated, SpecialistApproved),
            [Concerns.DoseNotComputable] = Reasons(DoseCheckedManually, NotApplicable),
            [Concerns.Pregnancy] = Reasons(NotPregnant, BenefitOutweighsRisk, SpecialistApproved),
            [Concerns.RenalImpairment] = Reasons(WillMonitor, BenefitOutweighsRisk, DataOutdated),
            [Concerns.DepressionSuicidality] = Reasons(MentalHealthFollowUp, WillMonitor, DataOutdated),
            [Concerns.Pediatric] = Reasons(SpecialistApproved, BenefitOutweighsRisk),
            [Concerns.Allergy] = Reasons(ToleratedBefore, NotAnAllergy, DataOutdated),
            [Concerns.DuplicateTherapy] = Reasons(SwitchingProduct, DataOutdated, SpecialistApproved),
            [Concerns.SeizureRisk] = Reasons(BenefitOutweighsRisk, SpecialistApproved, WillMonitor),
            [Concerns.PlannedSurgery] = Reasons(SurgeryTeamAware, SurgeryNotPlanned, DataOutdated),
            [Concerns.OffLabelIndication] = Reasons(RationaleDocumented, SpecialistApproved),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static IReadOnlyList<CdsCoding> Reasons(params CdsCoding[] reasons) => Array.AsReadOnly(reasons);
}
