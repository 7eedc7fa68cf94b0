using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R07 · opioid-free-verification · info                                   Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered for a patient with opioid use disorder (the draft's reason, or an
///      OUD condition that is active or in remission, not refuted) AND no urine opioid screen (any result) lies certainly within the last
///      7 days (Rules:OpioidFreeVerificationDays)
/// Then info: opioid-free status is not verified. Suggest a urine drug screen (LOINC 19295-5); consider a naloxone
///      challenge before the first dose. (A recent positive screen is R06's critical card, not this one.)
/// Source: oral label dosing and administration [DM-NTX]; SAMHSA TIP 63 [TIP63]; naloxone challenge procedure.
public sealed class R07OpioidFreeVerificationRule : Rule
{
    public override string Id => "R07";
    public override string Concern => Concerns.OpioidFreeVerification;
    public override string Title => "Opioid use disorder without a recent urine opioid screen";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions, DataKeys.OpioidScreens];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabel, ClinicalSources.Tip63, ClinicalSources.NaloxoneChallenge];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var days = ctx.Options.OpioidFreeVerificationDays;
        var (last, recent) = Observations.LatestAndRecent(ctx, UrineScreens.OpioidScreens(ctx), days);
        if (recent) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var oud = IndicationQueries.OudEvidence(ctx, ntx);
            if (oud.Count == 0) continue;
            findings.Add(Found(Indicators.Info,
                $"No urine opioid screen in the past {days} days before naltrexone for opioid use disorder ({(last is null ? "none on file" : $"last {Text.Date(last.When())}")})",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. oud,
                 last is null ? "No urine opioid screen on file." : $"Most recent urine opioid screen: {last.Code.Label("urine opioid screen")} on {Text.Date(last.When())} (Observation/{last.Id})"],
                ["Order a urine drug screen to confirm the patient is opioid-free.",
                 "Consider a naloxone challenge before the first dose (not in a patient with withdrawal signs or opioids in the urine)."],
                [Orders.OrderUrineDrugScreen(ctx, "Verify opioid-free status before naltrexone for opioid use disorder")]));
        }
    }
}
