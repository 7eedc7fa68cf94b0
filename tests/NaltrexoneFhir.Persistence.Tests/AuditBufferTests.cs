using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NaltrexoneFhir.Api.Store;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>No other test runs beside these: they count the process-wide pool's outstanding buffers exactly.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}

/// <summary>
/// The queued records' pooled buffers: each is given back exactly once, whether its record was written, dropped
/// because the queue was full, or found unreadable; a buffer used again holds only its new record.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class AuditBufferTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public Task InitializeAsync()
    {
        _db = SqliteTestDatabase.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public void AReleasedBuffer_IsUsedAgain_AndHoldsOnlyTheNewRecord()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var longer = StoreData.HookCall(at, ("card-1", "hepatotoxicity"), ("card-2", "opioid-coprescription"), ("card-3", "missing-baseline-labs"));
        var shorter = StoreData.HookCall(at, ("card-9", "hepatotoxicity"), ("card-8", "pregnancy"));
        var before = QueuedHookCall.OutstandingBuffers;

        var first = QueuedHookCall.Encode(longer);
        Assert.Equal(before + 1, QueuedHookCall.OutstandingBuffers);
        var buffer = first.Buffer;
        first.Release();
        var second = QueuedHookCall.Encode(shorter);

        Assert.Same(buffer, second.Buffer);   // the pool gives back the buffer it was last given, for a record of that size
        Assert.True(second.Length < first.Length && second.Length < buffer.Length, $"{second.Length} of {buffer.Length}");
        Assert.Equal(Json(shorter), Json(second.Decode()));   // the longer record's leftover bytes are not read
        second.Release();
        Assert.Equal(before, QueuedHookCall.OutstandingBuffers);
    }

    [Fact]
    public async Task WrittenRecords_GiveBackTheirBuffers()
    {
        var before = QueuedHookCall.OutstandingBuffers;
        await using (var api = new StoreApiFactory(_db, new() { ["Audit:BatchSize"] = "7" }))
        {
            var client = api.CreateClient();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                for (var i = 0; i < 10; i++) await SampleHook.CallAsync(client);
            }));
            await api.AuditSettledAsync();

            Assert.Equal(before, QueuedHookCall.OutstandingBuffers);
        }
        await using var db = _db.Context();
        Assert.Equal(40, await db.HookCalls.CountAsync());
        Assert.Equal(40, await db.HookCalls.Select(h => h.HookInstance).Distinct().CountAsync());
    }

    [Fact]
    public async Task RecordsDroppedByAFullQueue_AndUnreadableOnes_GiveBackTheirBuffers()
    {
        var before = QueuedHookCall.OutstandingBuffers;
        await using (var api = new StoreApiFactory(_db, new() { ["Audit:QueueCapacity"] = "16", ["Audit:BatchSize"] = "1" }))
        {
            var client = api.CreateClient();
            await _db.TakeDownAsync();
            for (var i = 0; i < 25; i++) await SampleHook.CallAsync(client);   // at least 8 dropped: the queue holds 16
            await _db.BringBackAsync();
            await api.AuditSettledAsync();
            Assert.Equal(before, QueuedHookCall.OutstandingBuffers);

            // The third field's length (after the 16-byte id and the 10-byte time) made ~2 million: the writer cannot read it.
            var unreadable = QueuedHookCall.Encode(StoreData.HookCall(DateTimeOffset.UtcNow));
            (unreadable.Buffer[26], unreadable.Buffer[27], unreadable.Buffer[28]) = ((byte)0xFF, (byte)0xFF, (byte)0x7F);
            Assert.True(api.Queue.TryEnqueue(unreadable));
            await api.AuditSettledAsync();

            Assert.Equal(before, QueuedHookCall.OutstandingBuffers);
        }
    }

    private static string Json(HookCallRow row) => JsonSerializer.Serialize(row);
}
