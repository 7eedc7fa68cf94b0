using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace NaltrexoneFhir.Persistence;

/// <summary>Writes batches of hook-call audit rows, and links earlier feedback to the cards that just arrived.</summary>
public sealed class AuditStore(IDbContextFactory<CdsStoreContext> contexts)
{

    /// <summary>Inserts the rows in one transaction (see <see cref="WriteAsync(IHookCallBatch, bool, CancellationToken)"/>).</summary>
    public Task<int> WriteAsync(IReadOnlyList<HookCallRow> batch, bool isRetry, CancellationToken ct) =>
        WriteAsync(new RowList(batch), isRetry, ct);

    /// <summary>
    /// Inserts the batch in one transaction and returns how many calls it inserted. After a failed attempt the commit
    /// may still have happened (a lost reply), so a retry first drops the rows already stored: a retried batch never
    /// duplicates and never fails on its own keys. A call the batch cannot produce (null) is skipped.
    /// </summary>
    /// <remarks>
    /// The rows go in through parameterized <c>INSERT</c>s rather than EF's change tracker: a hook call is a handful of
    /// rows (the call with its data origins, cards, suggestions), and tracking, ordering and batching them cost more
    /// CPU than the hook call itself under load (BENCHMARKS.md). Values are converted with EF's own type mappings, so
    /// the rows are exactly what EF writes and reads (GUID text on SQLite, <c>uuid</c> on PostgreSQL).
    /// <para>
    /// Each call is read once and written whole (its row, then its cards, then their suggestions) before the next is
    /// read, so a batch being written holds one call's objects at a time: when the rows of 200 calls were all alive
    /// through a write (about 80 objects a call), the young GCs that met them (a fifth to two thirds of them at
    /// 2,500 calls/s) paused 0.6-2 ms longer (BENCHMARKS.md, session 17).
    /// </para>
    /// </remarks>
    public async Task<int> WriteAsync(IHookCallBatch batch, bool isRetry, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        HashSet<Guid>? stored = null;
        if (isRetry)
        {
            var ids = new List<Guid>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
                if (batch.Read(i) is { } row) ids.Add(row.Id);
            stored = (await db.HookCalls.Where(h => ids.Contains(h.Id)).Select(h => h.Id).ToListAsync(ct)).ToHashSet();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var insert = new Inserter(db, tx.GetDbTransaction());
        var calls = insert.Table("hook_call",
            ["id", "received_at", "iso_week", "service_id", "hook", "hook_instance", "issuer", "tenant", "patient_hash", "status_code", "latency_ms", "data_origins"]);
        var cards = insert.Table("issued_card", ["card_uuid", "hook_call_id", "service_id", "concern", "indicator", "issued_at", "iso_week", "suggestion_count"], parent: calls);
        var suggestions = insert.Table("issued_suggestion", ["suggestion_uuid", "card_uuid", "kind"], parent: cards);
        var cardUuids = new List<string>();
        var inserted = 0;
        // A batch's calls nearly all have the same data origins, and a batch may give them as one list (the API's
        // audit queue does): its JSON is written once for as long as the list is the same.
        (List<HookCallData>? List, string Json) origins = (null, "");
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch.Read(i) is not { } h || stored?.Contains(h.Id) == true) continue;
                if (!ReferenceEquals(origins.List, h.Data)) origins = (h.Data, DataOriginsJson.Write(h.Data));
                var id = insert.Id(h.Id);
                var receivedAt = db.DbTime(h.ReceivedAt);
                await calls.AddAsync([id, receivedAt, h.IsoWeek, h.ServiceId, h.Hook, h.HookInstance, h.Issuer, h.Tenant, h.PatientHash, h.StatusCode, h.LatencyMs, origins.Json], ct);
                foreach (var c in h.Cards)
                {
                    var issuedAt = c.IssuedAt.EqualsExact(h.ReceivedAt) ? receivedAt : db.DbTime(c.IssuedAt);
                    await cards.AddAsync([c.CardUuid, id, c.ServiceId, c.Concern, c.Indicator, issuedAt, c.IsoWeek, c.SuggestionCount], ct);
                    cardUuids.Add(c.CardUuid);
                    foreach (var s in c.Suggestions) await suggestions.AddAsync([s.SuggestionUuid, c.CardUuid, s.Kind], ct);
                }
                inserted++;
            }
            await suggestions.FlushAsync(ct); // and, before it, its parents
        }
        finally
        {
            await calls.DisposeAsync();
            await cards.DisposeAsync();
            await suggestions.DisposeAsync();
        }
        if (inserted == 0) return 0;

        // EF.Parameter: the batch's card uuids as one array parameter (json_each on SQLite, = ANY on PostgreSQL). EF 10
        // otherwise sends one parameter per uuid (~360 per batch), which SQLite binds by name with a linear search each
        // and re-prepares per batch: the writer measured 141–154 → 129–140 µs of CPU per call (BENCHMARKS.md).
        if (cardUuids.Count > 0)
            await db.Feedback
                .Where(f => !f.CardKnown && EF.Parameter(cardUuids).Contains(f.CardUuid)
                            && db.IssuedCards.Any(c => c.CardUuid == f.CardUuid && c.ServiceId == f.ServiceId))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.CardKnown, true), ct);
        await tx.CommitAsync(ct);
        return inserted;
    }

    /// <summary>
    /// Whether <paramref name="ex"/> is the database refusing the rows themselves (a value or constraint it will refuse
    /// on every attempt: PostgreSQL's SQLSTATE classes 22 and 23, SQLite's CONSTRAINT, MISMATCH, TOOBIG and RANGE),
    /// as opposed to the database being unreachable, busy or failing (worth retrying as it is).
    /// </summary>
    public static bool IsRefusedData(Exception ex) => ex switch
    {
        Npgsql.PostgresException pg => pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal),
        SqliteException lite => (lite.SqliteErrorCode & 0xFF) is 18 or 19 or 20 or 25,
        _ => false,
    };

    private sealed class RowList(IReadOnlyList<HookCallRow> rows) : IHookCallBatch
    {
        public int Count => rows.Count;
        public HookCallRow? Read(int index) => rows[index];
    }

    /// <summary>Parameterized INSERTs on the context's connection and transaction.</summary>
    private sealed class Inserter(CdsStoreContext db, DbTransaction transaction)
    {
        /// <summary>
        /// Rows per statement. SQLite: one row per statement, prepared once per table and stepped per row
        /// (<see cref="SqliteStatement"/>), SQLite's fastest way in (no round trips; through Microsoft.Data.Sqlite's
        /// named parameters, multi-row statements also cost a linear name search per parameter: a 250-row statement
        /// made those comparisons 12 % of the whole service's CPU, BENCHMARKS.md). PostgreSQL pays a round trip per
        /// statement instead, so it takes many rows at once (well under its 65,535 parameters).
        /// </summary>
        private readonly int _rowsPerStatement = db.Provider == StoreProvider.Sqlite ? 1 : 250;

        /// <summary>The SQLite connection, whose rows go in through <see cref="SqliteStatement"/>; null on PostgreSQL.</summary>
        private readonly SqliteConnection? _sqlite = transaction.Connection as SqliteConnection;

        private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? _guid =
            db.GetService<IRelationalTypeMappingSource>().FindMapping(typeof(Guid))?.Converter;

        /// <summary>A GUID as this provider stores it (EF's mapping: text on SQLite, native uuid on PostgreSQL).</summary>
        public object Id(Guid id) => _guid?.ConvertToProvider(id) ?? id;

        /// <summary>Rows for one table, sent a statement at a time; a table's statements go after its parent's pending rows (foreign keys).</summary>
        public TableRows Table(string table, string[] columns, TableRows? parent = null) => new(this, table, columns, parent);

        public sealed class TableRows(Inserter inserter, string table, string[] columns, TableRows? parent) : IAsyncDisposable
        {
            private readonly List<object?[]> _pending = new(inserter._rowsPerStatement);
            private DbCommand? _full;
            private SqliteStatement? _statement;

            public async Task AddAsync(object?[] row, CancellationToken ct)
            {
                _pending.Add(row);
                if (_pending.Count == inserter._rowsPerStatement) await FlushAsync(ct);
            }

            private bool AnyPending => _pending.Count > 0 || parent?.AnyPending == true;

            /// <summary>Sends the parent's pending rows, then this table's.</summary>
            public async Task FlushAsync(CancellationToken ct)
            {
                if (parent?.AnyPending == true) await parent.FlushAsync(ct);
                if (_pending.Count == 0) return;
                if (inserter._sqlite is { } sqlite)
                {
                    _statement ??= new SqliteStatement(sqlite, inserter.Sql(table, columns, 1));
                    foreach (var row in _pending) _statement.Execute(row);
                    _pending.Clear();
                    return;
                }
                // Full statements reuse one prepared command; only a shorter one needs its own.
                var full = _pending.Count == inserter._rowsPerStatement;
                var command = full ? _full ??= inserter.Create(table, columns, _pending.Count) : inserter.Create(table, columns, _pending.Count);
                try
                {
                    for (var r = 0; r < _pending.Count; r++)
                        for (var c = 0; c < columns.Length; c++)
                            command.Parameters[r * columns.Length + c].Value = _pending[r][c] ?? DBNull.Value;
                    await command.ExecuteNonQueryAsync(ct);
                }
                finally
                {
                    if (!full) await command.DisposeAsync();
                }
                _pending.Clear();
            }

            public async ValueTask DisposeAsync()
            {
                if (_full is not null) await _full.DisposeAsync();
                _statement?.Dispose();
            }
        }

        private DbCommand Create(string table, string[] columns, int count)
        {
            var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql(table, columns, count);
            for (var p = 0; p < count * columns.Length; p++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{p}";
                command.Parameters.Add(parameter);
            }
            return command;
        }

        /// <summary><c>INSERT INTO table (columns) VALUES (@p0, …), …</c> for <paramref name="count"/> rows.</summary>
        private string Sql(string table, string[] columns, int count)
        {
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++) sql.Append(c == 0 ? "" : ", ").Append("@p").Append(r * columns.Length + c);
                sql.Append(')');
            }
            return sql.ToString();
        }
    }

    /// <summary>
    /// One prepared SQLite statement on the connection's handle, bound and stepped through SQLitePCL directly.
    /// Microsoft.Data.Sqlite's command makes a binder object per parameter per execution, encodes each text value to
    /// a new UTF-8 array and runs a data reader even for an <c>INSERT</c>: about 40 % of what the audit writer
    /// allocated (BENCHMARKS.md, session 19). Values are bound as Microsoft.Data.Sqlite binds them (text as UTF-8 with
    /// the same replacement of invalid UTF-16, integers as 64-bit, reals, null), so the rows are the same bytes, and a
    /// failure throws its <see cref="SqliteException"/> (same codes, same classification by <see cref="IsRefusedData"/>).
    /// Runs inside the connection's open transaction (BEGIN IMMEDIATE: the write lock is already held, so a step does
    /// not meet SQLITE_BUSY).
    /// </summary>
    private sealed class SqliteStatement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private byte[] _utf8 = new byte[256];

        public SqliteStatement(SqliteConnection connection, string sql)
        {
            _db = connection.Handle!;
            var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
        }

        public void Execute(object?[] row)
        {
            try
            {
                for (var i = 0; i < row.Length; i++) Check(Bind(i + 1, row[i]));
                var rc = raw.sqlite3_step(_statement);
                if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            }
            finally
            {
                raw.sqlite3_reset(_statement);
                raw.sqlite3_clear_bindings(_statement);
            }
        }

        private int Bind(int index, object? value) => value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, index),
            string text => BindText(index, text),
            int number => raw.sqlite3_bind_int64(_statement, index, number),
            long number => raw.sqlite3_bind_int64(_statement, index, number),
            // NaN is stored by SQLite as NULL, so a NOT NULL column refuses it as data (Microsoft.Data.Sqlite threw an
            // InvalidOperationException instead, which the writer would have retried for good).
            double number => raw.sqlite3_bind_double(_statement, index, number),
            Guid id => BindGuid(index, id),
            _ => throw new NotSupportedException($"The audit store binds no {value.GetType().Name} value."),
        };

        private int BindText(int index, string text)
        {
            var max = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (max > _utf8.Length) _utf8 = new byte[Math.Max(max, 2 * _utf8.Length)];
            var length = Encoding.UTF8.GetBytes(text, _utf8);
            return raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length));
        }

        /// <summary>As Microsoft.Data.Sqlite binds a GUID by default (and EF reads it back): text, upper case, with hyphens.</summary>
        private int BindGuid(int index, Guid id)
        {
            Span<byte> text = stackalloc byte[36];
            id.TryFormat(text, out _, "D");
            Ascii.ToUpperInPlace(text, out _);
            return raw.sqlite3_bind_text(_statement, index, text);
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
        }

        public void Dispose() => _statement.Dispose();
    }
}
