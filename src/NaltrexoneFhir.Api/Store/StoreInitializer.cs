using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>Where the store is: the resolved data directory and database settings.</summary>
public sealed record StoreLocation(string DataDirectory, StoreSettings Settings)
{
    public static StoreLocation Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var dataDirectory = configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"] is { Length: > 0 } d ? d : new StorageOptions().DataDirectory;
        dataDirectory = Path.GetFullPath(dataDirectory, environment.ContentRootPath);
        return new StoreLocation(dataDirectory, StoreSettings.Resolve(
            configuration.GetConnectionString("Postgres"), configuration.GetConnectionString("Sqlite"), dataDirectory));
    }
}

/// <summary>Set once the schema is current. Feedback answers 503 and the audit writer waits until then.</summary>
public sealed class StoreReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    internal void SetReady() => _ready.TrySetResult();

    /// <summary>True once ready; false if <paramref name="ct"/> fires first.</summary>
    public async Task<bool> WaitAsync(CancellationToken ct)
    {
        try { await _ready.Task.WaitAsync(ct); return true; }
        catch (OperationCanceledException) { return IsReady; }
    }
}

/// <summary>
/// Brings the schema up to date before the server takes requests. A schema this build cannot use (newer, or an
/// edited script) and any SQLite failure (a local file: misconfiguration) stop start-up. An unreachable PostgreSQL
/// does not: the service starts, hook calls are answered, and the migration is retried in the background.
/// </summary>
public sealed class StoreInitializer(
    StoreLocation location,
    StoreReadiness readiness,
    IServiceProvider services,
    ILogger<StoreInitializer> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retry;
    private bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<PatientIdHasher>();   // resolve now: a missing key fails start, a generated one is warned about now
        try
        {
            await MigrateAsync(cancellationToken);
        }
        catch (Exception ex) when (location.Settings.Provider == StoreProvider.Postgres && ex is not SchemaMigrationException && !cancellationToken.IsCancellationRequested)
        {
            StoreLog.StoreUnreachable(logger, location.Settings.Describe(), ex.GetType().Name, 1000);
            _retry = Task.Run(() => RetryAsync(_stopping.Token), CancellationToken.None);
        }
    }

    private async Task MigrateAsync(CancellationToken ct)
    {
        var report = await SchemaMigrator.MigrateAsync(location.Settings, ct: ct);
        StoreLog.SchemaReady(logger, location.Settings.Describe(), report.ToVersion, report.Applied.Count);
        readiness.SetReady();
    }

    private async Task RetryAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, ct);
                await MigrateAsync(ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (SchemaMigrationException ex)
            {
                logger.LogCritical(ex, "Store schema cannot be used by this build; feedback and audit stay unavailable");
                return;
            }
            catch (Exception ex)
            {
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
                StoreLog.StoreUnreachable(logger, location.Settings.Describe(), ex.GetType().Name, (long)delay.TotalMilliseconds);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may stop again after the container disposed us (WebApplicationFactory does): then there is nothing left to stop.
        if (Volatile.Read(ref _disposed)) return;
        await _stopping.CancelAsync();
        if (_retry is not null) await _retry.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, true)) return;
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
