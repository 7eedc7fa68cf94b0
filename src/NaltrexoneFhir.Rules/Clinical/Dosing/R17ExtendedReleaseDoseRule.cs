using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// R17 · dose-above-recommended · warning                                  Hooks: order-select, order-sign
/// When a draft extended-release naltrexone order's dose per injection is not 380 mg (Rules:ExtendedReleaseDoseMg),
///      or its repeat interval is shorter than 4 weeks (28 days; Rules:ExtendedReleaseMinIntervalDays). A monthly
///      repeat counts as at least 28 days. An order without a repeat is one injection (its interval is not checked).
/// Then warning: extended-release naltrexone is given as 380 mg every 4 weeks (one strength only). Suggest updating
///      the draft to 380 mg every 4 weeks.
/// Source: Vivitrol highlights [VIV-HL]; Vivitrol dosing and administration [VIV-HCP].
public sealed class R17ExtendedReleaseDoseRule : Rule
{
    public override string Id => "R17";
    public override string Concern => Concerns.DoseAboveRecommended;
    public override string Title => "Extended-release naltrexone not 380 mg every 4 weeks";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolHighlights, ClinicalSources.VivitrolDosing];
    public override bool IsTriggered(TriggerContext context) => context.Triggers.Any(d => d.Class.Has(MedicationKind.NaltrexoneExtendedRelease));

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var o = ctx.Options;
        foreach (var draft in ctx.NaltrexoneTriggers.Where(d => d.Class.Has(MedicationKind.NaltrexoneExtendedRelease)))
        {
            var dose = DraftDoses.Of(ctx).For(draft);
            if (!dose.IsComputed) continue;
            var wrongDose = dose.MinSingleMg != o.ExtendedReleaseDoseMg || dose.MaxSingleMg != o.ExtendedReleaseDoseMg;
            var interval = dose.MinIntervalDays;
            var tooOften = interval is { } i && i < o.ExtendedReleaseMinIntervalDays;
            if (!wrongDose && !tooOften) continue;

            var problems = new List<string>();
            if (wrongDose) problems.Add($"{DoseCalculator.Mg(new Bounds(dose.MinSingleMg, dose.MaxSingleMg))} per injection");
            if (tooOften) problems.Add($"every {Text.Num(interval!.Value)} days");
            findings.Add(Found(Indicators.Warning,
                $"Extended-release naltrexone ordered as {string.Join(", ", problems)}: the label dose is {Text.Num(o.ExtendedReleaseDoseMg)} mg every 4 weeks",
                [$"Draft order: {draft.Label} ({draft.Reference})", $"Dose: {dose.Describe()}",
                 $"Label: {Text.Num(o.ExtendedReleaseDoseMg)} mg by deep intramuscular gluteal injection every 4 weeks or once a month; one strength only."],
                ["Correct the dose to 380 mg and the interval to every 4 weeks."],
                [DosageEdits.Update(draft, $"Change to {Text.Num(o.ExtendedReleaseDoseMg)} mg every 4 weeks",
                    $"Update the order to {Text.Num(o.ExtendedReleaseDoseMg)} mg intramuscular injection every 4 weeks.",
                    [new DosageEdits.Line(o.ExtendedReleaseDoseMg, "mg", 1, 4, "wk", $"{Text.Num(o.ExtendedReleaseDoseMg)} mg by deep intramuscular gluteal injection every 4 weeks, alternating buttocks")])],
                weight: 1));
        }
    }
}
