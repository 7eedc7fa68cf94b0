using System.Text.RegularExpressions;

namespace NaltrexoneFhir.Rules.Clinical.Common;

/// <summary>
/// Guards for the free-text fallback of value sets (fhir-profiles/README "Known overlaps"): whole-word designations
/// do not understand negation ("denies suicidal ideation", "not pregnant"), history ("history of depression"), or
/// other meanings of a word ("respiratory depression", "ST depression", "surgical consult"). A text-only match is
/// dropped when one of these cues is present; coded matches are never affected. "without" is deliberately not a cue:
/// it is part of many diagnosis names ("cirrhosis without ascites", "dependence without complication").
/// </summary>
public static partial class TextGuards
{
    /// <summary>True when the text negates, rules out or puts in the past what it names, or uses a word in another sense.</summary>
    public static bool Rejects(string? text) =>
        !string.IsNullOrWhiteSpace(text) && (Negation().IsMatch(text) || OtherSense().IsMatch(text));

    /// <summary>Planned-surgery text that is not an operation (a consult, a follow-up, the history).</summary>
    public static bool RejectsSurgery(string? text) =>
        !string.IsNullOrWhiteSpace(text) && (Rejects(text) || NotAnOperation().IsMatch(text));

    [GeneratedRegex(@"\b(no|not|denies|denied|deny|negative|neg|ruled\s+out|rule\s+out|r/o|history\s+of|hx\s+of|h/o|family\s+history|fh|free\s+of|absence\s+of|resolved|remote|screening\s+for|risk\s+of|at\s+risk|concern\s+for)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Negation();

    [GeneratedRegex(@"\b(respiratory|st|st-segment|cns|central\s+nervous\s+system|bone\s+marrow|myocardial|marrow|ventilatory)\s+depression\b|\bdepression\s+of\s+(consciousness|respiration)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OtherSense();

    [GeneratedRegex(@"\b(consult|consultation|referral|refer|follow[-\s]?up|post[-\s]?op|postoperative|post-surgical|clearance|evaluation|history|wound\s+check|clinic\s+visit)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotAnOperation();
}
