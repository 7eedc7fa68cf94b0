using System.Text.Json;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Hooks;

/// <summary>A problem with a request, reported as an OperationOutcome issue.</summary>
public sealed record RequestIssue(string Code, string Message, string? Expression = null);

/// <summary>A draft order from context.draftOrders: the parsed resource and its original JSON (for update actions).</summary>
public sealed record DraftOrder(Resource Resource, JsonElement Json, string? FullUrl, string? SourceType = null)
{
    /// <summary>"Type/id" as read (R4 type), used to match selections.</summary>
    public string Reference => Resource.Id is { Length: > 0 } id ? $"{Resource.TypeName}/{id}" : FullUrl ?? Resource.TypeName;

    /// <summary>"Type/id" in the EHR's own resource type (e.g. DSTU2 MedicationOrder), for suggestion actions.</summary>
    public string ActionReference => Resource.Id is { Length: > 0 } id ? $"{SourceType ?? Resource.TypeName}/{id}" : FullUrl ?? Resource.TypeName;
}

/// <summary>A validated hook request. Raw prefetch values are kept as JSON until the data layer reads them.</summary>
public sealed record HookRequest
{
    public required string Hook { get; init; }
    public required string HookInstance { get; init; }
    public string? FhirServer { get; init; }
    public FhirAuthorization? FhirAuthorization { get; init; }
    public required string PatientId { get; init; }
    public string? UserId { get; init; }
    public string? EncounterId { get; init; }
    public Bundle? DraftOrdersBundle { get; init; }
    public IReadOnlyList<DraftOrder> DraftOrders { get; init; } = [];
    public IReadOnlyList<string>? Selections { get; init; }
    /// <summary>Root-level primitive context fields, for prefetch template tokens.</summary>
    public required IReadOnlyDictionary<string, string> ContextTokens { get; init; }
    /// <summary>Prefetch key → raw value (read by the data layer). A key that is absent from the request is absent here.</summary>
    public IReadOnlyDictionary<string, RawJson> Prefetch { get; init; } = new Dictionary<string, RawJson>();
}

