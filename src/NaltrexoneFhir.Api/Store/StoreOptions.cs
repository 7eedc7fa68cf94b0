using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace NaltrexoneFhir.Api.Store;

/// <summary>
/// Where the feedback/audit store lives (section "Storage"). PostgreSQL is used when
/// <c>ConnectionStrings:Postgres</c> is set; otherwise SQLite, from <c>ConnectionStrings:Sqlite</c> or a file
/// <c>naltrexone-cds.db</c> in <see cref="DataDirectory"/>.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The app's data directory (SQLite file, generated development key). Relative paths are under the content root.</summary>
    [Required] public string DataDirectory { get; set; } = "data";
}

/// <summary>Audit trail (section "Audit").</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// Base64 key (at least 32 bytes) for HMAC-SHA256 of patient ids. Required outside Development; in Development a
    /// random key is generated once into the data directory (with a warning).
    /// </summary>
    public string? PatientIdHmacKey { get; set; }

    /// <summary>Hook-call records waiting for the database; beyond this they are dropped (counted in naltrexone.audit.dropped).</summary>
    [Range(16, 10_000_000)] public int QueueCapacity { get; set; } = 50_000;

    /// <summary>Records written per transaction.</summary>
    [Range(1, 10_000)] public int BatchSize { get; set; } = 200;

    /// <summary>
    /// How long the writer lets records gather after the first one arrives, so that a busy service commits one
    /// transaction per interval instead of one per few calls (each commit is a WAL write, an EF context and the
    /// feedback-link query; BENCHMARKS.md). A full batch is written at once; zero writes as soon as records arrive.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")] public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Linux nice value of the writer's thread (0 = as hook calls, 19 = lowest). At 5 the kernel gives it about a
    /// quarter of the CPU share of a request thread when the cores are saturated — more than the writer needed at the
    /// measured maximum throughput — and otherwise it runs in the gaps between hook calls. Ignored elsewhere.
    /// </summary>
    [Range(0, 19)] public int WriterNice { get; set; } = 5;

    /// <summary>First wait after a failed write; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")] public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between retries while the database is down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")] public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Feedback endpoint (section "Feedback").</summary>
public sealed class FeedbackOptions
{
    public const string SectionName = "Feedback";

    [Range(1, 100_000)] public int MaxEntries { get; set; } = 1000;

    [Range(0, 100_000)] public int MaxCommentLength { get; set; } = 4000;

    /// <summary>How long to try to store feedback before answering 503 (the client retries; storing is idempotent).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")] public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The HMAC key must be usable; it is required outside Development.</summary>
public sealed class AuditOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuditOptions>
{
    public const int MinKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PatientIdHmacKey))
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Audit:PatientIdHmacKey is required outside Development: a base64 key of at least 32 random bytes " +
                                             "(e.g. `openssl rand -base64 32`). Patient ids are stored only as HMAC-SHA256 with this key.");
        return TryDecodeKey(options.PatientIdHmacKey) is null
            ? ValidateOptionsResult.Fail($"Audit:PatientIdHmacKey must be base64 of at least {MinKeyBytes} bytes.")
            : ValidateOptionsResult.Success;
    }

    public static byte[]? TryDecodeKey(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var n) && n >= MinKeyBytes ? buffer[..n] : null;
    }
}
