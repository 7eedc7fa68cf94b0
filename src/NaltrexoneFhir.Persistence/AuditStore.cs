using Microsoft.EntityFrameworkCore;

namespace NaltrexoneFhir.Persistence;

/// <summary>Writes batches of hook-call audit rows, and links earlier feedback to the cards that just arrived.</summary>
public sealed class AuditStore(IDbContextFactory<CdsStoreContext> contexts)
{
    /// <summary>
    /// Inserts the batch in one transaction. After a failed attempt the commit may still have happened (a lost
    /// reply), so a retry first drops the rows already stored: a retried batch never duplicates and never fails on its
    /// own keys.
    /// </summary>
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
        db.HookCalls.AddRange(toInsert);
        await db.SaveChangesAsync(ct);
        var cardUuids = toInsert.SelectMany(h => h.Cards).Select(c => c.CardUuid).ToList();
        if (cardUuids.Count > 0)
            await db.Feedback
                .Where(f => !f.CardKnown && cardUuids.Contains(f.CardUuid)
                            && db.IssuedCards.Any(c => c.CardUuid == f.CardUuid && c.ServiceId == f.ServiceId))
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.CardKnown, true), ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return toInsert.Count;
    }
}
