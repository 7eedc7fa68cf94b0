using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace NaltrexoneFhir.Api.Operations;

/// <summary>OTLP metrics export (section "Otlp"). Off unless an endpoint is configured here or in OTEL_EXPORTER_OTLP_* variables.</summary>
public sealed class OtlpOptions
{
    public const string SectionName = "Otlp";

    /// <summary>Collector endpoint, e.g. http://otel-collector:4318/v1/metrics (http/protobuf) or http://otel-collector:4317 (grpc).</summary>
    [Url] public string? Endpoint { get; set; }

    /// <summary>"http/protobuf" (default) or "grpc".</summary>
    [RegularExpression("^(http/protobuf|grpc)$")] public string Protocol { get; set; } = "http/protobuf";

    /// <summary>How often metrics are pushed.</summary>
    [Range(1, 3600)] public int ExportIntervalSeconds { get; set; } = 60;

    /// <summary>service.name resource attribute.</summary>
    [Required] public string ServiceName { get; set; } = "naltrexone-cds";

    public static bool EnvironmentConfigured =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
}

/// <summary>
/// A MeterProvider built by hand (the OpenTelemetry hosting package is not available here): our meter plus the
/// ASP.NET Core and HttpClient built-in meters, exported over OTLP. Created at start-up, flushed and disposed on
/// shutdown.
/// </summary>
public static class OtlpMetrics
{
    public static readonly string[] Meters =
        [CdsMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http"];

    public static IServiceCollection AddOtlpMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var endpoint = configuration[$"{OtlpOptions.SectionName}:{nameof(OtlpOptions.Endpoint)}"];
        if (string.IsNullOrWhiteSpace(endpoint) && !OtlpOptions.EnvironmentConfigured) return services;

        services.AddSingleton(sp => Build(sp.GetRequiredService<IOptions<OtlpOptions>>().Value));
        services.AddHostedService<MeterProviderLifetime>();
        return services;
    }

    private static MeterProvider Build(OtlpOptions options)
    {
        var version = typeof(OtlpMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceVersion: version))
            .AddMeter(Meters)
            .AddOtlpExporter((exporter, reader) =>
            {
                if (!string.IsNullOrWhiteSpace(options.Endpoint))
                {
                    exporter.Endpoint = new Uri(options.Endpoint);
                    exporter.Protocol = options.Protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                }
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.ExportIntervalSeconds * 1000;
            })
            .Build();
    }

    /// <summary>Creates the provider when the host starts; on stop pushes what is left and shuts it down (the container disposes it).</summary>
    private sealed class MeterProviderLifetime(MeterProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            provider.ForceFlush(timeoutMilliseconds: 5000);
            provider.Shutdown(timeoutMilliseconds: 5000);
            return Task.CompletedTask;
        }
    }
}
