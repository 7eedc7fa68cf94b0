using System.Text.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Json;

public static partial class FhirFastReader
{
    /// <summary>Bodies at least this large (1 MB) are worth pre-reading while they arrive (see <see cref="EntryPreReader"/>).</summary>
    public const int DefaultPreReadMinBytes = 4 * DefaultParallelMinBytes;

    /// <summary>
    /// Reads the entries of a large hook body's Bundles while the rest of the body is still arriving. A large-history
    /// body (4.9 MB) takes ~4 ms to arrive on loopback and the read could only start after its last byte; this reader
    /// follows the bytes as they come in (<see cref="Advance"/>), finds each complete element of an array named
    /// <c>entry</c> in an object two levels under the root (<c>prefetch.key.entry[i]</c>, and <c>context.key.entry[i]</c>,
    /// wasted but harmless) with a structural scan like the parallel read's, and reads it exactly as the parallel read
    /// would: its own <see cref="Utf8JsonReader"/> over its own bytes, with the depth limit that entry will get there.
    /// </summary>
    /// <remarks>
    /// It is speculative and changes no result: the body's reader still checks the whole body, and when it reads a
    /// large entry array in parallel it takes a pre-read entry only for an element with the same start, end and depth
    /// limit (the same function over the same bytes); every other element, and any array that is not read in parallel,
    /// is read as before. An entry that fails here is simply not kept. <see cref="StopAsync"/> must be awaited before
    /// the body is parsed (the results are handed over by that await) and before the buffer is reused.
    /// The caller gives it a thread (<see cref="Run"/>). The service uses long-lived threads at a lower priority rather
    /// than the thread pool: on 2 cores with the client on the same machine, a pool thread at normal priority took CPU
    /// the arrival needed (the large call 1 ms slower on loopback), while a niced thread costs nothing there and keeps
    /// the gain over a real link (BENCHMARKS.md, session 13).
    /// </remarks>
    public sealed class EntryPreReader
    {
        /// <summary>Containers open around an entry array's '[': the root, the <c>prefetch</c> object, the Bundle.</summary>
        private const int EntryArrayDepth = 3;

        /// <summary>
        /// Entries found after which it stops (64 Ki, ten times a large history's): a hostile body of 8 MB of <c>{}</c>
        /// entries would otherwise have it build millions of them beside the body's reader (its lists stay at 512 KB).
        /// </summary>
        public const int MaxEntries = 1 << 16;

        private readonly ReadOnlyMemory<byte> _buffer;
        private readonly int _entryLimit;
        private readonly SemaphoreSlim _signal = new(0);
        // The entries found, in body order (so sorted by start), and what reading each gave (null: not kept). Two lists
        // of 8-byte items rather than a dictionary: a large history's 5,700 entries stay below the large object heap's
        // 85 KB, where a dictionary's arrays (~300 KB) went, and each call added to it until a full GC (peak RSS +15 MB).
        private readonly List<(int Start, int End)> _found = [];
        private readonly List<BundleEntry?> _kept = [];
        private static readonly Comparer<(int Start, int End)> ByStart = Comparer<(int Start, int End)>.Create((a, b) => a.Start.CompareTo(b.Start));
        private int _keptCount;
        private int _taken;
        private const int Idle = 0, Running = 1, StoppedBeforeRun = 2, StoppedWhileRunning = 3;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _available;
        private int _state;
        /// <summary>How many of <see cref="_found"/> have been read (kept or not).</summary>
        private int _read;

        // The scan's state between blocks.
        private int _scanned;
        private StringState _strings;
        private EntrySeeker _entries;
        private bool _gaveUp;

        /// <param name="buffer">The whole body's buffer as it will be parsed (sized from Content-Length); bytes arrive from its start.</param>
        /// <param name="maxDepth">The depth limit the body will be parsed with.</param>
        public EntryPreReader(ReadOnlyMemory<byte> buffer, int maxDepth)
        {
            _buffer = buffer;
            _entries = new EntrySeeker(_found);
            // As the parallel read computes it for an array whose '[' the body's reader reads at depth 3.
            _entryLimit = (maxDepth is 0 ? 64 : maxDepth) - (EntryArrayDepth + 1) - 1;
        }

        /// <summary>Entries read and kept so far (diagnostics and tests; read it after <see cref="StopAsync"/>).</summary>
        public int Count => _keptCount;

        /// <summary>Kept entries the body's parse took (the service's metrics; read it after the parse).</summary>
        public int Taken => _taken;

