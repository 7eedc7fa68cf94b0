using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// <summary>Opioids that are no longer active but were possibly taken within a washout window.</summary>
internal static class RecentOpioidUse
{
    public static IEnumerable<MedicationUse> Within(RuleContext ctx, bool longActing, int days) =>
        ctx.Data.Medications.Where(m =>
            m.Class.IsOpioid && !m.IsActive && m.Status is not ("cancelled" or "not-taken")
            && m.Class.Has(MedicationKind.OpioidLongActing) == longActing
            && ctx.PossiblyWithinDays(m.LastUse, days));

    public static string Describe(RuleContext ctx, MedicationUse m) =>
        $"{m.Label} — {m.Source.TypeName} {m.Status}, last possible use {(m.LastUse is { } l ? $"{Text.Date(l)} ({Text.DaysAgo(ctx.Now, l)})" : "unknown")} ({m.Reference})";
}
