using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Interactions;

/// R03 · opioid-antidiarrheal-interaction · info                           Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the patient has an active opioid antidiarrheal (loperamide,
///      diphenoxylate, difenoxin, eluxadoline; active order/statement or a draft in the same session), OR a draft opioid
///      antidiarrheal is ordered while the patient is on naltrexone
/// Then info: naltrexone may block the antidiarrheal effect. Consider a non-opioid antidiarrheal (when the
///      antidiarrheal is the draft, suggest removing it).
/// Source: Vivitrol label §7 drug interactions [openFDA-VIV].
public sealed class R03OpioidAntidiarrhealRule : Rule
{
    public override string Id => "R03";
    public override string Concern => Concerns.OpioidAntidiarrhealInteraction;
    public override string Title => "Naltrexone with an opioid antidiarrheal";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolInteractions];
    public override bool IsTriggered(TriggerContext context) =>
        context.HasNaltrexoneTrigger || context.Triggers.Any(d => d.Class.Has(MedicationKind.OpioidAntidiarrheal));

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var antidiarrheals = ExposureQueries.ActiveOfKind(ctx, MedicationKind.OpioidAntidiarrheal);
        if (ctx.NaltrexoneTriggers.Any() && antidiarrheals.Count > 0)
        {
            foreach (var ntx in ctx.NaltrexoneTriggers)
                findings.Add(Finding(ntx.Label, ntx.Reference, Text.Named(ctx, ValueSetUrls.OpioidAntidiarrheals, antidiarrheals[0].Label),
                    [$"Draft order: {ntx.Label} ({ntx.Reference})", .. antidiarrheals.Select(a => $"Antidiarrheal: {a.Label} — {a.Description} ({a.Reference})")],
                    [], antidiarrheals.Concat([new Exposure(ntx.Label, ntx.Reference, "", ntx.Class, true)])));
            return;
        }
        var ntxActive = ExposureQueries.ActiveNaltrexone(ctx);
        if (ntxActive.Count == 0) return;
        foreach (var draft in ctx.Data.TriggerDrafts.Where(d => d.Class.Has(MedicationKind.OpioidAntidiarrheal)))
            findings.Add(Finding(ntxActive[0].Label, draft.Reference, Text.Named(ctx, ValueSetUrls.OpioidAntidiarrheals, draft.Label),
                [$"Draft order: {draft.Label} ({draft.Reference})", .. ntxActive.Select(n => $"Naltrexone: {n.Label} — {n.Description} ({n.Reference})")],
                [Orders.RemoveDraft(draft)], ntxActive.Append(new Exposure(draft.Label, draft.Reference, "", draft.Class, true))));
    }

    private Finding Finding(string ntxLabel, string reference, string antidiarrheal, IReadOnlyList<string> evidence, IReadOnlyList<SuggestionSpec> suggestions, IEnumerable<Exposure> all) =>
        Found(Indicators.Info,
            $"{antidiarrheal} with {Text.Short(ntxLabel, 30)}: naltrexone may block the opioid antidiarrheal",
            evidence,
            ["Consider a non-opioid antidiarrheal; naltrexone antagonises opioid antidiarrheals such as loperamide and diphenoxylate."],
            suggestions, all.Where(e => e.Class.FromText).Select(e => Text.ClassifiedNote(e.Class)).Distinct().ToList());
}
