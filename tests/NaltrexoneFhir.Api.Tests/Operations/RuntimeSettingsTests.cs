using System.Text.Json;

namespace NaltrexoneFhir.Api.Tests.Operations;

/// <summary>
/// The runtime settings the API ships with were chosen by measurement (BENCHMARKS.md): workstation GC, dynamic PGO
/// on, and a 20 ms call-counting delay instead of 100 ms (with 100 ms PGO's warm-up under load took ~20 s instead of
/// ~14 s; with 0 the cold start was ~330 ms longer).
/// They live in the API's runtimeconfig.json, which every deployment (ReadyToRun publish, Dockerfile) carries.
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "NaltrexoneFhir.Api.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void DynamicPgo_IsOn_WithAShortCallCountingDelay()
    {
        var properties = ConfigProperties();
        Assert.True(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.Equal(20, properties.GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32());
    }

    [Fact]
    public void GarbageCollector_IsWorkstation()
    {
        Assert.False(ConfigProperties().GetProperty("System.GC.Server").GetBoolean());
    }
}
