using System.Text.Json;
using NaltrexoneFhir.Api.Store;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>
/// A suggestion's resource built as a model is written straight from it. The response must be byte for byte what
/// the same resource given as JSON gives, and everything that reads an action (the audit's kind, a client reading
/// the response back) must see the same.
/// </summary>
public sealed class CdsActionJsonTests
{
    private static ServiceRequest Order() => new()
    {
        Status = "draft",
        Intent = "order",
        Code = new CodeableConcept { Coding = [new Coding { System = "http://loinc.org", Code = "24325-3", Display = "Hepatic function panel" }], Text = "hepatic function panel" },
        Subject = new Reference { ReferenceValue = "Patient/p1" },
        AuthoredOn = new FhirDateTime("2026-11-22T10:00:00Z"),
        // Non-ASCII and characters the response encoder escapes: both ways must escape them alike.
        ReasonCode = [new CodeableConcept { Text = "Monitor liver tests: ALT 4.6× ULN <after> \"start\" — é" }],
    };

    private static MedicationRequest Naloxone() => new()
    {
        Status = "draft",
        Intent = "order",
        MedicationCodeableConcept = new CodeableConcept { Coding = [new Coding { System = "http://www.nlm.nih.gov/research/umls/rxnorm", Code = "1725059" }] },
        Subject = new Reference { ReferenceValue = "Patient/p1" },
    };

    private static string Response(params CdsAction[] actions) => JsonSerializer.Serialize(new CdsResponse
    {
        Cards = [new Card
        {
            Summary = "s", Indicator = Indicators.Info, Source = new CardSource { Label = "l" },
            Suggestions = [new Suggestion { Label = "Order", Uuid = "u1", Actions = actions }],
        }],
    }, CdsJsonContext.Default.CdsResponse);

    [Fact]
    public void ModelBackedAction_IsWritten_ExactlyAsTheSameResourceGivenAsJson()
    {
        var fromModel = Response(new CdsAction { Type = "create", Description = "Order it.", ResourceModel = Order() },
                                 new CdsAction { Type = "delete", Description = "Remove it.", ResourceId = "MedicationRequest/d1" });
        var fromJson = Response(new CdsAction { Type = "create", Description = "Order it.", Resource = FhirJson.ToElement(Order()) },
                                new CdsAction { Type = "delete", Description = "Remove it.", ResourceId = "MedicationRequest/d1" });
        Assert.Equal(fromJson, fromModel);
        Assert.Contains("\"resourceType\":\"ServiceRequest\"", fromModel);
        Assert.DoesNotContain("resourceModel", fromModel, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ModelBackedAction_GivesItsResourceAsJson_WhenAsked()
    {
        var action = new CdsAction { Type = "create", Description = "Order it.", ResourceModel = Order() };
        Assert.Equal(FhirJson.ToElement(Order()).GetRawText(), action.Resource!.Value.GetRawText());
        // Given JSON wins over a model, and an action without either has no resource.
        var given = JsonDocument.Parse("""{"resourceType":"Basic"}""").RootElement;
        Assert.Contains("Basic", Response(new CdsAction { Type = "create", Description = "d", Resource = given, ResourceModel = Order() }));
        Assert.DoesNotContain("\"resource\"", Response(new CdsAction { Type = "delete", Description = "d", ResourceId = "x" }));
    }

    [Fact]
    public void WrittenActions_ReadBack()
    {
        var json = Response(new CdsAction { Type = "create", Description = "Order it.", ResourceModel = Order() },
                            new CdsAction { Type = "delete", Description = "Remove it.", ResourceId = "MedicationRequest/d1" });
        var actions = JsonSerializer.Deserialize(json, CdsJsonContext.Default.CdsResponse)!.Cards[0].Suggestions![0].Actions!;
        Assert.Equal(("create", "Order it.", null), (actions[0].Type, actions[0].Description, actions[0].ResourceId));
        Assert.Equal(FhirJson.ToElement(Order()).GetRawText(), actions[0].Resource!.Value.GetRawText());
        Assert.Null(actions[0].ResourceModel);
        Assert.Equal(("delete", "MedicationRequest/d1"), (actions[1].Type, actions[1].ResourceId));
        Assert.Null(actions[1].Resource);
    }

    [Theory]
    [InlineData("""{"TYPE":"create","Description":"d","extra":[1,{"a":2}],"resource":null}""", "create", null)]
    [InlineData("""{"type":"update","description":"d","resource":{"resourceType":"MedicationRequest"}}""", "update", "MedicationRequest")]
    public void Read_AsTheWebDefaults_Would(string action, string type, string? resourceType)
    {
        var read = JsonSerializer.Deserialize<CdsAction>(action, CdsJsonContext.Default.Options)!;
        Assert.Equal(type, read.Type);
        Assert.Equal(resourceType, read.Resource?.GetProperty("resourceType").GetString());
    }

    [Theory]
    [InlineData("""{"description":"d"}""")]
    [InlineData("""{"type":"create"}""")]
    [InlineData("""{"type":1,"description":"d"}""")]
    [InlineData("""[]""")]
    public void Read_RefusesWhatIsNotAnAction(string action) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CdsAction>(action, CdsJsonContext.Default.Options));

    [Fact]
    public void AuditKind_IsTheSame_FromTheModel_AndFromItsJson()
    {
        static Suggestion With(params CdsAction[] actions) => new() { Label = "l", Actions = actions };
        foreach (Resource model in new Resource[] { Order(), Naloxone() })
        {
            var fromModel = AuditBehavior.SuggestionKind(With(new CdsAction { Type = "create", Description = "d", ResourceModel = model }));
            var fromJson = AuditBehavior.SuggestionKind(With(new CdsAction { Type = "create", Description = "d", Resource = FhirJson.ToElement(model) }));
            Assert.Equal(fromJson, fromModel);
        }
        Assert.Equal("create ServiceRequest 24325-3", AuditBehavior.SuggestionKind(With(new CdsAction { Type = "create", Description = "d", ResourceModel = Order() })));
        Assert.Equal("create MedicationRequest 1725059", AuditBehavior.SuggestionKind(With(new CdsAction { Type = "create", Description = "d", ResourceModel = Naloxone() })));
    }
}
