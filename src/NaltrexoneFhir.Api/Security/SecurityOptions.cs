using System.ComponentModel.DataAnnotations;

namespace NaltrexoneFhir.Api.Security;

/// <summary>
/// Security options (section "Security"): who may call the CDS routes, CORS for browser clients, rate limits.
/// Validated at start-up by <see cref="SecurityOptionsValidator"/> (Production without a trusted issuer fails to start).
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Development only: accept CDS calls without a client JWT (tokens are then neither required nor checked).</summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>Serve <c>GET /cds-services</c> (discovery: no patient data) without a token.</summary>
    public bool PublicDiscovery { get; set; } = true;

    /// <summary>The service's public base URL as the EHR calls it (e.g. <c>https://cds.example.org</c>); the JWT
    /// <c>aud</c> must equal this + the request path. Never derived from the Host header.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Other base URLs under which the service is reachable (reverse proxies, internal names).</summary>
    public List<string> AlternateBaseUrls { get; set; } = [];

    /// <summary>Tolerance for clock differences on <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    [Range(0, 300)] public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Longest accepted token lifetime (<c>exp − iat</c>); bounds how long a <c>jti</c> is remembered.</summary>
    [Range(60, 86400)] public int MaxTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>How long a fetched JWK Set is used before it is fetched again.</summary>
    [Range(60, 7 * 86400)] public int JwksCacheSeconds { get; set; } = 3600;

    /// <summary>Least time between two fetches of one JWK Set (a token with an unknown <c>kid</c> triggers a refresh).</summary>
    [Range(0, 86400)] public int JwksRefreshMinIntervalSeconds { get; set; } = 60;

    /// <summary>Timeout of a JWK Set fetch.</summary>
    [Range(1, 60)] public int JwksTimeoutSeconds { get; set; } = 5;

    /// <summary>The CDS clients (EHRs) trusted to call this service.</summary>
    public List<TrustedIssuerOptions> Issuers { get; set; } = [];

    public CorsSettings Cors { get; set; } = new();

    public RateLimitSettings RateLimit { get; set; } = new();

    public TrustedIssuerOptions? FindIssuer(string iss) => Issuers.FirstOrDefault(i => string.Equals(i.Issuer, iss, StringComparison.Ordinal));
}

/// <summary>One trusted CDS client: its <c>iss</c>, where its keys are, and what it may ask for.</summary>
public sealed class TrustedIssuerOptions
{
    public static readonly IReadOnlyList<string> DefaultAlgorithms = ["ES384", "RS384"];

    /// <summary>Asymmetric algorithms that may be configured. <c>none</c> and HMAC (HS*) never are.</summary>
    public static readonly IReadOnlySet<string> ConfigurableAlgorithms =
        new HashSet<string>(StringComparer.Ordinal) { "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" };

    /// <summary>The exact <c>iss</c> claim.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The issuer's JWK Set, used when a token carries no <c>jku</c>.</summary>
    public string? JwksUrl { get; set; }

    /// <summary><c>jku</c> header values honoured for this issuer; any other <c>jku</c> is rejected without a fetch.</summary>
    public List<string> AllowedJkuUrls { get; set; } = [];

    /// <summary>FHIR server base URLs this client may send as <c>fhirServer</c> (read through <see cref="CdsClientContext"/>).</summary>
    public List<string> AllowedFhirServers { get; set; } = [];

    /// <summary>If set, the token's <c>tenant</c> claim must be one of these.</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>Accepted signing algorithms; empty means ES384 and RS384.</summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary>Requests per rate-limit window for this issuer; unset uses <c>Security:RateLimit:PermitLimit</c>.</summary>
    public int? RateLimitPermits { get; set; }

    public IReadOnlyList<string> EffectiveAlgorithms => Algorithms.Count == 0 ? DefaultAlgorithms : Algorithms;
}

public sealed class CorsSettings
{
    /// <summary>Browser origins allowed to call the service, e.g. <c>https://sandbox.cds-hooks.org</c>.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public int PreflightMaxAgeSeconds { get; set; } = 600;
}

public sealed class RateLimitSettings
{
    /// <summary>Requests per window per issuer (unauthenticated callers: per remote address).</summary>
    public int PermitLimit { get; set; } = 1200;

    public int WindowSeconds { get; set; } = 60;
}
