using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>
/// The audit writer's cost per hook call, without HTTP: records shaped as the typical order-sign's (11 data origins,
/// two cards, one suggestion; card and suggestion uuids time-ordered as CardComposer makes them, or random with
/// <c>v4</c> for comparison) written through <see cref="AuditStore"/> into a fresh SQLite file
/// in batches the size the writer gathers under load (180 records, ~100 ms at 1,800 req/s). The database is first
/// filled with <c>prefill</c> calls, because the cost per row grows with the size of the indexes it lands in.
/// Not a benchmark (a tool for A/B checks): CPU is the process's, which this single-threaded loop dominates.
/// </summary>
public static class AuditProfile
{
    public static async Task<int> RunAsync(int calls, int prefill, bool randomUuids, bool withoutPatientIndex = false, int batch = 180)
    {
        var dir = Directory.CreateTempSubdirectory("naltrexone-audit-profile");
        try
        {
            var settings = new StoreSettings(StoreProvider.Sqlite, $"Data Source={Path.Combine(dir.FullName, "audit.db")}");
            await SchemaMigrator.MigrateAsync(settings);
            if (withoutPatientIndex)
            {
                await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(settings.ConnectionString);
                await connection.OpenAsync();
                await using var drop = connection.CreateCommand();
                drop.CommandText = "DROP INDEX ix_hook_call_patient_hash;";
                await drop.ExecuteNonQueryAsync();
            }
            var store = new AuditStore(new PooledDbContextFactory<CdsStoreContext>(CdsStoreContext.Options(settings)));
            var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
            var n = 0;
            Func<Guid> newId = randomUuids ? Guid.NewGuid : Guid.CreateVersion7;
            List<HookCallRow> Batch(int size) => Enumerable.Range(0, size).Select(_ => Record(at.AddMilliseconds(n++), newId)).ToList();

            for (var done = 0; done < prefill; done += 1000) await store.WriteAsync(Batch(Math.Min(1000, prefill - done)), false, default);
            for (var i = 0; i < 5; i++) await store.WriteAsync(Batch(batch), false, default); // warm-up

            // Built before the clock starts: the service builds records on the request thread (AuditBehavior), not in the writer.
            var batches = new List<List<HookCallRow>>();
            for (var built = 0; built < calls; built += batch) batches.Add(Batch(Math.Min(batch, calls - built)));
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var written = 0;
            foreach (var rows in batches) written += await store.WriteAsync(rows, false, default);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpu0;
            var bytes = dir.EnumerateFiles().Sum(f => f.Length);
            Console.WriteLine($"audit: {written} calls after {prefill} prefilled, batches of {batch}, {(randomUuids ? "random v4" : "time-ordered v7")} card uuids{(withoutPatientIndex ? ", no patient-hash index" : "")}: " +
                              $"{sw.Elapsed.TotalMilliseconds * 1000 / written:0} µs/call wall, {cpu.TotalMilliseconds * 1000 / written:0} µs/call CPU, " +
                              $"database + WAL {bytes / 1024.0 / 1024:0.0} MB ({bytes / (double)(prefill + written + 5 * batch):0} bytes/call)");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    /// <summary>One hook call as the audit step records the typical order-sign (AuditBehavior.Build).</summary>
    private static HookCallRow Record(DateTimeOffset at, Func<Guid> newId)
    {
        var id = Guid.CreateVersion7(at);
        var week = "2026-W47";
        HookCallRow row = new()
        {
            Id = id, ReceivedAt = at, IsoWeek = week, ServiceId = "naltrexone-order-sign", Hook = "order-sign",
            HookInstance = Guid.NewGuid().ToString(), Issuer = null, Tenant = null,
            PatientHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(id.ToByteArray())),
            StatusCode = 200, LatencyMs = 0.8,
        };
        foreach (var key in new[] { "allergies", "appointments", "conditions", "liverLabs", "medicationRequests", "medicationStatements",
                                    "opioidScreens", "patient", "pregnancyTests", "procedures", "renalLabs" })
            row.Data.Add(new HookCallData(key, DataOrigins.Prefetch, "provided"));
        foreach (var (concern, indicator, suggestions) in new[] { ("hepatotoxicity", "warning", 1), ("dose-not-computable", "info", 0) })
        {
            var card = newId().ToString();
            row.Cards.Add(new IssuedCardRow
            {
                CardUuid = card, HookCallId = id, ServiceId = row.ServiceId, Concern = concern, Indicator = indicator,
                IssuedAt = at, IsoWeek = week, SuggestionCount = suggestions,
                Suggestions = Enumerable.Range(0, suggestions)
                    .Select(_ => new IssuedSuggestionRow { SuggestionUuid = newId().ToString(), CardUuid = card, Kind = "delete MedicationRequest" }).ToList(),
            });
        }
        return row;
    }
}
