namespace NaltrexoneFhir.Persistence;

public enum StoreProvider { Sqlite, Postgres }

/// <summary>Which database the store uses and how to reach it. The connection string is never logged.</summary>
public sealed record StoreSettings(StoreProvider Provider, string ConnectionString)
{
    public const string DefaultSqliteFileName = "naltrexone-cds.db";

    /// <summary>PostgreSQL when a connection string is given; otherwise SQLite (explicit connection string, or a file in <paramref name="dataDirectory"/>).</summary>
    public static StoreSettings Resolve(string? postgresConnectionString, string? sqliteConnectionString, string dataDirectory) =>
        !string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new StoreSettings(StoreProvider.Postgres, postgresConnectionString)
            : new StoreSettings(StoreProvider.Sqlite, !string.IsNullOrWhiteSpace(sqliteConnectionString)
                ? sqliteConnectionString
                : $"Data Source={Path.Combine(dataDirectory, DefaultSqliteFileName)}");

    /// <summary>A description safe to log: provider and, for SQLite, the file; never credentials.</summary>
    public string Describe()
    {
        if (Provider == StoreProvider.Postgres)
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
        }
        return $"SQLite {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource}";
    }

    public override string ToString() => Describe();
}
