using System.Text.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Json;

/// <summary>
/// Large Bundles read on several cores. A large-history patient's prefetch is one Bundle of thousands of
/// Observations (4.6 MB of a 4.9 MB body), and reading it was most of that hook call's wall time on one core. When a
/// Bundle's <c>entry</c> array holds at least <c>parallelMinBytes</c>, a structural scan (quotes, escapes and
/// brackets only, far cheaper than tokenizing) finds where each entry starts and ends; the entries are then read in
/// chunks on several threads, each entry by its own reader over its own bytes (which checks it as the body's reader
/// would), and the body's reader moves straight to the array's closing bracket with its own state, so the entries
/// are tokenized once. Anything unexpected — the scan finds a non-object element or unbalanced text, an entry fails
/// to read or would hit the depth limit — and the array is read sequentially by the body's reader as before, which
/// then gives exactly the result, give-up or error it always gave.
/// </summary>
public static partial class FhirFastReader
{
    /// <summary>Entry arrays at least this large (bytes) are read in parallel by the hook-body overload of TryRead.</summary>
    public const int DefaultParallelMinBytes = 256 * 1024;

    /// <summary>Pass as <c>parallelMinBytes</c> to read every array on one thread.</summary>
    public const int NeverParallel = int.MaxValue;

    private static long _parallelReads;

    /// <summary>How many entry arrays this process has read in parallel (diagnostics and tests).</summary>
    public static long ParallelReads => Interlocked.Read(ref _parallelReads);

    /// <summary>The entry list of the last parallel read on this thread, reused (see TryReadEntriesInParallel).</summary>
    [ThreadStatic] private static List<(int Start, int End)>? t_bounds;

    /// <summary>Entry lists longer than this (512 KB) are not kept for reuse.</summary>
    private const int MaxKeptBounds = 1 << 16;

    /// <summary>The body the hook-body overload of TryRead is reading on this thread; null elsewhere (and inside the parallel read, so nested Bundles stay sequential).</summary>
    [ThreadStatic] private static BodySource? t_body;

    private sealed class BodySource(ReadOnlyMemory<byte> buffer, int offset, int minBytes, EntryPreReader? preRead)
    {
        public ReadOnlyMemory<byte> Buffer { get; } = buffer;
        /// <summary>Where in <see cref="Buffer"/> the reader's own buffer starts (it moves on after a parallel read).</summary>
        public int Offset { get; set; } = offset;
        public int MinBytes { get; } = minBytes;
        /// <summary>Entries read while the body arrived (stopped before this read began), or null.</summary>
        public EntryPreReader? PreRead { get; } = preRead;
    }

    /// <summary>
    /// As <see cref="TryRead(ref Utf8JsonReader)"/> for a reader over <paramref name="buffer"/> from
    /// <paramref name="offset"/> (its <c>TokenStartIndex</c> and <c>BytesConsumed</c> count from there), reading
    /// Bundle entry arrays of at least <paramref name="parallelMinBytes"/> on several cores. After a parallel read the
    /// reader is a new one over the rest of the buffer, and <paramref name="offset"/> says where that starts; on null
    /// both are left exactly as they were. Never throws. Entries <paramref name="preRead"/> read while the body
    /// arrived (it must be stopped) are taken instead of being read again when their bytes and depth limit match.
    /// </summary>
    public static Resource? TryRead(ref Utf8JsonReader reader, ReadOnlyMemory<byte> buffer, ref int offset, int parallelMinBytes = DefaultParallelMinBytes,
        EntryPreReader? preRead = null)
    {
        // A body too small to hold such an array (every typical request) is read as before, with nothing to set up.
        if (parallelMinBytes == NeverParallel || Environment.ProcessorCount < 2 || buffer.Length < parallelMinBytes) return TryRead(ref reader);
        var previous = t_body;
        var body = new BodySource(buffer, offset, parallelMinBytes, preRead);
        t_body = body;
        try
        {
            var r = reader;
            var resource = Guarded(ref r, ReadResource);
            if (resource is null) return null;
            reader = r;
            offset = body.Offset;
            return resource;
        }
        finally
        {
            t_body = previous;
        }
    }

    /// <summary>A Bundle's entries: in parallel when the array is large and read from a hook body, else one by one.</summary>
    private static BundleEntry[] ReadEntries(ref Utf8JsonReader r) =>
        t_body is { } body && TryReadEntriesInParallel(ref r, body) is { } entries ? entries : ReadList(ref r, ReadBundleEntry);

    private static BundleEntry[]? TryReadEntriesInParallel(ref Utf8JsonReader r, BodySource body)
    {
        // The scan's list of entries is kept per thread for the next large array, unless unusually long: grown by
        // doubling for thousands of entries, it was ~5 % of what reading a large history allocated.
        var bounds = t_bounds ?? [];
        t_bounds = null;
        try
        {
            return TryReadEntriesInParallel(ref r, body, bounds);
        }
        finally
        {
            bounds.Clear();
            if (bounds.Capacity <= MaxKeptBounds) t_bounds = bounds;
        }
    }

