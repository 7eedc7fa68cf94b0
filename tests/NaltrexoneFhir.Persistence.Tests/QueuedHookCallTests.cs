using System.Collections;
using System.Reflection;
using System.Text.Json;
using NaltrexoneFhir.Api.Store;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>The audit queue's encoded record: the writer must get back exactly the rows the hook path built.</summary>
public sealed class QueuedHookCallTests
{
    [Fact]
    public void EveryField_RoundTrips()
    {
        var row = Full();
        AssertEveryPropertySet(row);

        var back = QueuedHookCall.Encode(row).Decode();

        Assert.Equal(Json(row), Json(back));
    }

    [Fact]
    public void MissingOptionalValues_StayNull_AndEmptyListsStayEmpty()
    {
        var row = StoreData.HookCall(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        row.HookInstance = null;
        row.PatientHash = null;
        row.Issuer = null;
        row.Tenant = "";
        row.Data.Clear();

        var back = QueuedHookCall.Encode(row).Decode();

        Assert.Null(back.HookInstance);
        Assert.Null(back.PatientHash);
        Assert.Null(back.Issuer);
        Assert.Equal("", back.Tenant);
        Assert.Empty(back.Data);
        Assert.Empty(back.Cards);
        Assert.Equal(Json(row), Json(back));
    }

    [Fact]
    public void ThreadsEncodingAtOnce_EachGetTheirOwnRecord()
    {
        // Each thread has its own encoding buffer: records made at the same time must not mix. Eight threads start
        // together and each encodes its own row (0 to 4 cards) over and over.
        var start = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 8)
            .Select(t => StoreData.HookCall(start.AddSeconds(t), Enumerable.Range(0, t % 5).Select(c => ($"card-{t}-{c}", $"concern-{c}")).ToArray()))
            .ToArray();
        var expected = rows.Select(Json).ToArray();
        var mixed = new int[rows.Length];
        using var go = new Barrier(rows.Length);
        var threads = Enumerable.Range(0, rows.Length).Select(t => new Thread(() =>
        {
            go.SignalAndWait();
            for (var i = 0; i < 3_000; i++)
            {
                // A mixed-up record may not even decode: count that too (an exception here would end the test run).
                try { if (Json(QueuedHookCall.Encode(rows[t]).Decode()) != expected[t]) mixed[t]++; }
                catch (Exception) { mixed[t]++; }
            }
        })).ToList();

        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.All(mixed, m => Assert.Equal(0, m));
    }

    [Fact]
    public void ARecordLargerThanTheKeptBuffer_RoundTrips_AndTheNextOneToo()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var large = StoreData.HookCall(at, Enumerable.Range(0, 1_000).Select(c => ($"{Guid.NewGuid()}", "opioid-coprescription")).ToArray());
        var small = StoreData.HookCall(at, ("card-1", "hepatotoxicity"));

        var encodedLarge = QueuedHookCall.Encode(large);
        var encodedSmall = QueuedHookCall.Encode(small);

        Assert.True(encodedLarge.Length > 64 * 1024);
        Assert.Equal(Json(large), Json(encodedLarge.Decode()));
        Assert.Equal(Json(small), Json(encodedSmall.Decode()));
        Assert.True(encodedSmall.Length < 1024, $"{encodedSmall.Length} bytes");
    }

    [Fact]
    public void OneDecoder_SharesRepeatedValuesAndDataOrigins_AndDecodesEachRecordAsItWas()
    {
        // The writer decodes every record with one decoder: repeated values come back as one string, a record's data
        // origins equal to the last one's as the same list, and anything that differs as itself.
        var decoder = new QueuedHookCall.Decoder();
        var first = Full();
        var second = Full();
        second.Id = Guid.NewGuid();
        second.HookInstance = "instance-2";
        var third = Full();
        third.Data[0] = new HookCallData("liverLabs", DataOrigins.FhirServer, "provided");   // a different origin

        var a = QueuedHookCall.Encode(first).Decode(decoder);
        var b = QueuedHookCall.Encode(second).Decode(decoder);
        var c = QueuedHookCall.Encode(third).Decode(decoder);

        Assert.Equal(Json(first), Json(a));
        Assert.Equal(Json(second), Json(b));
        Assert.Equal(Json(third), Json(c));
        Assert.Same(a.ServiceId, b.ServiceId);
        Assert.Same(a.Cards[0].Concern, b.Cards[0].Concern);
        Assert.Same(a.Tenant, b.Tenant);
        Assert.Same(a.Data, b.Data);
        Assert.NotSame(b.Data, c.Data);
        Assert.Same(b.Cards[1].CardUuid, b.Cards[1].Suggestions[1].CardUuid);   // a suggestion names its own card's string
        Assert.NotSame(a.HookInstance, b.HookInstance);
    }

    [Theory]
    [InlineData(1)]     // cut inside the record's id
    [InlineData(40)]    // cut inside a string
    [InlineData(-1)]    // last byte missing
    public void TruncatedRecord_IsRefused(int keep)
    {
        var bytes = Encoded(Full());
        var cut = bytes[..(keep > 0 ? keep : bytes.Length + keep)];

        Assert.Throws<InvalidDataException>(() => QueuedHookCall.FromBytes(cut).Decode());
    }

    [Fact]
    public void RecordWithBytesAfterItsEnd_IsRefused()
    {
        var bytes = Encoded(Full());

        Assert.Throws<InvalidDataException>(() => QueuedHookCall.FromBytes([.. bytes, 0]).Decode());
    }

    private static byte[] Encoded(HookCallRow row)
    {
        var record = QueuedHookCall.Encode(row);
        var bytes = record.Buffer[..record.Length];
        record.Release();
        return bytes;
    }

    /// <summary>A row with every property of every row type set to a value other than its default.</summary>
    private static HookCallRow Full()
    {
        var at = new DateTimeOffset(2026, 11, 22, 15, 30, 12, 345, TimeSpan.FromHours(5.5)).AddTicks(6789);
        var row = StoreData.HookCall(at, ("0192f3c4-0000-7000-8000-000000000001", "opioid-coprescription"), ("card-ü-2", "hepatotoxicity"));
        row.Issuer = "https://ehr.example.org/issuer";
        row.Tenant = "tenant-ключ";
        row.StatusCode = 412;
        row.LatencyMs = 3.141592653589793;
        row.Data.Add(new HookCallData("pregnancy", DataOrigins.Unavailable, "operation-outcome"));
        row.Cards[1].Indicator = "critical";
        row.Cards[1].IssuedAt = at.AddMilliseconds(1);
        row.Cards[1].SuggestionCount = 2;
        row.Cards[1].Suggestions.Add(new IssuedSuggestionRow { SuggestionUuid = "s-2", CardUuid = "card-ü-2", Kind = "delete MedicationRequest" });
        return row;
    }

    /// <summary>
    /// Fails when a row type gains a property the sample leaves at its default: then this test must set it, and the
    /// codec must carry it (<see cref="EveryField_RoundTrips"/> compares every property).
    /// </summary>
    private static void AssertEveryPropertySet(object value)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var v = property.GetValue(value);
            var type = property.PropertyType;
            var isDefault = v is null || (type.IsValueType && v.Equals(Activator.CreateInstance(type))) || v is "" || v is ICollection { Count: 0 };
            Assert.False(isDefault, $"{value.GetType().Name}.{property.Name} is not set in the sample");
            if (v is IEnumerable items and not string)
                foreach (var item in items) AssertEveryPropertySet(item);
        }
    }

    private static string Json(HookCallRow row) => JsonSerializer.Serialize(row);
}
