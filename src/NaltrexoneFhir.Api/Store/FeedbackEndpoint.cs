using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Errors;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Persistence;
using NaltrexoneFhir.Rules.Catalog;

namespace NaltrexoneFhir.Api.Store;

/// <summary>What the feedback endpoint answers once the entries are durably stored (the spec asks only for 200).</summary>
public sealed record FeedbackResponse(int Received, int Stored, int Duplicates, int UnknownCards);

/// <summary>
/// <c>POST /cds-services/{id}/feedback</c>: validate (400 + OperationOutcome), store durably and idempotently, then
/// 200. If the store cannot confirm the write in time: 503 + Retry-After + OperationOutcome, nothing acknowledged.
/// </summary>
public static class FeedbackEndpoint
{
    public const int RetryAfterSeconds = 5;

    public static async Task<IResult> PostAsync(
        string id,
        HttpContext http,
        ServiceCatalog catalog,
        FeedbackStore store,
        StoreReadiness readiness,
        StoreClock clock,
        IOptions<CdsOptions> cdsOptions,
        IOptions<FeedbackOptions> feedbackOptions,
        ILogger<FeedbackResponse> logger)
    {
        var service = catalog.Find(id);
        if (service is null)
            return Outcomes.Result(StatusCodes.Status404NotFound, "not-found", $"No CDS service with id '{(id.Length > 40 ? id[..40] + "…" : id)}'.");

        var options = feedbackOptions.Value;
        var (body, problem) = await CdsEndpoints.ReadBodyAsync(http, cdsOptions.Value);
        if (problem is not null) return problem;
        IReadOnlyList<FeedbackEntry> entries;
        using (body)
        {
            var (parsed, issues) = FeedbackParser.Parse(body!.RootElement, new FeedbackLimits(options.MaxEntries, MaxCommentLength: options.MaxCommentLength));
            if (parsed is null) return Outcomes.Result(StatusCodes.Status400BadRequest, issues);
            entries = parsed;
        }

        if (!readiness.IsReady) return Unavailable(http, "The feedback store is not available yet; nothing was stored. Retry later.");

        var receivedAt = clock.Time.GetUtcNow();
        var rows = entries.Select(e => new FeedbackRow
        {
            ServiceId = service.Id,
            CardUuid = e.Card,
            Outcome = e.Outcome,
            OutcomeAt = e.OutcomeTimestamp,
            ReasonSystem = e.OverrideReason?.System,
            ReasonCode = e.OverrideReason?.Code,
            ReasonDisplay = e.OverrideReason?.Display,
            UserComment = e.OverrideReason?.UserComment,
            ReceivedAt = receivedAt,
            AcceptedSuggestions = e.AcceptedSuggestions.Distinct(StringComparer.Ordinal).Select(s => new FeedbackSuggestionRow { SuggestionUuid = s }).ToList(),
        }).ToList();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(options.StoreTimeout);
        FeedbackSaveResult saved;
        try
        {
            saved = await store.SaveAsync(rows, timeout.Token);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            StoreLog.FeedbackNotStored(logger, service.Id, ex.GetType().Name);
            return Unavailable(http, "The feedback store did not confirm the write; nothing was acknowledged. Retry: entries are stored once however often they are sent.");
        }
        StoreLog.FeedbackStored(logger, service.Id, entries.Count, saved.Stored, saved.Duplicates, saved.UnknownCards);
        return TypedResults.Json(new FeedbackResponse(entries.Count, saved.Stored, saved.Duplicates, saved.UnknownCards), StoreJsonContext.Default.FeedbackResponse);
    }

    private static IResult Unavailable(HttpContext http, string message)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Outcomes.Result(StatusCodes.Status503ServiceUnavailable, "transient", message);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeedbackResponse))]
[JsonSerializable(typeof(CardAnalyticsReport))]
public sealed partial class StoreJsonContext : JsonSerializerContext;
