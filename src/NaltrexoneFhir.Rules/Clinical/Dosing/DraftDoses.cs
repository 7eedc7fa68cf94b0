using System.Text.Json;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// <summary>The computed dose of each naltrexone draft in a call (shared by R16–R18, R30 and DQ01).</summary>
public sealed class DraftDoses(RuleContext ctx)
{
    private readonly Dictionary<string, DoseResult> _byDraft = new(StringComparer.Ordinal);

    public static DraftDoses Of(RuleContext ctx) => ctx.Memo(c => new DraftDoses(c));

    public DoseResult For(DraftMedication draft)
    {
        if (_byDraft.TryGetValue(draft.Reference, out var cached)) return cached;
        var result = DoseCalculator.Compute(draft.Request.DosageInstruction, ProductOf(draft), NaltrexoneStrength.Of(ctx, draft));
        _byDraft[draft.Reference] = result;
        return result;
    }

    public static DoseProduct ProductOf(DraftMedication draft) =>
        draft.Class.Has(MedicationKind.NaltrexoneExtendedRelease) ? DoseProduct.ExtendedRelease
        : draft.Class.Has(MedicationKind.NaltrexoneBupropion) ? DoseProduct.NaltrexoneBupropion
        : DoseProduct.OralNaltrexone;
}

/// <summary>
/// Builds "update" actions that carry the whole draft MedicationRequest (from the EHR's own JSON, so nothing it sent
/// is lost) with a corrected dosageInstruction.
/// </summary>
public static class DosageEdits
{
    /// <summary>One dosage line: <paramref name="Amount"/> of <paramref name="Unit"/> ("mg" or "tablet"), <paramref name="Frequency"/> per <paramref name="Period"/> <paramref name="PeriodUnit"/>.</summary>
    public sealed record Line(decimal Amount, string Unit, int Frequency, decimal Period, string PeriodUnit, string Text, int? Sequence = null, decimal? BoundsDays = null);

    public static SuggestionSpec Update(DraftMedication draft, string label, string description, IReadOnlyList<Line> lines, bool recommended = true)
    {
        var node = JsonNode.Parse(draft.Order.Json.GetRawText())!.AsObject();
        var original = node["dosageInstruction"] as JsonArray;
        var first = original?.FirstOrDefault() as JsonObject;
        var dosage = new JsonArray();
        foreach (var l in lines)
        {
            var repeat = new JsonObject { ["frequency"] = l.Frequency, ["period"] = l.Period, ["periodUnit"] = l.PeriodUnit };
            if (l.BoundsDays is { } days)
                repeat["boundsDuration"] = new JsonObject { ["value"] = days, ["unit"] = days == 1 ? "day" : "days", ["system"] = CodeSystems.Ucum, ["code"] = "d" };
            var d = new JsonObject();
            if (l.Sequence is { } seq) d["sequence"] = seq;
            d["text"] = l.Text;
            d["timing"] = new JsonObject { ["repeat"] = repeat };
            if (first?["route"] is { } route) d["route"] = route.DeepClone();
            d["doseAndRate"] = new JsonArray(new JsonObject
            {
                ["doseQuantity"] = l.Unit == "mg"
                    ? new JsonObject { ["value"] = l.Amount, ["unit"] = "mg", ["system"] = CodeSystems.Ucum, ["code"] = "mg" }
                    : new JsonObject { ["value"] = l.Amount, ["unit"] = l.Amount == 1 ? l.Unit : l.Unit + "s", ["system"] = CodeSystems.Ucum, ["code"] = "{tbl}" },
            });
            dosage.Add(d);
        }
        node["dosageInstruction"] = dosage;
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return new SuggestionSpec(label,
            [new CdsAction { Type = "update", Description = description, Resource = doc.RootElement.Clone() }],
            recommended);
    }

}
