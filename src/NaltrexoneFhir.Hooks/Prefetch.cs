using System.Text;
using System.Text.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Hooks;

/// <summary>
/// One piece of patient data the service reads: its prefetch key, the FHIR resource type it yields, and the
/// query template. The same definition produces the discovery prefetch template and the FHIR-server
/// fallback query, so the two cannot drift.
/// </summary>
public sealed record DataKey(string Name, string ResourceType, string Template, string Description)
{
    /// <summary>What the data is called in card text ("medication list", "liver tests").</summary>
    public string Label { get; init; } = Name;

    /// <summary>True for a read (Patient/{{context.patientId}}), false for a search (Type?params).</summary>
    public bool IsRead => !Template.Contains('?', StringComparison.Ordinal);

    /// <summary>Renders the template with the hook context (2.0 tokens: root-level primitive context fields).</summary>
    public string Render(IReadOnlyDictionary<string, string> context)
    {
        var sb = new StringBuilder(Template.Length + 32);
        var i = 0;
        while (i < Template.Length)
        {
            var open = Template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0) { sb.Append(Template, i, Template.Length - i); break; }
            var close = Template.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0) throw new FormatException($"Unclosed token in prefetch template '{Name}'.");
            sb.Append(Template, i, open - i);
            var token = Template[(open + 2)..close].Trim();
            var field = token.StartsWith("context.", StringComparison.Ordinal) ? token["context.".Length..] : token;
            if (!context.TryGetValue(field, out var value))
                throw new FormatException($"Prefetch template '{Name}' needs context field '{field}'.");
            sb.Append(Uri.EscapeDataString(value));
            i = close + 2;
        }
        return sb.ToString();
    }
}

/// <summary>The four prefetch states of CDS Hooks 2.0, plus "unreadable" for a value the service cannot parse.</summary>
public enum PrefetchState { Absent, Null, Provided, OperationOutcome, Unreadable }

public sealed record PrefetchValue(PrefetchState State, IReadOnlyList<Resource> Resources, string? Problem = null, Bundle? Bundle = null)
{
    public static readonly PrefetchValue AbsentValue = new(PrefetchState.Absent, []);
    public static readonly PrefetchValue NullValue = new(PrefetchState.Null, []);

    /// <summary>Data is known (possibly known to be empty).</summary>
    public bool IsAvailable => State is PrefetchState.Null or PrefetchState.Provided;
}

public static class PrefetchReader
{
    /// <summary>Reads one prefetch entry. A Bundle yields its entry resources; a single resource yields itself.</summary>
    public static PrefetchValue Read(JsonElement? value) => Read(value is { } v ? RawJson.Of(v) : null);

    /// <summary>Reads one prefetch entry from its JSON text (see <see cref="HookBody"/>).</summary>
    public static PrefetchValue Read(RawJson? value)
    {
        if (value is null) return PrefetchValue.AbsentValue;
        var v = value.Value;
        if (v.Kind == JsonValueKind.Null) return PrefetchValue.NullValue;
        if (v.Kind != JsonValueKind.Object)
            return new(PrefetchState.Unreadable, [], $"expected a FHIR resource or null, found {v.Kind}");
        Resource resource;
        try
        {
            resource = v.Resource ?? Fhir.Json.FhirJson.ReadForRules(v.Utf8);
        }
        catch (JsonException ex)
        {
            return new(PrefetchState.Unreadable, [], ShortJsonError(ex));
        }
        switch (resource)
        {
            case OperationOutcome oo:
                var text = oo.Issue?.Select(i => i.Diagnostics ?? i.Details?.Text ?? i.Code).FirstOrDefault(t => t is not null);
                return new(PrefetchState.OperationOutcome, [], text ?? "the EHR reported an error for this query");
            case Bundle bundle:
                return FromBundle(bundle);
            default:
                return new(PrefetchState.Provided, [resource]);
        }
    }

    /// <summary>A Bundle's entry resources as provided data (also used for Bundles assembled from several pages).</summary>
    public static PrefetchValue FromBundle(Bundle bundle)
    {
        var list = new List<Resource>(bundle.Entry?.Count ?? 0);
        foreach (var e in bundle.Entry ?? [])
        {
            if (e.Resource is null) continue;
            // A search Bundle may carry an OperationOutcome with search.mode = outcome: it is a warning, not data.
            if (e.Resource is OperationOutcome && e.Search?.Mode == "outcome") continue;
            list.Add(e.Resource);
        }
        return new(PrefetchState.Provided, list, Bundle: bundle);
    }

    /// <summary>The Bundle's <c>link[relation=next]</c> URL, if any.</summary>
    public static string? NextLink(Bundle? bundle) =>
        bundle?.Link?.FirstOrDefault(l => string.Equals(l.Relation, "next", StringComparison.Ordinal))?.Url;

    /// <summary>A JSON error message without any of the offending content.</summary>
    public static string ShortJsonError(JsonException ex) =>
        ex.Path is { Length: > 0 } path ? $"invalid JSON value at {path}" : "invalid JSON";
}
