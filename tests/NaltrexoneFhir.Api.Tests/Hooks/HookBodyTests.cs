using System.Text;
using System.Text.Json;
using NaltrexoneFhir.Api.Tests.Support;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>
/// <see cref="HookBody"/> keeps the prefetch values out of the request's JSON document. Reading a body that way must
/// bind to exactly the request a plain <see cref="JsonDocument"/> gives, and reject exactly the bodies it rejects.
/// </summary>
public sealed class HookBodyTests
{
    private const int MaxDepth = 64;

    /// <summary>The service's data keys plus the short names used below: values under these are read during the scan.</summary>
    private static readonly IReadOnlySet<string> ReadAhead = new HashSet<string>(StringComparer.Ordinal)
    {
        "patient", "medicationRequests", "medicationStatements", "conditions", "allergies", "liverLabs", "opioidScreens",
        "renalLabs", "pregnancyTests", "serviceRequests", "procedures", "appointments", "a", "b", "c", "fA",
    };

    public static IEnumerable<object[]> RepositoryRequests() =>
        Directory.EnumerateFiles(RepoFiles.Path("fhir-profiles", "examples", "hook-requests"), "*.json")
            .Concat(Directory.EnumerateFiles(RepoFiles.Path("tests", "NaltrexoneFhir.Api.Tests", "Scenarios"), "request.json", SearchOption.AllDirectories))
            .Select(f => new object[] { Path.GetRelativePath(RepoFiles.Root, f) });

