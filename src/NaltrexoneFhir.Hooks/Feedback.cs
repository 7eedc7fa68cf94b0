using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NaltrexoneFhir.Hooks;

/// <summary>An override reason as sent: the Coding may lack a display (the sandbox sends only system and code).</summary>
public sealed record FeedbackReason(string? System, string? Code, string? Display, string? UserComment);

/// <summary>One validated feedback entry (CDS Hooks 2.0 §feedback).</summary>
public sealed record FeedbackEntry(
    string Card,
    string Outcome,
    IReadOnlyList<string> AcceptedSuggestions,
    FeedbackReason? OverrideReason,
    DateTimeOffset OutcomeTimestamp);

public sealed record FeedbackLimits(int MaxEntries = 1000, int MaxIdLength = 128, int MaxCommentLength = 4000, int MaxCodingLength = 512);

/// <summary>
/// Parses and validates <c>{"feedback":[...]}</c>. Every problem is an issue naming the element (e.g.
/// <c>feedback[2].outcome</c>); nothing throws for bad input. Strict on the spec's invariants (cds-fb-1/2: outcome
/// accepted|overridden, accepted needs acceptedSuggestions with ids; card and outcomeTimestamp required), lenient
/// where nothing is lost: unknown fields, a reason Coding without display or system, an empty overrideReason,
/// outcome in any letter case, <c>urn:uuid:</c> prefixes, a timestamp with an offset other than Z (converted to UTC).
/// </summary>
public static partial class FeedbackParser
{
    public const string Accepted = "accepted", Overridden = "overridden";

