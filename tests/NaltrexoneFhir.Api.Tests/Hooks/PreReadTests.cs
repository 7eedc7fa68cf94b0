using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Fhir.Json;

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
        var expected = await Cards(await off.CreateClient().PostAsync(Url, new TrickleContent(body, pauseBeforeLastTenth: false)));
        Assert.NotEmpty(expected);

        // At nice 0 here: at nice 5 a busy test host (the JIT of a first call, other test classes) can keep the
        // pre-reader off the cores until the last byte, which is by design (it only takes idle CPU) but would make
        // this test depend on the machine's load.
        // At nice 0 here: at nice 5 a busy test host (the JIT of a first call, other test classes) can keep the
        // pre-reader off the cores until the last byte, which is by design (it only takes idle CPU) but would make
        // this test depend on the machine's load. The body also pauses before its last tenth, to give the reader a core.
        using var on = new CdsApiFactory().With("Cds:PreReadMinBytes", "65536").With("Cds:PreReadNice", "0");
        var client = on.CreateClient();
        var preReads = on.Services.GetRequiredService<BodyPreReads>();
        var takenBefore = FhirFastReader.PreReadEntriesTaken;
        for (var attempt = 0; attempt < 5 && preReads.EntriesPreRead == 0; attempt++)
            Assert.Equal(expected, await Cards(await client.PostAsync(Url, new TrickleContent(body, pauseBeforeLastTenth: true))));
        Assert.True(preReads.EntriesPreRead > 0, "no entry was read while its body arrived in five tries");
        Assert.True(FhirFastReader.PreReadEntriesTaken > takenBefore, "entries were read while their body arrived, but the parse did not take them");
        // and a pre-read answer is still the same answer
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
        using var factory = new CdsApiFactory().With("Cds:" + setting, value);
        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(setting, ex.ToString());
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
