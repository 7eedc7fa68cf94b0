using System.Net;
using Microsoft.Extensions.Options;

namespace NaltrexoneFhir.Api.Security;

/// <summary>
/// Start-up checks of <see cref="SecurityOptions"/>: outside Development a client JWT is always required and at
/// least one trusted issuer must be configured; URLs must be absolute (https except on loopback); algorithms
/// must be asymmetric. Every failure names the setting and says what to do.
/// </summary>
public sealed class SecurityOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecurityOptions>
{
    private const string See = "See README.md, section Security.";

    public ValidateOptionsResult Validate(string? name, SecurityOptions o)
    {
        var errors = new List<string>();

        if (o.AllowUnauthenticated && !environment.IsDevelopment())
            errors.Add($"Security:AllowUnauthenticated=true is accepted only in the Development environment (this is '{environment.EnvironmentName}'): a CDS client JWT is required. {See}");

        if (!o.AllowUnauthenticated)
        {
            if (o.Issuers.Count == 0)
                errors.Add($"Security:Issuers is empty: configure at least one trusted CDS client issuer (iss, JWKS URL) so client JWTs can be verified" +
                           (environment.IsDevelopment() ? ", or set Security:AllowUnauthenticated=true for local development. " : ". ") + See);
            if (string.IsNullOrWhiteSpace(o.PublicBaseUrl))
                errors.Add($"Security:PublicBaseUrl is required when client JWTs are verified: the JWT 'aud' must equal this base URL + the path called (e.g. https://cds.example.org). {See}");
        }

        if (!string.IsNullOrWhiteSpace(o.PublicBaseUrl)) CheckBaseUrl("Security:PublicBaseUrl", o.PublicBaseUrl, errors);
        for (var i = 0; i < o.AlternateBaseUrls.Count; i++) CheckBaseUrl($"Security:AlternateBaseUrls:{i}", o.AlternateBaseUrls[i], errors);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Issuers.Count; i++)
        {
            var issuer = o.Issuers[i];
            var at = $"Security:Issuers:{i}";
            if (string.IsNullOrWhiteSpace(issuer.Issuer)) errors.Add($"{at}:Issuer is required (the exact 'iss' claim of the client's JWTs).");
            else if (!seen.Add(issuer.Issuer)) errors.Add($"{at}:Issuer '{issuer.Issuer}' is listed twice.");
            if (string.IsNullOrWhiteSpace(issuer.JwksUrl) && issuer.AllowedJkuUrls.Count == 0)
                errors.Add($"{at} needs a JwksUrl or at least one AllowedJkuUrls entry: keys are fetched only from configured URLs.");
            if (!string.IsNullOrWhiteSpace(issuer.JwksUrl)) CheckFetchUrl($"{at}:JwksUrl", issuer.JwksUrl, errors);
            for (var j = 0; j < issuer.AllowedJkuUrls.Count; j++) CheckFetchUrl($"{at}:AllowedJkuUrls:{j}", issuer.AllowedJkuUrls[j], errors);
            for (var j = 0; j < issuer.AllowedFhirServers.Count; j++) CheckFetchUrl($"{at}:AllowedFhirServers:{j}", issuer.AllowedFhirServers[j], errors);
            foreach (var alg in issuer.Algorithms.Where(a => !TrustedIssuerOptions.ConfigurableAlgorithms.Contains(a)))
                errors.Add($"{at}:Algorithms: '{alg}' is not accepted; 'none' and HMAC (HS*) are never allowed. Use {string.Join(", ", TrustedIssuerOptions.ConfigurableAlgorithms)}.");
            if (issuer.Tenants.Any(string.IsNullOrWhiteSpace)) errors.Add($"{at}:Tenants has an empty entry.");
            if (issuer.RateLimitPermits is < 1) errors.Add($"{at}:RateLimitPermits must be at least 1.");
        }

        for (var i = 0; i < o.Cors.AllowedOrigins.Count; i++)
        {
            var origin = o.Cors.AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || u.AbsolutePath != "/" || origin.EndsWith('/') || u.Query.Length > 0)
                errors.Add($"Security:Cors:AllowedOrigins:{i} must be an origin such as https://sandbox.cds-hooks.org (scheme and host, no path, no trailing slash, no wildcard).");
        }
        if (o.Cors.PreflightMaxAgeSeconds is < 0 or > 86400) errors.Add("Security:Cors:PreflightMaxAgeSeconds must be between 0 and 86400.");
        if (o.RateLimit.PermitLimit < 1) errors.Add("Security:RateLimit:PermitLimit must be at least 1.");
        if (o.RateLimit.WindowSeconds is < 1 or > 3600) errors.Add("Security:RateLimit:WindowSeconds must be between 1 and 3600.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckBaseUrl(string setting, string value, List<string> errors)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || u.Query.Length > 0 || u.Fragment.Length > 0)
            errors.Add($"{setting} must be an absolute http(s) URL without query, e.g. https://cds.example.org.");
        else if (u.Scheme == "http" && !environment.IsDevelopment() && !IsLoopback(u))
            errors.Add($"{setting} must use https outside Development (CDS Hooks requires TLS).");
    }

    /// <summary>URLs the service fetches from (or lets a client direct it to) must be https, except on loopback.</summary>
    private static void CheckFetchUrl(string setting, string value, List<string> errors)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || u.UserInfo.Length > 0 || u.Fragment.Length > 0)
            errors.Add($"{setting} must be an absolute https URL.");
        else if (u.Scheme == "http" && !IsLoopback(u))
            errors.Add($"{setting} must use https (http is accepted only for loopback hosts).");
    }

    private static bool IsLoopback(Uri u) => u.IsLoopback || (IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
