using System.Text.Json;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>
/// Draft orders are read for the rules only (suggestions that change a draft start from its own JSON), so they take
/// the fast reader, with the tolerant reader behind it for whatever the fast reader declines.
/// </summary>
public sealed class DraftOrderReadingTests
{
    private const string Naltrexone =
        """{%FIRST%"status":"draft","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1483744"}]},"groupIdentifier":{"value":"g1"}}""";

    /// <summary>resourceType first, as EHRs write it: the fast reader's shape.</summary>
    private static readonly string Plain = Naltrexone.Replace("%FIRST%", "\"resourceType\":\"MedicationRequest\",\"id\":\"d1\",");

    /// <summary>resourceType after another property: valid FHIR JSON that the fast reader declines.</summary>
    private static readonly string Declined = Naltrexone.Replace("%FIRST%", "\"id\":\"d1\",\"resourceType\":\"MedicationRequest\",");

    private static HookRequest Bind(string draft)
    {
        var json = """{"hook":"order-sign","hookInstance":"d4a1a4b2-7a8c-4a43-9a1e-0d2b1a1b1c1d","context":{"userId":"Practitioner/u1","patientId":"p1","draftOrders":{"resourceType":"Bundle","entry":[{"resource":"""
                   + draft + "}]}}}";
        using var doc = JsonDocument.Parse(json);
        var (request, issues) = HookRequestParser.Parse(doc.RootElement, HookNames.OrderSign);
        Assert.Empty(issues);
        return request!;
    }

    [Fact]
    public void PlainDraft_IsReadByTheFastReader_WhichSkipsElementsTheModelDoesNotHave()
    {
        var request = Bind(Plain);
        var draft = Assert.IsType<MedicationRequest>(Assert.Single(request.DraftOrders).Resource);
        Assert.Equal("draft", draft.Status);
        Assert.Equal("1483744", draft.MedicationCodeableConcept!.Coding![0].Code);
        // The tolerant reader would keep groupIdentifier in Unknown; the fast reader skips it.
        Assert.Null(draft.Unknown);
        // Its JSON is still the EHR's own, for suggestions that change it.
        Assert.Contains("groupIdentifier", Assert.Single(request.DraftOrders).Json.GetRawText());
    }

    [Fact]
    public void DraftTheFastReaderDeclines_IsReadByTheTolerantReader()
    {
        var request = Bind(Declined);
        var draft = Assert.IsType<MedicationRequest>(Assert.Single(request.DraftOrders).Resource);
        Assert.Equal("draft", draft.Status);
        // The tolerant reader keeps what the model does not have.
        Assert.True(draft.Unknown!.ContainsKey("groupIdentifier"));
    }

    [Fact]
    public void DraftsBothWays_AreTheSameModelForTheRules()
    {
        var plain = Bind(Plain).DraftOrders[0].Resource;
        var declined = Bind(Declined).DraftOrders[0].Resource;
        declined.Unknown = null;
        Assert.Equal(FhirJson.Write(declined), FhirJson.Write(plain));
    }
}
