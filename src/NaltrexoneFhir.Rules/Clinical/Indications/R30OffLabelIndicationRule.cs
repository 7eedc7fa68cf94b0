using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Clinical.Dosing;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Indications;

/// R30 · off-label-indication · info                                       Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered with no on-label reason (alcohol or opioid use disorder) AND its
///      indication (reasonCode / reasonReference Condition) is compulsive sexual behaviour, non-suicidal self-injury,
///      cholestatic pruritus or a low-dose naltrexone use (fibromyalgia, multiple sclerosis, Crohn's disease, CRPS),
///      OR the oral order is itself a low-dose naltrexone regimen (its text says "low-dose naltrexone"/"LDN", or its
///      average daily dose is at most 5 mg: Rules:LowDoseMaxDailyMg). For naltrexone/bupropion, chronic weight
///      management is on-label.
/// Then info: naltrexone is off-label for this use and the evidence is limited; document the rationale and consent.
/// Source: clinical-reference §1.1 (LDN [LDN], [LDN-AAFP]; CSB case series [CSB]; NSSI case reports [NSSI];
///      cholestatic pruritus [PRURITUS]).
public sealed class R30OffLabelIndicationRule : Rule
{
    public override string Id => "R30";
    public override string Concern => Concerns.OffLabelIndication;
    public override string Title => "Off-label indication (CSB, NSSI, cholestatic pruritus, low-dose naltrexone)";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions];
    public override IReadOnlyList<ClinicalSource> Sources { get; } =
        [ClinicalSources.LowDoseNaltrexone, ClinicalSources.LowDoseNaltrexoneAafp, ClinicalSources.CompulsiveSexualBehaviour, ClinicalSources.SelfInjury, ClinicalSources.CholestaticPruritus];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var ldnSet = ctx.ValueSet(ValueSetUrls.LdnIndications);
        foreach (var draft in ctx.NaltrexoneTriggers)
        {
            var indications = IndicationQueries.Of(ctx, draft);
            if (indications.Any(i => i.IsOnLabel)) continue;
            var offLabel = indications.Where(i => !i.IsOnLabel).ToList();
            var evidence = offLabel.Select(i => $"Indication: {i.Label} — {i.Name} ({i.Evidence}){(i.By == MatchKind.Text ? ", matched by text" : "")}").ToList();

            if (draft.Class.Has(MedicationKind.NaltrexoneOral) && offLabel.All(i => i.Kind != IndicationKind.LowDoseNaltrexone))
            {
                var texts = draft.Request.MedicationCodeableConcept.Texts().Append(draft.Label)
                    .Concat((draft.Request.DosageInstruction ?? []).Select(d => d.Text ?? "")).Where(t => t.Length > 0);
                var phrase = texts.Select(ldnSet.FindPhrase).FirstOrDefault(p => p is not null);
                var dose = DraftDoses.Of(ctx).For(draft);
                if (phrase is not null)
                    evidence.Add($"The order names a low-dose naltrexone regimen ('{phrase}').");
                else if (dose.IsComputed && dose.MaxDailyMg > 0 && dose.MaxDailyMg <= ctx.Options.LowDoseMaxDailyMg)
                    evidence.Add($"Dose {dose.Describe()}: at most {Text.Num(ctx.Options.LowDoseMaxDailyMg)} mg a day is a low-dose naltrexone regimen.");
                if (phrase is not null || (dose.IsComputed && dose.MaxDailyMg > 0 && dose.MaxDailyMg <= ctx.Options.LowDoseMaxDailyMg))
                    offLabel.Add(new Indication(IndicationKind.LowDoseNaltrexone, "low-dose naltrexone", "the order", MatchKind.Text));
            }
            if (offLabel.Count == 0) continue;

            var first = offLabel[0];
            findings.Add(Found(Indicators.Info,
                $"Naltrexone for {Text.Clip(first.Kind == IndicationKind.LowDoseNaltrexone ? first.Label : first.Name, 45)} is off-label; evidence is limited",
                [$"Draft order: {draft.Label} ({draft.Reference})", .. evidence, .. offLabel.Select(i => Evidence(i.Kind)).Distinct()],
                ["Document the rationale for off-label use and the patient's informed consent.",
                 "On-label uses: alcohol dependence and opioid blockade (oral, extended-release); chronic weight management (naltrexone/bupropion)."],
                sources: offLabel.Select(i => SourceOf(i.Kind)).Distinct().ToList()));
        }
    }

    private static ClinicalSource SourceOf(IndicationKind kind) => kind switch
    {
        IndicationKind.CompulsiveSexualBehaviour => ClinicalSources.CompulsiveSexualBehaviour,
        IndicationKind.NonSuicidalSelfInjury => ClinicalSources.SelfInjury,
        IndicationKind.CholestaticPruritus => ClinicalSources.CholestaticPruritus,
        _ => ClinicalSources.LowDoseNaltrexone,
    };

    private static string Evidence(IndicationKind kind) => kind switch
    {
        IndicationKind.CompulsiveSexualBehaviour => "Evidence: a case series (17 of 19 men improved on adjunctive naltrexone); adolescent reports used up to 200 mg a day.",
        IndicationKind.NonSuicidalSelfInjury => "Evidence: case reports and series (e.g. 25 mg a day titrated to 50 mg).",
        IndicationKind.CholestaticPruritus => "Evidence: an RCT used 50 mg a day; starting can cause withdrawal-like reactions in cholestasis, so start low.",
        _ => "Evidence: low-dose naltrexone is usually 1.5–4.5 mg a day (most studies 4.5 mg); trials are small.",
    };
}
