using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Hooks;

/// <summary>
/// One JSON value kept as its UTF-8 text (a slice of the request body, or a <see cref="JsonElement"/>'s own bytes),
/// read later by whoever needs it. Valid as long as the body or document it points into.
/// </summary>
public readonly struct RawJson
{
    private readonly JsonElement? _element;
    private readonly ReadOnlyMemory<byte> _utf8;

    /// <summary>A slice of a body already checked to be well-formed JSON, holding exactly one value of <paramref name="kind"/>.</summary>
    public RawJson(ReadOnlyMemory<byte> utf8, JsonValueKind kind, Resource? resource = null)
    {
        _utf8 = utf8;
        Kind = kind;
        Resource = resource;
    }

    private RawJson(JsonElement element)
    {
        _element = element;
        Kind = element.ValueKind;
    }

    public static RawJson Of(JsonElement element) => new(element);

    public JsonValueKind Kind { get; }

    /// <summary>
    /// The value already read for the rules (<see cref="FhirJson.ReadForRules(ReadOnlySpan{byte})"/>'s fast path)
    /// while the body was checked, when it was; null means read <see cref="Utf8"/>.
    /// </summary>
    public Resource? Resource { get; }

    /// <summary>The value's JSON text (no copy).</summary>
    public ReadOnlySpan<byte> Utf8 => _element is { } e ? JsonMarshal.GetRawUtf8Value(e) : _utf8.Span;
}

/// <summary>
/// A hook request body read as JSON with its prefetch values kept apart. The prefetch is most of a request (the
/// patient's record) and only the data layer reads it, with its own single-pass reader; building a
/// <see cref="JsonDocument"/> over it as well tokenized and indexed the whole record a second time (BENCHMARKS.md).
/// So one reader pass checks the whole body (well-formed, depth limit) and notes where each prefetch value lies, and
/// the document is built over the rest of the body only — the <c>prefetch</c> object replaced by <c>{}</c>.
/// The prefetch values the caller names are also read into the model during that pass
/// (<see cref="FhirFastReader.TryRead(ref Utf8JsonReader)"/>), so the record is tokenized once, not once to check it
/// and again to read it; a value the fast reader gives up on is checked by skipping it, exactly as before, and read
/// later from its slice.
/// Bundle entry arrays of <c>parallelMinBytes</c> or more (a large-history patient's labs) are read on several cores
/// (<see cref="FhirFastReader.TryRead(ref Utf8JsonReader, ReadOnlyMemory{byte}, ref int, int)"/>); the reader then
/// resumes after the array, so positions are counted from an offset, and a malformed body is scanned once more on one
/// thread to report its error exactly where the document parser does.
/// </summary>
public sealed class HookBody : IDisposable
{
    private byte[]? _rented;

    private HookBody(JsonDocument document, IReadOnlyDictionary<string, RawJson>? prefetch, byte[]? rented)
    {
        Document = document;
        Prefetch = prefetch;
        _rented = rented;
    }

    /// <summary>The body as a document; when <see cref="Prefetch"/> is set, its <c>prefetch</c> member is an empty object.</summary>
    public JsonDocument Document { get; }

    public JsonElement RootElement => Document.RootElement;

    /// <summary>
    /// The prefetch values by key, as slices of the body, when the body's root object has exactly one
    /// <c>prefetch</c> member and it is an object; null otherwise (the document then holds the body unchanged).
    /// </summary>
    public IReadOnlyDictionary<string, RawJson>? Prefetch { get; }

