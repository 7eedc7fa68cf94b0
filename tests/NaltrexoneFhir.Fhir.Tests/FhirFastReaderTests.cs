using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Benchmarks;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using Xunit.Abstractions;

namespace NaltrexoneFhir.Fhir.Tests;

/// <summary>
/// The fast reader must give exactly what the tolerant reader gives, minus unknown elements, or give up (null).
/// Checked differentially over every FHIR resource in the repository, synthetic prefetch and mutated fixtures.
/// </summary>
public sealed class FhirFastReaderTests(ITestOutputHelper output)
{
    private enum Outcome { Same, BailedOut, BailedOutUnknownType, Rejected }

    private sealed class Tally
    {
        private readonly Dictionary<Outcome, int> counts = [];
        public void Add(Outcome o) => counts[o] = this[o] + 1;
        public int this[Outcome o] => counts.GetValueOrDefault(o);
        public override string ToString() => string.Join(", ", Enum.GetValues<Outcome>().Select(o => $"{o} {this[o]}"));
    }

    // ---- Differential: repository fixtures and synthetic prefetch ---------------------------------------------

    [Fact]
    public void EveryResourceInTheRepository_ReadsLikeTheTolerantReader()
    {
        var tally = new Tally();
        var files = 0;
        foreach (var file in FixtureFiles())
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(File.ReadAllBytes(file)); }
            catch (JsonException) { continue; }
            using (doc)
            {
                files++;
                foreach (var element in ResourceObjects(doc.RootElement))
                    tally.Add(Compare(element, Path.GetRelativePath(RepoRoot, file)));
            }
        }
        output.WriteLine($"{files} files: {tally}");

        // Every resource is compared on its own, including Bundle entries and contained resources.
        Assert.True(tally[Outcome.Same] >= 500, $"too few resources compared: {tally}");
        // Types the model does not know (ValueSet, ...) always go to the tolerant reader; of the rest, almost
        // every fixture is plain JSON and must be read by the fast reader.
        var known = tally[Outcome.Same] + tally[Outcome.BailedOut];
        Assert.True(tally[Outcome.BailedOut] * 50 <= known, $"bail-out rate over 2% on modelled types: {tally}");
    }

    [Theory]
    [InlineData("typical", 8)]
    [InlineData("typical", 21)]
    [InlineData("medium", 8)]
    public void SyntheticPrefetch_ReadsLikeTheTolerantReader_WithoutBailingOut(string size, int seed)
    {
        var shape = PatientShape.Of(size);
        using var doc = JsonDocument.Parse(SyntheticPatient.OrderSign(shape, seed));
        var tally = new Tally();
        foreach (var element in ResourceObjects(doc.RootElement))
            tally.Add(Compare(element, $"synthetic {size} {seed}"));
        output.WriteLine(tally.ToString());
        Assert.Equal(0, tally[Outcome.BailedOut] + tally[Outcome.BailedOutUnknownType] + tally[Outcome.Rejected]);
        Assert.True(tally[Outcome.Same] >= shape.Resources, tally.ToString());
    }

    [Fact]
    public void ReadForRules_OnPrefetch_GivesTheTolerantResultWithoutUnknownElements()
    {
        using var doc = JsonDocument.Parse(SyntheticPatient.OrderSign(PatientShape.Typical));
        var values = 0;
        foreach (var p in doc.RootElement.GetProperty("prefetch").EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Object) continue;
            values++;
            var tolerant = FhirJson.ReadResource(p.Value);
            ClearUnknown(tolerant);
            Assert.Equal(FhirJson.Write(tolerant), FhirJson.Write(FhirJson.ReadForRules(p.Value)));
        }
        Assert.True(values >= 5);
    }

    [Fact]
    public void ReadForRules_FallsBackToTheTolerantReader()
    {
        using var doc = JsonDocument.Parse("""{"id":"o1","resourceType":"Observation","status":"final","_status":{"id":"x"}}""");
        var o = Assert.IsType<Observation>(FhirJson.ReadForRules(doc.RootElement));
        Assert.Equal("final", o.Status);
        // The tolerant reader read it: unknown elements are kept.
        Assert.True(o.Unknown!.ContainsKey("_status"));
    }

    [Fact]
    public void ReadForRules_ThrowsLikeReadResource()
    {
        using var doc = JsonDocument.Parse("""[{"resourceType":"Patient"}]""");
        Assert.Throws<JsonException>(() => FhirJson.ReadForRules(doc.RootElement));
    }

    /// <summary>
    /// Every settable element of every modelled type, filled by reflection and written by the serializer, must be read:
    /// an element the fast reader forgot would be skipped as unknown and the JSON would differ.
    /// </summary>
    [Fact]
    public void EveryModelledElement_IsRead()
    {
        var types = typeof(Resource).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Resource)) && !t.IsAbstract).ToList();
        Assert.Equal(12, types.Count);
        foreach (var type in types)
        {
            var filled = (Resource)Fill(type, depth: 0);
            var json = FhirJson.Write(filled);
            var fast = FhirFastReader.TryRead(Encoding.UTF8.GetBytes(json));
            Assert.True(fast is not null, $"{type.Name} bailed out: {json}");
            // Everything but the elements it checks and skips on purpose.
            ClearUnknown(filled);
            Assert.Equal(FhirJson.Write(filled), FhirJson.Write(fast));
        }
    }

    [Fact]
    public void NotReadElements_AreLeftNull_WhereTheTolerantReaderReadsThem()
    {
        const string json = """
            {"resourceType":"Observation","id":"o1","meta":{"versionId":"2","lastUpdated":"2026-11-21T10:00:00Z","profile":["p"]},
             "status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory","userSelected":false}],"text":"Lab"}],
             "code":{"coding":[{"system":"http://loinc.org","code":"1742-6"}]},"contained":[{"resourceType":"Patient","meta":{"versionId":"a\u00e9"}}]}
            """;
        var fast = Read<Observation>(json);
        Assert.Null(fast.Meta);
        Assert.Null(fast.Category);
        Assert.Null(Assert.IsType<Patient>(Assert.Single(fast.Contained!)).Meta);
        Assert.Equal("1742-6", fast.Code!.Coding![0].Code);
        var tolerant = Assert.IsType<Observation>(FhirJson.ReadResource(json));
        Assert.Equal("2", tolerant.Meta!.VersionId);
        Assert.Equal("laboratory", tolerant.Category![0].Coding![0].Code);
        Assert.Equal([("Resource", "meta"), ("Observation", "category")], FhirFastReader.NotRead);
    }

    [Fact]
    public void SameSubjectAndSearch_AreOneSharedImmutableInstance_OthersAreTheirOwn()
    {
        const string json = """
            {"resourceType":"Bundle","entry":[
             {"resource":{"resourceType":"Observation","id":"a","subject":{"reference":"Patient/p1"}},"search":{"mode":"match"}},
             {"resource":{"resourceType":"Observation","id":"b","subject":{"reference":"Patient/p1"}},"search":{"mode":"match"}},
             {"resource":{"resourceType":"Observation","id":"c","subject":{"reference":"Patient/p1","display":"Ann"}},"search":{"mode":"include"}},
             {"resource":{"resourceType":"Observation","id":"d","subject":{"reference":"Patient/p2"}},"search":{"mode":"match"}}]}
            """;
        var entries = Read<Bundle>(json).Entry!;
        var subjects = entries.Select(e => ((Observation)e.Resource!).Subject!).ToList();
        Assert.Same(subjects[0], subjects[1]);
        Assert.Equal(("Patient/p1", "Ann"), (subjects[2].ReferenceValue, subjects[2].Display));
        Assert.NotSame(subjects[0], subjects[2]);
        Assert.Equal("Patient/p2", subjects[3].ReferenceValue);
        Assert.Null(subjects[0].Display);
        Assert.Same(entries[0].Search, entries[1].Search);
        Assert.Equal(["match", "match", "include", "match"], entries.Select(e => e.Search!.Mode));
        // Sharing is safe because none of these types can be changed once built.
        foreach (var type in new[] { typeof(Reference), typeof(BundleEntrySearch), typeof(Coding), typeof(CodeableConcept), typeof(Quantity), typeof(ReferenceRange) })
            foreach (var property in type.GetProperties().Where(p => p.DeclaringType == type))
                Assert.True(property.SetMethod!.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)),
                    $"{type.Name}.{property.Name} is settable after construction");
    }

    [Fact]
    public void RepeatedCodesAndQuantities_AreSharedInstances_OnlyWhenWrittenAlike()
    {
        static string Obs(string id, string display, string value, string high) =>
            "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1742-6\",\"display\":\"" + display
            + "\"}],\"text\":\"ALT\"},\"valueQuantity\":{\"value\":" + value + ",\"unit\":\"U/L\"},\"referenceRange\":[{\"high\":{\"value\":" + high + ",\"unit\":\"U/L\"}}]}}";
        var json = "{\"resourceType\":\"Bundle\",\"entry\":[" + string.Join(",", Obs("a", "ALT", "31", "40"), Obs("b", "ALT", "31", "40"),
            Obs("c", "ALT x", "31.0", "40"), Obs("d", "ALT", "-0", "0"), Obs("e", "ALT", "0", "0")) + "]}";
        var o = Read<Bundle>(json).Entry!.Select(e => (Observation)e.Resource!).ToList();
        Assert.Same(o[0].Code, o[1].Code);
        Assert.Same(o[0].ValueQuantity, o[1].ValueQuantity);
        Assert.Same(o[0].ReferenceRange![0].High, o[2].ReferenceRange![0].High);
        // The same bound is the same range, and its one-range list the same list; another bound is another of each.
        Assert.Same(o[0].ReferenceRange, o[2].ReferenceRange);
        Assert.NotSame(o[0].ReferenceRange, o[3].ReferenceRange);
        Assert.Equal(0m, o[3].ReferenceRange![0].High!.Value);
        // A different display, 31.0 against 31, -0 against 0: not the same, and each written as it was read.
        Assert.NotSame(o[0].Code, o[2].Code);
        Assert.Same(o[0].Code!.Coding![0].System, o[2].Code!.Coding![0].System);
        Assert.NotSame(o[0].ValueQuantity, o[2].ValueQuantity);
        Assert.NotSame(o[3].ValueQuantity, o[4].ValueQuantity);
        Assert.Contains("\"value\":31.0", FhirJson.Write(o[2]));
        Assert.Contains("\"value\":31,", FhirJson.Write(o[1]));
        Assert.Equal(["ALT", "ALT", "ALT x", "ALT", "ALT"], o.Select(x => x.Code!.Coding![0].Display));
    }

    [Fact]
    public void OneItemLists_AreShared_OnlyWhenTheirItemIs()
    {
        static string Obs(string id, string codes, string interpretation) =>
            "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"code\":{\"coding\":[" + codes + "]},\"interpretation\":[" + interpretation + "]}}";
        const string Alt = "{\"system\":\"http://loinc.org\",\"code\":\"1742-6\"}", Ast = "{\"system\":\"http://loinc.org\",\"code\":\"1920-8\"}";
        const string Neg = "{\"coding\":[{\"code\":\"NEG\"}]}", Pos = "{\"coding\":[{\"code\":\"POS\"}]}";
        var json = "{\"resourceType\":\"Bundle\",\"entry\":[" + string.Join(",", Obs("a", Alt, Neg), Obs("b", Alt, Neg), Obs("c", Ast, Pos),
            Obs("d", Alt + "," + Ast, Neg + "," + Pos), Obs("e", Alt + "," + Ast, Neg + "," + Pos), Obs("f", Alt, "")) + "]}";
        var o = Read<Bundle>(json).Entry!.Select(e => (Observation)e.Resource!).ToList();
        // One coding, one interpretation: the concept, its coding list and the interpretation list are one instance each.
        Assert.Same(o[0].Code, o[1].Code);
        Assert.Same(o[0].Code!.Coding, o[1].Code!.Coding);
        Assert.Same(o[0].Interpretation, o[1].Interpretation);
        Assert.NotSame(o[0].Interpretation, o[2].Interpretation);
        Assert.Equal("POS", o[2].Interpretation![0].Coding![0].Code);
        // Longer lists are never shared, though their items are; an empty list is read as empty.
        Assert.NotSame(o[3].Code, o[4].Code);
        Assert.NotSame(o[3].Interpretation, o[4].Interpretation);
        Assert.Same(o[3].Code!.Coding![0], o[0].Code!.Coding![0]);
        Assert.Same(o[3].Interpretation![0], o[0].Interpretation![0]);
        Assert.Equal(["1742-6", "1920-8"], o[4].Code!.Coding!.Select(c => c.Code));
        Assert.Equal(["NEG", "POS"], o[4].Interpretation!.Select(i => i.Coding![0].Code));
        Assert.Empty(o[5].Interpretation!);
        Assert.Equal(FhirJson.Write(o[0]).Replace("\"a\"", "\"b\""), FhirJson.Write(o[1]));
    }

    /// <summary>Skipped elements are still checked as reading them would check them: the same inputs give up.</summary>
    [Theory]
    [InlineData(""" "meta":5 """)]
    [InlineData(""" "meta":{"versionId":null} """)]
    [InlineData(""" "meta":{"versionId":1} """)]
    [InlineData(""" "meta":{"VersionId":"1"} """)]
    [InlineData(""" "meta":{"profile":"p"} """)]
    [InlineData(""" "meta":{"profile":[1]} """)]
    [InlineData(""" "meta":{"lastUpdated":"\ud800"} """)]
    [InlineData(""" "meta":{"caf\u00e9":1} """)]
    [InlineData(""" "category":{} """)]
    [InlineData(""" "category":[null] """)]
    [InlineData(""" "category":[{"coding":{}}] """)]
    [InlineData(""" "category":[{"coding":[{"code":1}]}] """)]
    [InlineData(""" "category":[{"coding":[{"userSelected":"yes"}]}] """)]
    [InlineData(""" "category":[{"Text":"x"}] """)]
    [InlineData(""" "category":[{"text":"\udc00"}] """)]
    public void NotReadElements_GiveUpWhereReadingThemWould(string element)
    {
        var json = $$"""{"resourceType":"Observation",{{element}},"status":"final"}""";
        Assert.Null(FhirFastReader.TryRead(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("\"meta\":{\"versionId\":\"", "\"}")]
    [InlineData("\"category\":[{\"coding\":[{\"display\":\"", "\"}]}]")]
    public void NotReadElements_WithInvalidUtf8_GiveUp(string before, string after)
    {
        byte[] json = [.. "{\"resourceType\":\"Observation\","u8, .. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(after), (byte)'}'];
        // The bytes are well-formed JSON (the reader does not check string contents), but the string does not decode.
        Assert.NotNull(JsonDocument.Parse(json));
        Assert.Null(FhirFastReader.TryRead(json));
    }

    // ---- Mutation fuzz -------------------------------------------------------------------------------------------

    [Fact]
    public void MutatedResources_NeverThrow_AndReadLikeTheTolerantReaderWhenRead()
    {
        var seeds = FuzzSeeds();
        Assert.True(seeds.Count >= 8, $"only {seeds.Count} fuzz seeds");
        var rng = new Random(20261122);
        var tally = new Tally();
        for (var i = 0; i < 4000; i++)
        {
            var bytes = Mutate(seeds[rng.Next(seeds.Count)], rng);
            tally.Add(CompareBytes(bytes));
        }
        output.WriteLine(tally.ToString());
        // Both paths must be exercised: mutations the fast reader reads (in unknown elements, value changes of the
        // right kind) and mutations it must hand over.
        Assert.True(tally[Outcome.Same] >= 400, tally.ToString());
        Assert.True(tally[Outcome.BailedOut] + tally[Outcome.BailedOutUnknownType] >= 400, tally.ToString());
        Assert.True(tally[Outcome.Rejected] >= 100, tally.ToString());
    }

    private static List<JsonNode> FuzzSeeds()
    {
        // Plain resources of a few KB from the fixtures (varied types), plus synthetic prefetch Bundles.
        var seeds = new List<JsonNode>();
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in FixtureFiles())
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(File.ReadAllBytes(file)); }
            catch (JsonException) { continue; }
            using (doc)
                foreach (var element in ResourceObjects(doc.RootElement))
                {
                    var raw = JsonMarshal.GetRawUtf8Value(element);
                    var type = element.GetProperty("resourceType").GetString()!;
                    if (raw.Length is < 300 or > 6000 || FhirFastReader.TryRead(raw) is null) continue;
                    if (types.GetValueOrDefault(type) >= 3) continue;
                    types[type] = types.GetValueOrDefault(type) + 1;
                    seeds.Add(JsonNode.Parse(raw)!);
                }
        }
        var prefetch = JsonNode.Parse(SyntheticPatient.OrderSign(PatientShape.Typical))!["prefetch"]!;
        seeds.Add(prefetch["medicationRequests"]!.DeepClone());
        seeds.Add(prefetch["conditions"]!.DeepClone());
        return seeds;
    }

    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null, () => 0, () => 1.5m, () => -3, () => 12345678901234L, () => true, () => false,
        () => "x", () => "2026-03", () => new JsonArray(), () => new JsonObject(), () => new JsonArray((JsonNode?)null),
        () => new JsonArray("a"), () => new JsonArray(new JsonObject()),
        () => new JsonObject { ["resourceType"] = "Basic" }, () => new JsonObject { ["resourceType"] = "Patient", ["id"] = "z" },
        () => new JsonObject { ["id"] = "z", ["resourceType"] = "Patient" },
    ];

    private static readonly string[] ResourceTypes = ["Basic", "observation", "Patient", "Bundle", "Resource", ""];

    /// <summary>One to three structural mutations, sometimes followed by a byte-level one (truncation or a stray character).</summary>
    private static byte[] Mutate(JsonNode seed, Random rng)
    {
        var root = seed.DeepClone();
        for (var m = 1 + rng.Next(3); m > 0; m--)
        {
            var slots = new List<(JsonNode Parent, string? Name, int Index)>();
            Slots(root, slots);
            var (parent, name, index) = slots[rng.Next(slots.Count)];
            switch (rng.Next(6))
            {
                case 0 or 1:
                    Set(parent, name, index, Replacements[rng.Next(Replacements.Length)]());
                    break;
                case 2 when name is not null:
                    var renamed = rng.Next(4) switch
                    {
                        0 => char.ToUpperInvariant(name[0]) + name[1..],
                        1 => name.ToUpperInvariant(),
                        2 => "$" + name,
                        _ => name + "X",
                    };
                    Rename((JsonObject)parent, name, renamed);
                    break;
                case 3:
                    // Move resourceType to the end of some resource object.
                    var resources = new List<JsonObject>();
                    Resources(root, resources);
                    if (resources.Count == 0) break;
                    var obj = resources[rng.Next(resources.Count)];
                    var type = obj["resourceType"];
                    obj.Remove("resourceType");
                    obj["resourceType"] = type;
                    break;
                case 4:
                    var some = new List<JsonObject>();
                    Resources(root, some);
                    if (some.Count > 0) some[rng.Next(some.Count)]["resourceType"] = ResourceTypes[rng.Next(ResourceTypes.Length)];
                    break;
                default:
                    if (name is not null) ((JsonObject)parent).Remove(name);
                    else ((JsonArray)parent).RemoveAt(index);
                    break;
            }
        }
        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString());
        switch (rng.Next(12))
        {
            case 0:
                return bytes[..rng.Next(bytes.Length)];
            case 1:
                bytes[rng.Next(bytes.Length)] = "{}[]\":,0n\\ -e"u8[rng.Next(13)];
                return bytes;
            default:
                return bytes;
        }
    }

    private static void Slots(JsonNode node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    slots.Add((o, k, -1));
                    if (v is not null) Slots(v, slots);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    slots.Add((a, null, i));
                    if (a[i] is { } v) Slots(v, slots);
                }
                break;
        }
    }

    private static void Resources(JsonNode? node, List<JsonObject> found)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.ContainsKey("resourceType")) found.Add(o);
                foreach (var (_, v) in o) Resources(v, found);
                break;
            case JsonArray a:
                foreach (var v in a) Resources(v, found);
                break;
        }
    }

    private static void Set(JsonNode parent, string? name, int index, JsonNode? value)
    {
        if (name is not null) ((JsonObject)parent)[name] = value;
        else ((JsonArray)parent)[index] = value;
    }

    private static void Rename(JsonObject o, string from, string to)
    {
        if (o.ContainsKey(to)) return;
        var at = o.IndexOf(from);
        var value = o[from];
        o.RemoveAt(at);
        o.Insert(at, to, value);
    }

    // ---- Targeted cases ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"id":"o1","resourceType":"Observation"}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Basic","id":"b"}}]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"id":"c","resourceType":"Condition"}}]}""")]
    [InlineData("""{"resourceType":"MedicationRequest","contained":[{"id":"med","resourceType":"Medication"}]}""")]
    [InlineData("""{"resourceType":"Basic","id":"b"}""")]
    [InlineData("""{"resourceType":"observation"}""")]
    [InlineData("""{"resourceType":"Observation","category":[null]}""")]
    [InlineData("""{"resourceType":"Observation","status":null}""")]
    [InlineData("""{"resourceType":"Observation","extension":null}""")]
    [InlineData("""{"resourceType":"Observation","Status":"final"}""")]
    [InlineData("""{"resourceType":"Observation","code":{"TEXT":"ALT"}}""")]
    [InlineData("""{"resourceType":"Observation","valueQuantity":{"value":"12"}}""")]
    [InlineData("""{"resourceType":"Observation","valueString":12}""")]
    [InlineData("""{"resourceType":"Observation","valueInteger":1.5}""")]
    [InlineData("""{"resourceType":"Observation","valueBoolean":"true"}""")]
    [InlineData("""{"resourceType":"Observation","category":{"text":"lab"}}""")]
    [InlineData("""{"resourceType":"Observation","code":[]}""")]
    [InlineData("""{"resourceType":"Observation","issued":20261102}""")]
    [InlineData("""{"resourceType":"Observation","st\u0061tus":"final"}""")]
    [InlineData("""{"resourceType":"Observation","resourceType":"Observation"}""")]
    [InlineData("""{"resourceType":"Observation","$type":"x"}""")]
    [InlineData("""{"resourceType":"Observation","status":"final"}x""")]
    [InlineData("""{"resourceType":"Observation","status":"final" """)]
    [InlineData("""{"resourceType":"Observation","status":"final",}""")]
    [InlineData("""{"resourceType":"Observation"/*c*/}""")]
    [InlineData("""["resourceType"]""")]
    [InlineData("""{}""")]
    [InlineData("")]
    public void BailsOut(string json) => Assert.Null(FhirFastReader.TryRead(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void BailsOut_OnInvalidUtf8AndExcessiveDepth()
    {
        // "id" holds the bytes C3 28: not UTF-8.
        Assert.Null(FhirFastReader.TryRead([.. Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"id\":\""), 0xC3, 0x28, .. "\"}"u8]));
        var deep = """{"resourceType":"Patient","extension":""" + string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70)) + "}";
        Assert.Null(FhirFastReader.TryRead(Encoding.UTF8.GetBytes(deep)));
    }

    [Fact]
    public void ChoiceElements_AreRead()
    {
        var o = Read<Observation>("""
            {"resourceType":"Observation","effectivePeriod":{"start":"2026-11-01","end":"2026-11-02T10:00:00Z"},
             "valueQuantity":{"value":1.50,"comparator":"<","unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},
             "component":[{"code":{"text":"a"},"valueCodeableConcept":{"text":"pos"}},{"valueString":"s"}]}
            """);
        Assert.Equal(new FhirDateTime("2026-11-02T10:00:00Z"), o.EffectivePeriod!.End);
        Assert.Equal(1.50m, o.ValueQuantity!.Value);
        Assert.Equal("1.50", o.ValueQuantity.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("pos", o.Component![0].ValueCodeableConcept!.Text);
        Assert.Equal("s", o.Component[1].ValueString);

        var m = Read<MedicationRequest>("""{"resourceType":"MedicationRequest","medicationReference":{"reference":"#med","display":"x"}}""");
        Assert.Equal("#med", Assert.IsType<MedicationChoice.Ref>(m.Medication).Value.ReferenceValue);

        var c = Read<Condition>("""{"resourceType":"Condition","onsetString":"childhood","abatementPeriod":{"start":"2020"}}""");
        Assert.Equal("childhood", c.OnsetString);
        Assert.Equal(DatePrecision.Year, c.AbatementPeriod!.Start!.Value.Precision);

        var p = Read<Patient>("""{"resourceType":"Patient","deceasedBoolean":false,"active":true}""");
        Assert.False(p.DeceasedBoolean);
        Assert.True(p.Active);
    }

    [Fact]
    public void ContainedAndBundleEntries_AreRead()
    {
        var b = Read<Bundle>("""
            {"resourceType":"Bundle","type":"searchset","total":2,"link":[{"relation":"next","url":"http://x/p2"}],
             "entry":[{"fullUrl":"urn:1","resource":{"resourceType":"MedicationRequest","id":"m1","medicationReference":{"reference":"#med"},
                        "contained":[{"resourceType":"Medication","id":"med","code":{"text":"naltrexone"}}]},"search":{"mode":"match"}},
                      {"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"incomplete","expression":["x"]}]},
                       "search":{"mode":"outcome"}}]}
            """);
        Assert.Equal(2, b.Total);
        Assert.Equal("http://x/p2", b.Link![0].Url);
        var mr = Assert.IsType<MedicationRequest>(b.Entry![0].Resource);
        Assert.Equal("naltrexone", Assert.IsType<Medication>(Assert.Single(mr.Contained!)).Code!.Text);
        Assert.Equal("match", b.Entry[0].Search!.Mode);
        Assert.Equal("x", Assert.IsType<OperationOutcome>(b.Entry[1].Resource).Issue![0].Expression![0]);
    }

    [Theory]
    [InlineData("2026", DatePrecision.Year)]
    [InlineData("2026-11", DatePrecision.Month)]
    [InlineData("2026-11-02", DatePrecision.Day)]
    [InlineData("2026-11-02T10:00:00+01:00", DatePrecision.Second)]
    [InlineData("not a date", DatePrecision.Invalid)]
    public void Dates_KeepTheirText(string text, DatePrecision precision)
    {
        var m = Read<MedicationRequest>($$"""{"resourceType":"MedicationRequest","authoredOn":"{{text}}"}""");
        Assert.Equal(text, m.AuthoredOn!.Value.Raw);
        Assert.Equal(precision, m.AuthoredOn.Value.Precision);
    }

    [Fact]
    public void UnknownElements_AreSkipped()
    {
        var m = Read<MedicationRequest>("""
            {"resourceType":"MedicationRequest","id":"m","identifier":[{"value":"RX1"}],"_status":{"extension":[{"url":"u","valueString":"v"}]},
             "status":"active","extension":[{"url":"u","valueCodeableConcept":{"coding":[null]}}],"encounter":{"reference":"Encounter/e","extension":[]},
             "dosageInstruction":[{"timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d","future":{"a":[1,{"b":null}]}}}}],"z":"last"}
            """);
        Assert.Null(m.Unknown);
        Assert.Null(m.Encounter!.Unknown);
        Assert.Equal("active", m.Status);
        Assert.Equal(2, m.DosageInstruction![0].Timing!.Repeat!.Frequency);
    }

    [Fact]
    public void DuplicateProperties_LastWins_LikeTheTolerantReader()
    {
        const string json = """{"resourceType":"Observation","status":"preliminary","code":{"text":"a"},"status":"final","code":{"text":"b"}}""";
        var fast = Read<Observation>(json);
        Assert.Equal("final", fast.Status);
        Assert.Equal(FhirJson.Write(FhirJson.ReadResource(json)), FhirJson.Write(fast));
    }

    /// <summary>Arrays of every length (lists are sized exactly: one item, and pooled gathering beyond that).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(1000)]
    public void Arrays_OfAnyLength_ReadLikeTheTolerantReader(int n)
    {
        var codings = string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"system":"http://loinc.org","code":"{{i}}"}"""));
        var entries = string.Join(",", Enumerable.Range(0, n).Select(i =>
            $$$"""{"resource":{"resourceType":"Observation","id":"o{{{i}}}","code":{"coding":[{{{codings}}}]}},"search":{"mode":"match"}}"""));
        var json = $$"""{"resourceType":"Bundle","entry":[{{(n > 40 ? entries.Replace(codings, "{}") : entries)}}]}""";
        var fast = Assert.IsType<Bundle>(FhirFastReader.TryRead(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(n, fast.Entry!.Count);
        var tolerant = FhirJson.ReadResource(json);
        ClearUnknown(tolerant);
        Assert.Equal(FhirJson.Write(tolerant), FhirJson.Write(fast));
    }

    /// <summary>Names of C# members that are not JSON elements (ignored, extension data) are unknown elements to both readers.</summary>
    [Theory]
    [InlineData("""{"resourceType":"MedicationRequest","medication":{"text":"x"},"typeName":"x","unknown":{},"Unknown":1,"":2}""")]
    [InlineData("""{"resourceType":"Observation","equalityContract":"x","valueQuantity":{"value":1e2,"unknown":[1]}}""")]
    [InlineData("""{"resourceType":"Patient","id":"caf\u00e9","birthDate":"1978-04-12","deceasedDateTime":"2026-11-02T10:00"}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[],"link":[{}],"total":-0}""")]
    public void EdgeCases_ReadLikeTheTolerantReader(string json)
    {
        var fast = FhirFastReader.TryRead(Encoding.UTF8.GetBytes(json));
        Assert.NotNull(fast);
        var tolerant = FhirJson.ReadResource(json);
        ClearUnknown(tolerant);
        Assert.Equal(FhirJson.Write(tolerant), FhirJson.Write(fast));
    }

    private static T Read<T>(string json) where T : Resource =>
        Assert.IsType<T>(FhirFastReader.TryRead(Encoding.UTF8.GetBytes(json)));

    // ---- Comparison ----------------------------------------------------------------------------------------------

    private static Outcome Compare(JsonElement element, string where)
    {
        var fast = FhirFastReader.TryRead(JsonMarshal.GetRawUtf8Value(element));
        AssertSameInsideADocument(JsonMarshal.GetRawUtf8Value(element), fast, where);
        Resource tolerant;
        try { tolerant = FhirJson.ReadResource(element); }
        catch (JsonException)
        {
            Assert.True(fast is null, $"{where}: the tolerant reader rejects what the fast reader read");
            return Outcome.Rejected;
        }
        return Same(fast, tolerant, where);
    }

    private static Outcome CompareBytes(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Resource? fast = null;
        var thrown = Record.Exception(() => fast = FhirFastReader.TryRead(bytes));
        Assert.True(thrown is null, $"fast reader threw {thrown} on {text}");
        AssertSameInsideADocument(bytes, fast, text);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException)
        {
            Assert.True(fast is null, $"fast reader read malformed JSON: {text}");
            return Outcome.Rejected;
        }
        using (doc)
        {
            Resource tolerant;
            try { tolerant = FhirJson.ReadResource(doc.RootElement); }
            catch (JsonException)
            {
                Assert.True(fast is null, $"the tolerant reader rejects what the fast reader read: {text}");
                return Outcome.Rejected;
            }
            return Same(fast, tolerant, text);
        }
    }

    /// <summary>
    /// Reading the resource as a value inside a larger document (<c>[0,resource,1]</c>, as a hook body's prefetch is
    /// read) gives what reading it alone gives, and leaves the reader on the resource's last token (success) or
    /// exactly where it was (give-up). Only for inputs that are one well-formed value: alone, trailing content is a
    /// give-up; inside a document it is the caller's reader that rejects it.
    /// </summary>
    private static void AssertSameInsideADocument(ReadOnlySpan<byte> resource, Resource? alone, string where)
    {
        byte[] wrapped = [.. "[0,"u8, .. resource, .. ",1]"u8];
        try { JsonDocument.Parse(wrapped, new JsonDocumentOptions { MaxDepth = 65 }).Dispose(); }
        catch (JsonException) { return; }
        var r = new Utf8JsonReader(wrapped, new JsonReaderOptions { MaxDepth = 65 });
        r.Read(); r.Read(); r.Read();
        var (token, start) = (r.TokenType, r.TokenStartIndex);
        var inside = FhirFastReader.TryRead(ref r);
        Assert.True((alone is null) == (inside is null), $"{where}: read alone {(alone is null ? "gave up" : "read")}, inside a document {(inside is null ? "gave up" : "read")}");
        if (inside is null)
        {
            Assert.Equal((token, start), (r.TokenType, r.TokenStartIndex));
            return;
        }
        Assert.Equal(FhirJson.Write(alone!), FhirJson.Write(inside));
        Assert.Equal(JsonTokenType.EndObject, r.TokenType);
        Assert.True(r.Read() && r.TokenType == JsonTokenType.Number && r.GetInt32() == 1, where);
    }

    private static Outcome Same(Resource? fast, Resource tolerant, string where)
    {
        if (fast is null) return AllTyped(tolerant) ? Outcome.BailedOut : Outcome.BailedOutUnknownType;
        ClearUnknown(tolerant);
        Assert.True(FhirJson.Write(tolerant) == FhirJson.Write(fast),
            $"{where}:\n tolerant {FhirJson.Write(tolerant)}\n fast     {FhirJson.Write(fast)}");
        return Outcome.Same;
    }

    /// <summary>False when the graph holds a resource of a type the model does not know (read as a plain Resource).</summary>
    private static bool AllTyped(Resource r) =>
        r.GetType() != typeof(Resource)
        && (r.Contained ?? []).All(AllTyped)
        && (r is not Bundle b || (b.Entry ?? []).All(e => e.Resource is null || AllTyped(e.Resource)));

    /// <summary>
    /// Sets <c>Unknown</c> to null on every resource and element of the graph, and the elements the fast reader
    /// checks but does not build (<see cref="FhirFastReader.NotRead"/>) on every resource: what the fast reader gives.
    /// </summary>
    private static void ClearUnknown(object? o)
    {
        switch (o)
        {
            case null or string:
                return;
            case Resource r:
                r.Unknown = null;
                ClearNotRead(r);
                break;
            case Element e:
                e.Unknown = null;
                break;
            case IEnumerable items:
                foreach (var item in items) ClearUnknown(item);
                return;
            default:
                return;
        }
        foreach (var p in o.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.CanWrite && p.Name != nameof(Resource.Unknown))
                ClearUnknown(p.GetValue(o));
    }

    private static void ClearNotRead(Resource r)
    {
        for (var type = r.GetType(); type != typeof(object); type = type.BaseType!)
            foreach (var (typeName, element) in FhirFastReader.NotRead)
                if (type.Name == typeName)
                    type.GetProperty(element, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase | BindingFlags.DeclaredOnly)!
                        .SetValue(r, null);
    }

    /// <summary>An instance with every settable element set (resources nest two levels: contained, entries).</summary>
    private static object Fill(Type type, int depth)
    {
        var o = Activator.CreateInstance(type)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.CanWrite && p.Name != nameof(Resource.Unknown))
                p.SetValue(o, Sample(p.PropertyType, depth));
        return o;
    }

    private static object? Sample(Type type, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return "s";
        if (t == typeof(bool)) return true;
        if (t == typeof(int)) return 7;
        if (t == typeof(decimal)) return 2.50m;
        if (t == typeof(FhirDateTime)) return new FhirDateTime("2026-11-02T10:00:00Z");
        if (t == typeof(Resource)) return depth < 2 ? Fill(typeof(Observation), depth + 1) : null;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var itemType = t.GetGenericArguments()[0];
            if (Sample(itemType, depth) is not { } item) return null;
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
            list.Add(item);
            return list;
        }
        if (t.IsSubclassOf(typeof(Element))) return Fill(t, depth + 1);
        throw new InvalidOperationException($"No sample for {t}.");
    }

    // ---- Fixtures ------------------------------------------------------------------------------------------------

    private static readonly string RepoRoot = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NaltrexoneFhir.sln"))) return dir.FullName;
        throw new InvalidOperationException("NaltrexoneFhir.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every JSON file of the profiles (examples, sandbox seed bundles) and tests (scenario requests), sorted.</summary>
    private static IEnumerable<string> FixtureFiles() =>
        new[] { "fhir-profiles", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(RepoRoot, d), "*.json", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal);

    /// <summary>Every object with a string <c>resourceType</c>, at any depth (prefetch values, draft orders, entries, contained).</summary>
    private static IEnumerable<JsonElement> ResourceObjects(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String)
                    yield return element;
                foreach (var p in element.EnumerateObject())
                    foreach (var r in ResourceObjects(p.Value))
                        yield return r;
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var r in ResourceObjects(item))
                        yield return r;
                break;
        }
    }
}
