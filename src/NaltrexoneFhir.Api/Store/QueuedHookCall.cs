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
/// </summary>
public readonly struct QueuedHookCall
{
    private readonly byte[] _bytes;

    private QueuedHookCall(byte[] bytes) => _bytes = bytes;

    /// <summary>A record from bytes as they are (tests: what the writer does with one it cannot read).</summary>
    internal static QueuedHookCall FromBytes(byte[] bytes) => new(bytes);

    /// <summary>The encoded size (for tests and diagnostics).</summary>
    public int Length => _bytes.Length;

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
        var bytes = stream.ToArray();
        // A rare very large record (many cards) should not keep its buffer on the thread for good.
        if (stream.Capacity > 64 * 1024) (t_stream, t_writer) = (null, null);
        return new QueuedHookCall(bytes);
    }

    /// <summary>The rows, as they were when encoded.</summary>
    public HookCallRow Decode()
    {
        using var r = new BinaryReader(new MemoryStream(_bytes, writable: false), Encoding.UTF8);
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
