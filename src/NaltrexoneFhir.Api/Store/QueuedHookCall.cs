using System.Buffers;
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
    public HookCallRow Decode()
    {
        using var r = new BinaryReader(new MemoryStream(_bytes, 0, _length, writable: false), Encoding.UTF8);
        var row = new HookCallRow
        {
            Id = ReadGuid(r),
            ReceivedAt = ReadTime(r),
            IsoWeek = r.ReadString(),
            ServiceId = r.ReadString(),
            Hook = r.ReadString(),
            HookInstance = ReadOptional(r),
            Issuer = ReadOptional(r),
            Tenant = ReadOptional(r),
            PatientHash = ReadOptional(r),
            StatusCode = r.ReadInt32(),
            LatencyMs = r.ReadDouble(),
        };
        var data = r.Read7BitEncodedInt();
        row.Data.Capacity = data;
        for (var i = 0; i < data; i++) row.Data.Add(new HookCallData(r.ReadString(), r.ReadString(), r.ReadString()));
        var cards = r.Read7BitEncodedInt();
        row.Cards.Capacity = cards;
        for (var i = 0; i < cards; i++)
        {
            var card = new IssuedCardRow
            {
                CardUuid = r.ReadString(),
                HookCallId = ReadGuid(r),
                ServiceId = r.ReadString(),
                Concern = r.ReadString(),
                Indicator = r.ReadString(),
                IssuedAt = ReadTime(r),
                IsoWeek = r.ReadString(),
                SuggestionCount = r.ReadInt32(),
            };
            var suggestions = r.Read7BitEncodedInt();
            card.Suggestions.Capacity = suggestions;
            for (var j = 0; j < suggestions; j++)
                card.Suggestions.Add(new IssuedSuggestionRow { SuggestionUuid = r.ReadString(), CardUuid = r.ReadString(), Kind = r.ReadString() });
            row.Cards.Add(card);
        }
        return row;
    }

    private static void WriteGuid(BinaryWriter w, Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        w.Write(bytes);
    }

    private static Guid ReadGuid(BinaryReader r)
    {
        Span<byte> bytes = stackalloc byte[16];
        r.BaseStream.ReadExactly(bytes);
        return new Guid(bytes);
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset at)
    {
        w.Write(at.Ticks);
        w.Write((short)at.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        return new DateTimeOffset(ticks, TimeSpan.FromMinutes(r.ReadInt16()));
    }

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
