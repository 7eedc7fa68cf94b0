using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NaltrexoneFhir.Api.Operations;
using NaltrexoneFhir.Api.Tests.Hooks;
using OpenTelemetry.Metrics;

namespace NaltrexoneFhir.Api.Tests.Operations;

[Collection(nameof(ApiCollection))]
public sealed class MetricsTests(CdsApiFactory factory)
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Listens to this host's meter only (instruments from its own IMeterFactory), whatever else runs in parallel.</summary>
    private static MeterListener Listen(IServiceProvider services, ConcurrentQueue<Measurement> into)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CdsMetrics.MeterName && instrument.Meter.Scope == meterFactory) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => into.Enqueue(new(i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => into.Enqueue(new(i.Name, v, ToDictionary(tags))));
        listener.Start();
        return listener;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var d = new Dictionary<string, object?>();
        foreach (var t in tags) d[t.Key] = t.Value;
        return d;
    }

    [Fact]
    public async Task HookCall_RecordsLatencyAndCardsByConcernAndIndicator()
    {
        var measurements = new ConcurrentQueue<Measurement>();
        using var listener = Listen(factory.Services, measurements);
        var request = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) });

        var response = await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(request.ToJsonString()));
        response.EnsureSuccessStatusCode();
        await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json("""{"hook":"order-sign"}"""));

        var durations = measurements.Where(m => m.Instrument == "cds.hook.duration").ToList();
        Assert.Contains(durations, m => (int)m.Tags["http.response.status_code"]! == 200 && (string?)m.Tags["cds.service"] == "naltrexone-order-sign"
            && (string?)m.Tags["cds.hook"] == "order-sign" && m.Value > 0);
        Assert.Contains(durations, m => (int)m.Tags["http.response.status_code"]! == 400);
        var card = Assert.Single(measurements, m => m.Instrument == "cds.cards" && (string?)m.Tags["cds.concern"] == "opioid-coprescription");
        Assert.Equal("critical", card.Tags["cds.indicator"]);
        Assert.Equal(1, card.Value);
    }

    [Fact]
    public void FallbackCounters_AreReadyForTheFallback()
    {
        var measurements = new ConcurrentQueue<Measurement>();
        using var listener = Listen(factory.Services, measurements);
        var metrics = factory.Services.GetRequiredService<CdsMetrics>();

        metrics.FallbackCall("liverLabs");
        metrics.FallbackFailure("liverLabs", "timeout");

        Assert.Contains(measurements, m => m.Instrument == "cds.fallback.calls" && (string?)m.Tags["cds.prefetch_key"] == "liverLabs");
        Assert.Contains(measurements, m => m.Instrument == "cds.fallback.failures" && (string?)m.Tags["error.type"] == "timeout");
    }

    [Fact]
    public void WithoutOtlpEndpoint_NoExporterRuns()
    {
        if (OtlpOptions.EnvironmentConfigured) return;   // an OTEL_EXPORTER_OTLP_* variable in the environment turns it on
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task WithOtlpEndpoint_MetricsArePushedToTheCollector()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.Logging.ClearProviders();
        collectorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest r) =>
        {
            using var buffer = new MemoryStream();
            await r.Body.CopyToAsync(buffer);
            received.Enqueue((r.Path, r.ContentType, buffer.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();

        using var withOtlp = factory.WithWebHostBuilder(b => b.UseSetting("Otlp:Endpoint", collector.Urls.First() + "/v1/metrics"));
        var request = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) });
        (await withOtlp.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(request.ToJsonString()))).EnsureSuccessStatusCode();

        Assert.True(withOtlp.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        Assert.NotEmpty(received);
        var all = received.SelectMany(r => r.Body).ToArray();
        Assert.Equal("application/x-protobuf", received.First().ContentType);
        foreach (var name in new[] { "cds.hook.duration", "cds.cards", "naltrexone-cds", "opioid-coprescription" })
            Assert.True(all.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(name)) >= 0, $"'{name}' not in the OTLP payload");
    }
}
