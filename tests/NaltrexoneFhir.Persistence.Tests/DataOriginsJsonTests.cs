namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>The <c>hook_call.data_origins</c> column's JSON.</summary>
public sealed class DataOriginsJsonTests
{
    [Fact]
    public void RoundTrips_InOrder_WithCharactersThatNeedEscaping()
    {
        List<HookCallData> data =
        [
            new("liverLabs", DataOrigins.Prefetch, "provided"),
            new("patient", DataOrigins.FhirServer, "null"),
            new("key \"quoted\" \\ é", DataOrigins.Unavailable, "operation-outcome"),
        ];

        var json = DataOriginsJson.Write(data);

        Assert.StartsWith("""[{"key":"liverLabs","origin":"prefetch","state":"provided"},""", json);
        Assert.Equal(data, DataOriginsJson.Read(json));
    }

    [Fact]
    public void Empty_IsAnEmptyArray_AndAnEmptyColumnReadsAsNoData()
    {
        Assert.Equal("[]", DataOriginsJson.Write([]));
        Assert.Empty(DataOriginsJson.Read("[]"));
        Assert.Empty(DataOriginsJson.Read(""));
    }

    [Fact]
    public void ReadsWhatPostgresJsonFunctionsWrite_AnyOrderAndSpacing()
    {
        // json_agg(json_build_object(...))::text, as the version-3 migration writes moved rows on PostgreSQL.
        var json = """[{"state" : "absent", "origin" : "unavailable", "key" : "opioidOrders"}, {"key" : "patient", "origin" : "prefetch", "state" : "provided"}]""";

        Assert.Equal(
            [new HookCallData("opioidOrders", DataOrigins.Unavailable, "absent"), new HookCallData("patient", DataOrigins.Prefetch, "provided")],
            DataOriginsJson.Read(json));
    }
}
