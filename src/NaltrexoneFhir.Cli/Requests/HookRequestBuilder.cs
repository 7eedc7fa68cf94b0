using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Cli.Requests;

/// <summary>The inputs of one hook call as typed on the command line.</summary>
public sealed record HookCall(string Hook, string PatientId, string UserId, string? EncounterId, IReadOnlyList<JsonObject> DraftOrders)
{
    /// <summary>The context fields prefetch templates may name (CDS Hooks 2.0 tokens are root-level primitive context fields).</summary>
    public IReadOnlyDictionary<string, string> TemplateContext
    {
        get
        {
            var context = new Dictionary<string, string>(StringComparer.Ordinal) { ["patientId"] = PatientId, ["userId"] = UserId };
            if (EncounterId is not null) context["encounterId"] = EncounterId;
            // 1.0-style user tokens, still seen in older discovery documents.
            var slash = UserId.IndexOf('/');
            if (slash > 0) context[$"user{UserId[..slash]}Id"] = UserId[(slash + 1)..];
            return context;
        }
    }
}

/// <summary>Builds a CDS Hooks 2.0 request body.</summary>
public static class HookRequestBuilder
{
    public static JsonObject Build(HookCall call, JsonObject? prefetch, Uri? fhirServer, string? fhirAccessToken)
    {
        var context = new JsonObject { ["userId"] = call.UserId, ["patientId"] = call.PatientId };
        if (call.EncounterId is not null) context["encounterId"] = call.EncounterId;
        if (call.Hook is "order-sign" or "order-select")
        {
            context["draftOrders"] = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "collection",
                ["entry"] = new JsonArray(call.DraftOrders.Select(o => (JsonNode)new JsonObject { ["resource"] = o.DeepClone() }).ToArray()),
            };
            if (call.Hook == "order-select")
                context["selections"] = new JsonArray(call.DraftOrders
                    .Select(o => (JsonNode)JsonValue.Create($"{(string?)o["resourceType"]}/{(string?)o["id"]}")!).ToArray());
        }

        var request = new JsonObject
        {
            ["hook"] = call.Hook,
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["context"] = context,
        };
        if (fhirServer is not null) request["fhirServer"] = fhirServer.AbsoluteUri.TrimEnd('/');
        if (fhirServer is not null && fhirAccessToken is not null)
            request["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = fhirAccessToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
                ["scope"] = "patient/*.read",
                ["subject"] = "ntx-cds-cli",
            };
        if (prefetch is not null) request["prefetch"] = prefetch;
        return request;
    }
}
