using Microsoft.Data.Sqlite;

namespace NaltrexoneFhir.Persistence.Tests.Infrastructure;

/// <summary>One empty database for one test, on a real engine, that a test can take down and bring back.</summary>
public abstract class TestDatabase : IAsyncDisposable
{
    protected TestDatabase(StoreSettings settings)
    {
        Settings = settings;
        DataDirectory = Directory.CreateTempSubdirectory("naltrexone-store-").FullName;
    }

    public StoreSettings Settings { get; }

    /// <summary>The app's data directory for this test (SQLite file, development key).</summary>
    public string DataDirectory { get; }

    public CdsStoreContext Context() => new(CdsStoreContext.Options(Settings));

    public Microsoft.EntityFrameworkCore.IDbContextFactory<CdsStoreContext> Contexts() => new Factory(Settings);

    /// <summary>Settings that point the API host at this database.</summary>
    public Dictionary<string, string?> AppSettings() => new()
    {
        ["Storage:DataDirectory"] = DataDirectory,
        ["ConnectionStrings:Postgres"] = Settings.Provider == StoreProvider.Postgres ? Settings.ConnectionString : null,
        ["ConnectionStrings:Sqlite"] = Settings.Provider == StoreProvider.Sqlite ? Settings.ConnectionString : null,
    };

    /// <summary>Makes the database refuse work (PostgreSQL: server stopped; SQLite: write lock held by another connection).</summary>
    public abstract Task TakeDownAsync();

    public abstract Task BringBackAsync();

    public virtual ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { /* best effort */ }
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private sealed class Factory(StoreSettings settings) : Microsoft.EntityFrameworkCore.IDbContextFactory<CdsStoreContext>
    {
        public CdsStoreContext CreateDbContext() => new(CdsStoreContext.Options(settings));
    }
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private SqliteConnection? _lock;

    private SqliteTestDatabase(string file)
        // Default Timeout (seconds) bounds how long a write waits for the lock: short, so outage tests are quick.
        : base(new StoreSettings(StoreProvider.Sqlite, $"Data Source={file};Default Timeout=3")) { }

    public static SqliteTestDatabase Create() =>
        new(Path.Combine(Path.GetTempPath(), "naltrexone-sqlite-" + Guid.NewGuid().ToString("N"), "store.db"));

    public override async Task TakeDownAsync()
    {
        _lock = new SqliteConnection(Settings.ConnectionString);
        await _lock.OpenAsync();
        await using var cmd = _lock.CreateCommand();
        cmd.CommandText = "BEGIN EXCLUSIVE;";
        await cmd.ExecuteNonQueryAsync();
    }

    public override async Task BringBackAsync()
    {
        if (_lock is null) return;
        await using (var cmd = _lock.CreateCommand())
        {
            cmd.CommandText = "ROLLBACK;";
            await cmd.ExecuteNonQueryAsync();
        }
        await _lock.DisposeAsync();
        _lock = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await BringBackAsync();
        var file = new SqliteConnectionStringBuilder(Settings.ConnectionString).DataSource;
        await base.DisposeAsync();
        try { Directory.Delete(Path.GetDirectoryName(file)!, recursive: true); } catch (IOException) { /* best effort */ }
    }
}

public sealed class PostgresTestDatabase(PostgresServer server, string connectionString)
    : TestDatabase(new StoreSettings(StoreProvider.Postgres, connectionString))
{
    private bool _down;

    public static async Task<PostgresTestDatabase> CreateAsync(PostgresServer server) => new(server, await server.CreateDatabaseAsync());

    public override async Task TakeDownAsync()
    {
        await server.StopAsync();
        _down = true;
    }

    public override async Task BringBackAsync()
    {
        if (!_down) return;
        await server.StartAsync();
        _down = false;
    }

    public override async ValueTask DisposeAsync()
    {
        await BringBackAsync();
        await server.DropDatabaseAsync(Settings.ConnectionString);
        await base.DisposeAsync();
    }
}
