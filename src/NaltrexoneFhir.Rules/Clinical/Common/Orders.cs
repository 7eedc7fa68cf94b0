using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

/// <summary>Suggestions whose actions do the work: remove a draft, order a test or a drug. Codes come from orderable-items.</summary>
public static class Orders
{
    public static SuggestionSpec RemoveDraft(DraftMedication draft, bool recommended = false) =>
        new($"Remove the {Text.Clip(draft.Label, 60)} order",
            [new CdsAction { Type = "delete", Description = $"Remove the draft order for {Text.Clip(draft.Label, 60)}.", ResourceId = draft.Order.ActionReference }],
            recommended);

    public static SuggestionSpec OrderLab(RuleContext ctx, string loincCode, string label, string reason, bool recommended = true)
    {
        var display = ctx.ValueSet(ValueSetUrls.OrderableItems).Display(CodeSystems.Loinc, loincCode) ?? label;
        var sr = new ServiceRequest
        {
            Status = "draft",
            Intent = "order",
            Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = loincCode, Display = display }], Text = label },
            Subject = new Reference { ReferenceValue = $"Patient/{ctx.Data.PatientId}" },
            AuthoredOn = FhirDateTime.From(ctx.Now),
            ReasonCode = [new CodeableConcept { Text = reason }],
        };
        return new SuggestionSpec($"Order {label}",
            [new CdsAction { Type = "create", Description = $"Order {label} (LOINC {loincCode}).", ResourceModel = sr }],
            recommended);
    }

    public static SuggestionSpec OrderHepaticPanel(RuleContext ctx, string reason) =>
        OrderLab(ctx, "24325-3", "hepatic function panel", reason);

    public static SuggestionSpec OrderUrineDrugScreen(RuleContext ctx, string reason) =>
        OrderLab(ctx, "19295-5", "urine opiate screen", reason);

    public static SuggestionSpec OrderPregnancyTest(RuleContext ctx, string reason) =>
        OrderLab(ctx, "2106-3", "urine hCG pregnancy test", reason);

    public static SuggestionSpec OrderNaloxone(RuleContext ctx)
    {
        const string code = "1725059";
        var display = ctx.ValueSet(ValueSetUrls.OrderableItems).Display(CodeSystems.RxNorm, code) ?? "Naloxone Hydrochloride 40 MG/ML Nasal Spray";
        var mr = new MedicationRequest
        {
            Status = "draft",
            Intent = "order",
            MedicationCodeableConcept = new CodeableConcept { Coding = [new Coding { System = CodeSystems.RxNorm, Code = code, Display = display }], Text = display },
            Subject = new Reference { ReferenceValue = $"Patient/{ctx.Data.PatientId}" },
            AuthoredOn = FhirDateTime.From(ctx.Now),
            DosageInstruction = [new Dosage { Text = "1 spray in one nostril for suspected opioid overdose; may repeat every 2–3 minutes in alternating nostrils; call emergency services.", AsNeededBoolean = true }],
        };
        return new SuggestionSpec("Prescribe naloxone nasal spray",
            [new CdsAction { Type = "create", Description = "Prescribe naloxone nasal spray for overdose reversal.", ResourceModel = mr }],
            true);
    }
}

/// <summary>Formatting for card text.</summary>
public static partial class Text
{
    public static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)].TrimEnd() + "…";

    /// <summary>The value set's own name for the drug in <paramref name="label"/> ("diphenoxylate" for Lomotil's long RxNorm name), else <see cref="Short"/>.</summary>
    public static string Named(RuleContext ctx, string valueSetUrl, string label, int max = 40)
    {
        var phrase = ctx.ValueSet(valueSetUrl).FindPhrase(label);
        return phrase is null ? Short(label, max) : Clip(char.ToUpperInvariant(phrase[0]) + phrase[1..], max);
    }

    /// <summary>
    /// A drug name for a summary: the label up to its first strength ("tramadol hydrochloride 50 MG Oral Tablet" →
    /// "tramadol hydrochloride"), without a leading release duration ("24 HR"), clipped.
    /// </summary>
    public static string Short(string label, int max = 40)
    {
        var s = LeadingDuration().Replace(label, "");
        var m = FirstNumber().Match(s);
        if (m.Success && m.Index > 2) s = s[..m.Index];
        return Clip(s.Trim(), max);
    }

    // Source-generated (compiled once, no per-call regex cache lookup or construction).
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*\d+\s*HR\s+", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex LeadingDuration();

    [System.Text.RegularExpressions.GeneratedRegex(@"\s\d")]
    private static partial System.Text.RegularExpressions.Regex FirstNumber();

    public static string Date(FhirDateTime? d) => d is { IsValid: true } v ? v.DisplayDate : "date unknown";

    public static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string Num(decimal v) => v.ToString(v == Math.Round(v) ? "0" : "0.##", System.Globalization.CultureInfo.InvariantCulture);

    public static string Ratio(decimal r) => Math.Round(r, 1).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "×";

    public static string DaysAgo(DateTimeOffset now, DateTimeOffset when)
    {
        var days = (int)Math.Floor((now - when).TotalDays);
        return days switch { < 0 => "scheduled ahead", 0 => "today", 1 => "1 day ago", _ => $"{days} days ago" };
    }

    public static string ClassifiedNote(MedicationClassification c) =>
        $"'{Clip(c.Label, 60)}' was classified from its free text, not from a code; check the order.";
}
