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
        Assert.Empty(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.HookCallData));
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
    public async Task UpgradeFromVersion1_KeepsAuditRows_AndAddsFeedback()
    {
        var v1 = await SchemaMigrator.MigrateAsync(Db.Settings, targetVersion: 1);
        Assert.Equal(1, v1.ToVersion);
        await using (var v1Db = Db.Context())
        {
            v1Db.HookCalls.Add(StoreData.HookCall(new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero), ("card-a", "hepatotoxicity")));
            await v1Db.SaveChangesAsync();   // version 1 has the audit tables only
        }

        var upgrade = await SchemaMigrator.MigrateAsync(Db.Settings);

        Assert.Equal(1, upgrade.FromVersion);
        Assert.Equal([2], upgrade.Applied.Select(m => m.Version));
        var saved = await new FeedbackStore(Db.Contexts()).SaveAsync([StoreData.Override("card-a", "will-monitor")], default);
        Assert.Equal(new FeedbackSaveResult(1, 0, 0), saved);
    }

    [Fact]
    public async Task EveryScript_IsIdempotent()
    {
        await SchemaMigrator.MigrateAsync(Db.Settings);
        await using var connection = await SchemaMigrator.OpenAsync(Db.Settings);
        foreach (var m in SchemaMigrator.For(Provider))
            await ExecAsync(connection, m.Sql);   // running a script again must not fail (CREATE ... IF NOT EXISTS)
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
