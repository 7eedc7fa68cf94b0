namespace NaltrexoneFhir.Api.Store;

/// <summary>Store log messages (4xxx). Counts, ids of records and exception types only: no patient ids, comments, bodies or connection strings.</summary>
public static partial class StoreLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Store {Store}: schema at version {Version} ({Applied} scripts applied now)")]
    public static partial void SchemaReady(ILogger logger, string store, int version, int applied);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Store {Store} unreachable at start-up ({ExceptionType}); hook calls are answered and audit records queue until it is reachable; retrying in {DelayMs} ms")]
    public static partial void StoreUnreachable(ILogger logger, string store, string exceptionType, long delayMs);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Audit write of {Count} records failed ({ExceptionType}, attempt {Attempt}); {Queued} records queued; retrying in {DelayMs} ms")]
    public static partial void AuditWriteFailed(ILogger logger, int count, string exceptionType, int attempt, int queued, long delayMs);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Audit writes resumed after {Attempts} failed attempts")]
    public static partial void AuditWriteRecovered(ILogger logger, int attempts);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "{Count} audit records lost at shutdown: the store was not writable")]
    public static partial void AuditLostAtShutdown(ILogger logger, int count);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Audit queue full ({Capacity}): record for {ServiceId} dropped")]
    public static partial void AuditDropped(ILogger logger, int capacity, string serviceId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Audit record not built ({ExceptionType}); the hook call was answered")]
    public static partial void AuditRecordFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Error, Message = "Queued audit record unreadable ({ExceptionType}): dropped; the writer goes on")]
    public static partial void AuditRecordUnreadable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Audit record refused by the store ({ExceptionType}): dropped; the rest of its batch is stored")]
    public static partial void AuditRecordRefused(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Feedback for {ServiceId}: {Received} entries, {Stored} stored, {Duplicates} duplicates, {Unknown} for unknown cards")]
    public static partial void FeedbackStored(ILogger logger, string serviceId, int received, int stored, int duplicates, int unknown);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Feedback for {ServiceId} not stored ({ExceptionType}); answered 503 so the client retries")]
    public static partial void FeedbackNotStored(ILogger logger, string serviceId, string exceptionType);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Audit:PatientIdHmacKey not set: generated a random development key at {Path}. Set a managed key outside Development.")]
    public static partial void DevelopmentKeyGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Audit:PatientIdHmacKey not set: using the development key at {Path}. Set a managed key outside Development.")]
    public static partial void DevelopmentKeyInUse(ILogger logger, string path);
}
