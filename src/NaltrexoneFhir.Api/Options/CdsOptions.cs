using System.ComponentModel.DataAnnotations;

namespace NaltrexoneFhir.Api.Options;

/// <summary>Host options (configuration section "Cds").</summary>
public sealed class CdsOptions
{
    public const string SectionName = "Cds";

    /// <summary>Largest accepted request body; larger bodies get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)] public long MaxRequestBodyBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Largest JSON nesting depth; deeper bodies get 400.</summary>
    [Range(16, 256)] public int MaxJsonDepth { get; set; } = 64;
}

/// <summary>Clock options (section "Clock"). <c>Clock:Now</c> pins evaluation time for replaying recorded requests.</summary>
public sealed class ClockOptions
{
    public const string SectionName = "Clock";
    public string? Now { get; set; }
}

/// <summary>A clock pinned to one instant (Clock:Now).</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
