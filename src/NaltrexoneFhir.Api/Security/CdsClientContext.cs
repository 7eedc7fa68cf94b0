namespace NaltrexoneFhir.Api.Security;

/// <summary>A CDS client whose JWT was verified for this request.</summary>
/// <param name="Issuer">The trusted <c>iss</c>.</param>
/// <param name="Tenant">The token's <c>tenant</c> claim, if any.</param>
/// <param name="TokenId">The token's <c>jti</c> (safe to log).</param>
/// <param name="AllowedFhirServers">FHIR base URLs this issuer may send as <c>fhirServer</c> (<c>Security:Issuers:n:AllowedFhirServers</c>).</param>
/// <param name="ExpiresAt">The token's <c>exp</c>.</param>
public sealed record AuthenticatedClient(string Issuer, string? Tenant, string TokenId, IReadOnlyList<string> AllowedFhirServers, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Whether this client may direct the service to <paramref name="fhirServer"/>: it must equal one of the issuer's
    /// allowed base URLs (scheme, host and port case-insensitive, path exact, trailing slash ignored; no user info,
    /// query or fragment). An issuer with no allowed FHIR servers gets prefetch only.
    /// </summary>
    public bool MayUseFhirServer(string? fhirServer) =>
        TryNormalize(fhirServer, out var wanted) && AllowedFhirServers.Any(a => TryNormalize(a, out var allowed) && allowed == wanted);

    private static bool TryNormalize(string? url, out string normalized)
    {
        normalized = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") ||
            u.UserInfo.Length > 0 || u.Query.Length > 0 || u.Fragment.Length > 0) return false;
        normalized = $"{u.Scheme}://{u.Host.ToLowerInvariant()}:{u.Port}{u.AbsolutePath.TrimEnd('/')}";
        return true;
    }
}

/// <summary>
/// Who is calling, for the rest of the request (scoped). Set by <see cref="CdsClientAuthenticationMiddleware"/>;
/// <see cref="Client"/> is null when the call was not authenticated (Development with
/// <c>Security:AllowUnauthenticated</c>, or public discovery).
/// The FHIR-server fallback asks <see cref="IsFhirServerAllowed"/> before it follows a request's <c>fhirServer</c>;
/// this per-issuer list is combined with (not a replacement for) the fallback's own allowlist.
/// </summary>
public sealed class CdsClientContext
{
    public AuthenticatedClient? Client { get; private set; }

    public bool IsAuthenticated => Client is not null;

    internal void SetClient(AuthenticatedClient client) => Client = client;

    /// <summary>An authenticated client may use only its issuer's FHIR servers (<see cref="AuthenticatedClient.MayUseFhirServer"/>);
    /// no per-issuer restriction applies to an unauthenticated (development) call.</summary>
    public bool IsFhirServerAllowed(string? fhirServer) => Client is null || Client.MayUseFhirServer(fhirServer);
}
