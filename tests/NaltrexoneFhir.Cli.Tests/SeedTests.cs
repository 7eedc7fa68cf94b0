using NaltrexoneFhir.Cli.Tests.Kit;

namespace NaltrexoneFhir.Cli.Tests;

public sealed class SeedTests : IAsyncLifetime
{
    /// <summary>The CLI's own example transaction bundle (fhir-profiles/examples/sandbox).</summary>
    public static readonly string ExampleFile = Path.Combine(AppContext.BaseDirectory, "examples", "sandbox", "cli-example-oxycodone-alt.json");

    private readonly CliRunner _cli = new();
    private readonly StubFhirServer _fhir = new();

    /// <summary>A folder holding only the CLI's example bundle (other sandbox bundles may need a real FHIR server).</summary>
    public static string ExampleOnlyFolder(string under)
    {
        var dir = Directory.CreateDirectory(Path.Combine(under, "seed-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        File.Copy(ExampleFile, Path.Combine(dir, Path.GetFileName(ExampleFile)));
        return dir;
    }

    public Task InitializeAsync() => _fhir.StartAsync();

    [Fact]
    public async Task Seed_LoadsTransactionBundles()
    {
        var run = await _cli.RunAsync("seed", _fhir.FhirBase, "--folder", ExampleOnlyFolder(_cli.KeyDirectory));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 loaded, 0 failed", run.Out);
        Assert.Equal("1981-06-03", (string?)_fhir.Get("Patient", "pat-cli-001")!["birthDate"]);
        Assert.NotNull(_fhir.Get("MedicationRequest", "pat-cli-001-oxycodone"));
        Assert.NotNull(_fhir.Get("Observation", "pat-cli-001-alt"));
        Assert.Contains("POST /fhir", _fhir.Requests);
    }

    [Fact]
    public async Task Seed_DefaultFolder_IsFoundUpwardsFromTheWorkingDirectory()
    {
        var root = Directory.CreateDirectory(Path.Combine(_cli.KeyDirectory, "repo")).FullName;
        var sandbox = Directory.CreateDirectory(Path.Combine(root, "fhir-profiles", "examples", "sandbox")).FullName;
        File.Copy(ExampleFile, Path.Combine(sandbox, "a.json"));
        _cli.WorkingDirectory = Directory.CreateDirectory(Path.Combine(root, "src", "deep")).FullName;

        var run = await _cli.RunAsync("seed", _fhir.FhirBase);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotNull(_fhir.Get("Patient", "pat-cli-001"));
    }

    [Fact]
    public async Task Seed_SingleResourceFile_IsPut_AndBadFilesFailTheirRow()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_cli.KeyDirectory, "mixed")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "1-patient.json"), """{"resourceType":"Patient","id":"solo","gender":"male"}""");
        await File.WriteAllTextAsync(Path.Combine(dir, "2-broken.json"), "{ nope");
        await File.WriteAllTextAsync(Path.Combine(dir, "3-searchset.json"), """{"resourceType":"Bundle","type":"searchset"}""");

        var run = await _cli.RunAsync("seed", _fhir.FhirBase, "--folder", dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("male", (string?)_fhir.Get("Patient", "solo")!["gender"]);
        Assert.Contains("PUT /fhir/Patient/solo", _fhir.Requests);
        Assert.Contains("2-broken.json is not valid JSON", run.Out);
        Assert.Contains("not a transaction/batch Bundle", run.Out);
        Assert.Contains("1 loaded, 2 failed", run.Out);
        Assert.DoesNotContain("   at ", run.Out + run.Error);
    }

    [Fact]
    public async Task Seed_MissingFolder_IsAnError()
    {
        var run = await _cli.RunAsync("seed", _fhir.FhirBase, "--folder", "/no/such/folder");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Folder not found", run.Error);
    }

    [Fact]
    public async Task Seed_UnreachableServer_IsAnError()
    {
        var run = await _cli.RunAsync("seed", "http://127.0.0.1:1/fhir", "--folder", ExampleOnlyFolder(_cli.KeyDirectory));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Could not reach http://127.0.0.1:1/fhir", run.Error);
    }

    public async Task DisposeAsync()
    {
        await _fhir.DisposeAsync();
        _cli.Dispose();
    }
}
