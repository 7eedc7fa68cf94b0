namespace NaltrexoneFhir.Api.Logging;

/// <summary>
/// Source-generated, PHI-free log messages. Log ids, counts, durations and states only — never resources,
/// bodies, tokens or patient identifiers. 1xxx hook, 2xxx data, 3xxx rules, 9xxx host.
/// </summary>
public static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Hook {ServiceId}/{Hook} {HookInstance} answered {Outcome} with {CardCount} cards [{Concerns}] in {ElapsedMs} ms")]
    public static partial void HookAnswered(ILogger logger, string serviceId, string hook, string hookInstance, string outcome, int cardCount, string concerns, long elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Hook {ServiceId} rejected ({Outcome}): {IssueCodes}")]
    public static partial void HookRejected(ILogger logger, string serviceId, string outcome, string issueCodes);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Prefetch {Key} was {State}")]
    public static partial void PrefetchState(ILogger logger, string key, string state);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Rule {RuleId} failed during evaluation")]
    public static partial void RuleFailed(ILogger logger, string ruleId);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Clock pinned to {Now} by Clock:Now: evaluation time is fixed (replay mode)")]
    public static partial void ClockPinned(ILogger logger, string now);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Unhandled {ExceptionType}; trace id {TraceId}")]
    public static partial void UnhandledError(ILogger logger, string exceptionType, string traceId);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Kestrel transport: {BlockKb} KB blocks, up to {Pooled} kept for reuse (Cds:TransportBlockBytes, Cds:TransportPooledBlocks)")]
    public static partial void TransportBlocks(ILogger logger, int blockKb, int pooled);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "GC: {Mode}; young generation: {Source}; the runtime's upper bound for its budget {Gen0MaxKb} KB")]
    public static partial void GcSettings(ILogger logger, string mode, long gen0MaxKb, string source);
}
