namespace NaltrexoneFhir.Api.Security;

/// <summary>
/// Security log messages (7xxx). Issuer, tenant, jti, check names and URLs from configuration only — never a token,
/// a header value, a body or a patient identifier; the <c>iss</c> of an untrusted token is not logged either.
/// </summary>
public static partial class SecurityLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Security:AllowUnauthenticated is on: CDS calls are accepted without a client JWT (Development only; never in production)")]
    public static partial void UnauthenticatedAllowed(ILogger logger);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "CDS client JWTs are required; trusted issuers: {Issuers}; discovery public: {PublicDiscovery}")]
    public static partial void TokensRequired(ILogger logger, string issuers, bool publicDiscovery);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "CDS client JWT rejected on {Method} {Path}: {Check} (issuer {Issuer})")]
    public static partial void TokenRejected(ILogger logger, string method, string path, string check, string issuer);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "CDS client {Issuer} (tenant {Tenant}) authenticated with jti {Jti}")]
    public static partial void ClientAuthenticated(ILogger logger, string issuer, string tenant, string jti);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "JWK Set {Url} fetched: {KeyCount} usable signing keys")]
    public static partial void JwksFetched(ILogger logger, string url, int keyCount);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "JWK Set {Url} could not be fetched: {Reason}")]
    public static partial void JwksFetchFailed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Rate limit reached for {Partition}; answered 429")]
    public static partial void RateLimited(ILogger logger, string partition);
}
