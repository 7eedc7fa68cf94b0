using System.Diagnostics.Metrics;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Operations;

/// <summary>
/// The service's metrics (System.Diagnostics.Metrics, meter <see cref="MeterName"/>): hook latency, cards by concern
/// and indicator, and FHIR-server fallback calls and failures. Tags carry ids and codes only, never patient data.
/// Exported through OTLP when configured (<see cref="OtlpMetrics"/>).
/// </summary>
public sealed class CdsMetrics
{
    public const string MeterName = "NaltrexoneFhir.Cds";

    private readonly Histogram<double> _hookDuration;
    private readonly Counter<long> _cards;
    private readonly Counter<long> _fallbackCalls;
    private readonly Counter<long> _fallbackFailures;
    private readonly Counter<long> _preReadBodies;
    private readonly Counter<long> _preReadEntries;

    public CdsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _hookDuration = meter.CreateHistogram<double>("cds.hook.duration", unit: "s",
            description: "Time to answer a hook call, by service, hook and HTTP status.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _cards = meter.CreateCounter<long>("cds.cards", unit: "{card}",
            description: "Cards returned, by service, concern (source.topic.code) and indicator.");
        _fallbackCalls = meter.CreateCounter<long>("cds.fallback.calls", unit: "{call}",
            description: "FHIR-server queries made because prefetch was absent or failed, by prefetch key.");
        _fallbackFailures = meter.CreateCounter<long>("cds.fallback.failures", unit: "{call}",
            description: "FHIR-server fallback queries that failed, by prefetch key and reason.");
        _preReadBodies = meter.CreateCounter<long>("cds.body.pre_read", unit: "{body}",
            description: "Large hook bodies whose Bundle entries were to be read while they arrived: started, or busy (every pre-read thread taken).");
        _preReadEntries = meter.CreateCounter<long>("cds.body.pre_read.entries", unit: "{entry}",
            description: "Bundle entries read while their body arrived: taken by the body's parse, or unused.");
    }

    /// <summary>One answered hook call (any outcome) and the cards it returned.</summary>
    public void HookAnswered(string serviceId, string hook, int status, TimeSpan elapsed, IReadOnlyList<Card> cards)
    {
        _hookDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("cds.service", serviceId),
            new KeyValuePair<string, object?>("cds.hook", hook),
            new KeyValuePair<string, object?>("http.response.status_code", status));
        foreach (var card in cards)
            _cards.Add(1,
                new KeyValuePair<string, object?>("cds.service", serviceId),
                new KeyValuePair<string, object?>("cds.concern", card.Source.Topic?.Code ?? "none"),
                new KeyValuePair<string, object?>("cds.indicator", card.Indicator));
    }

    /// <summary>The FHIR-server fallback queried <paramref name="prefetchKey"/> (call once per query).</summary>
    public void FallbackCall(string prefetchKey) =>
        _fallbackCalls.Add(1, new KeyValuePair<string, object?>("cds.prefetch_key", prefetchKey));

    /// <summary>A large body qualified for the read while arriving; <paramref name="started"/> false: every thread was busy.</summary>
    public void PreReadBody(bool started) =>
        _preReadBodies.Add(1, new KeyValuePair<string, object?>("cds.pre_read.outcome", started ? "started" : "busy"));

    /// <summary>A pre-read body was parsed: <paramref name="read"/> entries read while it arrived, <paramref name="taken"/> of them used.</summary>
    public void PreReadEntries(int read, int taken)
    {
        if (taken > 0) _preReadEntries.Add(taken, new KeyValuePair<string, object?>("cds.pre_read.outcome", "taken"));
        if (read > taken) _preReadEntries.Add(read - taken, new KeyValuePair<string, object?>("cds.pre_read.outcome", "unused"));
    }

    /// <summary>A fallback query failed; <paramref name="reason"/> is a short code (timeout, http_503, not_allowed, …).</summary>
    public void FallbackFailure(string prefetchKey, string reason) =>
        _fallbackFailures.Add(1,
            new KeyValuePair<string, object?>("cds.prefetch_key", prefetchKey),
            new KeyValuePair<string, object?>("error.type", reason));
}