    [Theory]
    [MemberData(nameof(RepositoryRequests))]
    public void EveryRepositoryRequest_BindsAsFromTheWholeDocument(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoFiles.Root, file));
        using var body = HookBody.Parse(bytes, MaxDepth, ReadAhead);
        using var whole = JsonDocument.Parse(bytes);
        var hook = whole.RootElement.GetProperty("hook").GetString()!;
        if (whole.RootElement.TryGetProperty("prefetch", out var pre) && pre.ValueKind == JsonValueKind.Object)
        {
            Assert.NotNull(body.Prefetch);
            Assert.Equal("{}", body.RootElement.GetProperty("prefetch").GetRawText());
        }
        AssertSameBinding(Bind(whole.RootElement, hook, null), Bind(body.RootElement, hook, body.Prefetch));
        // Every Bundle with two or more entries read in parallel (threshold 0) binds the same.
        using var parallel = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0);
        AssertSameBinding(Bind(whole.RootElement, hook, null), Bind(parallel.RootElement, hook, parallel.Prefetch));
    }

    [Fact]
    public void LargeBundle_ReadInParallel_IsTheSameModel_AndTheReaderResumesAfterIt()
    {
        var bytes = LargeBundleRequest(entries: 400, seed: 1);
        var before = FhirFastReader.ParallelReads;
        using var parallel = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 1024);
        Assert.True(FhirFastReader.ParallelReads > before, "the entry array was not read in parallel");
        using var sequential = HookBody.Parse(bytes, MaxDepth, ReadAhead, FhirFastReader.NeverParallel);
        using var whole = JsonDocument.Parse(bytes);
        var expected = Bind(whole.RootElement, HookNames.OrderSign, null);
        AssertSameBinding(expected, Bind(parallel.RootElement, HookNames.OrderSign, parallel.Prefetch));
        AssertSameBinding(expected, Bind(sequential.RootElement, HookNames.OrderSign, sequential.Prefetch));
        // Read during the scan, in parallel: every entry, in order, and the members after the Bundle found where they are.
        var bundle = Assert.IsType<NaltrexoneFhir.Fhir.Model.Bundle>(parallel.Prefetch!["liverLabs"].Resource);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"o{i}"), bundle.Entry!.Select(e => e.Resource!.Id));
        Assert.Equal(FhirJson.Write(sequential.Prefetch!["liverLabs"].Resource!), FhirJson.Write(bundle));
        Assert.Equal("p1", parallel.Prefetch!["patient"].Resource?.Id);
        Assert.Equal("""{"resourceType":"Patient","id":"p1"}""", Text(parallel.Prefetch!["patient"]));
    }

    [Fact]
    public void LargeBundle_PreReadWhileArriving_IsTheSameModel()
    {
        var bytes = LargeBundleRequest(entries: 400, seed: 1);
        using var sequential = HookBody.Parse(bytes, MaxDepth, ReadAhead, FhirFastReader.NeverParallel);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var body = ParseWithPreRead(bytes, seed, out var preRead);
            // Every entry but possibly the last (the scan takes whole 64-byte blocks and the body ends within 64 bytes of it).
            Assert.InRange(preRead, 399, 400);
            AssertSameBinding(Bind(sequential.RootElement, HookNames.OrderSign, sequential.Prefetch), Bind(body.RootElement, HookNames.OrderSign, body.Prefetch));
            Assert.Equal(FhirJson.Write(sequential.Prefetch!["liverLabs"].Resource!), FhirJson.Write(body.Prefetch!["liverLabs"].Resource!));
        }
    }

    /// <summary>
    /// Which pre-read entries the parallel read takes, made visible: the pre-reader is shown a body that differs only
    /// in the Observations' ids ("o12" → "q12", same offsets), so every entry taken from it comes out with a q-id. The
    /// pre-reader is meant to see the very buffer that is parsed; this only shows where its entries end up.
    /// </summary>
    [Theory]
    [InlineData(MaxDepth, true)]
    [InlineData(MaxDepth + 10, false)] // another depth limit: an entry read with it is not the entry the body's reader would read
    public async Task PreReadEntries_AreTakenByPosition_AndOnlyWithTheSameDepthLimit(int preReadDepth, bool taken)
    {
        var bytes = LargeBundleRequest(entries: 400, seed: 1);
        var shown = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"id\":\"o", "\"id\":\"q"));
        Assert.Equal(bytes.Length, shown.Length);
        var reader = new FhirFastReader.EntryPreReader(shown, preReadDepth);
        reader.Advance(shown.Length / 2);
        reader.ReadArrived();
        await reader.StopAsync();
        Assert.InRange(reader.Count, 150, 250);

        using var body = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 1024, preRead: reader);
        var ids = Assert.IsType<NaltrexoneFhir.Fhir.Model.Bundle>(body.Prefetch!["liverLabs"].Resource).Entry!.Select(e => e.Resource!.Id!).ToList();
        var expected = Enumerable.Range(0, 400).Select(i => (taken && i < reader.Count ? "q" : "o") + i);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task AnEntryTooDeepForTheBody_IsRejectedAsBefore_EvenWhenPreReadWithAHigherLimit()
    {
        var sample = Encoding.UTF8.GetString(LargeBundleRequest(entries: 60, seed: 2));
        var bytes = Encoding.UTF8.GetBytes(sample.Replace("\"deep\":0", "\"deep\":" + new string('[', 62) + new string(']', 62)));
        var expected = Assert.ThrowsAny<JsonException>(() => HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0).Dispose());
        var reader = new FhirFastReader.EntryPreReader(bytes, maxDepth: 200);
        reader.Advance(bytes.Length);
        reader.ReadArrived();
        await reader.StopAsync();
        Assert.True(reader.Count >= 59, $"pre-read {reader.Count}");
        var actual = Assert.ThrowsAny<JsonException>(() => HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0, preRead: reader).Dispose());
        Assert.Equal((expected.LineNumber, expected.BytePositionInLine, expected.Message), (actual.LineNumber, actual.BytePositionInLine, actual.Message));
    }

    [Fact]
    public async Task PreReadingOnAThreadOfItsOwn_WhileTheBodyArrives_BindsTheSame()
    {
        var bytes = LargeBundleRequest(entries: 2000, seed: 3);
        using var sequential = HookBody.Parse(bytes, MaxDepth, ReadAhead, FhirFastReader.NeverParallel);
        for (var run = 0; run < 5; run++)
        {
            var reader = new FhirFastReader.EntryPreReader(bytes, MaxDepth);
            var thread = new Thread(reader.Run);
            thread.Start();
            for (var n = 0; n < bytes.Length;)
            {
                n = Math.Min(bytes.Length, n + 64 * 1024);
                reader.Advance(n);
                await Task.Delay(1);
            }
            await reader.StopAsync();
            await reader.StopAsync(); // twice is fine
            Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "Run did not return after the stop");
            reader.Run(); // once only: returns at once
            using var body = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 1024, preRead: reader);
            AssertSameBinding(Bind(sequential.RootElement, HookNames.OrderSign, sequential.Prefetch), Bind(body.RootElement, HookNames.OrderSign, body.Prefetch));
        }
    }

    [Fact]
    public async Task APreReader_StoppedBeforeAnyByte_OrShownMoreThanItsBuffer_KeepsNothingWrong()
    {
        var idle = new FhirFastReader.EntryPreReader(new byte[1000], MaxDepth);
        var thread = new Thread(idle.Run);
        thread.Start();
        await idle.StopAsync();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, idle.Count);
        var stoppedFirst = new FhirFastReader.EntryPreReader(new byte[1000], MaxDepth);
        await stoppedFirst.StopAsync();
        stoppedFirst.Run(); // stopped before it began: returns at once, reads nothing
        await stoppedFirst.StopAsync();
        await new FhirFastReader.EntryPreReader(new byte[10], MaxDepth).StopAsync(); // never started

        var bytes = LargeBundleRequest(entries: 50, seed: 4);
        var reader = new FhirFastReader.EntryPreReader(bytes, MaxDepth);
        reader.Advance(bytes.Length * 2); // clamped to the buffer
        reader.ReadArrived();
        await reader.StopAsync();
        Assert.InRange(reader.Count, 49, 50);
    }

    [Fact]
    public async Task APreReader_StopsAtItsEntryCap_AndTheBodyIsStillReadWhole()
    {
        var entries = FhirFastReader.EntryPreReader.MaxEntries + 1000;
        var json = """{"hook":"order-sign","prefetch":{"liverLabs":{"resourceType":"Bundle","type":"searchset","entry":[""" +
                   string.Join(",", Enumerable.Repeat("{}", entries)) + "]}}}";
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new FhirFastReader.EntryPreReader(bytes, MaxDepth);
        reader.Advance(bytes.Length);
        reader.ReadArrived();
        await reader.StopAsync();
        Assert.Equal(FhirFastReader.EntryPreReader.MaxEntries, reader.Count);
        using var body = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 1024, preRead: reader);
        Assert.Equal(entries, Assert.IsType<NaltrexoneFhir.Fhir.Model.Bundle>(body.Prefetch!["liverLabs"].Resource).Entry!.Count);
    }

    /// <summary>
    /// Parses <paramref name="bytes"/> with entries pre-read as they arrived in random pieces (read on this thread
    /// after each piece, so the outcome does not depend on scheduling); every Bundle of two entries or more is read
    /// in parallel, so pre-read entries are taken wherever they can be.
    /// </summary>
    private static HookBody ParseWithPreRead(byte[] bytes, int seed, out int preRead)
    {
        var reader = new FhirFastReader.EntryPreReader(bytes, MaxDepth);
        var random = new Random(seed);
        for (var n = 0; n < bytes.Length;)
        {
            n = Math.Min(bytes.Length, n + random.Next(1, 4096));
            reader.Advance(n);
            reader.ReadArrived();
        }
        reader.StopAsync().GetAwaiter().GetResult();
        preRead = reader.Count;
        return HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0, preRead: reader);
    }

    [Fact]
    public void LargeBundle_Mutated_IsAcceptedOrRejectedExactlyAsTheDocumentParserDoes_AndBindsTheSame()
    {
        // Mutations inside entries (give-ups, malformed strings), in the separators between them (the structural
        // scan must refuse, the reader then decides) and around the array; depth near the limit inside an entry.
        var sample = LargeBundleRequest(entries: 60, seed: 2);
        var random = new Random(20261203);
        const string Alphabet = "{}[]\":,\\ 0123456789aeflnrstu-.";
        for (var i = 0; i < 600; i++)
        {
            var bytes = (byte[])sample.Clone();
            for (var m = random.Next(1, 3); m > 0; m--)
                bytes[random.Next(bytes.Length)] = (byte)Alphabet[random.Next(Alphabet.Length)];
            if (AssertSameVerdict(bytes) is null) continue;
            using var whole = JsonDocument.Parse(bytes);
            using var body = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0);
            AssertSameBinding(Bind(whole.RootElement, HookNames.OrderSign, null), Bind(body.RootElement, HookNames.OrderSign, body.Prefetch));
            using var preRead = ParseWithPreRead(bytes, seed: i, out _);
            AssertSameBinding(Bind(whole.RootElement, HookNames.OrderSign, null), Bind(preRead.RootElement, HookNames.OrderSign, preRead.Prefetch));
        }
        for (var depth = 50; depth <= 62; depth++)
        {
            var deep = Encoding.UTF8.GetString(sample).Replace("\"deep\":0", "\"deep\":" + new string('[', depth) + new string(']', depth));
            AssertSameVerdict(Encoding.UTF8.GetBytes(deep));
        }
    }

    /// <summary>
    /// An order-sign body whose liverLabs Bundle has <paramref name="entries"/> Observations with text that a naive
    /// bracket counter would get wrong: escaped quotes and backslashes, brackets and braces inside strings, escapes,
    /// non-ASCII, nested arrays, CRLF and tabs between entries; one entry has a "deep" element to nest into.
    /// </summary>
    private static byte[] LargeBundleRequest(int entries, int seed)
    {
        var random = new Random(seed);
        string[] tricky = ["plain", "quote \\\" inside", "back\\\\slash", "brace } and ] in text", "[{\\\"json\\\":\\\"in text\\\"}]", "\\u007Bescaped\\u007D", "café ünïcode", "tab\\there"];
        var sb = new StringBuilder("""{"hook":"order-sign","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/1","patientId":"p1","draftOrders":{"resourceType":"Bundle","entry":[]}},"prefetch":{"liverLabs":{"resourceType":"Bundle","type":"searchset","entry":[""");
        for (var i = 0; i < entries; i++)
        {
            if (i > 0) sb.Append(random.Next(3) switch { 0 => ",", 1 => " ,\r\n\t", _ => "\n, " });
            sb.Append($$$"""{"fullUrl":"urn:uuid:{{{i}}}","resource":{"resourceType":"Observation","id":"o{{{i}}}","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1742-6","display":"ALT"}],"text":"{{{tricky[random.Next(tricky.Length)]}}}"},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-0{{{1 + random.Next(9)}}}-1{{{random.Next(10)}}}","valueQuantity":{"value":{{{random.Next(10, 400)}}},"unit":"U/L","system":"http://unitsofmeasure.org","code":"U/L"},"note":[{"text":"{{{tricky[random.Next(tricky.Length)]}}}"}],"extra":[[1,[2,{"a":"]"}]],{}]{{{(i == entries / 2 ? ",\"deep\":0" : "")}}}},"search":{"mode":"match"}}""");
        }
        sb.Append("""],"total":1},"patient":{"resourceType":"Patient","id":"p1"}}}""");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Fact]
    public void PrefetchValues_KeepTheirKindAndExactText_AndTheRestOfTheBodyIsUnchanged()
    {
        var json = """{"hook":"order-sign","prefetch":{"a":{"resourceType":"Patient","id":"p1"},"b":null,"c":[1,{"x":2}],"d":"text","e":12.5e1,"f\u0041":true,"a":{"resourceType":"Patient","id":"last"}},"context":{"patientId":"p1"}}""";
        using var body = HookBody.Parse(Encoding.UTF8.GetBytes(json), MaxDepth);
        var prefetch = Assert.IsAssignableFrom<IReadOnlyDictionary<string, RawJson>>(body.Prefetch);
        Assert.Equal(["a", "b", "c", "d", "e", "fA"], prefetch.Keys.Order(StringComparer.Ordinal));
        // A repeated key: the last value wins, as when enumerating the document.
        Assert.Equal("""{"resourceType":"Patient","id":"last"}""", Text(prefetch["a"]));
        Assert.Equal(JsonValueKind.Object, prefetch["a"].Kind);
        Assert.Equal((JsonValueKind.Null, "null"), (prefetch["b"].Kind, Text(prefetch["b"])));
        Assert.Equal((JsonValueKind.Array, """[1,{"x":2}]"""), (prefetch["c"].Kind, Text(prefetch["c"])));
        Assert.Equal((JsonValueKind.String, "\"text\""), (prefetch["d"].Kind, Text(prefetch["d"])));
        Assert.Equal((JsonValueKind.Number, "12.5e1"), (prefetch["e"].Kind, Text(prefetch["e"])));
        Assert.Equal(JsonValueKind.True, prefetch["fA"].Kind);
        Assert.Equal("""{"hook":"order-sign","prefetch":{},"context":{"patientId":"p1"}}""", body.RootElement.GetRawText());
    }

    [Fact]
    public void NamedObjectValues_AreReadDuringTheScan_OthersAndGiveUpsLater()
    {
        var json = """{"prefetch":{"a":{"resourceType":"Patient","id":"p1"},"other":{"resourceType":"Patient","id":"p2"},"b":{"id":"p3","resourceType":"Patient"},"c":[{"resourceType":"Patient"}],"fA":null},"hook":"order-sign"}""";
        using var body = HookBody.Parse(Encoding.UTF8.GetBytes(json), MaxDepth, ReadAhead);
        var prefetch = body.Prefetch!;
        Assert.Equal("p1", prefetch["a"].Resource?.Id);
        Assert.Null(prefetch["other"].Resource); // not named
        Assert.Null(prefetch["b"].Resource);     // resourceType not first: the fast reader gives up
        Assert.Null(prefetch["c"].Resource);     // not an object
        Assert.Equal("""{"id":"p3","resourceType":"Patient"}""", Text(prefetch["b"]));
        Assert.Equal("p3", PrefetchReader.Read(prefetch["b"]).Resources.Single().Id);
        Assert.Equal("p2", PrefetchReader.Read(prefetch["other"]).Resources.Single().Id);
        Assert.Same(prefetch["a"].Resource, PrefetchReader.Read(prefetch["a"]).Resources.Single());
        Assert.Equal("""{"prefetch":{},"hook":"order-sign"}""", body.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("""{"prefetch":null}""")]
    [InlineData("""{"prefetch":[{"resourceType":"Patient"}]}""")]
    [InlineData("""{"prefetch":"x"}""")]
    [InlineData("""{"prefetch":{"a":null},"prefetch":{"b":null}}""")]
    [InlineData("""{"prefetch":null,"prefetch":{"b":null}}""")]
    [InlineData("""{"context":{"prefetch":{"a":null}}}""")]
    [InlineData("""[{"prefetch":{"a":null}}]""")]
    public void NoSingleObjectPrefetchAtTheRoot_LeavesTheBodyWhole(string json)
    {
        using var body = HookBody.Parse(Encoding.UTF8.GetBytes(json), MaxDepth);
        Assert.Null(body.Prefetch);
        Assert.Equal(json, body.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"prefetch":{"a":{"resourceType":"Patient"}}""")]
    [InlineData("""{"prefetch":{"a":{"resourceType":"Patient",}}}""")]
    [InlineData("""{"prefetch":{"a":{"resourceType":"Patient"}}} trailing""")]
    [InlineData("""{"prefetch":{"a":{"resourceType":"Patient"}}}{}""")]
    [InlineData("""{"prefetch":{"a":{"x":"\u00"}}}""")]
    [InlineData("""{"prefetch":{"a" {"resourceType":"Patient"}}}""")]
    [InlineData("""{"prefetch":{"a":{/* comment */}}}""")]
    [InlineData("""{"prefetch":{"a":{"resourceType":"Patient"}}}   """)]
    [InlineData("""  {"hook":"order-sign","prefetch":{}}""")]
    public void AcceptsAndRejectsExactlyWhatTheDocumentParserDoes(string json) => AssertSameVerdict(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(500)]
    public void DepthLimit_IsTheDocumentParsersInsideAndOutsidePrefetch(int depth)
    {
        var nested = new string('[', depth) + new string(']', depth);
        AssertSameVerdict(Encoding.UTF8.GetBytes("{\"prefetch\":{\"a\":" + nested + "}}"), expectDepthError: depth > MaxDepth - 2);
        AssertSameVerdict(Encoding.UTF8.GetBytes("{\"context\":" + nested + ",\"prefetch\":{\"a\":null}}"), expectDepthError: depth > MaxDepth - 1);
    }

    [Fact]
    public void RandomMutationsOfASampleRequest_BindOrFailAsFromTheWholeDocument()
    {
        var sample = File.ReadAllBytes(RepoFiles.Path("fhir-profiles", "examples", "hook-requests", "order-sign-naltrexone-on-oxycodone.json"));
        var random = new Random(20261202);
        const string Alphabet = "{}[]\":,\\ 0123456789aeflnrstu-.";
        for (var i = 0; i < 1500; i++)
        {
            var bytes = (byte[])sample.Clone();
            for (var m = random.Next(1, 4); m > 0; m--)
                bytes[random.Next(bytes.Length)] = (byte)Alphabet[random.Next(Alphabet.Length)];
            var verdict = AssertSameVerdict(bytes);
            if (verdict is null) continue;
            using var whole = JsonDocument.Parse(bytes);
            using var body = HookBody.Parse(bytes, MaxDepth, ReadAhead);
            AssertSameBinding(Bind(whole.RootElement, HookNames.OrderSign, null), Bind(body.RootElement, HookNames.OrderSign, body.Prefetch));
            using var parallel = HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0);
            AssertSameBinding(Bind(whole.RootElement, HookNames.OrderSign, null), Bind(parallel.RootElement, HookNames.OrderSign, parallel.Prefetch));
            using var preRead = ParseWithPreRead(bytes, seed: i, out _);
            AssertSameBinding(Bind(whole.RootElement, HookNames.OrderSign, null), Bind(preRead.RootElement, HookNames.OrderSign, preRead.Prefetch));
        }
    }

    private static (HookRequest? Request, IReadOnlyList<RequestIssue> Issues) Bind(JsonElement root, string hook, IReadOnlyDictionary<string, RawJson>? prefetch) =>
        HookRequestParser.Parse(root, hook, prefetch);

    private static void AssertSameBinding((HookRequest? Request, IReadOnlyList<RequestIssue> Issues) expected, (HookRequest? Request, IReadOnlyList<RequestIssue> Issues) actual)
    {
        Assert.Equal(expected.Issues.Select(i => $"{i.Code}|{i.Expression}|{i.Message}"), actual.Issues.Select(i => $"{i.Code}|{i.Expression}|{i.Message}"));
        Assert.Equal(expected.Request is null, actual.Request is null);
        if (expected.Request is not { } e || actual.Request is not { } a) return;
        Assert.Equal((e.Hook, e.HookInstance, e.PatientId, e.FhirServer, e.UserId, e.EncounterId), (a.Hook, a.HookInstance, a.PatientId, a.FhirServer, a.UserId, a.EncounterId));
        Assert.Equal(e.DraftOrders.Select(d => d.Json.GetRawText()), a.DraftOrders.Select(d => d.Json.GetRawText()));
        Assert.Equal(e.ContextTokens.OrderBy(t => t.Key, StringComparer.Ordinal), a.ContextTokens.OrderBy(t => t.Key, StringComparer.Ordinal));
        Assert.Equal(e.Prefetch.Keys.Order(StringComparer.Ordinal), a.Prefetch.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in e.Prefetch)
        {
            Assert.Equal(value.Kind, a.Prefetch[key].Kind);
            Assert.Equal(Text(value), Text(a.Prefetch[key]));
            // and the data layer reads the same thing from both
            Assert.Equal(Describe(PrefetchReader.Read(value)), Describe(PrefetchReader.Read(a.Prefetch[key])));
        }
    }

    private static string Describe(PrefetchValue v) =>
        $"{v.State} {v.Problem} " + string.Join(",", v.Resources.Select(r => $"{r.TypeName}/{r.Id} {NaltrexoneFhir.Fhir.Json.FhirJson.Write(r)}"));

    /// <summary>Both readers accept the body, or both reject it with the same position (null when rejected).</summary>
    private static string? AssertSameVerdict(byte[] bytes, bool? expectDepthError = null)
    {
        JsonException? expected = null, actual = null;
        try { JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth }).Dispose(); }
        catch (JsonException ex) { expected = ex; }
        try { HookBody.Parse(bytes, MaxDepth).Dispose(); }
        catch (JsonException ex) { actual = ex; }
        // Reading prefetch values during the scan must not change the verdict or the error's position.
        JsonException? readingAhead = null;
        try { HookBody.Parse(bytes, MaxDepth, ReadAhead).Dispose(); }
        catch (JsonException ex) { readingAhead = ex; }
        Assert.Equal(actual is null, readingAhead is null);
        if (actual is not null)
            Assert.Equal((actual.LineNumber, actual.BytePositionInLine, actual.Message), (readingAhead!.LineNumber, readingAhead.BytePositionInLine, readingAhead.Message));
        // Nor reading every Bundle's entries in parallel (threshold 0): the reader resumes after the array with
        // positions counted from there, so a later error must still be reported where the document parser reports it.
        JsonException? parallel = null;
        try { HookBody.Parse(bytes, MaxDepth, ReadAhead, parallelMinBytes: 0).Dispose(); }
        catch (JsonException ex) { parallel = ex; }
        Assert.Equal(actual is null, parallel is null);
        if (actual is not null)
            Assert.Equal((actual.LineNumber, actual.BytePositionInLine, actual.Message), (parallel!.LineNumber, parallel.BytePositionInLine, parallel.Message));
        // Nor entries pre-read while the body arrived.
        JsonException? preRead = null;
        try { ParseWithPreRead(bytes, seed: bytes.Length, out _).Dispose(); }
        catch (JsonException ex) { preRead = ex; }
        Assert.Equal(actual is null, preRead is null);
        if (actual is not null)
            Assert.Equal((actual.LineNumber, actual.BytePositionInLine, actual.Message), (preRead!.LineNumber, preRead.BytePositionInLine, preRead.Message));
        Assert.Equal(expected is null, actual is null);
        if (expected is null) return "accepted";
        Assert.Equal((expected.LineNumber, expected.BytePositionInLine), (actual!.LineNumber, actual.BytePositionInLine));
        Assert.Equal(expected.Message.Contains("depth", StringComparison.OrdinalIgnoreCase), actual.Message.Contains("depth", StringComparison.OrdinalIgnoreCase));
        if (expectDepthError is { } depth) Assert.Equal(depth, actual.Message.Contains("depth", StringComparison.OrdinalIgnoreCase));
        return null;
    }

    private static string Text(RawJson value) => Encoding.UTF8.GetString(value.Utf8);
}
