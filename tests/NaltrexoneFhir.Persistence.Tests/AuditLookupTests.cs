using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>
/// The audit's two lookups as README.md gives them to operators, on each engine: a call by its hook instance around a
/// time, served by the index of the call's time and instance (since schema version 4; the index on the instance alone
/// made every write land on a random page), and a patient's calls by the patient's hash.
/// </summary>
public abstract class AuditLookupTests : MigratedDatabaseTests
{
    /// <summary>README.md, "Looking calls up".</summary>
    public const string ByHookInstance =
        "SELECT id FROM hook_call WHERE received_at >= @from AND received_at < @to AND hook_instance = @instance";

    public const string ByPatient = "SELECT id FROM hook_call WHERE patient_hash = @hash";

    private static readonly DateTimeOffset At = new(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ACall_IsFoundByItsHookInstance_WithinTheWindow_AndOnlyThere()
    {
        var wanted = Call(At, "instance-1", 'a');
        var sameInstanceLater = Call(At.AddHours(3), "instance-1", 'a');
        var otherInstance = Call(At.AddMinutes(1), "instance-2", 'a');
        await new AuditStore(Db.Contexts()).WriteAsync([wanted, sameInstanceLater, otherInstance], false, default);

        await using var db = Db.Context();
        var found = await IdsAsync(db, ByHookInstance, ("from", db.DbTime(At.AddHours(-1))), ("to", db.DbTime(At.AddHours(1))), ("instance", "instance-1"));

        Assert.Equal(new[] { wanted.Id }, found);
    }

    [Fact]
    public async Task APatientsCalls_AreFoundByTheHash_AtAnyTime()
    {
        var calls = new[] { Call(At, "i-1", 'a'), Call(At.AddDays(-400), "i-2", 'a'), Call(At, "i-3", 'b') };
        await new AuditStore(Db.Contexts()).WriteAsync(calls, false, default);

        await using var db = Db.Context();
        var found = await IdsAsync(db, ByPatient, ("hash", new string('a', 64)));

        Assert.Equal(calls.Take(2).Select(c => c.Id).Order(), found.Order());
    }

    [Theory]
    [InlineData(ByHookInstance, "ix_hook_call_received_at_instance")]
    [InlineData(ByPatient, "ix_hook_call_patient_hash")]
    public async Task EachLookup_IsServedByItsIndex(string lookup, string index)
    {
        await using var db = Db.Context();
        var plan = await PlanAsync(db, lookup);
        Assert.Contains(index, plan);
    }

    /// <summary>
    /// The point of schema version 4: no index of hook_call starts with the EHR's random hook instance, so a write never
    /// lands on a random page for it. The patient's hash still does (its lookups span years: BENCHMARKS.md, session 20).
    /// </summary>
    [Fact]
    public async Task NoIndex_StartsWithTheHookInstance()
    {
        await using var db = Db.Context();
        var firstColumns = await FirstIndexColumnsAsync(db);
        Assert.Equal(
            new[] { ("ix_hook_call_patient_hash", "patient_hash"), ("ix_hook_call_received_at_instance", "received_at") },
            firstColumns.Where(i => !i.Index.Contains("autoindex", StringComparison.Ordinal) && !i.Index.EndsWith("_pkey", StringComparison.Ordinal)).Order());
    }

    private static HookCallRow Call(DateTimeOffset at, string instance, char patient)
    {
        var row = StoreData.HookCall(at, (Guid.NewGuid().ToString(), "hepatotoxicity"));
        row.HookInstance = instance;
        row.PatientHash = new string(patient, 64);
        return row;
    }

    private static async Task<List<Guid>> IdsAsync(CdsStoreContext db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = await CommandAsync(db, sql, parameters);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetValue(0) is Guid g ? g : Guid.Parse(reader.GetString(0)));
        return ids;
    }

    private async Task<string> PlanAsync(CdsStoreContext db, string sql)
    {
        var placeholders = new (string, object)[] { ("from", db.DbTime(At)), ("to", db.DbTime(At.AddHours(1))), ("instance", "x"), ("hash", "x") }
            .Where(p => sql.Contains("@" + p.Item1, StringComparison.Ordinal)).ToArray();
        if (Db.Settings.Provider == StoreProvider.Postgres)
        {
            // A table of a few rows is read whole unless sequential scans are ruled out; the question is which index serves it.
            await using var off = await CommandAsync(db, "SET enable_seqscan = off");
            await off.ExecuteNonQueryAsync();
        }
        await using var cmd = await CommandAsync(db, (Db.Settings.Provider == StoreProvider.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql, placeholders);
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(reader.FieldCount - 1));
        return string.Join('\n', lines);
    }

    private async Task<List<(string Index, string Column)>> FirstIndexColumnsAsync(CdsStoreContext db)
    {
        var sql = Db.Settings.Provider == StoreProvider.Postgres
            ? """
              SELECT i.relname, a.attname FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
              WHERE t.relname = 'hook_call'
              """
            : "SELECT l.name, (SELECT name FROM pragma_index_info(l.name) WHERE seqno = 0) FROM pragma_index_list('hook_call') AS l";
        await using var cmd = await CommandAsync(db, sql);
        var list = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add((reader.GetString(0), reader.GetString(1)));
        return list;
    }

    private static async Task<DbCommand> CommandAsync(CdsStoreContext db, string sql, params (string Name, object Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync();
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}

public sealed class SqliteAuditLookupTests : AuditLookupTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditLookupTests(PostgresServer server) : AuditLookupTests
{
    protected override async Task<TestDatabase> CreateDatabaseAsync() => await PostgresTestDatabase.CreateAsync(server);
}
