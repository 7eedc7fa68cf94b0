using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Dosing;

/// <summary>
/// How much naltrexone one tablet, capsule or injection of an order holds, from (in this order): the Medication
/// resource's ingredient strength; the RxNorm display of the product code as held in the naltrexone value sets;
/// the single marketed strength of extended-release naltrexone (380 mg) and naltrexone/bupropion (8 mg), read from
/// those value sets' product displays; the order's own text when it names exactly one naltrexone amount.
/// </summary>
public static partial class NaltrexoneStrength
{
    private static readonly string[] ProductSets = [ValueSetUrls.NaltrexoneOral, ValueSetUrls.NaltrexoneExtendedRelease, ValueSetUrls.NaltrexoneBupropion];

    public static Strength? Of(RuleContext ctx, DraftMedication draft)
    {
        var request = draft.Request;
        var medication = request.MedicationReference is { } r ? ctx.Data.Resolver.Resolve<Medication>(r, request) : null;

        // 1. Medication.ingredient strength for the naltrexone ingredient (mg per 1 unit).
        var oral = ctx.ValueSet(ValueSetUrls.NaltrexoneOral);
        foreach (var ing in medication?.Ingredient ?? [])
        {
            if (ing.Strength is not { Numerator: { } num } ratio) continue;
            var isNtx = oral.ContainsAny(ing.ItemCodeableConcept) || ing.ItemCodeableConcept.Texts().Append(ing.ItemReference?.Display ?? "").Any(t => t.Contains("naltrexone", StringComparison.OrdinalIgnoreCase));
            if (!isNtx || num.Value is not { } nv || DoseCalculator.MassFactor(num.Code ?? num.Unit) is not { } f) continue;
            var per = ratio.Denominator?.Value ?? 1m;
            if (per <= 0 || IsVolume(ratio.Denominator?.Code ?? ratio.Denominator?.Unit)) continue;
            return new Strength(nv * f / per, $"Medication/{medication!.Id} ingredient strength");
        }

        // 2. The product code's display as held in the value sets (or as sent, for a code in those sets).
        var codings = request.MedicationCodeableConcept.Codings().Concat(medication?.Code.Codings() ?? []).ToList();
        foreach (var c in codings)
            foreach (var url in ProductSets)
            {
                var set = ctx.ValueSet(url);
                if (!set.Contains(c)) continue;
                var fromSet = set.Display(c.System!, c.Code!);
                var display = fromSet ?? c.Display;
                if ((fromSet is not null ? ParsedDisplays.GetOrAdd(fromSet, static d => Parse(d)) : Parse(display)) is { } mg)
                    return new Strength(mg, $"{display} (code {c.Code})");
            }

        // 3. Products made in a single strength.
        if (draft.Class.Has(MedicationKind.NaltrexoneExtendedRelease) && SingleStrength(ctx, ValueSetUrls.NaltrexoneExtendedRelease) is { } xr)
            return xr with { Source = $"extended-release naltrexone comes in one strength ({xr.Source})" };
        if (draft.Class.Has(MedicationKind.NaltrexoneBupropion) && SingleStrength(ctx, ValueSetUrls.NaltrexoneBupropion) is { } nb)
            return nb with { Source = $"naltrexone/bupropion comes in one strength ({nb.Source})" };

        // 4. The order's own text, when it names exactly one naltrexone amount per unit.
        foreach (var text in request.MedicationCodeableConcept.Texts().Concat(medication?.Code.Texts() ?? []).Append(request.MedicationReference?.Display ?? ""))
            if (Parse(text) is { } mg) return new Strength(mg, $"the order text '{text}'");
        return null;
    }

    /// <summary>
    /// The strength parsed from each value-set display, once per process (every naltrexone draft asks, and parsing runs
    /// three regular expressions). Only displays the value sets hold are kept, so it is as bounded as they are; an
    /// EHR's own display text is parsed each time.
    /// </summary>
    private static readonly ConcurrentDictionary<string, decimal?> ParsedDisplays = new(StringComparer.Ordinal);

    private static Strength? SingleStrength(RuleContext ctx, string url)
    {
        var values = ctx.ValueSet(url).Concepts.Where(c => c.System == CodeSystems.RxNorm)
            .Select(c => (c.Display, Mg: Parse(c.Display))).Where(x => x.Mg is not null).ToList();
        return values.Select(x => x.Mg).Distinct().Count() == 1 ? new Strength(values[0].Mg!.Value, values[0].Display!) : null;
    }

    /// <summary>
    /// The naltrexone amount in a drug name: the part naming naltrexone (split at '/') must hold exactly one mass
    /// ("naltrexone hydrochloride 8 MG"); concentrations ("1 mg/mL") are not a per-unit strength.
    /// </summary>
    public static decimal? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || Concentration().IsMatch(text)) return null;
        var parts = text.Split('/').Where(p => p.Contains("naltrexone", StringComparison.OrdinalIgnoreCase)).ToList();
        if (parts.Count != 1) return null;
        var masses = Mass().Matches(parts[0]);
        if (masses.Count != 1) return null;
        if (!decimal.TryParse(masses[0].Groups["v"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > 100_000) return null;
        return DoseCalculator.MassFactor(masses[0].Groups["u"].Value) is { } f ? value * f : null;
    }

    private static bool IsVolume(string? unit) => unit?.Trim().ToLowerInvariant() is "ml" or "l" or "dl" or "ul" or "milliliter" or "millilitre";

    [GeneratedRegex(@"(?<v>\d+(?:\.\d+)?)\s*(?<u>mg|mcg|ug|g)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Mass();

    [GeneratedRegex(@"\d\s*(mg|mcg|ug|g)\s*/\s*(m?l|ml)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Concentration();
}
