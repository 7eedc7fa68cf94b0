namespace NaltrexoneFhir.Api.PatientData;

/// <summary>A caller-supplied fhirServer after the check: the normalized base URL, or why it is refused.</summary>
public sealed record FhirServerCheck(Uri? Base, string? Refusal)
{
    public bool IsAllowed => Base is not null && Refusal is null;
}

/// <summary>
/// The SSRF guard. <c>fhirServer</c> is caller-supplied: only URLs on or under a configured base
/// (<see cref="FhirServerOptions.AllowedBaseUrls"/>) are contacted, with the same scheme, host and port and a path at or
/// below the base path. https only; http only for loopback hosts when <see cref="FhirServerOptions.AllowHttpLoopback"/>
/// is set. Every URL the fallback requests (rendered queries, next-page links) goes through <see cref="Covers"/>.
/// A per-issuer allowlist (JWT security) can narrow this further; it never widens it.
/// </summary>
public sealed class FhirServerAllowlist
{
    private readonly IReadOnlyList<Uri> _bases;
    private readonly bool _allowHttpLoopback;

    public FhirServerAllowlist(IEnumerable<string> allowedBaseUrls, bool allowHttpLoopback)
    {
        _allowHttpLoopback = allowHttpLoopback;
        // Invalid entries fail start-up (FhirServerOptionsValidator); skipping them here is defence in depth.
        _bases = allowedBaseUrls.Select(u => ParseBase(u, allowHttpLoopback).Base).OfType<Uri>().ToList();
    }

    /// <summary>The allowlist of the configured options (http loopback never in Production).</summary>
    public static FhirServerAllowlist FromOptions(FhirServerOptions options, IHostEnvironment environment) =>
        new(options.AllowedBaseUrls, options.AllowHttpLoopback && !environment.IsProduction());

    public bool IsEmpty => _bases.Count == 0;

    /// <summary>Checks a request's fhirServer; the refusal is worded for a card ("FHIR server not on the allowlist").</summary>
    public FhirServerCheck Check(string? fhirServer)
    {
        if (string.IsNullOrWhiteSpace(fhirServer)) return new(null, "no fhirServer to fetch it from");
        if (IsEmpty) return new(null, "FHIR server fallback not configured");
        var parsed = ParseBase(fhirServer, _allowHttpLoopback);
        if (!parsed.IsAllowed) return new(null, $"fhirServer refused: {parsed.Refusal}");
        return Covers(parsed.Base!) ? parsed : new(null, "FHIR server not on this service's allowlist");
    }

    /// <summary>True when the URL is at or under an allowed base (same scheme, host and port; path at or below).</summary>
    public bool Covers(Uri url) =>
        url.IsAbsoluteUri && !HasEncodedDots(url) && url.UserInfo.Length == 0 && _bases.Any(b => Under(url, b));

    /// <summary>Parses and normalizes a base URL (no trailing slash); refuses what must never be contacted.</summary>
    public static FhirServerCheck ParseBase(string value, bool allowHttpLoopback)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)) return new(null, "not an absolute URL");
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return new(null, "not an http(s) URL");
        if (uri.UserInfo.Length > 0) return new(null, "credentials in the URL are not allowed");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return new(null, "a base URL has no query or fragment");
        if (HasEncodedDots(uri)) return new(null, "encoded dots or slashes in the path are not allowed");
        if (uri.Scheme == Uri.UriSchemeHttp && !(allowHttpLoopback && uri.IsLoopback))
            return new(null, "https is required (http only for loopback hosts with FhirServer:AllowHttpLoopback)");
        var normalized = new UriBuilder(uri) { Path = uri.AbsolutePath.TrimEnd('/') }.Uri;
        return new(normalized, null);
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>scheme://host:port of a caller-supplied URL, for logs (never the path: it may carry ids).</summary>
    public static string Origin(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.IdnHost}:{u.Port}" : "(not an absolute URL)";

    private static bool Under(Uri url, Uri @base)
    {
        if (!SameOrigin(url, @base)) return false;
        var basePath = @base.AbsolutePath.TrimEnd('/');
        var path = url.AbsolutePath;
        return basePath.Length == 0 || path == basePath || path.StartsWith(basePath + "/", StringComparison.Ordinal);
    }

    private static bool HasEncodedDots(Uri uri)
    {
        var path = uri.AbsolutePath;
        return path.Contains("%2e", StringComparison.OrdinalIgnoreCase) || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase);
    }
}
