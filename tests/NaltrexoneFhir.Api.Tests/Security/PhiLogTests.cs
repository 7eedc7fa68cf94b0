using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NaltrexoneFhir.Api.Tests.Hooks;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>Nothing recognisable from a request (names, MRN, ids, tokens) reaches the logs, even at Debug.</summary>
public sealed class PhiLogTests
{
    private const string PatientId = "pt-Quokka-771204";
    private const string Family = "Quinqueworth";
    private const string Given = "Zebediah";
    private const string Mrn = "MRN-8841-2207-XQ";
    private const string BirthDate = "1957-03-14";
    private const string Phone = "+1-555-013-4477";
    private const string Street = "42 Wallaby Way";
    private const string NoteText = "Zeb mentioned relapse after divorce from Marguerite";
    private const string FhirAccessToken = "fhir-access-7f3c9a1e5b2d4c8f9e0a";

    private static string PhiRequest(Action<JsonObject>? change = null)
    {
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient", ["id"] = PatientId,
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.36.146.595.217.0.1", ["value"] = Mrn }),
            ["name"] = new JsonArray(new JsonObject { ["family"] = Family, ["given"] = new JsonArray(Given) }),
            ["birthDate"] = BirthDate,
            ["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = Phone }),
            ["address"] = new JsonArray(new JsonObject { ["line"] = new JsonArray(Street) }),
        };
        var oxycodone = Requests.OxycodoneActive();
        oxycodone["note"] = new JsonArray(new JsonObject { ["text"] = NoteText });
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["patient"] = patient, ["medicationRequests"] = Requests.Bundle(oxycodone) });
        body["fhirServer"] = SecuredApiFactory.EhrFhir;
        body["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = FhirAccessToken, ["token_type"] = "Bearer", ["expires_in"] = 300,
            ["scope"] = "user/Patient.read user/MedicationRequest.read", ["subject"] = "naltrexone-cds",
        };
        change?.Invoke(body);
        return body.ToJsonString().Replace("Patient/p1", "Patient/" + PatientId).Replace("\"p1\"", $"\"{PatientId}\"");
    }

    [Fact]
    public async Task RequestsFullOfPhi_LeaveNoTraceInDebugLogs()
    {
        await using var f = new SecuredApiFactory()
            .With("Logging:LogLevel:Default", "Debug").With("Logging:LogLevel:Microsoft", "Debug").With("Logging:LogLevel:Microsoft.AspNetCore", "Debug");

        var token = f.Token();
        var ok = await f.PostHook(token, body: PhiRequest());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("opioid-coprescription", await ok.Content.ReadAsStringAsync());   // the PHI was read and used

        var invalid = await f.PostHook(f.Token(), body: PhiRequest(b => b.Remove("hookInstance")));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var badShape = await f.PostHook(f.Token(), body: PhiRequest(b => b["prefetch"]!["conditions"] = Given + " " + Family));
        Assert.Equal(HttpStatusCode.BadRequest, badShape.StatusCode);
        var replayed = await f.PostHook(token, body: PhiRequest());
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        var forged = await f.PostHook(token[..^4] + "AAAA", body: PhiRequest());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        var logs = f.Logs.AllText;
        // the capture works and ran at Debug: the hook, the authenticated client and framework debug entries are there
        Assert.Contains("naltrexone-order-sign", logs);
        Assert.Contains(f.Logs.Entries, e => e.Event.Id == 1001);
        Assert.Contains(f.Logs.Entries, e => e.Event.Id == 7004 && e.Level == LogLevel.Debug);
        Assert.Contains(f.Logs.Entries, e => e.Level == LogLevel.Debug && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));

        string[] secrets = [PatientId, Family, Given, Mrn, BirthDate, Phone, Street, NoteText, FhirAccessToken, token, .. token.Split('.')];
        foreach (var secret in secrets)
            Assert.False(logs.Contains(secret, StringComparison.OrdinalIgnoreCase), $"the logs contain '{secret}'");
    }
}
