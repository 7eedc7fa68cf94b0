using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

/// <summary>A drug the patient is on, or is being ordered in the same session.</summary>
public sealed record Exposure(string Label, string Reference, string Description, MedicationClassification Class, bool IsDraft);

public static class ExposureQueries
{
    /// <summary>Active opioids: active/on-hold orders, active statements, and opioid drafts in the same session.</summary>
    public static IReadOnlyList<Exposure> ActiveOpioids(RuleContext ctx) =>
        ctx.Data.Medications.Where(m => m.IsActive && m.Class.IsOpioid)
            .Select(m => new Exposure(m.Label, m.Reference, $"{m.Source.TypeName} {m.Status}, since {Text.Date(m.Start)}", m.Class, false))
            .Concat(ctx.Data.DraftMedications.Where(d => d.Class.IsOpioid)
                .Select(d => new Exposure(d.Label, d.Reference, "draft order in this session", d.Class, true)))
            .ToList();

    /// <summary>
    /// Naltrexone the patient is on: active oral naltrexone or naltrexone/bupropion, extended-release naltrexone
    /// ordered or given within the blockade window, and naltrexone drafts in the same session.
    /// </summary>
    public static IReadOnlyList<Exposure> ActiveNaltrexone(RuleContext ctx, bool includeDrafts = true)
    {
        var list = new List<Exposure>();
        foreach (var m in ctx.Data.Medications.Where(m => m.Class.IsNaltrexone))
        {
            if (m.Class.Has(MedicationKind.NaltrexoneExtendedRelease))
            {
                if (m.Status is "cancelled" or "not-taken") continue;
                var start = m.Start is { IsValid: true } s ? s.End : (DateTimeOffset?)null;
                var last = new[] { start, m.Status is "active" or "on-hold" or "intended" ? ctx.Now : null, m.LastUse }.Max();
                if (ctx.PossiblyWithinDays(last, ctx.Options.ExtendedReleaseBlockadeDays))
                    list.Add(new Exposure(m.Label, m.Reference, $"extended-release, {m.Status}, last {Text.Date(m.Start)}", m.Class, false));
            }
            else if (m.IsActive)
                list.Add(new Exposure(m.Label, m.Reference, $"{m.Source.TypeName} {m.Status}, since {Text.Date(m.Start)}", m.Class, false));
        }
        if (includeDrafts)
            list.AddRange(ctx.Data.DraftMedications.Where(d => d.Class.IsNaltrexone)
                .Select(d => new Exposure(d.Label, d.Reference, "draft order in this session", d.Class, true)));
        return list;
    }

    /// <summary>Active medications of a kind (active/on-hold orders, active/intended statements) and, if asked, drafts of that kind in this session.</summary>
    public static IReadOnlyList<Exposure> ActiveOfKind(RuleContext ctx, MedicationKind kind, bool includeDrafts = true) =>
        ctx.Data.Medications.Where(m => m.IsActive && m.Class.Has(kind))
            .Select(m => new Exposure(m.Label, m.Reference, $"{m.Source.TypeName} {m.Status}, since {Text.Date(m.Start)}", m.Class, false))
            .Concat(includeDrafts
                ? ctx.Data.DraftMedications.Where(d => d.Class.Has(kind)).Select(d => new Exposure(d.Label, d.Reference, "draft order in this session", d.Class, true))
                : [])
            .ToList();

    /// <summary>Any naltrexone product on record (any status but cancelled / not taken): the patient has taken naltrexone before.</summary>
    public static IReadOnlyList<MedicationUse> NaltrexoneHistory(RuleContext ctx) =>
        ctx.Data.Medications.Where(m => m.Class.IsNaltrexone && m.Status is not ("cancelled" or "not-taken")).ToList();
}