    public static (IReadOnlyList<FeedbackEntry>? Entries, IReadOnlyList<RequestIssue> Issues) Parse(JsonElement root, FeedbackLimits? limits = null)
    {
        limits ??= new FeedbackLimits();
        var issues = new List<RequestIssue>();
        if (root.ValueKind != JsonValueKind.Object)
            return (null, [new("structure", "The feedback body must be a JSON object {\"feedback\": [...]}.")]);
        if (!root.TryGetProperty("feedback", out var list) || list.ValueKind == JsonValueKind.Null)
            return (null, [new("required", "feedback is required (an array of feedback entries).", "feedback")]);
        if (list.ValueKind != JsonValueKind.Array)
            return (null, [new("structure", "feedback must be an array.", "feedback")]);
        var count = list.GetArrayLength();
        if (count == 0)
            return (null, [new("required", "feedback must contain at least one entry.", "feedback")]);
        if (count > limits.MaxEntries)
            return (null, [new("too-costly", $"feedback has {count} entries; at most {limits.MaxEntries} are accepted per request.", "feedback")]);

        var entries = new List<FeedbackEntry>(count);
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var entry = ParseEntry(item, $"feedback[{i}]", limits, issues);
            if (entry is not null) entries.Add(entry);
            i++;
        }
        return issues.Count > 0 ? (null, issues) : (entries, issues);
    }

    private static FeedbackEntry? ParseEntry(JsonElement item, string at, FeedbackLimits limits, List<RequestIssue> issues)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new("structure", $"{at} must be an object.", at));
            return null;
        }
        var before = issues.Count;
        var card = Id(RequiredString(item, "card", at, issues), $"{at}.card", limits, issues);

        string? outcome = null;
        var rawOutcome = RequiredString(item, "outcome", at, issues);
        if (rawOutcome is not null)
        {
            outcome = rawOutcome.Trim().ToLowerInvariant();
            if (outcome is not (Accepted or Overridden))
            {
                issues.Add(new("value", $"{at}.outcome must be 'accepted' or 'overridden' (cds-fb-1).", $"{at}.outcome"));
                outcome = null;
            }
        }

        var suggestions = new List<string>();
        if (item.TryGetProperty("acceptedSuggestions", out var accepted) && accepted.ValueKind != JsonValueKind.Null)
        {
            if (accepted.ValueKind != JsonValueKind.Array)
                issues.Add(new("structure", $"{at}.acceptedSuggestions must be an array of {{\"id\": ...}}.", $"{at}.acceptedSuggestions"));
            else
            {
                var j = 0;
                foreach (var s in accepted.EnumerateArray())
                {
                    var sat = $"{at}.acceptedSuggestions[{j++}]";
                    if (s.ValueKind != JsonValueKind.Object)
                    {
                        issues.Add(new("structure", $"{sat} must be an object with an id.", sat));
                        continue;
                    }
                    if (Id(RequiredString(s, "id", sat, issues), $"{sat}.id", limits, issues) is { } id) suggestions.Add(id);
                }
            }
        }
        if (outcome == Accepted && suggestions.Count == 0 && issues.Count == before)
            issues.Add(new("required", $"{at}.acceptedSuggestions is required when outcome is 'accepted' (cds-fb-2).", $"{at}.acceptedSuggestions"));

        FeedbackReason? reason = null;
        if (item.TryGetProperty("overrideReason", out var or) && or.ValueKind != JsonValueKind.Null)
        {
            if (or.ValueKind != JsonValueKind.Object)
                issues.Add(new("structure", $"{at}.overrideReason must be an object.", $"{at}.overrideReason"));
            else
                reason = ParseReason(or, $"{at}.overrideReason", limits, issues);
        }

        DateTimeOffset? when = null;
        var rawWhen = RequiredString(item, "outcomeTimestamp", at, issues);
        if (rawWhen is not null)
        {
            if (Rfc3339().IsMatch(rawWhen) && DateTimeOffset.TryParse(rawWhen, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                when = parsed;
            else
                issues.Add(new("value", $"{at}.outcomeTimestamp must be an RFC 3339 date-time, e.g. 2026-11-22T10:05:31Z.", $"{at}.outcomeTimestamp"));
        }

        if (issues.Count > before || card is null || outcome is null || when is null) return null;
        return new FeedbackEntry(card, outcome, suggestions, reason, when.Value);
    }

    private static FeedbackReason? ParseReason(JsonElement or, string at, FeedbackLimits limits, List<RequestIssue> issues)
    {
        string? system = null, code = null, display = null;
        if (or.TryGetProperty("reason", out var coding) && coding.ValueKind != JsonValueKind.Null)
        {
            if (coding.ValueKind != JsonValueKind.Object)
                issues.Add(new("structure", $"{at}.reason must be a Coding object.", $"{at}.reason"));
            else
            {
                system = Bounded(OptionalString(coding, "system", $"{at}.reason", issues), $"{at}.reason.system", limits.MaxCodingLength, issues);
                code = Bounded(OptionalString(coding, "code", $"{at}.reason", issues), $"{at}.reason.code", limits.MaxCodingLength, issues);
                display = Bounded(OptionalString(coding, "display", $"{at}.reason", issues), $"{at}.reason.display", limits.MaxCodingLength, issues);
                if (code is null && !issues.Any(i => i.Expression?.StartsWith($"{at}.reason", StringComparison.Ordinal) == true))
                    issues.Add(new("required", $"{at}.reason.code is required in a reason Coding.", $"{at}.reason.code"));
            }
        }
        var comment = Bounded(OptionalString(or, "userComment", at, issues), $"{at}.userComment", limits.MaxCommentLength, issues);
        if (comment is not null && string.IsNullOrWhiteSpace(comment)) comment = null;
        // cds-fb-3 asks for a reason and/or a comment; an empty object carries nothing, so it is read as "no reason".
        return code is null && comment is null ? null : new FeedbackReason(system, code, display, comment);
    }

    /// <summary>Card and suggestion ids: a <c>urn:uuid:</c> prefix is dropped and a UUID is written in lower case, so the same id always matches.</summary>
    public static string NormalizeId(string id)
    {
        var s = id.Trim();
        if (s.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase)) s = s["urn:uuid:".Length..];
        return Guid.TryParse(s, out var g) ? g.ToString() : s;
    }

    private static string? Id(string? raw, string at, FeedbackLimits limits, List<RequestIssue> issues)
    {
        if (raw is null) return null;
        if (raw.Length > limits.MaxIdLength)
        {
            issues.Add(new("too-costly", $"{at} is longer than {limits.MaxIdLength} characters.", at));
            return null;
        }
        return NormalizeId(raw);
    }

    private static string? Bounded(string? value, string at, int max, List<RequestIssue> issues)
    {
        if (value is null || value.Length <= max) return value;
        issues.Add(new("too-costly", $"{at} is longer than {max} characters.", at));
        return null;
    }

    private static string? RequiredString(JsonElement obj, string name, string at, List<RequestIssue> issues)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            issues.Add(new("required", $"{at}.{name} is required.", $"{at}.{name}"));
            return null;
        }
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            issues.Add(new("structure", $"{at}.{name} must be a non-empty string.", $"{at}.{name}"));
            return null;
        }
        return Storable(v.GetString()!, $"{at}.{name}", issues);
    }

    private static string? OptionalString(JsonElement obj, string name, string at, List<RequestIssue> issues)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            issues.Add(new("structure", $"{at}.{name} must be a string.", $"{at}.{name}"));
            return null;
        }
        return Storable(v.GetString()!, $"{at}.{name}", issues);
    }

    /// <summary>
    /// U+0000 is refused in every string: PostgreSQL's text cannot hold it, and the store's refusal would otherwise
    /// reach the EHR as a 503 it retries for good.
    /// </summary>
    private static string? Storable(string value, string at, List<RequestIssue> issues)
    {
        if (!value.Contains('\0')) return value;
        issues.Add(new("value", $"{at} must not contain U+0000.", at));
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?$")]
    private static partial Regex Rfc3339();
}
