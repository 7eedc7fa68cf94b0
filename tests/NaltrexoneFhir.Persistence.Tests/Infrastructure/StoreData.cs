using NaltrexoneFhir.Api.Store;

namespace NaltrexoneFhir.Persistence.Tests.Infrastructure;

/// <summary>Builders for store rows.</summary>
public static class StoreData
{
    public const string Service = "naltrexone-order-sign";
    public const string ReasonSystem = "urn:naltrexone-cds:override-reason";

    /// <summary>A hook call at <paramref name="at"/> returning the given cards; each card gets one suggestion "{card}-s1" of kind "create ServiceRequest 24325-3".</summary>
    public static HookCallRow HookCall(DateTimeOffset at, params (string Card, string Concern)[] cards)
    {
        var id = Guid.NewGuid();
        var week = AuditBehavior.IsoWeek(at);
        return new HookCallRow
        {
            Id = id,
            ReceivedAt = at,
            IsoWeek = week,
            ServiceId = Service,
            Hook = "order-sign",
            HookInstance = Guid.NewGuid().ToString(),
            PatientHash = new string('a', 64),
            StatusCode = 200,
            LatencyMs = 12.5,
            Data = [new HookCallData("liverLabs", DataOrigins.Prefetch, "provided"), new HookCallData("patient", DataOrigins.FhirServer, "provided")],
            Cards = cards.Select(c => new IssuedCardRow
            {
                CardUuid = c.Card,
                HookCallId = id,
                ServiceId = Service,
                Concern = c.Concern,
                Indicator = "warning",
                IssuedAt = at,
                IsoWeek = week,
                SuggestionCount = 1,
                Suggestions = [new IssuedSuggestionRow { SuggestionUuid = c.Card + "-s1", CardUuid = c.Card, Kind = "create ServiceRequest 24325-3" }],
            }).ToList(),
        };
    }

    public static FeedbackRow Override(string card, string? reasonCode, string? comment = null, DateTimeOffset? at = null) => new()
    {
        ServiceId = Service,
        CardUuid = card,
        Outcome = FeedbackOutcome.Overridden,
        OutcomeAt = at ?? new DateTimeOffset(2026, 11, 20, 10, 5, 31, TimeSpan.Zero),
        ReasonSystem = reasonCode is null ? null : ReasonSystem,
        ReasonCode = reasonCode,
        UserComment = comment,
        ReceivedAt = DateTimeOffset.UtcNow,
    };

    public static FeedbackRow Accept(string card, string suggestion, DateTimeOffset? at = null) => new()
    {
        ServiceId = Service,
        CardUuid = card,
        Outcome = FeedbackOutcome.Accepted,
        OutcomeAt = at ?? new DateTimeOffset(2026, 11, 20, 10, 5, 31, TimeSpan.Zero),
        ReceivedAt = DateTimeOffset.UtcNow,
        AcceptedSuggestions = [new FeedbackSuggestionRow { SuggestionUuid = suggestion }],
    };
}
