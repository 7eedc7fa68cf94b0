using System.Text;
using System.Text.Json;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Tests;

/// <summary>The shared-string cache of the fast reader: equal bytes give equal strings, never a wrong one.</summary>
public sealed class Utf8StringCacheTests
{
    [Theory]
    [InlineData("http://loinc.org")]
    [InlineData("final")]
    [InlineData("Patient/bench-001")]
    [InlineData("a")]
    [InlineData("Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma")]
    public void EqualBytes_GiveTheSameInstance_EqualToTheDecodedString(string value)
    {
        var first = Utf8StringCache.Get(Encoding.UTF8.GetBytes(value));
        var second = Utf8StringCache.Get(Encoding.UTF8.GetBytes(value));
        Assert.Equal(value, first);
        Assert.Same(first, second);
    }

    [Fact]
    public void ManyDistinctValues_EachComeBackEqual_EvenAfterEvictions()
    {
        // Far more values than slots: lookups of evicted values decode again, never return another value.
        for (var round = 0; round < 2; round++)
            for (var i = 0; i < 20_000; i++)
            {
                var value = $"lab-{i}";
                Assert.Equal(value, Utf8StringCache.Get(Encoding.UTF8.GetBytes(value)));
            }
    }

    [Fact]
    public void SameLengthValues_DoNotMatchEachOther()
    {
        // Same length and mostly the same bytes: only an exact byte match may return a cached string.
        for (var i = 0; i < 1000; i++)
        {
            var a = $"2026-11-{i % 28 + 1:00}T10:{i % 60:00}:00Z";
            Assert.Equal(a, Utf8StringCache.Get(Encoding.UTF8.GetBytes(a)));
        }
    }

    [Theory]
    [InlineData("café")]
    [InlineData("µmol/L")]
    [InlineData("日本")]
    public void NonAscii_IsLeftToTheDecoder(string value) => Assert.Null(Utf8StringCache.Get(Encoding.UTF8.GetBytes(value)));

    [Fact]
    public void EmptyAndLongValues_AreLeftToTheDecoder()
    {
        Assert.Null(Utf8StringCache.Get([]));
        Assert.Null(Utf8StringCache.Get(Encoding.UTF8.GetBytes(new string('x', Utf8StringCache.MaxLength + 1))));
        Assert.Equal(new string('x', Utf8StringCache.MaxLength), Utf8StringCache.Get(Encoding.UTF8.GetBytes(new string('x', Utf8StringCache.MaxLength))));
    }

    [Fact]
    public void ConcurrentReaders_AlwaysGetTheirOwnValue()
    {
        // Racing writers may replace a slot between lookups; each lookup must still return its own value.
        var values = Enumerable.Range(0, 5000).Select(i => Encoding.UTF8.GetBytes($"v{i}/{i * 7919}")).ToArray();
        Parallel.For(0, 8, t =>
        {
            for (var round = 0; round < 20; round++)
                for (var i = t; i < values.Length; i += 3)
                    Assert.Equal(Encoding.UTF8.GetString(values[i]), Utf8StringCache.Get(values[i]));
        });
    }

    /// <summary>Through the fast reader: escaped, non-ASCII, long and plain values read exactly as the decoder reads them.</summary>
    [Theory]
    [InlineData("""final""")]
    [InlineData("""fin\u0061l""")]
    [InlineData("""\u00b5mol/L""")]
    [InlineData("""µmol/L""")]
    [InlineData("""line\nbreak \"quoted\" \\ slash\/""")]
    [InlineData("""日本語 display""")]
    [InlineData("")]
    public void FastReader_ReadsEveryStringLikeGetString(string jsonContent)
    {
        var long200 = new string('y', 200);
        foreach (var content in new[] { jsonContent, jsonContent + long200 })
        {
            var json = $$$"""{"resourceType":"Observation","status":"{{{content}}}","code":{"text":"{{{content}}}","coding":[{"display":"{{{content}}}"}]}}""";
            var bytes = Encoding.UTF8.GetBytes(json);
            var expected = JsonDocument.Parse(bytes).RootElement.GetProperty("status").GetString();
            for (var i = 0; i < 2; i++) // second read: from the cache when cached
            {
                var o = Assert.IsType<Observation>(FhirFastReader.TryRead(bytes));
                Assert.Equal(expected, o.Status);
                Assert.Equal(expected, o.Code!.Text);
                Assert.Equal(expected, o.Code.Coding![0].Display);
            }
        }
    }
}