/// <summary>
/// Parses and validates the JSON body of a hook call (CDS Hooks 2.0, tolerant of 1.0 and the 3.0 ballot).
/// Every problem is collected as an issue naming the element; nothing here throws for bad input.
/// </summary>
public static class HookRequestParser
{
    /// <param name="root">The body.</param>
    /// <param name="expectedHook">The hook the called service handles.</param>
    /// <param name="prefetch">The prefetch values when the body was read by <see cref="HookBody"/> and they were kept
    /// apart (the root's own <c>prefetch</c> is then an empty placeholder); null to take them from <paramref name="root"/>.</param>
    public static (HookRequest? Request, IReadOnlyList<RequestIssue> Issues) Parse(JsonElement root, string expectedHook, IReadOnlyDictionary<string, RawJson>? prefetch = null)
    {
        var issues = new List<RequestIssue>();
        if (root.ValueKind != JsonValueKind.Object)
            return (null, [new("structure", "The request body must be a JSON object.")]);

        var hook = RequiredString(root, "hook", issues);
        if (hook is not null && hook != expectedHook)
            issues.Add(new("invalid", $"This service handles the '{expectedHook}' hook, not '{Trim(hook)}'.", "hook"));

        var hookInstance = RequiredString(root, "hookInstance", issues);
        // A UUID by the spec; any id is tolerated, but not control characters: they forge log lines, and U+0000 is text
        // PostgreSQL cannot store (the call's audit batch would fail on every retry).
        if (hookInstance is not null && HasControlCharacter(hookInstance))
        {
            issues.Add(new("value", "hookInstance must not contain control characters.", "hookInstance"));
            hookInstance = null;
        }

        string? fhirServer = OptionalString(root, "fhirServer", issues);
        if (fhirServer is not null && !Uri.TryCreate(fhirServer, UriKind.Absolute, out var fhirUri))
            issues.Add(new("value", "fhirServer must be an absolute URL.", "fhirServer"));

        FhirAuthorization? auth = null;
        if (root.TryGetProperty("fhirAuthorization", out var authElement) && authElement.ValueKind != JsonValueKind.Null)
        {
            if (authElement.ValueKind != JsonValueKind.Object)
                issues.Add(new("structure", "fhirAuthorization must be an object.", "fhirAuthorization"));
            else
            {
                try { auth = authElement.Deserialize(CdsJsonContext.Default.FhirAuthorization); }
                catch (JsonException) { issues.Add(new("structure", "fhirAuthorization has fields of the wrong type.", "fhirAuthorization")); }
                if (auth is not null && string.IsNullOrEmpty(auth.AccessToken))
                    issues.Add(new("required", "fhirAuthorization.access_token is required.", "fhirAuthorization.access_token"));
                if (fhirServer is null)
                    issues.Add(new("required", "fhirServer is required when fhirAuthorization is present (cds-r-1).", "fhirServer"));
            }
        }

        if (!root.TryGetProperty("context", out var context) || context.ValueKind == JsonValueKind.Null)
        {
            issues.Add(new("required", "context is required.", "context"));
            return (null, issues);
        }
        if (context.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new("structure", "context must be an object.", "context"));
            return (null, issues);
        }

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in context.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.String) tokens[p.Name] = p.Value.GetString()!;

        var patientId = RequiredString(context, "patientId", issues, "context.");
        if (patientId is not null && (patientId.Length > 64 || patientId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))))
            issues.Add(new("value", "context.patientId must be a FHIR id (letters, digits, '-' and '.', at most 64 characters).", "context.patientId"));
        var userId = OptionalString(context, "userId", issues, "context.");
        var encounterId = OptionalString(context, "encounterId", issues, "context.");

        Bundle? draftBundle = null;
        var drafts = new List<DraftOrder>();
        IReadOnlyList<string>? selections = null;
        if (HookNames.Ordering.Contains(expectedHook))
        {
            draftBundle = ReadDraftOrders(context, drafts, issues);
            if (expectedHook == HookNames.OrderSelect)
            {
                selections = ReadSelections(context, issues);
                if (selections is not null && draftBundle is not null)
                    foreach (var s in selections)
                        if (!drafts.Any(d => d.Reference == s || d.FullUrl == s))
                            issues.Add(new("value", $"selections entry '{Trim(s)}' does not match any draft order.", "context.selections"));
            }
        }

        if (prefetch is null)
        {
            var fromRoot = new Dictionary<string, RawJson>(StringComparer.Ordinal);
            if (root.TryGetProperty("prefetch", out var pre) && pre.ValueKind != JsonValueKind.Null)
            {
                if (pre.ValueKind != JsonValueKind.Object)
                    issues.Add(new("structure", "prefetch must be an object.", "prefetch"));
                else
                    foreach (var p in pre.EnumerateObject()) fromRoot[p.Name] = RawJson.Of(p.Value);
            }
            prefetch = fromRoot;
        }

        if (issues.Count > 0) return (null, issues);
        return (new HookRequest
        {
            Hook = hook!,
            HookInstance = hookInstance!,
            FhirServer = fhirServer,
            FhirAuthorization = auth,
            PatientId = patientId!,
            UserId = userId,
            EncounterId = encounterId,
            DraftOrdersBundle = draftBundle,
            DraftOrders = drafts,
            Selections = selections,
            ContextTokens = tokens,
            Prefetch = prefetch,
        }, issues);
    }

    private static Bundle? ReadDraftOrders(JsonElement context, List<DraftOrder> drafts, List<RequestIssue> issues)
    {
        if (!context.TryGetProperty("draftOrders", out var d) || d.ValueKind == JsonValueKind.Null)
        {
            issues.Add(new("required", "context.draftOrders is required for order hooks.", "context.draftOrders"));
            return null;
        }
        if (d.ValueKind != JsonValueKind.Object || !d.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String || rt.GetString() != "Bundle")
        {
            issues.Add(new("structure", "context.draftOrders must be a FHIR Bundle.", "context.draftOrders"));
            return null;
        }
        Bundle bundle;
        List<string?> sourceTypes;
        try
        {
            var originalTypes = d.TryGetProperty("entry", out var originalEntries) && originalEntries.ValueKind == JsonValueKind.Array
                ? originalEntries.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                    .Select(e => e.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null)
                    .ToList()
                : [];
            sourceTypes = originalTypes;
            d = LegacyDrafts.Upgrade(d);
            // Only the rules read the model (suggestions echo the EHR's own JSON, DraftOrder.Json), so the fast reader
            // does, with the tolerant reader behind it for anything it does not take.
            bundle = (Bundle)FhirJson.ReadForRules(d);
        }
        catch (JsonException ex)
        {
            issues.Add(new("structure", $"context.draftOrders could not be read: {PrefetchReader.ShortJsonError(ex)}.", "context.draftOrders"));
            return null;
        }
        if (d.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object) continue; // null entries are dropped by the reader too
                var parsed = bundle.Entry is { } list && i < list.Count ? list[i] : null;
                if (parsed?.Resource is { } r && entry.TryGetProperty("resource", out var json) && json.ValueKind == JsonValueKind.Object)
                    drafts.Add(new DraftOrder(r, json.Clone(), parsed.FullUrl, i < sourceTypes.Count && sourceTypes[i] != r.TypeName ? sourceTypes[i] : null));
                i++;
            }
        }
        return bundle;
    }

    /// <summary>What <see cref="char.IsControl(char)"/> finds (C0, DEL and C1), as two span searches: asked on every hook call.</summary>
    private static bool HasControlCharacter(string s) =>
        s.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || s.AsSpan().ContainsAnyInRange('\u007F', '\u009F');

    private static IReadOnlyList<string>? ReadSelections(JsonElement context, List<RequestIssue> issues)
    {
        if (!context.TryGetProperty("selections", out var s) || s.ValueKind == JsonValueKind.Null)
        {
            issues.Add(new("required", "context.selections is required for order-select.", "context.selections"));
            return null;
        }
        if (s.ValueKind != JsonValueKind.Array || s.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            issues.Add(new("structure", "context.selections must be an array of strings ('Type/id').", "context.selections"));
            return null;
        }
        // DSTU2 drafts are read as MedicationRequest (see LegacyDrafts), so their selections are too.
        return s.EnumerateArray().Select(e => e.GetString()!)
            .Select(x => x.StartsWith("MedicationOrder/", StringComparison.Ordinal) ? "MedicationRequest/" + x["MedicationOrder/".Length..] : x)
            .ToList();
    }

    private static string? RequiredString(JsonElement obj, string name, List<RequestIssue> issues, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            issues.Add(new("required", $"{prefix}{name} is required.", prefix + name));
            return null;
        }
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(v.GetString()))
        {
            issues.Add(new("structure", $"{prefix}{name} must be a non-empty string.", prefix + name));
            return null;
        }
        return v.GetString();
    }

    private static string? OptionalString(JsonElement obj, string name, List<RequestIssue> issues, string prefix = "")
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            issues.Add(new("structure", $"{prefix}{name} must be a string.", prefix + name));
            return null;
        }
        return v.GetString();
    }

    /// <summary>Echo at most a few characters of caller input in messages.</summary>
    private static string Trim(string s) => s.Length <= 40 ? s : s[..40] + "…";
}

