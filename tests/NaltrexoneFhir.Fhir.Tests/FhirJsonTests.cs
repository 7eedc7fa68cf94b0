using System.Text.Json;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;

namespace NaltrexoneFhir.Fhir.Tests;

public sealed class FhirJsonTests
{
    private const string MedRequestJson = """
    {"resourceType":"MedicationRequest","id":"mr1","status":"active","intent":"order",
     "_status":{"extension":[{"url":"http://example.org/x","valueString":"kept"}]},
     "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1483744","display":"naltrexone hydrochloride 50 MG Oral Tablet"}]},
     "subject":{"reference":"Patient/p1"},"authoredOn":"2026-11",
     "dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d","dayOfWeek":["mon","wed"]}},
        "doseAndRate":[{"doseQuantity":{"value":50.0,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}],"futureElement":42}],
     "dispenseRequest":{"expectedSupplyDuration":{"value":30,"unit":"days","code":"d"}},
     "someFutureR5Element":{"a":[1,2]}}
    """;

    [Fact]
    public void RoundTrip_KeepsUnknownElementsAndPrimitiveExtensions()
    {
        var resource = FhirJson.ReadResource(MedRequestJson);
        var written = JsonNode.Parse(FhirJson.Write(resource))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(MedRequestJson), written), written.ToJsonString());
    }

    [Fact]
    public void DecimalPrecision_IsKept()
    {
        var mr = (MedicationRequest)FhirJson.ReadResource(MedRequestJson);
        Assert.Contains("\"value\":50.0", FhirJson.Write(mr));
    }

    [Fact]
    public void ResourceTypeAnywhere_SelectsTheClass()
    {
        var r = FhirJson.ReadResource("""{"id":"o1","status":"final","resourceType":"Observation","valueQuantity":{"value":1}}""");
        Assert.IsType<Observation>(r);
    }

    [Fact]
    public void ResourceTypeNotFirst_InsideBundleOrContained_StillSelectsTheClass()
    {
        var b = (Bundle)FhirJson.ReadResource("""
        {"resourceType":"Bundle","entry":[
          {"resource":{"resourceType":"Observation","id":"o1"}},
          {"resource":{"id":"c1","resourceType":"Condition"}},
          {"resource":{"resourceType":"MedicationRequest","id":"m1","contained":[{"id":"med","resourceType":"Medication"}]}}]}
        """);
        Assert.IsType<Observation>(b.Entry![0].Resource);
        Assert.IsType<Condition>(b.Entry[1].Resource);
        Assert.IsType<Medication>(Assert.Single(b.Entry[2].Resource!.Contained!));
    }

    [Fact]
    public void UnknownResourceType_DoesNotFail()
    {
        var r = FhirJson.ReadResource("""{"resourceType":"Provenance","id":"x","target":[{"reference":"Patient/1"}]}""");
        Assert.Equal("Resource", r.TypeName);
        Assert.Equal("x", r.Id);
        Assert.True(r.Unknown!.ContainsKey("target"));
    }

    [Fact]
    public void UnknownResourceInsideBundle_IsSkippedNotFatal()
    {
        var b = (Bundle)FhirJson.ReadResource("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Basic","id":"b"}},{"resource":{"resourceType":"Condition","id":"c"}}]}""");
        Assert.Equal(2, b.Entry!.Count);
        Assert.IsType<Condition>(b.Entry[1].Resource);
    }

    [Fact]
    public void BadDate_NeverThrows_AndRoundTrips()
    {
        var o = (Observation)FhirJson.ReadResource("""{"resourceType":"Observation","issued":"not-a-date","effectiveDateTime":2026}""");
        Assert.False(o.Issued!.Value.IsValid);
        Assert.Equal("not-a-date", o.Issued.Value.Raw);
        Assert.True(o.EffectiveDateTime!.Value.IsValid); // the number 2026 read as the year
        Assert.Contains("\"issued\":\"not-a-date\"", FhirJson.Write(o));
    }

    [Fact]
    public void NumbersAsStrings_AreTolerated()
    {
        var o = (Observation)FhirJson.ReadResource("""{"resourceType":"Observation","status":5,"valueQuantity":{"value":"182"}}""");
        Assert.Equal(182m, o.ValueQuantity!.Value);
        Assert.Equal("5", o.Status);
    }

    [Fact]
    public void NullArrayItems_AreDropped()
    {
        var c = (Condition)FhirJson.ReadResource("""{"resourceType":"Condition","code":{"coding":[null,{"code":"x"}]}}""");
        Assert.Single(c.Code!.Coding!);
    }

    [Fact]
    public void ChoiceTypes_ReadAsFlatPropertiesAndUnionView()
    {
        var byRef = (MedicationRequest)FhirJson.ReadResource("""{"resourceType":"MedicationRequest","medicationReference":{"reference":"#m","display":"X"}}""");
        Assert.IsType<MedicationChoice.Ref>(byRef.Medication);
        var byConcept = (MedicationRequest)FhirJson.ReadResource(MedRequestJson);
        Assert.IsType<MedicationChoice.Concept>(byConcept.Medication);
        var obs = (Observation)FhirJson.ReadResource("""{"resourceType":"Observation","valueCodeableConcept":{"text":"Positive"},"effectivePeriod":{"start":"2026-01-01"}}""");
        Assert.Equal("Positive", obs.ValueCodeableConcept!.Text);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), obs.When()!.Value.Start);
    }

    [Fact]
    public void ContainedResources_Resolve()
    {
        var mr = (MedicationRequest)FhirJson.ReadResource("""
        {"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication","id":"m","code":{"text":"Vivitrol"}}],
         "medicationReference":{"reference":"#m"}}
        """);
        var med = new ResourceResolver().Resolve<Medication>(mr.MedicationReference, mr);
        Assert.Equal("Vivitrol", med!.Code!.Text);
    }

    [Fact]
    public void BundleLocalReferences_Resolve()
    {
        var b = (Bundle)FhirJson.ReadResource("""
        {"resourceType":"Bundle","entry":[
          {"fullUrl":"urn:uuid:0b8a-1","resource":{"resourceType":"Medication","code":{"text":"A"}}},
          {"fullUrl":"https://ehr.example/fhir/Medication/77","resource":{"resourceType":"Medication","id":"77","code":{"text":"B"}}}]}
        """);
        var resolver = new ResourceResolver();
        resolver.AddBundle(b);
        Assert.Equal("A", resolver.Resolve<Medication>(new Reference { ReferenceValue = "urn:uuid:0b8a-1" })!.Code!.Text);
        Assert.Equal("B", resolver.Resolve<Medication>(new Reference { ReferenceValue = "Medication/77" })!.Code!.Text);
        Assert.Equal("B", resolver.Resolve<Medication>(new Reference { ReferenceValue = "https://other.example/fhir/Medication/77/_history/2" })!.Code!.Text);
        Assert.Null(resolver.Resolve<Medication>(new Reference { ReferenceValue = "Medication/none" }));
    }

    [Fact]
    public void MalformedShape_ThrowsJsonException_NotOthers()
    {
        Assert.Throws<JsonException>(() => FhirJson.ReadResource("""{"resourceType":"MedicationRequest","dosageInstruction":{"a":1}}"""));
        Assert.Throws<JsonException>(() => FhirJson.ReadResource(JsonDocument.Parse("[1]").RootElement));
    }

    [Fact]
    public void CuratedExamples_ParseAndRoundTrip()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "examples");
        var files = Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).Where(f => !f.Contains("hook-requests")).ToList();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var resource = FhirJson.ReadResource(text);
            Assert.NotEqual("Resource", resource.TypeName);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), JsonNode.Parse(FhirJson.Write(resource))), file);
        }
    }

    /// <summary>Observation keeps its uncommon elements in a side object: they must read, write and clear as plain properties.</summary>
    [Fact]
    public void ObservationUncommonElements_ReadWriteAndClear_AsPlainProperties()
    {
        const string json = """{"resourceType":"Observation","id":"o1","status":"final","category":[{"text":"lab"}],"code":{"text":"x"},"effectivePeriod":{"start":"2026-01-01"},"effectiveInstant":"2026-01-01T10:00:00Z","valueString":"pos","valueBoolean":false,"valueInteger":0,"component":[{"valueString":"c"}]}""";
        var o = (Observation)FhirJson.ReadResource(json);
        Assert.Equal("lab", o.Category![0].Text);
        Assert.Equal("2026-01-01", o.EffectivePeriod!.Start!.Value.Raw);
        Assert.Equal("2026-01-01T10:00:00Z", o.EffectiveInstant!.Value.Raw);
        Assert.Equal(("pos", false, 0), (o.ValueString, o.ValueBoolean, o.ValueInteger));
        Assert.Equal("c", o.Component![0].ValueString);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(FhirJson.Write(o))));
        o.ValueString = null;
        o.ValueBoolean = null;
        o.Category = null;
        Assert.Equal((null, null, null, 0), (o.ValueString, o.ValueBoolean, o.Category, o.ValueInteger));
        Assert.DoesNotContain("\"valueString\":\"pos\"", FhirJson.Write(o));
        var empty = new Observation { ValueString = null, Component = null };
        Assert.Equal("""{"resourceType":"Observation"}""", FhirJson.Write(empty));
        empty.ValueInteger = 3;
        Assert.Equal(3, empty.ValueInteger);
    }
}
