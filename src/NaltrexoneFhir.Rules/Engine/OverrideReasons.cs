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

    public static IReadOnlyList<CdsCoding> For(string concern) => concern switch
    {
        Concerns.OpioidCoprescription => [OpioidStopped, MonitoredSetting, BenefitOutweighsRisk, DataOutdated],
        Concerns.RecentOpioidUse => [OpioidFreeConfirmed, MonitoredSetting, DataOutdated],
        Concerns.OpioidFreeVerification => [OpioidFreeConfirmed, AlreadyOrdered],
        Concerns.Hepatotoxicity => [BenefitOutweighsRisk, SpecialistApproved, WillMonitor, DataOutdated],
        Concerns.MissingBaselineLft => [AlreadyOrdered, WillMonitor, NotApplicable],
        Concerns.UnclassifiedMedication or Concerns.LabUnitUnrecognized or Concerns.DataUnavailable => [NotApplicable, WillMonitor],
        _ => [BenefitOutweighsRisk, WillMonitor, NotApplicable],
    };
}
