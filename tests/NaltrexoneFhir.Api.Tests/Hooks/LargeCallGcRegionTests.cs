using System.Net;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>The no-GC region is process-wide: these tests run alone, so no other test's call holds or ends it.</summary>
[CollectionDefinition(nameof(GcRegionCollection), DisableParallelization = true)]
public sealed class GcRegionCollection;

[Collection(nameof(GcRegionCollection))]
public sealed class LargeCallGcRegionTests
{
    private const long Mb = 1024 * 1024;

    [Theory]
    [InlineData(Mb - 1, Mb)]   // below the threshold
    [InlineData(5 * Mb, 0)]    // turned off
    public void SmallBodies_AndTurnedOff_EnterNoRegion(long body, long min)
    {
        var before = LargeCallGcRegion.Entered;
        Assert.Null(LargeCallGcRegion.TryEnter(body, min));
        Assert.Equal(before, LargeCallGcRegion.Entered);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void LargeBody_RunsWithoutCollections_UntilDisposed()
    {
        var before = LargeCallGcRegion.Entered;
        var region = LargeCallGcRegion.TryEnter(4 * Mb, Mb, budgetPerBodyByte: 4);
        Assert.NotNull(region);
        try
        {
            Assert.Equal(before + 1, LargeCallGcRegion.Entered);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            var collections = GC.CollectionCount(0);
            // Well inside the 16 MB budget: the allocations of a large call's model, without a collection.
            var model = new List<byte[]>();
            for (var i = 0; i < 4000; i++) model.Add(new byte[1000]);
            Assert.Equal(collections, GC.CollectionCount(0));
            Assert.Equal(4000, model.Count);
        }
        finally
        {
            region.Dispose();
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        region.Dispose(); // twice: nothing happens
    }

    [Fact]
    public void OneCallAtATime_HoldsTheRegion_OthersRunAsUsual()
    {
        using (var first = LargeCallGcRegion.TryEnter(2 * Mb, Mb))
        {
            Assert.NotNull(first);
            Assert.Null(LargeCallGcRegion.TryEnter(2 * Mb, Mb));
        }
        // Released: the next large call holds it.
        using var next = LargeCallGcRegion.TryEnter(2 * Mb, Mb);
        Assert.NotNull(next);
    }

    [Fact]
    public void BudgetExhausted_TheRuntimeLeavesTheRegion_AndDisposeDoesNotThrow()
    {
        var region = LargeCallGcRegion.TryEnter(Mb, Mb, budgetPerBodyByte: 1);
        Assert.NotNull(region);
        var garbage = 0L;
        for (var i = 0; i < 64; i++) garbage += new byte[256 * 1024].Length; // 16 MB through a 1 MB budget
        Assert.Equal(64L * 256 * 1024, garbage);
        region.Dispose();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        using var again = LargeCallGcRegion.TryEnter(Mb, Mb);
        Assert.NotNull(again);
    }

    [Fact]
    public void ABudgetTheRuntimeCannotReserve_RunsWithoutARegion()
    {
        Assert.Null(LargeCallGcRegion.TryEnter(long.MaxValue / 2, Mb, budgetPerBodyByte: 8));
        // Nothing held afterwards.
        using var region = LargeCallGcRegion.TryEnter(Mb, Mb);
        Assert.NotNull(region);
    }

    /// <summary>
    /// Through the endpoint: with the threshold at 1 KB a typical call runs in a region, answers exactly what it
    /// answers without one, and leaves no region behind (the body's disposal ends it).
    /// </summary>
    [Fact]
    public async Task Endpoint_LargeBodyCall_RunsInARegion_SameCards_NoRegionLeftBehind()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], new Dictionary<string, JsonNode?>
        {
            ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()),
        }).ToJsonString();
        Assert.True(body.Length > 1024);

        async Task<string> Cards(string min)
        {
            using var factory = new CdsApiFactory().With("Cds:GcRegionMinBodyBytes", min);
            var response = await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var cards = (await CdsApiFactory.ReadJson(response)).GetProperty("cards");
            Assert.True(cards.GetArrayLength() > 0);
            // uuids differ per call; everything else must not.
            return string.Join("\n", cards.EnumerateArray().Select(c => c.GetProperty("summary").GetString() + "|" + c.GetProperty("indicator").GetString()));
        }

        var before = LargeCallGcRegion.Entered;
        var without = await Cards("0");
        Assert.Equal(before, LargeCallGcRegion.Entered);
        var with = await Cards("1024");
        Assert.Equal(before + 1, LargeCallGcRegion.Entered);
        Assert.Equal(without, with);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        // Released: a region can be entered again.
        using var region = LargeCallGcRegion.TryEnter(Mb, Mb);
        Assert.NotNull(region);
    }
}
