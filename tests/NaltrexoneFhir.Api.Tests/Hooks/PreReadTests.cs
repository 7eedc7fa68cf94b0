using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Operations;
using NaltrexoneFhir.Api.Options;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>
/// The hook route reads a large body's Bundle entries while the rest of it arrives (Cds:PreReadMinBytes). The answer
/// must be exactly the one given without it; HookBodyTests checks the parse itself, body by body.
/// </summary>
public sealed class PreReadTests
{
    [Fact]
    public async Task ALargeBodyArrivingSlowly_IsReadWhileItArrives_AndAnsweredAsWithoutThat()
    {
        var body = Encoding.UTF8.GetBytes(Requests.LargeHistoryOrderSign());
        using var off = new CdsApiFactory().With("Cds:PreReadMinBytes", "0");
        var expected = await Cards(await off.CreateClient().PostAsync(Url, new TrickleContent(body, pauseBeforeLastTenth: TimeSpan.Zero)));
        Assert.NotEmpty(expected);

        // Over a real socket (Kestrel): the in-memory TestServer hands the app a body only once it is all written, so
        // there nothing can be read while it arrives (a pre-reader had ~1 ms there; session 14). At nice 0, and with a
        // pause before the last tenth, so that a busy test host still gives the pre-reader a core before the last byte.
        using var on = new CdsApiFactory().With("Cds:PreReadMinBytes", "65536").With("Cds:PreReadNice", "0");
        on.UseKestrel(0);
        on.StartServer();
        var address = on.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Outcome)>();
        using var listener = ListenToPreReads(on.Services, measurements);

        long Sum(string instrument, string outcome) => measurements.Where(m => m.Instrument == instrument && m.Outcome == outcome).Sum(m => m.Value);
        for (var attempt = 0; attempt < 3 && Sum("cds.body.pre_read.entries", "taken") == 0; attempt++)
            Assert.Equal(expected, await Cards(await client.PostAsync(Url, new TrickleContent(body, pauseBeforeLastTenth: TimeSpan.FromSeconds(1)))));

        Assert.True(Sum("cds.body.pre_read", "started") >= 1, "no pre-reader started for a large body");
        // Entries read while the body arrived were used by the parse: the endpoint hands its pre-reader to the parse.
        Assert.True(Sum("cds.body.pre_read.entries", "taken") > 0, "no entry read while the body arrived was taken by the parse");
    }

    /// <summary>This host's pre-read counters only (instruments from its own IMeterFactory), whatever else runs in parallel.</summary>
    private static MeterListener ListenToPreReads(IServiceProvider services, ConcurrentQueue<(string, long, string?)> into)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name.StartsWith("cds.body.pre_read", StringComparison.Ordinal))
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            string? outcome = null;
            foreach (var t in tags) if (t.Key == "cds.pre_read.outcome") outcome = t.Value as string;
            into.Enqueue((i.Name, v, outcome));
        });
        listener.Start();
        return listener;
    }

    [Theory]
    [InlineData("PreReadMinBytes", "1")]
    [InlineData("PreReadMinBytes", "65535")] // below 64 KB and not 0
    [InlineData("PreReadMinBytes", "-1")]
    [InlineData("PreReadNice", "-1")]
    [InlineData("PreReadNice", "20")]
    public void APreReadSettingOutOfRange_StopsStartUp(string setting, string value)
    {
        // The host's own validator names the setting (see TransportBlockSize_OutsideItsRange_StopsStartUp); start-up fails.
        var number = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var options = setting == "PreReadNice" ? new CdsOptions { PreReadNice = number } : new CdsOptions { PreReadMinBytes = number };
        var result = new DataAnnotationValidateOptions<CdsOptions>(Microsoft.Extensions.Options.Options.DefaultName)
            .Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage);
        using var factory = new CdsApiFactory().With("Cds:" + setting, value);
        Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public async Task PreReaders_StartOnlyForLargeAnnouncedBodies_AtMostOnePerCore()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Outcome)>();
        using var listener = ListenToPreReads(services, measurements);
        using var preReads = new BodyPreReads(Microsoft.Extensions.Options.Options.Create(new CdsOptions { PreReadMinBytes = 65536 }),
            new CdsMetrics(services.GetRequiredService<IMeterFactory>()));
        var buffer = new byte[200_000];
        Assert.Null(preReads.TryStart(null, buffer));         // chunked: no Content-Length
        Assert.Null(preReads.TryStart(65535, buffer));        // below the threshold
        Assert.Null(preReads.TryStart(buffer.Length + 1, buffer)); // more than the buffer holds
        using (var off = new BodyPreReads(Microsoft.Extensions.Options.Options.Create(new CdsOptions { PreReadMinBytes = 0 }), Metrics()))
            Assert.Null(off.TryStart(100_000, buffer));

        var leases = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => preReads.TryStart(100_000, buffer)).ToList();
        Assert.All(leases, l => Assert.NotNull(l));
        Assert.Null(preReads.TryStart(100_000, buffer)); // every slot taken
        await leases[0]!.StopAsync();
        await leases[0]!.StopAsync(); // frees its slot once
        var again = preReads.TryStart(100_000, buffer);
        Assert.NotNull(again);
        Assert.Null(preReads.TryStart(100_000, buffer));
        foreach (var l in leases.Skip(1).Append(again)) await l!.EndAsync();

        // Counted: the bodies that got a thread and those that found every thread busy (none for the small or chunked
        // ones); and what each ended pre-reader read (nothing here: no byte arrived).
        Assert.Equal(Environment.ProcessorCount + 1, measurements.Count(m => m is ("cds.body.pre_read", 1, "started")));
        Assert.Equal(2, measurements.Count(m => m is ("cds.body.pre_read", 1, "busy")));
        Assert.DoesNotContain(measurements, m => m.Instrument == "cds.body.pre_read.entries");
    }

    [Fact]
    public void ThePreRead_IsOnForBodiesOf1MB_ByDefault()
    {
        using var factory = new CdsApiFactory();
        _ = factory.CreateClient();
        Assert.Equal(1024 * 1024, factory.Services.GetRequiredService<IOptions<CdsOptions>>().Value.PreReadMinBytes);
    }

    private static CdsMetrics Metrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    private const string Url = "/cds-services/naltrexone-order-sign";

    private static async Task<string[]> Cards(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await CdsApiFactory.ReadJson(response);
        return json.GetProperty("cards").EnumerateArray()
            .Select(c => c.GetProperty("summary").GetString() + " | " + c.GetProperty("detail").GetString()).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The body in 64 KB pieces a few milliseconds apart, with its Content-Length, as over a slow link; optionally a
    /// pause before the last tenth.
    /// </summary>
    private sealed class TrickleContent : HttpContent
    {
        private readonly byte[] body;
        private readonly TimeSpan pause;

        public TrickleContent(byte[] body, TimeSpan pauseBeforeLastTenth)
        {
            this.body = body;
            pause = pauseBeforeLastTenth;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var paused = pause == TimeSpan.Zero;
            for (var i = 0; i < body.Length; i += 64 * 1024)
            {
                if (!paused && i >= body.Length * 9 / 10)
                {
                    paused = true;
                    await Task.Delay(pause);
                }
                await stream.WriteAsync(body.AsMemory(i, Math.Min(64 * 1024, body.Length - i)));
                await stream.FlushAsync();
                await Task.Delay(3);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
