using System.Collections.Concurrent;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>The card, suggestion and audit uuids: RFC 9562 version 7, as <see cref="Guid.CreateVersion7()"/> makes them.</summary>
public sealed class TimeOrderedUuidTests
{
    [Fact]
    public void Layout_IsVersion7_WithTheMillisecondFirst()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero);
        var ours = TimeOrderedUuid.New(at);
        var platform = Guid.CreateVersion7(at);

        Assert.Equal(7, ours.Version);
        // Guid.Variant is the whole nibble (binary 10 and two random bits): compare the variant's two bits only.
        Assert.Equal(platform.Variant & 0xC, ours.Variant & 0xC);
        Assert.Equal(0x8, ours.Variant & 0xC); // RFC 9562 variant: binary 10xx
        // The first 48 bits are the Unix time in milliseconds: the same text prefix as the platform's for that instant.
        Assert.Equal(platform.ToString()[..13], ours.ToString()[..13]);
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(ours.ToString("N")[..12], 16));
    }

    [Fact]
    public void Uuids_AreUnique_AndOrderedByTheirMillisecond_AsText()
    {
        var start = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var seen = new HashSet<Guid>();
        string? previous = null;
        for (var i = 0; i < 20_000; i++) // 20,000 uuids: the per-thread buffer is refilled ~78 times
        {
            var id = TimeOrderedUuid.New(start.AddMilliseconds(i));
            Assert.True(seen.Add(id), $"uuid {i} repeated");
            var text = id.ToString();
            if (previous is not null) Assert.True(string.CompareOrdinal(previous, text) < 0, $"{previous} !< {text}");
            previous = text;
        }
    }

    [Fact]
    public void RandomBits_DifferWithinOneMillisecond_AndAcrossThreads()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = new ConcurrentBag<Guid>();
        Parallel.For(0, 8, _ => { for (var i = 0; i < 2_000; i++) ids.Add(TimeOrderedUuid.New(at)); });
        Assert.Equal(16_000, ids.Distinct().Count());
        // The 74 random bits look random: each of the 62 bits after the variant is set in about half of the uuids.
        var bytes = ids.Select(g => g.ToByteArray(bigEndian: true)).ToList();
        for (var bit = 66; bit < 128; bit++)
        {
            var set = bytes.Count(b => (b[bit / 8] >> (7 - bit % 8) & 1) == 1);
            Assert.InRange(set, 7_000, 9_000);
        }
    }

    [Fact]
    public void InstantsBefore1970_AreRefused_AsByThePlatform()
    {
        var before = new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => Guid.CreateVersion7(before));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeOrderedUuid.New(before));
    }
}
