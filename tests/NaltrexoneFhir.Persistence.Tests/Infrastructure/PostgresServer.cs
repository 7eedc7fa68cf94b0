using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace NaltrexoneFhir.Persistence.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 server for the tests. With <c>NALTREXONE_TEST_PG</c> set (as <c>.ci/run</c> does) it is that
/// server, and <c>NALTREXONE_TEST_PG_DATA</c> names its data directory so the restart test can stop and start it.
/// Otherwise the fixture starts its own throwaway cluster the same way: initdb + pg_ctl as the postgres user, on a free
/// loopback port, under a temp directory removed afterwards. Binaries: <c>NALTREXONE_TEST_PG_BIN</c> or
/// /usr/lib/postgresql/15/bin. Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string ConnectionVariable = "NALTREXONE_TEST_PG", DataVariable = "NALTREXONE_TEST_PG_DATA", BinVariable = "NALTREXONE_TEST_PG_BIN";

    private string? _root;
    private string? _dataDirectory;
    private string _bin = "/usr/lib/postgresql/15/bin";
    private bool _ownCluster;

    public string AdminConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _bin = Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } b ? b : _bin;
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } cs)
        {
            AdminConnectionString = cs;
            _dataDirectory = Environment.GetEnvironmentVariable(DataVariable);
            return;
        }
        if (!File.Exists(Path.Combine(_bin, "initdb")))
            throw new InvalidOperationException(
                $"PostgreSQL tests need a server: set {ConnectionVariable} to a connection string (superuser), or install PostgreSQL 15 " +
                $"(binaries expected in {_bin}; override with {BinVariable}).");
        _ownCluster = true;
        _root = Directory.CreateTempSubdirectory("naltrexone-pg-").FullName;
        _dataDirectory = Path.Combine(_root, "data");
        if (RunningAsRoot) await RunAsync("chown", ["postgres:postgres", _root]);
        await RunPgAsync("initdb", ["-D", _dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        var port = FreePort();
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"),
            $"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{_root}'\nfsync = off\nfull_page_writes = off\n");
        await StartAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_ownCluster) return;
        try { await RunPgAsync("pg_ctl", ["-D", _dataDirectory!, "-m", "immediate", "-w", "stop"]); }
        finally { Directory.Delete(_root!, recursive: true); }
    }

    public bool CanRestart => _dataDirectory is not null;

    public Task StopAsync() => RunPgAsync("pg_ctl", ["-D", RequireData(), "-m", "fast", "-w", "stop"]);

    public Task StartAsync() => RunPgAsync("pg_ctl", ["-D", RequireData(), "-w", "-t", "60", "-l", Path.Combine(LogDirectory(), "postgres.log"), "start"]);

    /// <summary>A fresh, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Timeout = 5, CommandTimeout = 30 }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await cmd.ExecuteNonQueryAsync();
    }

    private string RequireData() => _dataDirectory ?? throw new InvalidOperationException(
        $"This test stops and starts PostgreSQL: set {DataVariable} to the data directory of the server in {ConnectionVariable}.");

    private string LogDirectory() => _root ?? Path.GetDirectoryName(RequireData())!;

    private static bool RunningAsRoot => Environment.UserName == "root";

    private Task RunPgAsync(string tool, string[] args) =>
        RunningAsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]) : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        // pg_ctl start writes the server's output to the -l log file, so these pipes close when pg_ctl exits.
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {p.ExitCode}: {await stdout}{await stderr}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    /// <summary>All PostgreSQL tests share one server and run one after another (the restart test stops it).</summary>
    public const string Name = "postgres";
}
