using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace NaltrexoneFhir.Persistence;

/// <summary>Writes batches of hook-call audit rows, and links earlier feedback to the cards that just arrived.</summary>
public sealed class AuditStore(IDbContextFactory<CdsStoreContext> contexts)
{

    /// <summary>
    /// Inserts the batch in one transaction. After a failed attempt the commit may still have happened (a lost
    /// reply), so a retry first drops the rows already stored: a retried batch never duplicates and never fails on its
    /// own keys.
    /// </summary>
    /// <remarks>
    /// The rows go in as one multi-row <c>INSERT</c> per table rather than through EF's change tracker: a hook call is
    /// a handful of rows (the call with its data origins, cards, suggestions), and tracking, ordering and batching them
    /// cost more CPU than the hook call itself under load (BENCHMARKS.md). Values are converted with EF's own type
    /// mappings, so the rows are exactly what EF writes and reads (GUID text on SQLite, <c>uuid</c> on PostgreSQL).
    /// </remarks>
    public async Task<int> WriteAsync(IReadOnlyList<HookCallRow> batch, bool isRetry, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        IEnumerable<HookCallRow> rows = batch;
        if (isRetry)
        {
            var ids = batch.Select(b => b.Id).ToList();
            var stored = (await db.HookCalls.Where(h => ids.Contains(h.Id)).Select(h => h.Id).ToListAsync(ct)).ToHashSet();
            rows = batch.Where(b => !stored.Contains(b.Id));
        }
        var toInsert = rows.ToList();
        if (toInsert.Count == 0) return 0;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var insert = new Inserter(db, tx.GetDbTransaction());
        await insert.RowsAsync("hook_call",
            ["id", "received_at", "iso_week", "service_id", "hook", "hook_instance", "issuer", "tenant", "patient_hash", "status_code", "latency_ms", "data_origins"],
            toInsert, h => [insert.Id(h.Id), db.DbTime(h.ReceivedAt), h.IsoWeek, h.ServiceId, h.Hook, h.HookInstance, h.Issuer, h.Tenant, h.PatientHash, h.StatusCode, h.LatencyMs, DataOriginsJson.Write(h.Data)], ct);
        var cards = toInsert.SelectMany(h => h.Cards.Select(c => (h.Id, c))).ToList();
        await insert.RowsAsync("issued_card", ["card_uuid", "hook_call_id", "service_id", "concern", "indicator", "issued_at", "iso_week", "suggestion_count"],
            cards, x => [x.c.CardUuid, insert.Id(x.Id), x.c.ServiceId, x.c.Concern, x.c.Indicator, db.DbTime(x.c.IssuedAt), x.c.IsoWeek, x.c.SuggestionCount], ct);
        await insert.RowsAsync("issued_suggestion", ["suggestion_uuid", "card_uuid", "kind"],
            cards.SelectMany(x => x.c.Suggestions.Select(s => (x.c.CardUuid, s))).ToList(),
            x => [x.s.SuggestionUuid, x.CardUuid, x.s.Kind], ct);

        // EF.Parameter: the batch's card uuids as one array parameter (json_each on SQLite, = ANY on PostgreSQL). EF 10
        // otherwise sends one parameter per uuid (~360 per batch), which SQLite binds by name with a linear search each
        // and re-prepares per batch: the writer measured 141–154 → 129–140 µs of CPU per call (BENCHMARKS.md).
        var cardUuids = cards.Select(x => x.c.CardUuid).ToList();
        if (cardUuids.Count > 0)
            await db.Feedback
                .Where(f => !f.CardKnown && EF.Parameter(cardUuids).Contains(f.CardUuid)
                            && db.IssuedCards.Any(c => c.CardUuid == f.CardUuid && c.ServiceId == f.ServiceId))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.CardKnown, true), ct);
        await tx.CommitAsync(ct);
        return toInsert.Count;
    }

    /// <summary>Multi-row parameterized INSERTs on the context's connection and transaction.</summary>
    private sealed class Inserter(CdsStoreContext db, DbTransaction transaction)
    {
        /// <summary>
        /// Rows per statement. SQLite binds each named parameter by a linear scan of the statement's names, so binding
        /// costs grow with the square of the parameters per statement (a 250-row statement made SQLite's name
        /// comparisons 12 % of the whole service's CPU; 8 rows still cost 10–15 % more writer CPU than one row per
        /// statement, BENCHMARKS.md): one row per statement, prepared once per table and re-executed, which is
        /// SQLite's fastest way in (no round trips). PostgreSQL pays a round trip per statement instead, so it takes
        /// many rows at once (well under its 65,535 parameters).
        /// </summary>
        private readonly int _rowsPerStatement = db.Provider == StoreProvider.Sqlite ? 1 : 250;

        private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? _guid =
            db.GetService<IRelationalTypeMappingSource>().FindMapping(typeof(Guid))?.Converter;

        /// <summary>A GUID as this provider stores it (EF's mapping: text on SQLite, native uuid on PostgreSQL).</summary>
        public object Id(Guid id) => _guid?.ConvertToProvider(id) ?? id;

        public async Task RowsAsync<T>(string table, string[] columns, IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken ct)
        {
            DbCommand? full = null;
            try
            {
                for (var start = 0; start < rows.Count; start += _rowsPerStatement)
                {
                    var count = Math.Min(_rowsPerStatement, rows.Count - start);
                    // Full chunks reuse one prepared command; only a last, shorter chunk needs its own.
                    var command = count == _rowsPerStatement ? full ??= Create(table, columns, count) : Create(table, columns, count);
                    for (var r = 0; r < count; r++)
                    {
                        var row = values(rows[start + r]);
                        for (var c = 0; c < columns.Length; c++)
                            command.Parameters[r * columns.Length + c].Value = row[c] ?? DBNull.Value;
                    }
                    await command.ExecuteNonQueryAsync(ct);
                    if (command != full) await command.DisposeAsync();
                }
            }
            finally
            {
                if (full is not null) await full.DisposeAsync();
            }
        }

        private DbCommand Create(string table, string[] columns, int count)
        {
            var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"@p{r * columns.Length + c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    command.Parameters.Add(parameter);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            return command;
        }
    }
}