    /// <summary>
    /// Reads <paramref name="body"/> (which must outlive the result). Throws <see cref="JsonException"/> for malformed
    /// JSON or nesting deeper than <paramref name="maxDepth"/>, exactly as <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> does.
    /// Object-valued prefetch members whose key is in <paramref name="readAhead"/> are read into
    /// <see cref="RawJson.Resource"/> when the fast reader can read them.
    /// </summary>
    /// <param name="parallelMinBytes">
    /// Bundle entry arrays at least this large are read on several cores while the body is checked
    /// (<see cref="FhirFastReader.TryRead(ref Utf8JsonReader, ReadOnlyMemory{byte}, ref int, int)"/>);
    /// <see cref="FhirFastReader.NeverParallel"/> reads everything on the calling thread.
    /// </param>
    /// <param name="preRead">
    /// Bundle entries read while <paramref name="body"/> arrived, already stopped: a parallel read takes those whose
    /// bytes and depth limit match instead of reading them again (<see cref="FhirFastReader.EntryPreReader"/>).
    /// </param>
    public static HookBody Parse(ReadOnlyMemory<byte> body, int maxDepth, IReadOnlySet<string>? readAhead = null,
        int parallelMinBytes = FhirFastReader.DefaultParallelMinBytes, FhirFastReader.EntryPreReader? preRead = null)
    {
        Dictionary<string, RawJson>? prefetch;
        int start, end;
        // Where the scan's reader starts in the body: 0 until a parallel read moves the reader on.
        var offset = 0;
        try
        {
            prefetch = Scan(body, maxDepth, readAhead, parallelMinBytes, preRead, ref offset, out start, out end);
        }
        catch (JsonException) when (offset != 0)
        {
            // After a parallel read the reader counts positions from where it resumed: scan again on one thread, so
            // that a malformed body is reported exactly as the document parser reports it.
            offset = 0;
            prefetch = Scan(body, maxDepth, readAhead, FhirFastReader.NeverParallel, null, ref offset, out start, out end);
        }
        var options = new JsonDocumentOptions { MaxDepth = maxDepth };
        if (prefetch is null) return new HookBody(JsonDocument.Parse(body, options), null, null);

        // The body with the prefetch object replaced by {}: the bytes around it, copied once.
        var rest = body.Length - (end - start) + 2;
        var rented = ArrayPool<byte>.Shared.Rent(rest);
        try
        {
            var span = body.Span;
            span[..start].CopyTo(rented);
            rented[start] = (byte)'{';
            rented[start + 1] = (byte)'}';
            span[end..].CopyTo(rented.AsSpan(start + 2));
            var document = JsonDocument.Parse(rented.AsMemory(0, rest), options);
            return new HookBody(document, prefetch, rented);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    /// <summary>
    /// Checks the whole body and finds the root's <c>prefetch</c> object: its byte range [start, end) and each
    /// member as a slice of the body (a repeated key: the last one, as when enumerating a document). Null when the
    /// root is not an object (the document parse reports it) or there is no single object-valued <c>prefetch</c>.
    /// </summary>
    private static Dictionary<string, RawJson>? Scan(ReadOnlyMemory<byte> body, int maxDepth, IReadOnlySet<string>? readAhead, int parallelMinBytes,
        FhirFastReader.EntryPreReader? preRead, ref int offset, out int start, out int end)
    {
        start = end = -1;
        var r = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return null;
        Dictionary<string, RawJson>? members = null;
        var prefetchMembers = 0;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            var isPrefetch = r.ValueTextEquals("prefetch"u8);
            r.Read();
            // Only the first prefetch member is taken apart; a second one makes the result null (below), leaving
            // duplicates to the document's own rules.
            if (!isPrefetch || ++prefetchMembers > 1 || r.TokenType != JsonTokenType.StartObject)
            {
                r.Skip();
                continue;
            }
            // Sized for the keys the service knows (what an EHR sends): grown from empty it was three tables of 56-byte entries.
            members = new Dictionary<string, RawJson>(readAhead?.Count ?? 0, StringComparer.Ordinal);
            start = offset + (int)r.TokenStartIndex;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var name = r.GetString()!;
                r.Read();
                var kind = Kind(r.TokenType);
                var valueStart = offset + (int)r.TokenStartIndex;
                // Reading a value checks it as skipping does; on a give-up (or malformed JSON) the reader is where it
                // was, and skipping it then throws exactly what it always did.
                var resource = kind == JsonValueKind.Object && readAhead?.Contains(name) == true
                    ? FhirFastReader.TryRead(ref r, body, ref offset, parallelMinBytes, preRead)
                    : null;
                if (resource is null) r.Skip();
                members[name] = new RawJson(body[valueStart..(offset + (int)r.BytesConsumed)], kind, resource);
            }
            end = offset + (int)r.BytesConsumed;
        }
        // Anything after the root value other than whitespace throws here, as in the document parse.
        r.Read();
        return prefetchMembers == 1 ? members : null;
    }

    private static JsonValueKind Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };

    public void Dispose()
    {
        Document.Dispose();
        if (Interlocked.Exchange(ref _rented, null) is { } b) ArrayPool<byte>.Shared.Return(b);
    }
}
