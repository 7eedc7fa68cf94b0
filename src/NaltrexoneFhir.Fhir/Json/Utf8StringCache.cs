using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace NaltrexoneFhir.Fhir.Json;

/// <summary>
/// Shared string instances for short ASCII values read from UTF-8 JSON. A patient's record repeats the same values in
/// every resource (code systems, codes, display texts, units, statuses, the subject reference, meta dates), and a new
/// string per occurrence was a third of what reading a large history allocated (and, all of it live until the
/// snapshot is built, a large part of the GC's copying).
/// <para>
/// A direct-mapped table (one slot per hash, the newest value wins a slot), process-wide and lock-free: a slot holds
/// an immutable string, a reader takes one reference out of it and returns it only after comparing it with the
/// bytes, so racing writers can only cost a miss, never a wrong string. Equal bytes always give an equal string; only
/// ASCII values are cached (compared with the bytes directly), anything else is left to the caller's decoder.
/// </para>
/// </summary>
internal static class Utf8StringCache
{
    /// <summary>Longer values (free text, narrative) rarely repeat and would only evict the ones that do.</summary>
    public const int MaxLength = 128;

    private const int SlotBits = 12;
    private static readonly string?[] Slots = new string?[1 << SlotBits];

    /// <summary>
    /// The string for <paramref name="utf8"/> (unescaped JSON string content): a cached instance, or a new one that
    /// is then cached. Null when the value is empty, longer than <see cref="MaxLength"/> or not ASCII: decode it as
    /// usual (that also keeps the decoder's validation of non-ASCII UTF-8).
    /// </summary>
    public static string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxLength) return null;
        ref var slot = ref Slots[Slot(utf8)];
        var cached = Volatile.Read(ref slot);
        // Ascii.Equals is false for non-ASCII bytes, so a cached string only ever matches its own ASCII bytes.
        if (cached is not null && cached.Length == utf8.Length && Ascii.Equals(utf8, cached)) return cached;
        if (!Ascii.IsValid(utf8)) return null;
        var value = Encoding.ASCII.GetString(utf8);
        Volatile.Write(ref slot, value);
        return value;
    }

    /// <summary>A multiplicative hash of every byte (8 at a time), top bits as the slot.</summary>
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        var h = (ulong)utf8.Length * K;
        var i = 0;
        for (; i + 8 <= utf8.Length; i += 8)
            h = (BitOperations.RotateLeft(h, 23) ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[i..])) * K;
        if (i < utf8.Length)
        {
            ulong tail = 0;
            for (var j = utf8.Length - 1; j >= i; j--) tail = (tail << 8) | utf8[j];
            h = (BitOperations.RotateLeft(h, 23) ^ tail) * K;
        }
        return (int)((h ^ (h >> 29)) * K >> (64 - SlotBits));
    }
}
