using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// <summary>Opioids that are no longer active but were possibly taken within a washout window.</summary>
internal static class RecentOpioidUse
{
    /// <remarks>A plain loop into a list (asked by R04 and R05 on every ordering call: no iterator or closure).</remarks>
    public static IReadOnlyList<MedicationUse> Within(RuleContext ctx, bool longActing, int days)
    {
        var list = new List<MedicationUse>();
        var meds = ctx.Data.Medications;
        for (var i = 0; i < meds.Count; i++)
        {
            var m = meds[i];
            if (m.Class.IsOpioid && !m.IsActive && m.Status is not ("cancelled" or "not-taken")
                && m.Class.Has(MedicationKind.OpioidLongActing) == longActing
                && ctx.PossiblyWithinDays(m.LastUse, days))
                list.Add(m);
        }
        return list;
    }

    public static string Describe(RuleContext ctx, MedicationUse m) =>
        $"{m.Label} — {m.Source.TypeName} {m.Status}, last possible use {(m.LastUse is { } l ? $"{Text.Date(l)} ({Text.DaysAgo(ctx.Now, l)})" : "unknown")} ({m.Reference})";
}
