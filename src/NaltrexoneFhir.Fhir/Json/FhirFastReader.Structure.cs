using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NaltrexoneFhir.Fhir.Json;

/// <summary>
/// The structural scan the parallel read and the read while arriving share: the brackets outside strings of a JSON
/// text, found 64 bytes at a time. Vector compares give masks of quotes and brackets, a prefix XOR of the quote mask
/// marks the bytes inside strings, and only the brackets outside them are visited. Blocks with a backslash (rare in
/// FHIR data) go byte by byte, so an escaped quote is never taken for the end of a string. Far cheaper than
/// tokenizing: 1.1 ms for 4.6 MB (session 6).
/// </summary>
public static partial class FhirFastReader
{
    /// <summary>Whether the scan is inside a string, and whether the next byte is escaped: carried from block to block.</summary>
    private struct StringState
    {
        public bool InString, EscapeNext;
    }

    /// <summary>Told about each bracket outside strings, in order.</summary>
    private interface IBracketSink
    {
        /// <summary>A bracket at <paramref name="pos"/>, opening ('{' or '[') or closing; false stops the scan.</summary>
        bool Bracket(ReadOnlySpan<byte> json, int pos, bool opening);
    }

    /// <summary>
    /// Scans <paramref name="json"/>[<paramref name="from"/>, <paramref name="to"/>) and tells <paramref name="sink"/>
    /// about each bracket outside strings. With <paramref name="wholeBlocks"/> it stops at the last 64-byte block that
    /// fits (the rest waits for more bytes); otherwise it scans to <paramref name="to"/>. False when stopped, by the sink
    /// or by a backslash outside a string (which JSON never has); <paramref name="next"/> is where to go on from.
    /// </summary>
    private static bool ScanBrackets<TSink>(ReadOnlySpan<byte> json, int from, int to, bool wholeBlocks, ref StringState strings, ref TSink sink, out int next)
        where TSink : struct, IBracketSink
    {
        ref var first = ref MemoryMarshal.GetReference(json);
        var i = from;
        for (; i + 64 <= to; i += 64)
        {
            var v0 = Vector256.LoadUnsafe(ref first, (nuint)i);
            var v1 = Vector256.LoadUnsafe(ref first, (nuint)i + 32);
            if (strings.EscapeNext || Mask(v0, v1, (byte)'\\') != 0)
            {
                if (!ScanBytes(json, i, i + 64, ref strings, ref sink)) { next = i; return false; }
                continue;
            }
            var inside = PrefixXor(Mask(v0, v1, (byte)'"'));
            if (strings.InString) inside = ~inside;
            strings.InString = (inside >> 63) != 0;
            var opens = (Mask(v0, v1, (byte)'{') | Mask(v0, v1, (byte)'[')) & ~inside;
            var closes = (Mask(v0, v1, (byte)'}') | Mask(v0, v1, (byte)']')) & ~inside;
            for (var all = opens | closes; all != 0; all &= all - 1)
            {
                var bit = BitOperations.TrailingZeroCount(all);
                if (!sink.Bracket(json, i + bit, ((opens >> bit) & 1) != 0)) { next = i; return false; }
            }
        }
        if (!wholeBlocks && i < to)
        {
            if (!ScanBytes(json, i, to, ref strings, ref sink)) { next = i; return false; }
            i = to;
        }
        next = i;
        return true;
    }

    /// <summary>Bytes [from, to) one at a time (blocks with a backslash, and the tail).</summary>
    private static bool ScanBytes<TSink>(ReadOnlySpan<byte> json, int from, int to, ref StringState strings, ref TSink sink)
        where TSink : struct, IBracketSink
    {
        for (var j = from; j < to; j++)
        {
            var b = json[j];
            if (strings.EscapeNext) strings.EscapeNext = false;
            else if (strings.InString)
            {
                if (b == (byte)'\\') strings.EscapeNext = true;
                else if (b == (byte)'"') strings.InString = false;
            }
            else if (b == (byte)'"') strings.InString = true;
            else if (b is (byte)'{' or (byte)'[' or (byte)'}' or (byte)']')
            {
                if (!sink.Bracket(json, j, b is (byte)'{' or (byte)'[')) return false;
            }
            else if (b == (byte)'\\') return false;
        }
        return true;
    }

    private static ulong Mask(Vector256<byte> v0, Vector256<byte> v1, byte b) =>
        Vector256.Equals(v0, Vector256.Create(b)).ExtractMostSignificantBits()
        | ((ulong)Vector256.Equals(v1, Vector256.Create(b)).ExtractMostSignificantBits() << 32);

    /// <summary>Bit k = XOR of bits 0..k: set from an opening quote up to (not including) its closing one.</summary>
    private static ulong PrefixXor(ulong m)
    {
        m ^= m << 1;
        m ^= m << 2;
        m ^= m << 4;
        m ^= m << 8;
        m ^= m << 16;
        m ^= m << 32;
        return m;
    }
}
