using System.Security.Cryptography;

namespace NaltrexoneFhir.Hooks;

/// <summary>
/// UUID version 7 (RFC 9562 §5.7): the Unix time in milliseconds in the first 48 bits, then the version, the variant
/// and 74 random bits, as <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them. Used for card, suggestion and
/// audit ids (time-ordered keys append to the audit's indexes instead of landing on random pages).
/// </summary>
/// <remarks>
/// <see cref="Guid.CreateVersion7()"/> asks the operating system for 16 random bytes per uuid: on Linux one
/// <c>read</c> of <c>/dev/urandom</c> each, ~1.6 µs on this project's VM, and a hook call makes four (two cards, a
/// suggestion, the audit record; 2.4 % of the service's CPU samples under load, BENCHMARKS.md, session 15). Here the
/// random bits come from .NET's cryptographic generator (<see cref="RandomNumberGenerator"/>; on Linux OpenSSL's
/// DRBG, which the kernel seeds), 4 KB at a time into a buffer per thread: ~11 ns per uuid, no system call. Each
/// buffer is used once, front to back, and each part of it goes into one uuid only.
/// </remarks>
public static class TimeOrderedUuid
{
    private const int BufferBytes = 4096;

    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_used;

    /// <summary>A version 7 uuid for now (UTC).</summary>
    public static Guid New() => New(DateTimeOffset.UtcNow);

    /// <summary>A version 7 uuid for <paramref name="timestamp"/> (milliseconds since 1970; earlier instants are refused, as by <see cref="Guid.CreateVersion7(DateTimeOffset)"/>).</summary>
    public static Guid New(DateTimeOffset timestamp)
    {
        var ms = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(ms, nameof(timestamp));

        var random = t_random ??= new byte[BufferBytes];
        var used = t_used;
        if (used == 0 || used > BufferBytes - 16)
        {
            RandomNumberGenerator.Fill(random);
            used = 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        random.AsSpan(used, 16).CopyTo(bytes);
        t_used = used + 16;

        // Big-endian, as RFC 9562 lays it out: unix_ts_ms (48 bits), ver (4) + rand_a (12), var (2) + rand_b (62).
        bytes[0] = (byte)(ms >> 40);
        bytes[1] = (byte)(ms >> 32);
        bytes[2] = (byte)(ms >> 24);
        bytes[3] = (byte)(ms >> 16);
        bytes[4] = (byte)(ms >> 8);
        bytes[5] = (byte)ms;
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
