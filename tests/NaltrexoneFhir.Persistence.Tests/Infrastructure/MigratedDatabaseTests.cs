namespace NaltrexoneFhir.Persistence.Tests.Infrastructure;

/// <summary>A test class's fresh database on one engine, migrated to the latest schema before each test.</summary>
public abstract class MigratedDatabaseTests : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        Db = await CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(Db.Settings);
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();
}
