using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Tests;

public sealed class FhirDateTimeTests
{
    [Theory]
    [InlineData("2026", DatePrecision.Year, "2026-01-01", "2027-01-01")]
    [InlineData("2026-11", DatePrecision.Month, "2026-11-01", "2026-12-01")]
    [InlineData("2024-02", DatePrecision.Month, "2024-02-01", "2024-03-01")]
    [InlineData("2026-11-02", DatePrecision.Day, "2026-11-02", "2026-11-03")]
    public void PartialDates_AreIntervals(string raw, DatePrecision precision, string start, string end)
    {
        var d = new FhirDateTime(raw);
        Assert.Equal(precision, d.Precision);
        Assert.Equal(DateTimeOffset.Parse(start + "T00:00:00Z"), d.Start);
        Assert.Equal(DateTimeOffset.Parse(end + "T00:00:00Z"), d.End);
    }

    [Fact]
    public void DateTimeWithOffset_IsNormalisedToUtc()
    {
        var d = new FhirDateTime("2026-11-02T08:30:00-05:00");
        Assert.Equal(DatePrecision.Second, d.Precision);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 13, 30, 0, TimeSpan.Zero), d.Start);
        Assert.Equal("2026-11-02", d.DisplayDate);
    }

    [Theory]
    [InlineData("2026-11-02T08:30:00Z")]
    [InlineData("2026-11-02T08:30:00.123Z")]
    [InlineData("2026-11-02T08:30:00.1234567+02:00")]
    [InlineData("2026-11-02T23:59:59-14:00")]
    [InlineData("2026-11-02T08:30:00")]
    [InlineData("2026-11-02T08:30")]
    [InlineData("2026-11-02T08:30+05:30")]
    [InlineData("2026-12-31T23:30:00-01:00")]
    [InlineData("2026-11-02T08:30:00.123456789Z")]
    [InlineData("2026-11-02T08:30:00 +01:00")]
    public void Instants_ReadExactlyAsTheGeneralParser(string raw)
    {
        var expected = DateTimeOffset.Parse(raw, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        var d = new FhirDateTime(raw);
        Assert.True(d.IsValid);
        Assert.Equal(expected, d.Start);
        Assert.Equal(TimeSpan.Zero, d.Start.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("26-11-02")]
    [InlineData("2026-13")]
    [InlineData("2026-02-30")]
    [InlineData("2026-11-02X")]
    [InlineData("yesterday")]
    [InlineData("2026-11-02T25:00:00Z")]
    public void BadText_IsInvalid_NeverThrows(string raw) => Assert.False(new FhirDateTime(raw).IsValid);

    /// <summary>The end is derived from the start and the precision (not stored): every precision, leap and year ends.</summary>
    [Theory]
    [InlineData("2024", "2025-01-01T00:00:00Z")]
    [InlineData("2024-02", "2024-03-01T00:00:00Z")]
    [InlineData("2024-12", "2025-01-01T00:00:00Z")]
    [InlineData("2024-02-29", "2024-03-01T00:00:00Z")]
    [InlineData("2026-12-31", "2027-01-01T00:00:00Z")]
    [InlineData("2026-12-31T23:59", "2027-01-01T00:00:00Z")]
    [InlineData("2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z")]
    [InlineData("2026-11-02T08:30:00.5-05:00", "2026-11-02T13:30:01.5Z")]
    public void End_FollowsFromStartAndPrecision(string raw, string end)
    {
        var d = new FhirDateTime(raw);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), d.End);
        Assert.Equal(TimeSpan.Zero, d.End.Offset);
        Assert.True(d.End > d.Start);
    }

    /// <summary>Values whose end would be past year 9999 are invalid (as when the end was computed and stored).</summary>
    [Theory]
    [InlineData("9999")]
    [InlineData("9999-12")]
    [InlineData("9999-12-31")]
    public void EndOutOfRange_IsInvalid(string raw)
    {
        var d = new FhirDateTime(raw);
        Assert.False(d.IsValid);
        Assert.Equal(DateTimeOffset.MinValue, d.Start);
        Assert.Equal(DateTimeOffset.MinValue, d.End);
    }

    [Fact]
    public void InvalidAndDefault_HaveMinValueBounds_AndCompareByText()
    {
        var bad = new FhirDateTime("yesterday");
        Assert.Equal(DateTimeOffset.MinValue, bad.Start);
        Assert.Equal(DateTimeOffset.MinValue, bad.End);
        Assert.Equal(DateTimeOffset.MinValue, default(FhirDateTime).Start);
        Assert.Equal(DateTimeOffset.MinValue, default(FhirDateTime).End);
        Assert.Equal(new FhirDateTime("2026-11-02"), new FhirDateTime("2026-11-02"));
        Assert.NotEqual(new FhirDateTime("2026-11-02T00:00:00Z"), new FhirDateTime("2026-11-02"));
    }

    /// <summary>A canonical value read from UTF-8 keeps no text: it must be indistinguishable from the same text read as a string.</summary>
    [Theory]
    [InlineData("2026-11-02")]
    [InlineData("2024-02-29")]
    [InlineData("0001-01-01")]
    [InlineData("9998-12-31")]
    [InlineData("2026-11-02T10:00:00Z")]
    [InlineData("2026-12-31T23:59:59Z")]
    [InlineData("2026-01-01T00:00:00Z")]
    public void CanonicalFromUtf8_IsTheSameValue_AsFromText(string text)
    {
        Assert.True(FhirDateTime.TryParseCanonical(System.Text.Encoding.ASCII.GetBytes(text), out var fast));
        var slow = new FhirDateTime(text);
        Assert.Equal(slow, fast);
        Assert.Equal(fast, slow);
        Assert.Equal(slow.GetHashCode(), fast.GetHashCode());
        Assert.Equal((slow.Raw, slow.Precision, slow.Start, slow.End, slow.IsValid, slow.DisplayDate, slow.ToString()),
                     (fast.Raw, fast.Precision, fast.Start, fast.End, fast.IsValid, fast.DisplayDate, fast.ToString()));
        Assert.NotEqual(new FhirDateTime(text.Length == 10 ? "2026-11-03" : "2026-11-02T10:00:01Z"), fast);
    }

    /// <summary>Anything else is left to the string path, which decides exactly as before.</summary>
    [Theory]
    [InlineData("2026-11-02T10:00:00.5Z")]
    [InlineData("2026-11-02T10:00:00+01:00")]
    [InlineData("2026-11-02T10:00Z")]
    [InlineData("2026-11-02T10:00:00z")]
    [InlineData("2026-11-02 10:00:00Z")]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData("2026-11-02T24:00:00Z")]
    [InlineData("2026-11-02T10:60:00Z")]
    [InlineData("2026-11-02T10:00:60Z")]
    [InlineData("9999-12-31")]
    [InlineData("0000-01-01")]
    [InlineData("2026-1-02")]
    [InlineData("2026/11/02")]
    [InlineData("2026-11")]
    [InlineData("2026-11-0x")]
    [InlineData("")]
    public void NonCanonicalText_IsDeclined(string text) =>
        Assert.False(FhirDateTime.TryParseCanonical(System.Text.Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void Default_StillHasNoText_AndDiffersFromEmpty()
    {
        Assert.Null(default(FhirDateTime).Raw);
        Assert.NotEqual(default, new FhirDateTime(""));
        Assert.Equal(default(FhirDateTime), default(FhirDateTime));
    }
}
