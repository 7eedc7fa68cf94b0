using Microsoft.Extensions.Diagnostics.HealthChecks;
using NaltrexoneFhir.Api.Hooks;

namespace NaltrexoneFhir.Api.Operations;

/// <summary>
/// Operations: health endpoints, the OpenAPI document, metrics (+ OTLP export when configured) and structured
/// JSON console logs in Production. Two calls in Program.cs: <c>builder.AddOperations()</c> and <c>app.MapOperations()</c>.
/// </summary>
public static class OperationsSetup
{
    public const string OpenApiPath = "/openapi/v1.json";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHealthChecks().AddCheck<ValueSetsHealthCheck>("value-sets", tags: [HealthTags.Ready]);
        services.AddSingleton<CdsMetrics>();
        services.AddOtlpMetrics(builder.Configuration);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(OperationsJsonContext.Default));
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "NaltrexoneFhir CDS Hooks service";
            document.Info.Description = "CDS Hooks 2.0 service keeping naltrexone prescribing safe (https://cds-hooks.hl7.org/2.0/). " +
                "Errors on CDS routes are FHIR OperationOutcomes.";
            return Task.CompletedTask;
        }));

        if (builder.Environment.IsProduction())
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        var health = app.MapGroup("/health").WithTags("Operations");
        health.MapGet("/live", (HealthCheckService checks, HttpContext http) => ReportAsync(checks, http, _ => false))
            .WithName("HealthLive").WithSummary("Liveness: the process is up and answering (no dependency checks).")
            .Produces<HealthReportBody>(StatusCodes.Status200OK);
        health.MapGet("/ready", (HealthCheckService checks, HttpContext http) => ReportAsync(checks, http, r => r.Tags.Contains(HealthTags.Ready)))
            .WithName("HealthReady").WithSummary("Readiness: value sets loaded, databases reachable (every check tagged 'ready').")
            .Produces<HealthReportBody>(StatusCodes.Status200OK).Produces<HealthReportBody>(StatusCodes.Status503ServiceUnavailable);
        app.MapOpenApi(OpenApiPath);
        return app;
    }

    private static async Task<IResult> ReportAsync(HealthCheckService checks, HttpContext http, Func<HealthCheckRegistration, bool> predicate)
    {
        var report = await checks.CheckHealthAsync(predicate, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        var body = new HealthReportBody(report.Status.ToString(), report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(e => e.Key, e => new HealthEntryBody(e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds)));
        return TypedResults.Json(body, OperationsJsonContext.Default.HealthReportBody,
            statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
