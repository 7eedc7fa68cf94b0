using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Tests.Kit;

namespace NaltrexoneFhir.Cli.Tests;

/// <summary>Replays the API tests' recorded scenarios (tests/NaltrexoneFhir.Api.Tests/Scenarios, core-*) against the live service.</summary>
[Collection(nameof(LiveServerCollection))]
public sealed class ReplayTests(LiveCdsServer server) : IDisposable
{
    private readonly CliRunner _cli = new();

    /// <summary>A private copy of the core scenarios (so a test can alter one).</summary>
    private string CopyCoreScenarios()
    {
        var target = Directory.CreateDirectory(Path.Combine(_cli.KeyDirectory, "scenarios")).FullName;
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(AppContext.BaseDirectory, "Scenarios"), "core-*"))
        {
            // Scenarios that need server-side settings (e.g. the strict data-failure policy) cannot be replayed as is.
            if (System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")))?["settings"] is not null) continue;
            var copy = Directory.CreateDirectory(Path.Combine(target, Path.GetFileName(dir))).FullName;
            foreach (var file in Directory.EnumerateFiles(dir)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        return target;
    }

    [Fact]
    public async Task Replay_RecordedScenarios_AllPass()
    {
        var folder = CopyCoreScenarios();
        var count = Directory.GetDirectories(folder).Length;
        Assert.True(count >= 10, $"expected the core scenarios, found {count}");

        var run = await _cli.RunAsync("replay", folder, "--service", server.BaseUrl);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{count} passed, 0 failed", run.Out);
        Assert.Contains("core-02-ntx-active-oxycodone", run.Out);
        Assert.Contains("PASS", run.Out);
        Assert.DoesNotContain("FAIL", run.Out);
    }

    [Fact]
    public async Task Replay_WrongExpectation_FailsWithExitCodeOne()
    {
        var folder = CopyCoreScenarios();
        var expected = Path.Combine(folder, "core-02-ntx-active-oxycodone", "expected.json");
        var json = JsonNode.Parse(File.ReadAllText(expected))!;
        json["concerns"] = new JsonArray("hepatotoxicity");
        File.WriteAllText(expected, json.ToJsonString());

        var run = await _cli.RunAsync("replay", folder, "--service", server.BaseUrl + "/cds-services");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL", run.Out);
        Assert.Contains("core-02-ntx-active-oxycodone: expected hepatotoxicity; missing [hepatotoxicity], unexpected [opioid-coprescription]", run.Out);
        Assert.Contains(", 1 failed", run.Out);
    }

    [Fact]
    public async Task Replay_ExpectedErrorStatus_Passes()
    {
        // A recorded request the service must refuse (no hookInstance → 400): an expected non-200 status passes.
        var one = Path.Combine(CopyCoreScenarios(), "core-01-ntx-clean-patient");
        var request = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(one, "request.json")))!.AsObject();
        request.Remove("hookInstance");
        File.WriteAllText(Path.Combine(one, "request.json"), request.ToJsonString());
        File.WriteAllText(Path.Combine(one, "expected.json"), """{"service": "naltrexone-order-sign", "status": 400, "concerns": []}""");

        var run = await _cli.RunAsync("replay", one, "--service", server.BaseUrl);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 passed, 0 failed", run.Out);
        Assert.Contains("HTTP 400", run.Out);
    }

    [Fact]
    public async Task Replay_BadExpectedFile_FailsThatScenario_NoStackTrace()
    {
        var folder = CopyCoreScenarios();
        File.WriteAllText(Path.Combine(folder, "core-01-ntx-clean-patient", "expected.json"), "{\n \"service\": \"naltrexone-order-sign\",\n \"concerns\": [\n");

        var run = await _cli.RunAsync("replay", folder, "--service", server.BaseUrl);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("expected.json is not valid JSON (line", run.Out);
        Assert.DoesNotContain("   at ", run.Out + run.Error);
    }

    [Fact]
    public async Task Replay_FolderWithoutScenarios_IsAnError()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_cli.KeyDirectory, "empty")).FullName;

        var run = await _cli.RunAsync("replay", empty, "--service", server.BaseUrl);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No scenarios under", run.Error);
    }

    [Fact]
    public async Task Replay_UnreachableService_StopsWithOneError()
    {
        var run = await _cli.RunAsync("replay", CopyCoreScenarios(), "--service", "http://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Could not reach", run.Error);
    }

    [Fact]
    public async Task Replay_WithoutService_IsAParseError()
    {
        var run = await _cli.RunAsync("replay", CopyCoreScenarios());

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--service", run.Error);
    }

    public void Dispose() => _cli.Dispose();
}
