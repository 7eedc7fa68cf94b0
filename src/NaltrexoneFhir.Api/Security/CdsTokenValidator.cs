using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace NaltrexoneFhir.Api.Security;

/// <summary>The outcome of checking a CDS client JWT: the client, or the name of the check that failed.</summary>
public abstract record TokenCheck
{
    public sealed record Passed(AuthenticatedClient Client) : TokenCheck;

    /// <param name="Check">Short name of the failed check (also the WWW-Authenticate error_description).</param>
    /// <param name="Message">What failed, for the OperationOutcome; never contains token content.</param>
    /// <param name="Issuer">The trusted issuer, once the <c>iss</c> check has passed (safe to log).</param>
    public sealed record Failed(string Check, string Message, string? Issuer = null) : TokenCheck;
}

/// <summary>
/// Verifies the CDS client JWT (CDS Hooks 2.0 "Trusting CDS Clients"), one named check at a time:
/// structure → algorithm → trusted <c>iss</c> → <c>kid</c>/<c>jku</c> → key from the issuer's JWK Set → signature →
/// <c>exp</c>/<c>nbf</c>/<c>iat</c>/lifetime → <c>aud</c> = URL called → <c>tenant</c> → <c>jti</c> not replayed.
/// The signature is verified by <see cref="JsonWebTokenHandler"/> (Microsoft.IdentityModel.JsonWebTokens) with the
/// one key resolved here; the claim checks are explicit so each failure has its own name.
/// </summary>
public sealed class CdsTokenValidator(IOptionsMonitor<SecurityOptions> options, JwksCache jwks, IJtiReplayCache replay,
    [FromKeyedServices(SecurityClock.Key)] TimeProvider clock)
{
    /// <summary>A CDS client JWT is a few hundred bytes; anything this large is not one.</summary>
    public const int MaxTokenLength = 8 * 1024;

    private static readonly JsonWebTokenHandler Handler = new();

    /// <param name="token">The bearer token (without the scheme), or null when none was sent.</param>
    /// <param name="path">The request path (e.g. <c>/cds-services/naltrexone-order-sign</c>), appended to the configured base URLs to form the accepted <c>aud</c> values.</param>
    public async Task<TokenCheck> ValidateAsync(string? token, string path, CancellationToken ct)
    {
        var o = options.CurrentValue;
        if (string.IsNullOrEmpty(token))
            return Fail("missing-token", "A CDS client JWT is required: send 'Authorization: Bearer <JWT>'.");

        // 1. Structure: a signed JWT in compact form (three parts). Encrypted (five-part) tokens are not accepted.
        if (token.Length > MaxTokenLength || token.Count(c => c == '.') != 2 || !Handler.CanReadToken(token))
            return Fail("malformed", "The bearer token is not a well-formed signed JWT (JWS compact serialization).");
        JsonWebToken jwt;
        try { jwt = new JsonWebToken(token); }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or FormatException)
        {
            return Fail("malformed", "The bearer token is not a well-formed signed JWT (JWS compact serialization).");
        }

        // 2. Algorithm: never 'none', never HMAC, whatever the configuration says.
        var alg = jwt.Alg ?? "";
        if (!TrustedIssuerOptions.ConfigurableAlgorithms.Contains(alg))
            return Fail("alg", "The JWT 'alg' is not accepted: 'none' and HMAC (symmetric) algorithms are never accepted.");
        if (!string.IsNullOrEmpty(jwt.Typ) && !string.Equals(jwt.Typ, "JWT", StringComparison.OrdinalIgnoreCase))
            return Fail("typ", "The JWT 'typ' header must be 'JWT'.");

        // 3. Issuer: only configured issuers, matched exactly.
        var issuer = string.IsNullOrEmpty(jwt.Issuer) ? null : o.FindIssuer(jwt.Issuer);
        if (issuer is null)
            return Fail("iss", "The JWT 'iss' is not a trusted CDS client issuer.");
        var iss = issuer.Issuer;
        if (!issuer.EffectiveAlgorithms.Contains(alg, StringComparer.Ordinal))
            return Fail("alg", $"The JWT 'alg' is not accepted for this issuer (accepted: {string.Join(", ", issuer.EffectiveAlgorithms)}).", iss);

        // 4. Key source: the jku header only if it is on this issuer's allowlist; never fetch an unlisted URL.
        if (string.IsNullOrEmpty(jwt.Kid))
            return Fail("kid", "The JWT header has no 'kid'.", iss);
        string? jwksUrl;
        if (jwt.TryGetHeaderValue<string>("jku", out var jku) && !string.IsNullOrEmpty(jku))
        {
            if (!issuer.AllowedJkuUrls.Contains(jku, StringComparer.Ordinal))
                return Fail("jku", "The JWT 'jku' is not on this issuer's allowlist; keys are fetched only from configured URLs.", iss);
            jwksUrl = jku;
        }
        else if (!string.IsNullOrEmpty(issuer.JwksUrl)) jwksUrl = issuer.JwksUrl;
        else return Fail("jku", "This issuer's keys are published only at allowlisted 'jku' URLs and the JWT has no 'jku'.", iss);

        // 5. Key: from the issuer's JWK Set (cached; refreshed once, rate-limited, on an unknown kid).
        var (status, key) = await jwks.FindAsync(jwksUrl, jwt.Kid);
        if (status == JwksCache.Status.Unavailable)
            return Fail("keys-unavailable", "The issuer's JWK Set could not be retrieved, so the JWT cannot be verified.", iss);
        if (key is null)
            return Fail("kid", "No key with the JWT's 'kid' is in the issuer's JWK Set.", iss);
        if (!KeyFitsAlgorithm(key, alg))
            return Fail("alg", "The JWT 'alg' does not match the type or 'alg' of the issuer's key.", iss);

        // 6. Signature (and iss once more) by the IdentityModel handler, with this single key.
        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = iss,
            ValidateIssuer = true,
            ValidateAudience = false,          // checked below against the URL called
            ValidateLifetime = false,          // checked below with the security clock, including iat
            ValidateIssuerSigningKey = false,  // a bare JWK: there is no certificate chain to validate
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = issuer.EffectiveAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = false,
            RequireAudience = false,
        });
        if (!result.IsValid)
            return Fail("signature", "The JWT signature does not verify with the issuer's key.", iss);

        // 7. Time: exp, nbf and iat with a small skew; a bounded lifetime bounds how long the jti is remembered.
        var now = clock.GetUtcNow();
        var skew = TimeSpan.FromSeconds(o.ClockSkewSeconds);
        if (!TryGetNumericDate(jwt, JwtRegisteredClaimNames.Exp, out var exp))
            return Fail("exp", "The JWT has no numeric 'exp' claim.", iss);
        if (exp + skew <= now)
            return Fail("exp", "The JWT has expired ('exp').", iss);
        if (!TryGetNumericDate(jwt, JwtRegisteredClaimNames.Iat, out var iat))
            return Fail("iat", "The JWT has no numeric 'iat' claim.", iss);
        if (iat - skew > now)
            return Fail("iat", "The JWT 'iat' is in the future.", iss);
        if (jwt.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Nbf, out _) &&
            (!TryGetNumericDate(jwt, JwtRegisteredClaimNames.Nbf, out var nbf) || nbf - skew > now))
            return Fail("nbf", "The JWT is not valid yet ('nbf').", iss);
        if (exp - iat > TimeSpan.FromSeconds(o.MaxTokenLifetimeSeconds))
            return Fail("lifetime", $"The JWT lifetime ('exp' - 'iat') is longer than {o.MaxTokenLifetimeSeconds} s.", iss);

        // 8. Audience: the exact URL of the endpoint being called, under the public (or an alternate) base URL.
        var expected = Audiences(o, path).ToList();
        if (!jwt.Audiences.Any(a => expected.Contains(TrimSlash(a), StringComparer.Ordinal)))
            return Fail("aud", $"The JWT 'aud' is not the URL of this endpoint (expected '{expected[0]}').", iss);

        // 9. Tenant, when the issuer is restricted to some.
        jwt.TryGetPayloadValue<string>("tenant", out var tenant);
        if (issuer.Tenants.Count > 0 && (string.IsNullOrEmpty(tenant) || !issuer.Tenants.Contains(tenant, StringComparer.Ordinal)))
            return Fail("tenant", "The JWT 'tenant' is not one this issuer may act for.", iss);

        // 10. Replay: each jti once, remembered until the token can no longer be used.
        if (string.IsNullOrEmpty(jwt.Id))
            return Fail("jti", "The JWT has no 'jti' claim.", iss);
        if (!await replay.TryRememberAsync(iss, jwt.Id, exp + skew, ct))
            return Fail("replay", "The JWT 'jti' has already been used (replay).", iss);

        return new TokenCheck.Passed(new AuthenticatedClient(iss, string.IsNullOrEmpty(tenant) ? null : tenant, jwt.Id, issuer.AllowedFhirServers, exp));
    }

    /// <summary>The accepted <c>aud</c> values for a request path: each configured base URL + the path.</summary>
    public static IEnumerable<string> Audiences(SecurityOptions o, string path)
    {
        var suffix = TrimSlash(path);
        if (!string.IsNullOrEmpty(o.PublicBaseUrl)) yield return TrimSlash(o.PublicBaseUrl) + suffix;
        foreach (var alternate in o.AlternateBaseUrls) yield return TrimSlash(alternate) + suffix;
    }

    private static string TrimSlash(string s) => s.TrimEnd('/');

    private static TokenCheck.Failed Fail(string check, string message, string? issuer = null) => new(check, message, issuer);

    private static bool KeyFitsAlgorithm(JsonWebKey key, string alg)
    {
        if (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, alg, StringComparison.Ordinal)) return false;
        return alg[0] == 'E' ? key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve : key.Kty == JsonWebAlgorithmsKeyTypes.RSA;
    }

    /// <summary>Reads a NumericDate claim (seconds since the epoch, integer or decimal).</summary>
    private static bool TryGetNumericDate(JsonWebToken jwt, string claim, out DateTimeOffset value)
    {
        value = default;
        double seconds;
        if (jwt.TryGetPayloadValue<long>(claim, out var whole)) seconds = whole;
        else if (jwt.TryGetPayloadValue<double>(claim, out var fractional)) seconds = fractional;
        else return false;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > 253402300799) return false;   // up to 9999-12-31
        value = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        return true;
    }
}
