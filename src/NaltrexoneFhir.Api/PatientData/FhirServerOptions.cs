using Microsoft.Extensions.Options;

namespace NaltrexoneFhir.Api.PatientData;

/// <summary>What to answer when data a triggered rule needs could not be obtained (prefetch and FHIR server).</summary>
public enum DataFailurePolicy
{
    /// <summary>Evaluate what can be evaluated and add one <c>data-unavailable</c> warning card naming the checks that did not run.</summary>
    Card,
    /// <summary>The spec's strict behaviour: 412 Precondition Failed with an OperationOutcome naming the keys.</summary>
    Strict,
}

/// <summary>
/// The FHIR-server fallback (configuration section "FhirServer"). <c>fhirServer</c> comes from the caller, so only
/// base URLs on <see cref="AllowedBaseUrls"/> are ever contacted (SSRF guard); the defaults keep a hook answer under 2 s.
/// </summary>
public sealed class FhirServerOptions
{
    public const string SectionName = "FhirServer";

    /// <summary>
    /// FHIR base URLs the service may call, e.g. <c>https://ehr.example.org/fhir/R4</c>. A request's fhirServer must be one
    /// of them or lie under one (same scheme, host, port, and a path below it). Empty: the fallback is off.
    /// https only; http is accepted only for loopback hosts with <see cref="AllowHttpLoopback"/> (never in Production).
    /// </summary>
    public List<string> AllowedBaseUrls { get; set; } = [];

    /// <summary>Allows http:// base URLs on loopback hosts (localhost, 127.0.0.0/8, ::1): sandboxes and tests. Refused in Production.</summary>
    public bool AllowHttpLoopback { get; set; }

    /// <summary>Time limit for one HTTP call (one page, body included).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>Time limit for all FHIR-server calls of one hook call (keys run in parallel, pages in sequence).</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Most pages read for one key (a prefetched first page counts); more pages → the data is incomplete.</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>A failed connection is retried once, only if at least this much of the budget is left.</summary>
    public TimeSpan RetryMinimumRemaining { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Largest response body accepted for one page.</summary>
    public long MaxResponseBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>What to answer when data cannot be obtained: a data-unavailable card (default) or a strict 412.</summary>
    public DataFailurePolicy DataFailurePolicy { get; set; } = DataFailurePolicy.Card;
}

/// <summary>Start-up validation: nonsense configuration fails start with a message naming the setting.</summary>
public sealed class FhirServerOptionsValidator(IHostEnvironment environment) : IValidateOptions<FhirServerOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirServerOptions o)
    {
        var errors = new List<string>();
        var production = environment.IsProduction();
        if (o.AllowHttpLoopback && production)
            errors.Add("FhirServer:AllowHttpLoopback must be false in Production (https only).");
        foreach (var entry in o.AllowedBaseUrls)
            if (FhirServerAllowlist.ParseBase(entry, o.AllowHttpLoopback && !production) is { Refusal: { } why })
                errors.Add($"FhirServer:AllowedBaseUrls entry '{entry}' is not usable: {why}.");
        if (o.Timeout <= TimeSpan.Zero || o.Timeout > TimeSpan.FromSeconds(30))
            errors.Add("FhirServer:Timeout must be between 0 and 30 seconds.");
        if (o.Budget <= TimeSpan.Zero || o.Budget > TimeSpan.FromSeconds(60))
            errors.Add("FhirServer:Budget must be between 0 and 60 seconds.");
        if (o.Timeout > o.Budget)
            errors.Add("FhirServer:Timeout must not be longer than FhirServer:Budget.");
        if (o.MaxPages is < 1 or > 100)
            errors.Add("FhirServer:MaxPages must be between 1 and 100.");
        if (o.RetryMinimumRemaining < TimeSpan.Zero || o.RetryMinimumRemaining > o.Budget)
            errors.Add("FhirServer:RetryMinimumRemaining must be between 0 and FhirServer:Budget.");
        if (o.MaxResponseBytes is < 1024 or > 512L * 1024 * 1024)
            errors.Add("FhirServer:MaxResponseBytes must be between 1 KiB and 512 MiB.");
        if (!Enum.IsDefined(o.DataFailurePolicy))
            errors.Add("FhirServer:DataFailurePolicy must be Card or Strict.");
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
