using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Interactions;

/// R27 · duplicate-therapy · warning                                       Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the patient already has another naltrexone product: an active
///      oral naltrexone, low-dose naltrexone or naltrexone/bupropion order/statement; an active extended-release
///      order; an extended-release injection possibly within the last 35 days (Rules:ExtendedReleaseBlockadeDays) —
///      for a new extended-release draft only within 28 days (Rules:ExtendedReleaseMinIntervalDays), since the next
///      injection is due every 4 weeks; or another naltrexone draft in the same session
/// Then warning: duplicate naltrexone therapy; stop one product. Suggest removing the draft.
/// Source: the labels' dosing (one product at the labelled dose) [DM-NTX], [VIV-HL]; duplicate-therapy practice.
public sealed class R27DuplicateNaltrexoneRule : Rule
{
    public override string Id => "R27";
    public override string Concern => Concerns.DuplicateTherapy;
    public override string Title => "Duplicate naltrexone therapy";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabel, ClinicalSources.VivitrolHighlights];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        foreach (var draft in ctx.NaltrexoneTriggers)
        {
            var draftIsXr = draft.Class.Has(MedicationKind.NaltrexoneExtendedRelease);
            var others = new List<Exposure>();
            foreach (var m in ctx.Data.Medications.Where(m => m.Class.IsNaltrexone && m.Status is not ("cancelled" or "not-taken")))
            {
                if (m.IsActive)
                    others.Add(new Exposure(m.Label, m.Reference, $"{m.Source.TypeName} {m.Status}, since {Text.Date(m.Start)}", m.Class, false));
                else if (m.Class.Has(MedicationKind.NaltrexoneExtendedRelease) && m.Start is { IsValid: true } given)
                {
                    var window = draftIsXr ? ctx.Options.ExtendedReleaseMinIntervalDays : ctx.Options.ExtendedReleaseBlockadeDays;
                    if (ctx.PossiblyWithinDays(given.End, window))
                        others.Add(new Exposure(m.Label, m.Reference, $"extended-release given {Text.Date(given)} ({Text.DaysAgo(ctx.Now, given.Start)}), {m.Status}", m.Class, false));
                }
            }
            others.AddRange(ctx.Data.DraftMedications.Where(d => d.Class.IsNaltrexone && d.Reference != draft.Reference)
                .Select(d => new Exposure(d.Label, d.Reference, "another draft order in this session", d.Class, true)));
            if (others.Count == 0) continue;
            var first = others[0];
            findings.Add(Found(Indicators.Warning,
                $"Duplicate naltrexone: {Text.Clip(first.Label, 50)} is already {(first.IsDraft ? "ordered in this session" : "active")}; stop one product",
                [$"Draft order: {draft.Label} ({draft.Reference})", .. others.Select(o => $"Also naltrexone: {o.Label} — {o.Description} ({o.Reference})")],
                ["Use one naltrexone product: stop the other, or remove this order.",
                 .. draftIsXr && others.Any(o => o.Class.Has(MedicationKind.NaltrexoneExtendedRelease)) ? [$"Extended-release naltrexone is given every 4 weeks; the next injection is not yet due."] : Array.Empty<string>()],
                [Orders.RemoveDraft(draft, recommended: true)],
                others.Concat([new Exposure(draft.Label, draft.Reference, "", draft.Class, true)]).Where(e => e.Class.FromText).Select(e => Text.ClassifiedNote(e.Class)).Distinct().ToList()));
        }
    }
}
