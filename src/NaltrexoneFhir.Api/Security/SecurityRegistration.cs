using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Errors;

namespace NaltrexoneFhir.Api.Security;

public static class SecurityRegistration
{
    public const string CorsPolicyName = "cds-clients";

    /// <summary>Options (validated at start), JWT verification, JWK Set fetching, replay cache, CORS and the per-issuer rate limiter.</summary>
    public static IServiceCollection AddCdsSecurity(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();

        services.TryAddKeyedSingleton(SecurityClock.Key, TimeProvider.System);
        services.TryAddSingleton<IJtiReplayCache, InMemoryJtiReplayCache>();
        services.AddSingleton<JwksCache>();
        services.AddSingleton<CdsTokenValidator>();
        services.AddScoped<CdsClientContext>();
        services.AddHttpClient(JwksCache.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) });

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SecurityOptions>>((cors, security) =>
            cors.AddPolicy(CorsPolicyName, policy => policy
                .WithOrigins([.. security.Value.Cors.AllowedOrigins])
                .WithHeaders("Authorization", "Content-Type", "Accept")
                .WithMethods("GET", "POST", "OPTIONS")
                .WithExposedHeaders("WWW-Authenticate", "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromSeconds(security.Value.Cors.PreflightMaxAgeSeconds))));

        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(RateLimitPartitionFor);
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>CORS (answers preflights without a token), then client authentication on /cds-services, then rate limiting per issuer.</summary>
    public static WebApplication UseCdsSecurity(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityRegistration).FullName!);
        if (security.AllowUnauthenticated) SecurityLog.UnauthenticatedAllowed(logger);
        else SecurityLog.TokensRequired(logger, string.Join(", ", security.Issuers.Select(i => i.Issuer)), security.PublicDiscovery);

        app.UseCors(CorsPolicyName);
        app.UseMiddleware<CdsClientAuthenticationMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>One fixed window per authenticated issuer; unauthenticated callers (public discovery, Development) per remote address.</summary>
    private static RateLimitPartition<string> RateLimitPartitionFor(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments(CdsClientAuthenticationMiddleware.CdsRoot)) return RateLimitPartition.GetNoLimiter("");
        var o = http.RequestServices.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue;
        var client = http.RequestServices.GetRequiredService<CdsClientContext>().Client;
        var key = client is null ? "anonymous " + http.Connection.RemoteIpAddress : "issuer " + client.Issuer;
        var permits = (client is null ? null : o.FindIssuer(client.Issuer)?.RateLimitPermits) ?? o.RateLimit.PermitLimit;
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromSeconds(o.RateLimit.WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var o = http.RequestServices.GetRequiredService<IOptionsMonitor<SecurityOptions>>().CurrentValue;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds) : o.RateLimit.WindowSeconds;
        seconds = Math.Max(1, seconds);
        var client = http.RequestServices.GetRequiredService<CdsClientContext>().Client;
        SecurityLog.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityRegistration).FullName!),
            client is null ? "anonymous callers" : "issuer " + client.Issuer);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Outcomes.WriteAsync(http, StatusCodes.Status429TooManyRequests, "throttled",
            $"Too many requests from this client; retry after {seconds} s.");
    }
}