        /// <summary>
        /// Reads on the calling thread as the bytes arrive, until <see cref="StopAsync"/> (or the body turns out not to
        /// be JSON it can follow). Returns at once when stopped before it began. At most one thread may run it.
        /// </summary>
        public void Run()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Idle) != Idle) return;
            try
            {
                while (Volatile.Read(ref _state) == Running && !_gaveUp && _entryLimit >= 1)
                {
                    ReadArrived();
                    // Caught up (the scan takes whole 64-byte blocks): wait for more bytes or the stop. Every Advance
                    // releases the semaphore, so bytes that came after this check are not missed.
                    if (_read == _found.Count && Volatile.Read(ref _available) - _scanned < 64) _signal.Wait();
                }
            }
            catch (Exception)
            {
                // Nothing here may fail the request: what was not read is read by the body's reader as always.
            }
            finally
            {
                _done.SetResult();
            }
        }

        /// <summary>The first <paramref name="available"/> bytes of the buffer have arrived and will not change.</summary>
        public void Advance(int available)
        {
            Volatile.Write(ref _available, Math.Min(available, _buffer.Length));
            _signal.Release();
        }

        /// <summary>
        /// Stops reading (after the entry being read) and waits for <see cref="Run"/> to return, if it began; the kept
        /// entries are then visible to the caller. Idempotent.
        /// </summary>
        public Task StopAsync()
        {
            while (true)
            {
                switch (Volatile.Read(ref _state))
                {
                    case Idle when Interlocked.CompareExchange(ref _state, StoppedBeforeRun, Idle) == Idle:
                    case StoppedBeforeRun:
                        return Task.CompletedTask;
                    case Running when Interlocked.CompareExchange(ref _state, StoppedWhileRunning, Running) == Running:
                        _signal.Release();
                        return _done.Task;
                    case StoppedWhileRunning:
                        return _done.Task;
                }
            }
        }

        /// <summary>The entry pre-read at exactly [<paramref name="start"/>, <paramref name="end"/>) with depth limit <paramref name="limit"/>.</summary>
        internal bool TryGet(int start, int end, int limit, out BundleEntry entry)
        {
            if (limit == _entryLimit)
            {
                var i = _found.BinarySearch((start, 0), ByStart);
                if (i >= 0 && i < _kept.Count && _found[i].End == end && _kept[i] is { } kept)
                {
                    entry = kept;
                    _taken++; // called from the parse's one thread, before its parallel part
                    return true;
                }
            }
            entry = null!;
            return false;
        }

        /// <summary>
        /// Scans and reads, on the calling thread, what has arrived so far: for a caller with no spare thread to
        /// <see cref="Run"/> it on, and for tests. Not to be called while it runs.
        /// </summary>
        public void ReadArrived()
        {
            if (_gaveUp || _entryLimit < 1) return;
            Scan(Volatile.Read(ref _available));
            var options = new JsonReaderOptions { MaxDepth = _entryLimit };
            for (; _read < _found.Count && Volatile.Read(ref _state) < StoppedBeforeRun; _read++)
            {
                var (start, end) = _found[_read];
                var entry = ReadEntry(_buffer.Span[start..end], options);
                _kept.Add(entry);
                if (entry is not null) _keptCount++;
            }
        }

        private static BundleEntry? ReadEntry(ReadOnlySpan<byte> json, JsonReaderOptions options)
        {
            try
            {
                var r = new Utf8JsonReader(json, options);
                r.Read();
                var entry = ReadBundleEntry(ref r);
                return r.Read() ? null : entry;
            }
            catch (Exception)
            {
                // A give-up, malformed or too deep entry: not kept; the body's reader decides about it as always.
                return null;
            }
        }

        /// <summary>Scans the whole 64-byte blocks below <paramref name="available"/>, noting complete entries in <see cref="_found"/>.</summary>
        private void Scan(int available)
        {
            if (!ScanBrackets(_buffer.Span, _scanned, available, wholeBlocks: true, ref _strings, ref _entries, out _scanned)) _gaveUp = true;
        }

        /// <summary>
        /// Finds the elements of arrays named <c>entry</c> in objects two levels under the root, by absolute depth;
        /// stops on a closing bracket the text never opened (not JSON the body's reader will accept).
        /// </summary>
        private struct EntrySeeker(List<(int Start, int End)> found) : IBracketSink
        {
            private int _depth;
            private int _entryStart = -1;
            private bool _inEntryArray;

            public bool Bracket(ReadOnlySpan<byte> json, int pos, bool opening)
            {
                if (opening)
                {
                    if (_depth == EntryArrayDepth && json[pos] == (byte)'[') _inEntryArray = IsEntryKeyBefore(json, pos);
                    else if (_depth == EntryArrayDepth + 1 && _inEntryArray && json[pos] == (byte)'{') _entryStart = pos;
                    _depth++;
                    return true;
                }
                _depth--;
                if (_depth < 0) return false;
                if (_depth == EntryArrayDepth + 1 && _inEntryArray && _entryStart >= 0 && json[pos] == (byte)'}')
                {
                    if (found.Count == MaxEntries) return false;
                    found.Add((_entryStart, pos + 1));
                    _entryStart = -1;
                }
                else if (_depth == EntryArrayDepth) _inEntryArray = false;
                return true;
            }
        }

        /// <summary>Whether <c>"entry"</c>, a colon and JSON whitespace come right before the '[' at <paramref name="pos"/>.</summary>
        private static bool IsEntryKeyBefore(ReadOnlySpan<byte> json, int pos)
        {
            var i = pos - 1;
            while (i >= 0 && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i--;
            if (i < 0 || json[i] != (byte)':') return false;
            i--;
            while (i >= 0 && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i--;
            return i >= 6 && json[(i - 6)..(i + 1)].SequenceEqual("\"entry\""u8);
        }
    }
}
