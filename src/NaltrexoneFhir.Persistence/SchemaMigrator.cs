using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NaltrexoneFhir.Persistence;

/// <summary>One ordered, idempotent schema script for one provider (embedded <c>Migrations/&lt;Provider&gt;/NNNN_name.sql</c>).</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);

public sealed record AppliedMigration(int Version, string Name, string Checksum);

public sealed record MigrationReport(int FromVersion, int ToVersion, IReadOnlyList<Migration> Applied);

/// <summary>The database schema cannot be used by this build (newer than it, or an applied script was edited). Fatal.</summary>
public sealed class SchemaMigrationException(string message) : Exception(message);

/// <summary>
/// Creates and upgrades the schema at start-up without EF design-time tools: a <c>schema_version</c> table records
/// each applied script (version, name, checksum); scripts newer than the recorded version run in order, each in its
/// own transaction together with its <c>schema_version</c> row. Several instances starting at once are serialised
/// (PostgreSQL advisory lock; SQLite write lock). A database newer than this build, or a script edited after it was
/// applied, stops start-up with a clear message.
/// </summary>
public static partial class SchemaMigrator
{
    /// <summary>Key of the PostgreSQL advisory lock held while migrating ("NALTREXV").</summary>
    private const long AdvisoryLockKey = 0x4E414C5452455856;

    private static readonly Dictionary<StoreProvider, IReadOnlyList<Migration>> Cache = new()
    {
        [StoreProvider.Sqlite] = Load(StoreProvider.Sqlite),
        [StoreProvider.Postgres] = Load(StoreProvider.Postgres),
    };

    public static IReadOnlyList<Migration> For(StoreProvider provider) => Cache[provider];

    public static int LatestVersion(StoreProvider provider) => For(provider)[^1].Version;

    /// <summary>Brings the schema to <paramref name="targetVersion"/> (default: the latest this build knows).</summary>
    public static async Task<MigrationReport> MigrateAsync(StoreSettings settings, int? targetVersion = null, CancellationToken ct = default)
    {
        var migrations = For(settings.Provider);
        var target = targetVersion ?? migrations[^1].Version;
        await using var connection = await OpenAsync(settings, ct);
        var postgres = settings.Provider == StoreProvider.Postgres;
        if (postgres) await ExecAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey});", ct);
        try
        {
            await ExecAsync(connection, null, postgres
                ? "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"
                : "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));", ct);

            var before = await ReadAppliedAsync(connection, null, ct);
            Verify(settings.Provider, migrations, before);
            var from = before.Count == 0 ? 0 : before.Max(a => a.Version);
            var applied = new List<Migration>();
            foreach (var m in migrations.Where(m => m.Version > from && m.Version <= target))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);   // SQLite: BEGIN IMMEDIATE (takes the write lock)
                var now = await ReadAppliedAsync(connection, tx, ct);
                if (now.Any(a => a.Version >= m.Version)) { await tx.RollbackAsync(ct); continue; }   // another instance got here first
                await ExecAsync(connection, tx, m.Sql, ct);
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO schema_version (version, name, checksum) VALUES (@v, @n, @c);";
                    AddParameter(insert, "@v", m.Version);
                    AddParameter(insert, "@n", m.Name);
                    AddParameter(insert, "@c", m.Checksum);
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                applied.Add(m);
            }
            var after = await ReadAppliedAsync(connection, null, ct);
            return new MigrationReport(from, after.Count == 0 ? 0 : after.Max(a => a.Version), applied);
        }
        finally
        {
            if (postgres) await ExecAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey});", CancellationToken.None);
        }
    }

    /// <summary>The scripts recorded in <c>schema_version</c> (empty for a new database).</summary>
    public static async Task<IReadOnlyList<AppliedMigration>> AppliedAsync(StoreSettings settings, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(settings, ct);
        return await ReadAppliedAsync(connection, null, ct);
    }

    /// <summary>Opens a raw connection; for SQLite, creates the file's directory and switches the database to WAL.</summary>
    public static async Task<DbConnection> OpenAsync(StoreSettings settings, CancellationToken ct = default)
    {
        DbConnection connection;
        if (settings.Provider == StoreProvider.Postgres)
            connection = new NpgsqlConnection(settings.ConnectionString);
        else
        {
            var builder = new SqliteConnectionStringBuilder(settings.ConnectionString);
            if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir)
                Directory.CreateDirectory(dir);
            connection = new SqliteConnection(settings.ConnectionString);
        }
        await connection.OpenAsync(ct);
        if (settings.Provider == StoreProvider.Sqlite)
        {
            await ExecAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
            SqliteDurability.Apply(connection);
        }
        return connection;
    }

    private static void Verify(StoreProvider provider, IReadOnlyList<Migration> known, IReadOnlyList<AppliedMigration> applied)
    {
        var latest = known[^1].Version;
        foreach (var a in applied)
        {
            var m = known.FirstOrDefault(k => k.Version == a.Version);
            if (m is null)
            {
                if (a.Version > latest)
                    throw new SchemaMigrationException(
                        $"The {provider} store's schema is at version {a.Version} ({a.Name}), newer than this build knows (latest {latest}). " +
                        "Run a build at least as new as the one that upgraded the database.");
                throw new SchemaMigrationException($"The {provider} store records schema version {a.Version} ({a.Name}), which this build does not have.");
            }
            if (!string.Equals(m.Checksum, a.Checksum, StringComparison.Ordinal))
                throw new SchemaMigrationException(
                    $"Schema script {m.Version:D4}_{m.Name} was changed after it was applied to this {provider} store " +
                    "(checksum differs). Scripts are append-only: add a new script instead of editing an applied one.");
        }
    }

    private static async Task<IReadOnlyList<AppliedMigration>> ReadAppliedAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = connection is NpgsqlConnection
            ? "SELECT to_regclass('schema_version') IS NOT NULL;"
            : "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version';";
        if (!Convert.ToBoolean(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture)) return [];
        cmd.CommandText = "SELECT version, name, checksum FROM schema_version ORDER BY version;";
        var list = new List<AppliedMigration>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new AppliedMigration(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2)));
        return list;
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    [GeneratedRegex(@"^Migrations[/\\](?<provider>[A-Za-z]+)[/\\](?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();

    private static IReadOnlyList<Migration> Load(StoreProvider provider)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success || !string.Equals(match.Groups["provider"].Value, provider.ToString(), StringComparison.OrdinalIgnoreCase)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
            list.Add(new Migration(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, sql,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)))));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (list.Count == 0) throw new InvalidOperationException($"No embedded schema scripts for {provider}.");
        for (var i = 0; i < list.Count; i++)
            if (list[i].Version != i + 1)
                throw new InvalidOperationException($"{provider} schema scripts must be numbered 0001, 0002, … without gaps (found {list[i].Version:D4}).");
        return list;
    }

    /// <summary>For tests: the names of the embedded resources.</summary>
    internal static IEnumerable<string> ResourceNames() => typeof(SchemaMigrator).Assembly.GetManifestResourceNames();
}
