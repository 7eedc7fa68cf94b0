using System.Data.Common;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>Start-up schema creation and upgrade, on each real engine.</summary>
public abstract class SchemaMigratorTests : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => Db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await Db.DisposeAsync();

    private StoreProvider Provider => Db.Settings.Provider;

    [Fact]
    public async Task EmptyDatabase_GetsEveryScript_InOrder_AndTheModelMatchesTheTables()
    {
        var report = await SchemaMigrator.MigrateAsync(Db.Settings);

        Assert.Equal(0, report.FromVersion);
        Assert.Equal(SchemaMigrator.LatestVersion(Provider), report.ToVersion);
        Assert.Equal(SchemaMigrator.For(Provider).Select(m => m.Version), report.Applied.Select(m => m.Version));
        var applied = await SchemaMigrator.AppliedAsync(Db.Settings);
        Assert.Equal(SchemaMigrator.For(Provider).Select(m => (m.Version, m.Name, m.Checksum)), applied.Select(a => (a.Version, a.Name, a.Checksum)));
        await using var db = Db.Context();
        // Every mapped table and column exists (a mismatch between the EF mapping and the scripts throws here).
        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.HookCalls));
        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.IssuedCards));
        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.IssuedSuggestions));
        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Feedback));
        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.FeedbackSuggestions));
    }

    [Fact]
    public async Task SecondStart_AppliesNothing()
    {
        await SchemaMigrator.MigrateAsync(Db.Settings);
        var again = await SchemaMigrator.MigrateAsync(Db.Settings);
        Assert.Empty(again.Applied);
        Assert.Equal(SchemaMigrator.LatestVersion(Provider), again.ToVersion);
    }

    [Fact]
    public async Task UpgradeFromVersion1_KeepsAuditRows_MovesDataOriginsIntoTheCall_AndAddsFeedback()
    {
        var v1 = await SchemaMigrator.MigrateAsync(Db.Settings, targetVersion: 1);
        Assert.Equal(1, v1.ToVersion);
        // Rows as a version-1 build wrote them (one hook_call_data row per data key), by plain SQL: the current EF
        // model maps the version-3 columns.
        const string withData = "0193f0a1-0000-7000-8000-000000000001", withoutData = "0193f0a1-0000-7000-8000-000000000002";
        await using (var connection = await SchemaMigrator.OpenAsync(Db.Settings))
        {
            var at = Provider == StoreProvider.Postgres ? "2026-11-18T09:00:00Z" : "2026-11-18T09:00:00.0000000Z";
            await ExecAsync(connection, $"""
                INSERT INTO hook_call (id, received_at, iso_week, service_id, hook, status_code, latency_ms)
                VALUES ('{withData}', '{at}', '2026-W47', '{StoreData.Service}', 'order-sign', 200, 12.5),
                       ('{withoutData}', '{at}', '2026-W47', '{StoreData.Service}', 'order-sign', 400, 1.5);
                INSERT INTO hook_call_data (hook_call_id, data_key, origin, state)
                VALUES ('{withData}', 'patient', 'fhir-server', 'null'), ('{withData}', 'liverLabs', 'prefetch', 'provided');
                INSERT INTO issued_card (card_uuid, hook_call_id, service_id, concern, indicator, issued_at, iso_week, suggestion_count)
                VALUES ('card-a', '{withData}', '{StoreData.Service}', 'hepatotoxicity', 'warning', '{at}', '2026-W47', 0);
                """);
        }

        var upgrade = await SchemaMigrator.MigrateAsync(Db.Settings);

        Assert.Equal(1, upgrade.FromVersion);
        Assert.Equal(Enumerable.Range(2, SchemaMigrator.LatestVersion(Provider) - 1), upgrade.Applied.Select(m => m.Version));
        await using (var db = Db.Context())
        {
            var calls = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.HookCalls);
            Assert.Equal(
                [new HookCallData("liverLabs", DataOrigins.Prefetch, "provided"), new HookCallData("patient", DataOrigins.FhirServer, "null")],
                calls.Single(c => c.Id == Guid.Parse(withData)).Data);
            Assert.Empty(calls.Single(c => c.Id == Guid.Parse(withoutData)).Data);
        }
        var saved = await new FeedbackStore(Db.Contexts()).SaveAsync([StoreData.Override("card-a", "will-monitor")], default);
        Assert.Equal(new FeedbackSaveResult(1, 0, 0), saved);
    }

    [Fact]
    public async Task EveryScript_IsIdempotent()
    {
        await SchemaMigrator.MigrateAsync(Db.Settings);
        await using var connection = await SchemaMigrator.OpenAsync(Db.Settings);
        // Running a script again must not fail (CREATE ... IF NOT EXISTS), except where the engine has no such form and
        // the script says so on its first line (SQLite's ADD COLUMN); schema_version runs every script once anyway.
        var scripts = SchemaMigrator.For(Provider);
        foreach (var m in scripts.Where(m => !m.Sql.StartsWith("-- once-only:", StringComparison.Ordinal)))
            await ExecAsync(connection, m.Sql);
        Assert.Contains(scripts, m => m.Version == 1);   // the filter never hides the base schema
        if (Provider == StoreProvider.Postgres)
            Assert.DoesNotContain(scripts, m => m.Sql.StartsWith("-- once-only:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DatabaseNewerThanTheBuild_StopsStartUp()
    {
        await SchemaMigrator.MigrateAsync(Db.Settings);
        await using (var connection = await SchemaMigrator.OpenAsync(Db.Settings))
            await ExecAsync(connection, "INSERT INTO schema_version (version, name, checksum) VALUES (99, 'from_the_future', 'x');");

        var ex = await Assert.ThrowsAsync<SchemaMigrationException>(() => SchemaMigrator.MigrateAsync(Db.Settings));
        Assert.Contains("newer than this build", ex.Message);
    }

    [Fact]
    public async Task ScriptEditedAfterItWasApplied_StopsStartUp()
    {
        await SchemaMigrator.MigrateAsync(Db.Settings);
        await using (var connection = await SchemaMigrator.OpenAsync(Db.Settings))
            await ExecAsync(connection, "UPDATE schema_version SET checksum = 'edited' WHERE version = 1;");

        var ex = await Assert.ThrowsAsync<SchemaMigrationException>(() => SchemaMigrator.MigrateAsync(Db.Settings));
        Assert.Contains("0001_audit was changed", ex.Message);
    }

    [Fact]
    public async Task InstancesStartingTogether_MigrateOnce()
    {
        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SchemaMigrator.MigrateAsync(Db.Settings))));

        Assert.Equal(SchemaMigrator.For(Provider).Count, reports.Sum(r => r.Applied.Count));
        Assert.All(reports, r => Assert.Equal(SchemaMigrator.LatestVersion(Provider), r.ToVersion));
        Assert.Equal(SchemaMigrator.For(Provider).Count, (await SchemaMigrator.AppliedAsync(Db.Settings)).Count);
    }

    private static async Task ExecAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}

public sealed class SqliteSchemaMigratorTests : SchemaMigratorTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaMigratorTests(PostgresServer server) : SchemaMigratorTests
{
    protected override async Task<TestDatabase> CreateDatabaseAsync() => await PostgresTestDatabase.CreateAsync(server);
}

/// <summary>Facts about the embedded scripts themselves (no database).</summary>
public sealed class MigrationScriptTests
{
    [Fact]
    public void BothProviders_HaveTheSameVersions_AndNames()
    {
        Assert.Equal(
            SchemaMigrator.For(StoreProvider.Sqlite).Select(m => (m.Version, m.Name)),
            SchemaMigrator.For(StoreProvider.Postgres).Select(m => (m.Version, m.Name)));
        Assert.True(SchemaMigrator.LatestVersion(StoreProvider.Sqlite) >= 2);
    }
}
