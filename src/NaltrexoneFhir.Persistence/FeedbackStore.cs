using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace NaltrexoneFhir.Persistence;

/// <summary>
/// The natural key of a feedback entry: SHA-256 over service, card, outcome, outcome time (UTC), the accepted
/// suggestion ids (sorted, distinct), the override reason (system|code) and the comment. The same entry posted
/// twice has the same key; the reason's display is left out (the sandbox omits it).
/// </summary>
public static class FeedbackKey
{
    public static string Compute(FeedbackRow row)
    {
        var parts = new[]
        {
            row.ServiceId,
            row.CardUuid,
            row.Outcome,
            row.OutcomeAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            string.Join(',', row.AcceptedSuggestions.Select(s => s.SuggestionUuid).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            row.ReasonSystem ?? "",
            row.ReasonCode ?? "",
            row.UserComment ?? "",
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))));
    }
}

public sealed record FeedbackSaveResult(int Stored, int Duplicates, int UnknownCards);

/// <summary>
/// Stores feedback durably and idempotently: all entries of one request in one transaction, each inserted with
/// <c>ON CONFLICT (id) DO NOTHING</c> on its natural key, so concurrent posts of the same entry store it exactly once.
/// Returns only after commit; any exception means nothing was acknowledged.
/// </summary>
public sealed class FeedbackStore(IDbContextFactory<CdsStoreContext> contexts)
{
    public async Task<FeedbackSaveResult> SaveAsync(IReadOnlyList<FeedbackRow> rows, CancellationToken ct)
    {
        foreach (var row in rows) row.Id = FeedbackKey.Compute(row);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        int stored = 0, duplicates = 0, unknown = 0;
        foreach (var row in rows.DistinctBy(r => r.Id))
        {
            var known = await db.IssuedCards.AnyAsync(c => c.CardUuid == row.CardUuid && c.ServiceId == row.ServiceId, ct);
            row.CardKnown = known;
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO feedback (id, service_id, card_uuid, card_known, outcome, outcome_at, reason_system, reason_code, reason_display, user_comment, received_at)
                VALUES ({row.Id}, {row.ServiceId}, {row.CardUuid}, {known}, {row.Outcome}, {db.DbTime(row.OutcomeAt)}, {row.ReasonSystem}, {row.ReasonCode}, {row.ReasonDisplay}, {row.UserComment}, {db.DbTime(row.ReceivedAt)})
                ON CONFLICT (id) DO NOTHING
                """, ct);
            if (inserted == 0) { duplicates++; continue; }
            stored++;
            if (!known) unknown++;
            foreach (var s in row.AcceptedSuggestions.Select(s => s.SuggestionUuid).Distinct(StringComparer.Ordinal))
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO feedback_suggestion (feedback_id, suggestion_uuid) VALUES ({row.Id}, {s})
                    ON CONFLICT (feedback_id, suggestion_uuid) DO NOTHING
                    """, ct);
        }
        duplicates += rows.Count - rows.DistinctBy(r => r.Id).Count();
        await tx.CommitAsync(ct);
        return new FeedbackSaveResult(stored, duplicates, unknown);
    }
}
