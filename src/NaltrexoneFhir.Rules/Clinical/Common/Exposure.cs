using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

/// <summary>A drug the patient is on, or is being ordered in the same session.</summary>
public sealed record Exposure(string Label, string Reference, string Description, MedicationClassification Class, bool IsDraft);

/// <remarks>
/// Plain loops: every hook call asks several of these (one or two per opioid, interaction and naltrexone rule), and
/// their LINQ chains (a filter, a projection and a concatenation, each an iterator with a closure) were ~3 % of the
/// bytes a typical call allocates (BENCHMARKS.md, session 18).
/// </remarks>
public static class ExposureQueries
{
    /// <summary>Active opioids: active/on-hold orders, active statements, and opioid drafts in the same session.</summary>
    public static IReadOnlyList<Exposure> ActiveOpioids(RuleContext ctx) => ActiveOfKind(ctx, MedicationKind.Opioid);

    /// <summary>
    /// Naltrexone the patient is on: active oral naltrexone or naltrexone/bupropion, extended-release naltrexone
    /// ordered or given within the blockade window, and naltrexone drafts in the same session.
    /// </summary>
    public static IReadOnlyList<Exposure> ActiveNaltrexone(RuleContext ctx, bool includeDrafts = true)
    {
        var list = new List<Exposure>();
        var meds = ctx.Data.Medications;
        for (var i = 0; i < meds.Count; i++)
        {
            var m = meds[i];
            if (!m.Class.IsNaltrexone) continue;
            if (m.Class.Has(MedicationKind.NaltrexoneExtendedRelease))
            {
                if (m.Status is "cancelled" or "not-taken") continue;
                var start = m.Start is { IsValid: true } s ? s.End : (DateTimeOffset?)null;
                var last = new[] { start, m.Status is "active" or "on-hold" or "intended" ? ctx.Now : null, m.LastUse }.Max();
                if (ctx.PossiblyWithinDays(last, ctx.Options.ExtendedReleaseBlockadeDays))
                    list.Add(new Exposure(m.Label, m.Reference, $"extended-release, {m.Status}, last {Text.Date(m.Start)}", m.Class, false));
            }
            else if (m.IsActive)
                list.Add(Active(m));
        }
        if (includeDrafts) AddDrafts(ctx, list, MedicationKind.AnyNaltrexone);
        return list;
    }

    /// <summary>Active medications of a kind (active/on-hold orders, active/intended statements) and, if asked, drafts of that kind in this session.</summary>
    public static IReadOnlyList<Exposure> ActiveOfKind(RuleContext ctx, MedicationKind kind, bool includeDrafts = true)
    {
        var list = new List<Exposure>();
        var meds = ctx.Data.Medications;
        for (var i = 0; i < meds.Count; i++)
            if (meds[i].IsActive && meds[i].Class.Has(kind)) list.Add(Active(meds[i]));
        if (includeDrafts) AddDrafts(ctx, list, kind);
        return list;
    }

    /// <summary>Any naltrexone product on record (any status but cancelled / not taken): the patient has taken naltrexone before.</summary>
    public static IReadOnlyList<MedicationUse> NaltrexoneHistory(RuleContext ctx)
    {
        var list = new List<MedicationUse>();
        var meds = ctx.Data.Medications;
        for (var i = 0; i < meds.Count; i++)
            if (meds[i].Class.IsNaltrexone && meds[i].Status is not ("cancelled" or "not-taken")) list.Add(meds[i]);
        return list;
    }

    private static Exposure Active(MedicationUse m) =>
        new(m.Label, m.Reference, $"{m.Source.TypeName} {m.Status}, since {Text.Date(m.Start)}", m.Class, false);

    /// <summary>The session's drafts of <paramref name="kind"/>.</summary>
    private static void AddDrafts(RuleContext ctx, List<Exposure> list, MedicationKind kind)
    {
        var drafts = ctx.Data.DraftMedications;
        for (var i = 0; i < drafts.Count; i++)
            if (drafts[i].Class.Has(kind)) list.Add(new(drafts[i].Label, drafts[i].Reference, "draft order in this session", drafts[i].Class, true));
    }
}