    private static BundleEntry[]? TryReadEntriesInParallel(ref Utf8JsonReader r, BodySource body, List<(int Start, int End)> bounds)
    {
        if (r.TokenType != JsonTokenType.StartArray) return null;
        var json = body.Buffer.Span;
        var open = body.Offset + (int)r.TokenStartIndex;
        if (json.Length - open < body.MinBytes) return null;
        // Each entry gets its own reader, whose depth counts from the entry: the same limit, one level stricter
        // (an entry that deep is read sequentially, where the body's reader decides exactly as before).
        var limit = r.CurrentState.Options.MaxDepth is 0 ? 64 : r.CurrentState.Options.MaxDepth;
        var entryLimit = limit - (r.CurrentDepth + 1) - 1;
        if (entryLimit < 1) return null;
        if (!EntryBounds(json, open, bounds, out var close) || close - open < body.MinBytes || bounds.Count < 2) return null;

        var entries = new BundleEntry[bounds.Count];
        // What is left to read: every entry, less those read while the body arrived (the first ones, usually);
        // rest[k] is entry index[k] (no index: all of them).
        var rest = bounds;
        List<int>? index = null;
        if (body.PreRead is { Count: > 0 } preRead)
        {
            rest = [];
            index = [];
            for (var i = 0; i < bounds.Count; i++)
            {
                if (preRead.TryGet(bounds[i].Start, bounds[i].End, entryLimit, out var entry)) entries[i] = entry;
                else
                {
                    index.Add(i);
                    rest.Add(bounds[i]);
                }
            }
        }
        var failed = 0;
        var buffer = body.Buffer;
        var options = new JsonReaderOptions { MaxDepth = entryLimit };
        // Four runs per core, taken by whichever thread is free: with one run per core, a core the VM or the GC held up
        // left the other spinning at the end (in-process large history, 7 alternated pairs: median 20.4 vs 22.2 ms per
        // call, less CPU too; BENCHMARKS.md, session 13).
        var chunks = rest.Count == 0 ? [0] : Chunks(rest, Math.Min(rest.Count, Environment.ProcessorCount * 4));
        Parallel.For(0, chunks.Length - 1, c =>
        {
            var saved = t_body;
            t_body = null;
            try
            {
                for (var k = chunks[c]; k < chunks[c + 1] && Volatile.Read(ref failed) == 0; k++)
                {
                    var i = index is null ? k : index[k];
                    var (start, end) = bounds[i];
                    var er = new Utf8JsonReader(buffer.Span[start..end], options);
                    er.Read();
                    entries[i] = ReadBundleEntry(ref er);
                    if (er.Read()) Interlocked.Exchange(ref failed, 1); // cannot happen after a balanced scan; checked anyway
                }
            }
            catch (Exception)
            {
                // A give-up, malformed or too deep entry (or anything else): the body's reader reads the array.
                Interlocked.Exchange(ref failed, 1);
            }
            finally
            {
                t_body = saved;
            }
        });
        if (failed != 0) return null;

        // The body's reader is on '['; with its state it reads ']' next as if the entries had been read.
        var state = r.CurrentState;
        r = new Utf8JsonReader(buffer.Span[close..], isFinalBlock: true, state);
        body.Offset = close;
        r.Read();
        Interlocked.Increment(ref _parallelReads);
        return entries;
    }

    /// <summary>Splits the entries into <paramref name="count"/> runs of about equal bytes: run c is [result[c], result[c+1]).</summary>
    private static int[] Chunks(List<(int Start, int End)> bounds, int count)
    {
        var first = bounds[0].Start;
        var total = bounds[^1].End - first;
        var result = new int[count + 1];
        var i = 0;
        for (var c = 1; c < count; c++)
        {
            var target = first + (long)total * c / count;
            while (i < bounds.Count && bounds[i].Start < target) i++;
            result[c] = i;
        }
        result[count] = bounds.Count;
        return result;
    }

    /// <summary>
    /// Finds each element of the array whose '[' is at <paramref name="open"/>, all of which must be objects separated
    /// by commas and JSON whitespace, and the closing ']'. False on anything else. Only the structure is checked
    /// here (brackets outside strings, <see cref="ScanBrackets"/>): each element is checked by the reader that reads it.
    /// </summary>
    private static bool EntryBounds(ReadOnlySpan<byte> json, int open, List<(int Start, int End)> bounds, out int close)
    {
        var elements = new ArrayElements(bounds);
        var strings = new StringState();
        ScanBrackets(json, open + 1, json.Length, wholeBlocks: false, ref strings, ref elements, out _);
        close = elements.Close;
        return close >= 0 && json[close] == (byte)']' && bounds.Count > 0 && Separators(json, open, bounds, close);
    }

    /// <summary>
    /// The elements of one array, as <see cref="EntryBounds"/> scans it (depth counts from inside the array): each must
    /// be an object; the scan stops at the array's closing bracket (<see cref="Close"/>) or at anything else.
    /// </summary>
    private struct ArrayElements(List<(int Start, int End)> bounds) : IBracketSink
    {
        private int _depth;
        private int _elementStart = -1;

        /// <summary>Where the array's closing bracket is; -1 until found.</summary>
        public int Close { get; private set; } = -1;

        public bool Bracket(ReadOnlySpan<byte> json, int pos, bool opening)
        {
            if (opening)
            {
                if (_depth == 0)
                {
                    if (json[pos] != (byte)'{') return false;
                    _elementStart = pos;
                }
                _depth++;
                return true;
            }
            _depth--;
            if (_depth == 0) bounds.Add((_elementStart, pos + 1));
            else if (_depth < 0)
            {
                Close = pos;
                return false;
            }
            return true;
        }
    }

    /// <summary>Between '[', the entries and ']' only JSON whitespace and one comma between two entries.</summary>
    private static bool Separators(ReadOnlySpan<byte> json, int open, List<(int Start, int End)> bounds, int close)
    {
        if (SkipWhitespace(json, open + 1) != bounds[0].Start) return false;
        for (var e = 1; e < bounds.Count; e++)
        {
            var i = SkipWhitespace(json, bounds[e - 1].End);
            if (i >= json.Length || json[i] != (byte)',' || SkipWhitespace(json, i + 1) != bounds[e].Start) return false;
        }
        return SkipWhitespace(json, bounds[^1].End) == close;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return i;
    }
}
