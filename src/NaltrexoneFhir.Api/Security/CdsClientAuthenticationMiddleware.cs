using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NaltrexoneFhir.Api.Errors;

namespace NaltrexoneFhir.Api.Security;

/// <summary>
/// Requires a verified CDS client JWT on every path under <c>/cds-services</c> (services, feedback, unknown ids alike,
/// so nothing is revealed before authentication), except CORS preflights and, when configured, discovery.
/// Failures are 401 + OperationOutcome + <c>WWW-Authenticate: Bearer</c> naming the failed check.
/// </summary>
public sealed class CdsClientAuthenticationMiddleware(RequestDelegate next, CdsTokenValidator validator,
    IOptionsMonitor<SecurityOptions> options, ILogger<CdsClientAuthenticationMiddleware> logger)
{
    public static readonly PathString CdsRoot = "/cds-services";
    private const string Realm = "cds-services";

    public async Task InvokeAsync(HttpContext http)
    {
        var o = options.CurrentValue;
        if (!RequiresToken(http.Request, o))
        {
            await next(http);
            return;
        }

        var token = ReadBearer(http.Request, out var malformed);
        var check = malformed
            ? new TokenCheck.Failed("malformed", "The Authorization header must be a single 'Bearer <JWT>'.")
            : await validator.ValidateAsync(token, http.Request.Path.Value ?? "", http.RequestAborted);
        switch (check)
        {
            case TokenCheck.Passed ok:
                http.RequestServices.GetRequiredService<CdsClientContext>().SetClient(ok.Client);
                SecurityLog.ClientAuthenticated(logger, ok.Client.Issuer, ok.Client.Tenant ?? "-", ok.Client.TokenId);
                await next(http);
                break;
            case TokenCheck.Failed failed:
                SecurityLog.TokenRejected(logger, http.Request.Method, http.Request.Path.Value ?? "", failed.Check, failed.Issuer ?? "untrusted");
                await ChallengeAsync(http, failed);
                break;
        }
    }

    private static bool RequiresToken(HttpRequest request, SecurityOptions o)
    {
        if (o.AllowUnauthenticated || !request.Path.StartsWithSegments(CdsRoot, out var rest)) return false;
        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(HeaderNames.Origin) &&
            request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod)) return false;   // CORS preflight carries no token
        var isDiscovery = (!rest.HasValue || rest.Value == "/") && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        return !(isDiscovery && o.PublicDiscovery);
    }

    /// <summary>The bearer token, or null when there is no Authorization header; <paramref name="malformed"/> when
    /// there is one that is not exactly one "Bearer &lt;token&gt;".</summary>
    private static string? ReadBearer(HttpRequest request, out bool malformed)
    {
        malformed = false;
        var values = request.Headers.Authorization;
        if (values.Count == 0) return null;
        var value = values.Count == 1 ? values[0] : null;
        const string scheme = "Bearer ";
        if (value is null || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || value.Length == scheme.Length)
        {
            malformed = true;
            return null;
        }
        return value[scheme.Length..].Trim();
    }

    private static Task ChallengeAsync(HttpContext http, TokenCheck.Failed failed)
    {
        // RFC 6750 §3: no error code when the request carried no credentials at all.
        http.Response.Headers.WWWAuthenticate = failed.Check == "missing-token"
            ? $"Bearer realm=\"{Realm}\""
            : $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"{failed.Check}\"";
        http.Response.Headers.CacheControl = "no-store";
        var code = failed.Check switch { "missing-token" => "login", "exp" => "expired", _ => "security" };
        return Outcomes.WriteAsync(http, StatusCodes.Status401Unauthorized, code, $"Client authentication failed ({failed.Check}): {failed.Message}");
    }
}
