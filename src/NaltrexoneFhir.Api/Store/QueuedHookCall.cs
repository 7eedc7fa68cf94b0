using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>
/// A hook call's audit record as the queue holds it: one byte array, decoded back into its rows by the writer just
/// before they are inserted.
/// <para>
/// Why not the rows themselves: a record waits in the queue for the writer's batch (<see cref="AuditOptions.FlushInterval"/>),
/// so nearly every record outlives a young GC, and the GC's pause grows with the number of objects it has to keep.
/// As rows a record is about 35 objects (the call, its data origins, its cards and suggestions, their lists and
/// strings), and at 2,800 calls/s those were ~80 % of what each young GC kept. As bytes it is one object of a few
/// hundred bytes: the GC's median pause went from 2.3–2.6 to 1.5–1.7 ms (BENCHMARKS.md, session 16).
/// </para>
/// <para>
/// The bytes are in a buffer from a pool of this type's own (<see cref="Release"/> gives it back once the record is
/// written or dropped), so after warm-up a queued record is no new object at all: the records waiting for the writer
/// were still four fifths of what each young GC kept (~400 of ~490 KB at 2,500 calls/s), and the part of the pause that
/// moves survivors grew with them (BENCHMARKS.md, session 18).
/// </para>
/// </summary>
public readonly struct QueuedHookCall
{
    /// <summary>
    /// The buffers of queued records. Its own pool, not <see cref="ArrayPool{T}.Shared"/>: buffers are rented on request
    /// threads and returned by the writer a batch at a time, hundreds in flight, which the shared pool's per-thread and
    /// per-core slots (a few dozen) would mostly drop. Up to <see cref="PooledBuffersPerSize"/> buffers of each
    /// power-of-two size are kept; a record over <see cref="MaxPooledLength"/> gets an array of its own.
    /// </summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(MaxPooledLength, PooledBuffersPerSize);

    internal const int MaxPooledLength = 64 * 1024;
    internal const int PooledBuffersPerSize = 1024;

    private readonly byte[] _bytes;
    private readonly int _length;
    private readonly bool _pooled;

    private QueuedHookCall(byte[] bytes, int length, bool pooled) => (_bytes, _length, _pooled) = (bytes, length, pooled);

    /// <summary>A record from bytes as they are (tests: what the writer does with one it cannot read).</summary>
    internal static QueuedHookCall FromBytes(byte[] bytes) => new(bytes, bytes.Length, pooled: false);

    /// <summary>The encoded size (for tests and diagnostics).</summary>
    public int Length => _length;

    /// <summary>The buffer holding the bytes (tests: that a released buffer is used again).</summary>
    internal byte[] Buffer => _bytes;

    /// <summary>
    /// Gives the buffer back to the pool. Call it exactly once per record, when the record has been written or dropped,
    /// and use no copy of the record after it (the buffer will hold another record). A record that is never released
    /// costs only an allocation: its buffer is collected like any array.
    /// </summary>
    public void Release()
    {
        if (!_pooled) return;
        Interlocked.Decrement(ref s_outstanding);
        Pool.Return(_bytes);
    }

    private static long s_outstanding;

    /// <summary>Pooled buffers rented and not yet released, process-wide (tests: every record is released exactly once).</summary>
    internal static long OutstandingBuffers => Interlocked.Read(ref s_outstanding);

    [ThreadStatic] private static MemoryStream? t_stream;
    [ThreadStatic] private static BinaryWriter? t_writer;

    /// <summary>Encodes every field of <paramref name="row"/> (with its data origins, cards and suggestions).</summary>
    public static QueuedHookCall Encode(HookCallRow row)
    {
        var stream = t_stream ??= new MemoryStream(1024);
        var w = t_writer ??= new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        stream.SetLength(0);
        WriteGuid(w, row.Id);
        WriteTime(w, row.ReceivedAt);
        w.Write(row.IsoWeek);
        w.Write(row.ServiceId);
        w.Write(row.Hook);
        WriteOptional(w, row.HookInstance);
        WriteOptional(w, row.Issuer);
        WriteOptional(w, row.Tenant);
        WriteOptional(w, row.PatientHash);
        w.Write(row.StatusCode);
        w.Write(row.LatencyMs);
        w.Write7BitEncodedInt(row.Data.Count);
        foreach (var d in row.Data)
        {
            w.Write(d.DataKey);
            w.Write(d.Origin);
            w.Write(d.State);
        }
        w.Write7BitEncodedInt(row.Cards.Count);
        foreach (var c in row.Cards)
        {
            w.Write(c.CardUuid);
            WriteGuid(w, c.HookCallId);
            w.Write(c.ServiceId);
            w.Write(c.Concern);
            w.Write(c.Indicator);
            WriteTime(w, c.IssuedAt);
            w.Write(c.IsoWeek);
            w.Write(c.SuggestionCount);
            w.Write7BitEncodedInt(c.Suggestions.Count);
            foreach (var s in c.Suggestions)
            {
                w.Write(s.SuggestionUuid);
                w.Write(s.CardUuid);
                w.Write(s.Kind);
            }
        }
        w.Flush();
        var length = (int)stream.Length;
        var bytes = Pool.Rent(length);
        Interlocked.Increment(ref s_outstanding);
        stream.GetBuffer().AsSpan(0, length).CopyTo(bytes);
        // A rare very large record (many cards) should not keep its buffer on the thread for good.
        if (stream.Capacity > 64 * 1024) (t_stream, t_writer) = (null, null);
        return new QueuedHookCall(bytes, length, pooled: true);
    }

    /// <summary>The rows, as they were when encoded.</summary>
    public HookCallRow Decode() => Decode(new Decoder());

    /// <summary>
    /// The rows, as they were when encoded, with <paramref name="decoder"/>'s shared strings and data origins (the
    /// writer keeps one decoder for all its records).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not one whole record (truncated, a length out of range, or bytes after its end).</exception>
    public HookCallRow Decode(Decoder decoder)
    {
        var r = new Reader(_bytes.AsSpan(0, _length));
        var row = new HookCallRow
        {
            Id = r.Guid(),
            ReceivedAt = r.Time(),
            IsoWeek = decoder.Shared(r.Utf8()),
            ServiceId = decoder.Shared(r.Utf8()),
            Hook = decoder.Shared(r.Utf8()),
            HookInstance = r.Bool() ? Decoder.Unique(r.Utf8()) : null,
            Issuer = r.Bool() ? decoder.Shared(r.Utf8()) : null,
            Tenant = r.Bool() ? decoder.Shared(r.Utf8()) : null,
            PatientHash = r.Bool() ? Decoder.Unique(r.Utf8()) : null,
            StatusCode = r.Int32(),
            LatencyMs = r.Double(),
        };
        row.Data = decoder.DataOrigins(ref r);
        var cards = r.Count();
        row.Cards.Capacity = cards;
        for (var i = 0; i < cards; i++)
        {
            var cardUuid = r.Utf8();
            var card = new IssuedCardRow
            {
                CardUuid = Decoder.Unique(cardUuid),
                HookCallId = r.Guid(),
                ServiceId = decoder.Shared(r.Utf8()),
                Concern = decoder.Shared(r.Utf8()),
                Indicator = decoder.Shared(r.Utf8()),
                IssuedAt = r.Time(),
                IsoWeek = decoder.Shared(r.Utf8()),
                SuggestionCount = r.Int32(),
            };
            var suggestions = r.Count();
            card.Suggestions.Capacity = suggestions;
            for (var j = 0; j < suggestions; j++)
            {
                var uuid = Decoder.Unique(r.Utf8());
                var parent = r.Utf8();
                // A suggestion's card is the card it is on: its uuid is that card's string, not a copy.
                var parentUuid = parent.SequenceEqual(cardUuid) ? card.CardUuid : Decoder.Unique(parent);
                card.Suggestions.Add(new IssuedSuggestionRow { SuggestionUuid = uuid, CardUuid = parentUuid, Kind = decoder.Shared(r.Utf8()) });
            }
            row.Cards.Add(card);
        }
        if (!r.AtEnd) throw new InvalidDataException("Bytes after the end of the audit record.");
        return row;
    }

    /// <summary>
    /// What one writer keeps from record to record while decoding them: one string per repeated value (service id,
    /// hook, ISO week, concern, indicator, suggestion kind, issuer, tenant, data keys and states), and the data origins
    /// of the last record, which nearly every call repeats (same keys, same origins). Decoded as new strings and a new
    /// list per record, these were about half of what the writer's thread allocated under load (~5 of 11 KB a call,
    /// BENCHMARKS.md, session 19). Not thread-safe: one per writer.
    /// </summary>
    public sealed class Decoder
    {
        private const int MaxSharedLength = 64, MaxShared = 4096;
        private readonly HashSet<string> _strings;
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private byte[] _lastData = [];
        private List<HookCallData>? _lastOrigins;

        public Decoder()
        {
            _strings = new HashSet<string>(StringComparer.Ordinal);
            _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        /// <summary>
        /// The string for a value that repeats from call to call: the one decoded before when the text matches. The set
        /// starts over past <see cref="MaxShared"/> values (callers' tenants and issuers are theirs to vary).
        /// </summary>
        public string Shared(ReadOnlySpan<byte> utf8)
        {
            if (utf8.Length is 0) return "";
            if (utf8.Length > MaxSharedLength) return Unique(utf8);
            Span<char> chars = stackalloc char[MaxSharedLength];
            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            if (_lookup.TryGetValue(text, out var shared)) return shared;
            if (_strings.Count >= MaxShared) _strings.Clear();
            shared = new string(text);
            _strings.Add(shared);
            return shared;
        }

        /// <summary>A value that differs from call to call (uuids, hashes): a new string.</summary>
        public static string Unique(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

        /// <summary>
        /// The data origins at the reader's position. When their bytes are those of the last record's, the last
        /// record's list itself (the store only reads it, and writes its JSON once per batch for such a list).
        /// </summary>
        internal List<HookCallData> DataOrigins(ref Reader r)
        {
            var start = r.Position;
            var count = r.Count();
            for (var i = 0; i < 3 * count; i++) r.Utf8();
            var bytes = r.Since(start);
            if (_lastOrigins is not null && bytes.SequenceEqual(_lastData)) return _lastOrigins;

            var d = new Reader(bytes);
            d.Count();
            var origins = new List<HookCallData>(count);
            for (var i = 0; i < count; i++) origins.Add(new HookCallData(Shared(d.Utf8()), Shared(d.Utf8()), Shared(d.Utf8())));
            _lastData = bytes.ToArray();
            return _lastOrigins = origins;
        }
    }

    /// <summary>Reads what <see cref="BinaryWriter"/> wrote (little-endian numbers, strings as a 7-bit length and UTF-8).</summary>
    internal ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly int Position => _position;
        public readonly bool AtEnd => _position == _bytes.Length;
        public readonly ReadOnlySpan<byte> Since(int start) => _bytes[start.._position];

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > _bytes.Length - _position) throw new InvalidDataException("The audit record is truncated.");
            var span = _bytes.Slice(_position, length);
            _position += length;
            return span;
        }

        public Guid Guid() => new(Take(16));
        public bool Bool() => Take(1)[0] != 0;
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
        public DateTimeOffset Time()
        {
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(Take(2))));
        }

        /// <summary>A count or length as <see cref="BinaryWriter.Write7BitEncodedInt"/> wrote it.</summary>
        public int Count()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Take(1)[0];
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80) return value <= int.MaxValue ? (int)value : throw new InvalidDataException("A length in the audit record is out of range.");
            }
            throw new InvalidDataException("A length in the audit record is malformed.");
        }

        /// <summary>A string's UTF-8 bytes.</summary>
        public ReadOnlySpan<byte> Utf8() => Take(Count());
    }

    private static void WriteGuid(BinaryWriter w, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        w.Write(bytes);
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset at)
    {
        w.Write(at.Ticks);
        w.Write((short)at.Offset.TotalMinutes);
    }

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }
}
