namespace NaltrexoneFhir.Persistence;

// The store's rows. Column names are snake_case and defined by the SQL migrations (Migrations/<provider>/*.sql);
// CdsStoreContext maps these classes onto them. No patient identifier is stored in clear anywhere.

/// <summary>One hook call (audit): who called, for which (hashed) patient, what data was used, what cards were returned.</summary>
public sealed class HookCallRow
{
    public Guid Id { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>ISO 8601 week of <see cref="ReceivedAt"/> (UTC), e.g. 2026-W47: grouping key computed on write, same on every provider.</summary>
    public string IsoWeek { get; set; } = "";
    public string ServiceId { get; set; } = "";
    public string Hook { get; set; } = "";
    public string? HookInstance { get; set; }
    public string? Issuer { get; set; }
    public string? Tenant { get; set; }
    /// <summary>HMAC-SHA256 of the patient id with the configured key (hex). Never the id itself.</summary>
    public string? PatientHash { get; set; }
    public int StatusCode { get; set; }
    public double LatencyMs { get; set; }
    /// <summary>Where each data key's content came from; stored as one JSON column (<see cref="DataOriginsJson"/>).</summary>
    public List<HookCallData> Data { get; set; } = [];
    public List<IssuedCardRow> Cards { get; set; } = [];
}

/// <summary>Where one data key's content came from in a hook call.</summary>
/// <param name="DataKey">The prefetch key (e.g. liverLabs).</param>
/// <param name="Origin"><see cref="DataOrigins"/>: prefetch, fhir-server, unavailable.</param>
/// <param name="State">The detailed state (provided, null, absent, operation-outcome, unreadable, ...).</param>
public sealed record HookCallData(
    [property: System.Text.Json.Serialization.JsonPropertyName("key")] string DataKey,
    [property: System.Text.Json.Serialization.JsonPropertyName("origin")] string Origin,
    [property: System.Text.Json.Serialization.JsonPropertyName("state")] string State);

public static class DataOrigins
{
    public const string Prefetch = "prefetch", FhirServer = "fhir-server", Unavailable = "unavailable";
}

/// <summary>A card the service returned.</summary>
public sealed class IssuedCardRow
{
    public string CardUuid { get; set; } = "";
    public Guid HookCallId { get; set; }
    public string ServiceId { get; set; } = "";
    public string Concern { get; set; } = "";
    public string Indicator { get; set; } = "";
    public DateTimeOffset IssuedAt { get; set; }
    public string IsoWeek { get; set; } = "";
    public int SuggestionCount { get; set; }
    public List<IssuedSuggestionRow> Suggestions { get; set; } = [];
}

/// <summary>A suggestion on an issued card. <see cref="Kind"/> is a PHI-free description of its actions, e.g. "create ServiceRequest 24325-3".</summary>
public sealed class IssuedSuggestionRow
{
    public string SuggestionUuid { get; set; } = "";
    public string CardUuid { get; set; } = "";
    public string Kind { get; set; } = "";
}

/// <summary>One feedback entry, stored once: <see cref="Id"/> is the natural key (see <see cref="FeedbackKey"/>).</summary>
public sealed class FeedbackRow
{
    public string Id { get; set; } = "";
    public string ServiceId { get; set; } = "";
    public string CardUuid { get; set; } = "";
    /// <summary>False while no card with this uuid issued by this service is on record (flagged; set when the card's audit row arrives).</summary>
    public bool CardKnown { get; set; }
    public string Outcome { get; set; } = "";
    public DateTimeOffset OutcomeAt { get; set; }
    public string? ReasonSystem { get; set; }
    public string? ReasonCode { get; set; }
    public string? ReasonDisplay { get; set; }
    /// <summary>Free text typed by the clinician: may contain PHI. Stored (it is the point of feedback), never logged, never shown in analytics.</summary>
    public string? UserComment { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public List<FeedbackSuggestionRow> AcceptedSuggestions { get; set; } = [];
}

public sealed class FeedbackSuggestionRow
{
    public string FeedbackId { get; set; } = "";
    public string SuggestionUuid { get; set; } = "";
}

public static class FeedbackOutcome
{
    public const string Accepted = "accepted", Overridden = "overridden";
}