/// <summary>
/// Reads older draft shapes as R4: DSTU2 <c>MedicationOrder</c> (the CDS Hooks sandbox's default) becomes a
/// MedicationRequest (patient → subject, dateWritten → authoredOn, dosage doseQuantity → doseAndRate), and STU3
/// dosage doseQuantity/doseRange move into doseAndRate. Everything else is left as sent.
/// </summary>
internal static class LegacyDrafts
{
    public static JsonElement Upgrade(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return bundle;
        var needs = entries.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("resource", out var r)
            && r.ValueKind == JsonValueKind.Object && (IsType(r, "MedicationOrder") || HasLegacyDose(r)));
        if (!needs) return bundle;

        var node = System.Text.Json.Nodes.JsonNode.Parse(bundle.GetRawText())!;
        foreach (var entry in node["entry"]!.AsArray())
        {
            if (entry?["resource"] is not System.Text.Json.Nodes.JsonObject res) continue;
            if (res["resourceType"] is System.Text.Json.Nodes.JsonValue type && type.TryGetValue<string>(out var t) && t == "MedicationOrder")
            {
                res["resourceType"] = "MedicationRequest";
                Move(res, "patient", "subject");
                Move(res, "dateWritten", "authoredOn");
                res["intent"] ??= "order";
            }
            if (res["dosageInstruction"] is System.Text.Json.Nodes.JsonArray dosages)
                foreach (var dosage in dosages.OfType<System.Text.Json.Nodes.JsonObject>())
                {
                    var dose = dosage["doseQuantity"] ?? dosage["doseSimpleQuantity"];
                    var range = dosage["doseRange"];
                    if ((dose is null && range is null) || dosage.ContainsKey("doseAndRate")) continue;
                    var item = new System.Text.Json.Nodes.JsonObject();
                    if (dose is not null) item["doseQuantity"] = dose.DeepClone();
                    if (range is not null) item["doseRange"] = range.DeepClone();
                    dosage.Remove("doseQuantity"); dosage.Remove("doseSimpleQuantity"); dosage.Remove("doseRange");
                    dosage["doseAndRate"] = new System.Text.Json.Nodes.JsonArray(item);
                }
        }
        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }

    private static bool IsType(JsonElement r, string type) =>
        r.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == type;

    private static bool HasLegacyDose(JsonElement r) =>
        r.TryGetProperty("dosageInstruction", out var d) && d.ValueKind == JsonValueKind.Array &&
        d.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Object && !x.TryGetProperty("doseAndRate", out _) &&
            (x.TryGetProperty("doseQuantity", out _) || x.TryGetProperty("doseSimpleQuantity", out _) || x.TryGetProperty("doseRange", out _)));

    private static void Move(System.Text.Json.Nodes.JsonObject o, string from, string to)
    {
        if (!o.ContainsKey(from) || o.ContainsKey(to)) return;
        var v = o[from]?.DeepClone();
        o.Remove(from);
        o[to] = v;
    }
}
