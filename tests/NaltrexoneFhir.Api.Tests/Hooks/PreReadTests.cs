using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Options;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>
/// The hook route reads a large body's Bundle entries while the rest of it arrives (Cds:PreReadMinBytes). The answer
/// must be exactly the one given without it; HookBodyTests checks the parse itself, body by body.
/// </summary>
public sealed class PreReadTests
{
    [Fact]
    public async Task ALargeBodyArrivingSlowly_IsAnsweredAsWithoutTheReadWhileArriving()
    {
        var body = Encoding.UTF8.GetBytes(Requests.LargeHistoryOrderSign());
        using var off = new CdsApiFactory().With("Cds:PreReadMinBytes", "0");
        var expected = await Cards(await off.CreateClient().PostAsync(Url, new TrickleContent(body, pauseBeforeLastTenth: false)));
        Assert.NotEmpty(expected);

        // Whether the pre-reader gets a core before the last byte depends on the machine (it runs at a lower priority
        // and takes only idle CPU; on a busy test host it often gets none), so this test checks the answers only; which
        // entries a parse takes from a pre-reader is checked deterministically in HookBodyTests.
        using var on = new CdsApiFactory().With("Cds:PreReadMinBytes", "65536").With("Cds:PreReadNice", "0");
        var client = on.CreateClient();
        for (var attempt = 0; attempt < 3; attempt++)
            Assert.Equal(expected, await Cards(await client.PostAsync(Url, new TrickleContent(body, pauseBeforeLastTenth: true))));
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
        using var preReads = new BodyPreReads(Microsoft.Extensions.Options.Options.Create(new CdsOptions { PreReadMinBytes = 65536 }));
        var buffer = new byte[200_000];
        Assert.Null(preReads.TryStart(null, buffer));         // chunked: no Content-Length
        Assert.Null(preReads.TryStart(65535, buffer));        // below the threshold
        Assert.Null(preReads.TryStart(buffer.Length + 1, buffer)); // more than the buffer holds
        using (var off = new BodyPreReads(Microsoft.Extensions.Options.Options.Create(new CdsOptions { PreReadMinBytes = 0 })))
            Assert.Null(off.TryStart(100_000, buffer));

        var leases = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => preReads.TryStart(100_000, buffer)).ToList();
        Assert.All(leases, l => Assert.NotNull(l));
        Assert.Null(preReads.TryStart(100_000, buffer)); // every slot taken
        await leases[0]!.StopAsync();
        await leases[0]!.StopAsync(); // frees its slot once
        var again = preReads.TryStart(100_000, buffer);
        Assert.NotNull(again);
        Assert.Null(preReads.TryStart(100_000, buffer));
        foreach (var l in leases.Skip(1).Append(again)) await l!.StopAsync();
    }

    [Fact]
    public void ThePreRead_IsOnForBodiesOf1MB_ByDefault()
    {
        using var factory = new CdsApiFactory();
        _ = factory.CreateClient();
        Assert.Equal(1024 * 1024, factory.Services.GetRequiredService<IOptions<CdsOptions>>().Value.PreReadMinBytes);
    }

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
    /// 300 ms pause before the last tenth.
    /// </summary>
    private sealed class TrickleContent : HttpContent
    {
        private readonly byte[] body;
        private readonly bool pause;

        public TrickleContent(byte[] body, bool pauseBeforeLastTenth)
        {
            this.body = body;
            pause = pauseBeforeLastTenth;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var paused = !pause;
            for (var i = 0; i < body.Length; i += 64 * 1024)
            {
                if (!paused && i >= body.Length * 9 / 10)
                {
                    paused = true;
                    await Task.Delay(300);
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
