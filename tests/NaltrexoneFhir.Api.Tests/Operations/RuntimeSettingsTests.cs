using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using NaltrexoneFhir.Api.Hosting;
using NaltrexoneFhir.Api.Tests.Support;
using NaltrexoneFhir.Testing;

namespace NaltrexoneFhir.Api.Tests.Operations;

/// <summary>
/// The runtime settings the API ships with were chosen by measurement (BENCHMARKS.md): workstation GC, dynamic PGO
/// on, and a 20 ms call-counting delay instead of 100 ms (with 100 ms PGO's warm-up under load took ~20 s instead of
/// ~14 s; with 0 the cold start was ~330 ms longer).
/// They live in the API's runtimeconfig.json, which every deployment (ReadyToRun publish, Dockerfile) carries.
/// The young generation's budget (16 MB; left to the runtime, ~2 MB on VMs that report a small CPU cache) can only be
/// set in the environment, so the Dockerfile and launchSettings.json (<c>dotnet run</c>) must carry the same value.
/// </summary>
public sealed partial class RuntimeSettingsTests
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

    [Fact]
    public void YoungGenerationBudget_IsTheSameInTheDockerfileAndForDotnetRun()
    {
        var dockerfile = File.ReadAllText(RepoFiles.Path("src", "NaltrexoneFhir.Api", "Dockerfile"));
        // The image's environment: the runtime stage (after the last FROM), comment lines left out.
        var runtimeStage = string.Join('\n', dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..]
            .Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        var inImage = Assert.Single(Gen0SizeAssignment().Matches(runtimeStage)).Groups["value"].Value;

        var bytes = long.Parse(inImage.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.InRange(bytes, 8L << 20, 32L << 20); // at least 8 MB (fewer GCs); at most 32 MB (peak RSS under 250 MB, BENCHMARKS.md)

        using var launch = JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("src", "NaltrexoneFhir.Api", "Properties", "launchSettings.json")));
        var profiles = launch.RootElement.GetProperty("profiles").EnumerateObject().ToList();
        Assert.NotEmpty(profiles);
        Assert.All(profiles, p => Assert.Equal(inImage, p.Value.GetProperty("environmentVariables").GetProperty(RuntimeSettings.Gen0SizeVariable).GetString()));
    }

    [Fact]
    public void StartUp_LogsWhereTheYoungGenerationBudgetCameFrom()
    {
        Assert.Equal("DOTNET_GCgen0size=0x1000000", RuntimeSettings.DescribeGen0(" 0x1000000 "));
        Assert.StartsWith("DOTNET_GCgen0size not set: the runtime's default", RuntimeSettings.DescribeGen0(null));

        var logs = new CapturingLoggerProvider();
        using var factory = new CdsApiFactory().Configure(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var _ = factory.CreateClient();
        var expected = RuntimeSettings.DescribeGen0(RuntimeSettings.ConfiguredGen0Size());
        Assert.Contains(logs.Lines, l => l.Contains($"GC: workstation; young generation: {expected}; the runtime's upper bound", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\bDOTNET_GCgen0size=(?<value>0x[0-9A-Fa-f]+)\b")]
    private static partial Regex Gen0SizeAssignment();
}
