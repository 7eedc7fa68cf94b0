using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Http;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Api.PatientData;

public static class FhirServerRegistration
{
    /// <summary>
    /// Patient data: prefetch first, then the caller's FHIR server (allowlisted), with options bound and validated at start.
    /// The HttpClient comes from IHttpClientFactory: pooled connections, no redirects (a 3xx could point anywhere), no
    /// cookies (shared between callers otherwise), and no HttpClient logging (it redacts query strings but logs paths, and
    /// paths carry patient ids: Patient/{id}, paging links).
    /// </summary>
    public static IServiceCollection AddPatientDataSource(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FhirServerOptions>().Bind(configuration.GetSection(FhirServerOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FhirServerOptions>, FhirServerOptionsValidator>();
        services.AddSingleton(sp => FhirServerAllowlist.FromOptions(sp.GetRequiredService<IOptions<FhirServerOptions>>().Value, sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<FhirServerResilience>();
        services.AddHttpClient<FhirServerClient>(http => http.Timeout = Timeout.InfiniteTimeSpan) // per-call timeout and budget are Polly's and FetchBudget's
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            .RemoveAllLoggers();
        services.AddSingleton<FhirServerClients>();
        services.AddScoped<IPatientDataSource, PrefetchFirstPatientDataSource>();
        return services;
    }
}

/// <summary>
/// Creates the FHIR server's typed client (<see cref="FhirServerClient"/>, from IHttpClientFactory) when a call needs
/// the server: most calls are settled by their prefetch, and resolving a typed client for each of them was ~0.6 % of
/// the service's CPU at saturation (BENCHMARKS.md, session 14).
/// </summary>
public sealed class FhirServerClients(IHttpClientFactory httpClients, ITypedHttpClientFactory<FhirServerClient> typedClients)
{
    public FhirServerClient Create() => typedClients.CreateClient(httpClients.CreateClient(nameof(FhirServerClient)));
}

/// <summary>The strict policy's 412 issues: one per key whose data could not be (fully) obtained, with the reason.</summary>
public static class DataGapIssues
{
    public static RequestIssue ToIssue(DataGap gap, PrefetchValue value, DataKey key) => gap.Kind switch
    {
        DataGapKind.Incomplete => new("incomplete", $"prefetch key '{key.Name}' is incomplete: {gap.Reason}.", $"prefetch.{key.Name}"),
        _ when value.State == PrefetchState.OperationOutcome => new("incomplete",
            $"prefetch key '{key.Name}' is an OperationOutcome (the EHR could not run the query: {value.Problem}) and could not be fetched: {gap.Reason}.", $"prefetch.{key.Name}"),
        _ => new("required", $"prefetch key '{key.Name}' ({key.Template}) is absent and could not be fetched: {gap.Reason}.", $"prefetch.{key.Name}"),
    };
}
