using System.ComponentModel.DataAnnotations;

namespace NaltrexoneFhir.Api.Options;

/// <summary>Host options (configuration section "Cds").</summary>
public sealed class CdsOptions : IValidatableObject
{
    public const string SectionName = "Cds";

    /// <summary>Smallest <see cref="TransportBlockBytes"/> other than 0: Kestrel's own block size.</summary>
    public const int MinTransportBlockBytes = 4096;

    /// <summary>Smallest <see cref="PreReadMinBytes"/> other than 0: below it a body arrives too fast to be worth a second thread.</summary>
    public const int MinPreReadMinBytes = 64 * 1024;

    /// <summary>Largest accepted request body; larger bodies get 413.</summary>
    [Range(1024, 256L * 1024 * 1024)] public long MaxRequestBodyBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Largest JSON nesting depth; deeper bodies get 400.</summary>
    [Range(16, 256)] public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Size of the blocks Kestrel receives requests into and writes answers from (Hosting/LargeBlockMemoryPool): 16 KB
    /// takes a typical 34 KB body in 3 blocks instead of 9 and a 5 MB one in 634 receive calls instead of 2,516; 64 KB measured
    /// no better, and a connection holds a block while its headers trickle in, so the smaller one (BENCHMARKS.md,
    /// session 12). 0 keeps Kestrel's own pool (4 KB blocks, evicted when idle). Otherwise 4 KB to 1 MB.
    /// </summary>
    [Range(0, 1024 * 1024)] public int TransportBlockBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Hook bodies announcing at least this many bytes (Content-Length) have their Bundle entries read while the rest
    /// of the body is still arriving (Fhir/Json/FhirFastReader.PreRead.cs): a 4.9 MB large-history body takes ~4 ms to
    /// arrive on loopback, time the read used to wait out. Changes no result. 0 turns it off; otherwise at least 64 KB.
    /// </summary>
    [Range(0, int.MaxValue)] public int PreReadMinBytes { get; set; } = NaltrexoneFhir.Fhir.Json.FhirFastReader.DefaultPreReadMinBytes;

    /// <summary>
    /// Linux nice value of the threads that read a large body while it arrives (0 = as hook calls, 19 = lowest). At
    /// the default 5, with the client on the same 2 cores, the large call measured as without the read (a pool thread
    /// at normal priority: 1 ms slower); over a throttled link it kept the gain (BENCHMARKS.md, session 13).
    /// </summary>
    [Range(0, 19)] public int PreReadNice { get; set; } = 5;

    /// <summary>Free transport blocks kept for reuse (at 16 KB, 256 blocks = 4 MB at most); more are left to the GC.</summary>
    [Range(0, 65_536)] public int TransportPooledBlocks { get; set; } = 256;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TransportBlockBytes is > 0 and < MinTransportBlockBytes)
            yield return new ValidationResult(
                $"Cds:TransportBlockBytes must be 0 (Kestrel's own pool) or at least {MinTransportBlockBytes}.", [nameof(TransportBlockBytes)]);
        if (PreReadMinBytes is > 0 and < MinPreReadMinBytes)
            yield return new ValidationResult(
                $"Cds:PreReadMinBytes must be 0 (off) or at least {MinPreReadMinBytes}.", [nameof(PreReadMinBytes)]);
    }
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
