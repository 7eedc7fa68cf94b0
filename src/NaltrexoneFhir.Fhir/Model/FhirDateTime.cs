using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NaltrexoneFhir.Fhir.Model;

/// <summary>Precision of a FHIR date, dateTime or instant.</summary>
public enum DatePrecision { Invalid, Year, Month, Day, Minute, Second }

/// <summary>
/// A FHIR <c>date</c>/<c>dateTime</c>/<c>instant</c> that keeps its text and never throws.
/// Partial dates are intervals: "2026-11" is [2026-11-01, 2026-12-01). Dates without a zone are read as UTC.
/// Text that is not a FHIR date gives <see cref="IsValid"/> = false and is written back unchanged.
/// </summary>
[JsonConverter(typeof(FhirDateTimeJsonConverter))]
public readonly record struct FhirDateTime
{
    // Only the raw text, the precision and the start's UTC ticks are stored: the end follows from the start and the
    // precision, and every model object holds its dates inline (Observation has four), so the two DateTimeOffsets
    // this struct used to hold were ~5 % of what reading a large history allocated.
    // A value read from UTF-8 in one of the two canonical shapes ("2026-11-02", "2026-11-02T10:00:00Z") keeps no
    // text at all: it is exactly the start and precision formatted back (TryParseCanonical). A large history has two
    // such instants per lab result, unique values that were a sixth of what reading it allocated (session 9).
    private readonly string? _raw;
    private readonly long _startUtcTicks;

    public FhirDateTime(string raw)
    {
        _raw = raw ?? string.Empty;
        // Parse also computes the end, so a value whose end is out of range is invalid here, and End cannot throw.
        (Precision, var start, _) = Parse(_raw);
        _startUtcTicks = start.UtcTicks;
    }

    private FhirDateTime(DatePrecision precision, long startUtcTicks)
    {
        Precision = precision;
        _startUtcTicks = startUtcTicks;
    }

    /// <summary>The text as written (for a canonical value read from UTF-8, formatted back: the same text).</summary>
    public string Raw => _raw ?? Canonical();

    public DatePrecision Precision { get; }
    /// <summary>Inclusive lower bound of the interval the value denotes (UTC).</summary>
    public DateTimeOffset Start => new(_startUtcTicks, TimeSpan.Zero);
    /// <summary>Exclusive upper bound of the interval the value denotes (UTC).</summary>
    public DateTimeOffset End => EndOf(Precision, Start);
    public bool IsValid => Precision != DatePrecision.Invalid;

    public static FhirDateTime From(DateTimeOffset instant) =>
        new(instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    public static FhirDateTime FromDate(DateOnly date) => new(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>
    /// Reads <paramref name="utf8"/> when it is exactly "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ" with valid fields (year
    /// 1 to 9998), giving the value <c>new FhirDateTime(text)</c> gives, without keeping the text. False for anything
    /// else (fractions, offsets, other precisions, escapes): construct from the string then.
    /// </summary>
    public static bool TryParseCanonical(ReadOnlySpan<byte> utf8, out FhirDateTime value)
    {
        value = default;
        if (utf8.Length is not (10 or 20) || utf8[4] != '-' || utf8[7] != '-'
            || !Digits(utf8, 0, 4, out var year) || !Digits(utf8, 5, 2, out var month) || !Digits(utf8, 8, 2, out var day)
            || year is < 1 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        if (utf8.Length == 10)
        {
            value = new FhirDateTime(DatePrecision.Day, new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc).Ticks);
            return true;
        }
        if (utf8[10] != 'T' || utf8[13] != ':' || utf8[16] != ':' || utf8[19] != 'Z'
            || !Digits(utf8, 11, 2, out var hour) || !Digits(utf8, 14, 2, out var minute) || !Digits(utf8, 17, 2, out var second)
            || hour > 23 || minute > 59 || second > 59) return false;
        value = new FhirDateTime(DatePrecision.Second, new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> utf8, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var c = utf8[i];
            if (c is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>The text of a value read by <see cref="TryParseCanonical"/>; null for <c>default</c> (as before).</summary>
    private string Canonical() => Precision switch
    {
        DatePrecision.Day => Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DatePrecision.Second => Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => null!,
    };

    /// <summary>Equal when written alike (the same text); a canonical value equals the same text read as a string.</summary>
    public bool Equals(FhirDateTime other) =>
        Precision == other.Precision && _startUtcTicks == other._startUtcTicks
        && ((_raw is null && other._raw is null) || string.Equals(Raw, other.Raw, StringComparison.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Precision, _startUtcTicks);

    /// <summary>The day part as written ("2026-11-02"), for card text; the raw text when it has no day.</summary>
    public string DisplayDate => Precision >= DatePrecision.Day ? Raw[..10] : Raw;

    public override string ToString() => Raw;

    private static (DatePrecision, DateTimeOffset, DateTimeOffset) Parse(string s)
    {
        var invalid = (DatePrecision.Invalid, DateTimeOffset.MinValue, DateTimeOffset.MinValue);
        if (s.Length < 4 || !TryInt(s, 0, 4, out var year) || year < 1) return invalid;
        try
        {
            if (s.Length == 4)
            {
                var y = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
                return (DatePrecision.Year, y, EndOf(DatePrecision.Year, y));
            }
            if (s.Length < 7 || s[4] != '-' || !TryInt(s, 5, 2, out var month) || month is < 1 or > 12) return invalid;
            if (s.Length == 7)
            {
                var m = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
                return (DatePrecision.Month, m, EndOf(DatePrecision.Month, m));
            }
            if (s.Length < 10 || s[7] != '-' || !TryInt(s, 8, 2, out var day) || day < 1 || day > DateTime.DaysInMonth(year, month)) return invalid;
            if (s.Length == 10)
            {
                var d = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
                return (DatePrecision.Day, d, EndOf(DatePrecision.Day, d));
            }
            if (s[10] != 'T') return invalid;
            // The common ISO shapes are read by hand (the culture-aware parser was ~4% of reading a large history);
            // anything else goes to DateTimeOffset.TryParse as before.
            if (!TryParseIsoInstant(s, year, month, day, out var instant) &&
                !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant)) return invalid;
            // FHIR requires seconds; tolerate "hh:mm" (minute precision) which some EHRs send.
            var hasSeconds = s.Length >= 19 && s[16] == ':';
            var precision = hasSeconds ? DatePrecision.Second : DatePrecision.Minute;
            return (precision, instant, EndOf(precision, instant));
        }
        catch (ArgumentOutOfRangeException)
        {
            return invalid;
        }
    }

    /// <summary>The exclusive end of the interval starting at <paramref name="start"/>; MinValue for invalid values.</summary>
    private static DateTimeOffset EndOf(DatePrecision precision, DateTimeOffset start) => precision switch
    {
        DatePrecision.Year => start.AddYears(1),
        DatePrecision.Month => start.AddMonths(1),
        DatePrecision.Day => start.AddDays(1),
        DatePrecision.Minute => start.AddMinutes(1),
        DatePrecision.Second => start.AddSeconds(1),
        _ => DateTimeOffset.MinValue,
    };

    /// <summary>hh:mm[:ss[.fffffff]][Z|±hh:mm] after "YYYY-MM-DDT"; false for any other shape (left to the general parser).</summary>
    private static bool TryParseIsoInstant(string s, int year, int month, int day, out DateTimeOffset instant)
    {
        instant = default;
        if (s.Length < 16 || s[13] != ':' || !TryInt(s, 11, 2, out var hour) || !TryInt(s, 14, 2, out var minute)
            || hour > 23 || minute > 59) return false;
        var i = 16;
        var second = 0;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!TryInt(s, 17, 2, out second) || second > 59) return false;
            i = 19;
            if (i < s.Length && s[i] == '.')
            {
                var digits = 0;
                i++;
                while (i < s.Length && s[i] is >= '0' and <= '9')
                {
                    if (++digits > 7) return false;
                    fractionTicks = fractionTicks * 10 + (s[i] - '0');
                    i++;
                }
                if (digits == 0) return false;
                for (var d = digits; d < 7; d++) fractionTicks *= 10;
            }
        }
        var offset = TimeSpan.Zero;
        if (i < s.Length)
        {
            if (s[i] == 'Z' && i + 1 == s.Length) { }
            else if (s[i] is '+' or '-' && i + 6 == s.Length && s[i + 3] == ':' && TryInt(s, i + 1, 2, out var oh) && TryInt(s, i + 4, 2, out var om)
                     && oh <= 14 && om <= 59)
                offset = new TimeSpan(s[i] == '-' ? -oh : oh, s[i] == '-' ? -om : om, 0);
            else return false;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        instant = new DateTimeOffset(local - offset, TimeSpan.Zero);
        return true;
    }

    private static bool TryInt(string s, int start, int length, out int value)
    {
        value = 0;
        if (s.Length < start + length) return false;
        for (var i = start; i < start + length; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}

/// <summary>Reads any JSON token into a <see cref="FhirDateTime"/>; non-strings become invalid dates, never exceptions.</summary>
public sealed class FhirDateTimeJsonConverter : JsonConverter<FhirDateTime>
{
    public override FhirDateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new FhirDateTime(reader.GetString() ?? string.Empty);
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return new FhirDateTime(string.Empty);
            default:
                var raw = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
                return new FhirDateTime(raw);
        }
    }

    public override void Write(Utf8JsonWriter writer, FhirDateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Raw);
}

/// <summary>Reads strings tolerantly: numbers and booleans keep their text, objects and arrays become null.</summary>
public sealed class TolerantStringJsonConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                return System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
