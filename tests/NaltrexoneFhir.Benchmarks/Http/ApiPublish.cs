using System.Diagnostics;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// Publishes the API the way it is deployed (the Dockerfile's command: Release, ReadyToRun for this machine's
/// runtime, framework-dependent) into the artifacts folder, so the HTTP figures are those of a deployment and not of
/// a JIT-only build output. Incremental: a second run only re-publishes what changed.
/// </summary>
public static class ApiPublish
{
    public static string Directory => Path.Combine(Repo.ArtifactsDir, "api-publish");

    public static string Dll => Path.Combine(Directory, "NaltrexoneFhir.Api.dll");

    /// <summary>
    /// The garbage collector's settings in the image's environment (<c>DOTNET_GC*</c> in the Dockerfile's runtime
    /// stage, e.g. the young generation's budget, which the runtime reads only from the environment): the benchmark
    /// starts the service with them, as the image runs it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> GcEnvironment { get; } = ReadGcEnvironment();

    private static Dictionary<string, string> ReadGcEnvironment()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repo.Root, "src", "NaltrexoneFhir.Api", "Dockerfile"));
        var runtimeStage = dockerfile[Math.Max(0, dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal))..];
        var lines = runtimeStage.Split('\n').Where(l => !l.TrimStart().StartsWith('#'));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        // ENV KEY=VALUE [KEY=VALUE ...], continued over lines ending in a backslash.
        foreach (var instruction in string.Join('\n', lines).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n'))
        {
            var tokens = instruction.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens is not ["ENV", ..]) continue;
            foreach (var token in tokens.Skip(1))
                if (token.Split('=', 2) is [var key, var value] && key.StartsWith("DOTNET_GC", StringComparison.Ordinal))
                    settings[key] = value;
        }
        return settings;
    }

    public static async Task<TimeSpan> RunAsync()
    {
        var project = Path.Combine(Repo.Root, "src", "NaltrexoneFhir.Api", "NaltrexoneFhir.Api.csproj");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-o", Directory, "-p:UseAppHost=false",
                     "--use-current-runtime", "--self-contained", "false", "-p:PublishReadyToRun=true", "-nologo", "-v", "q" })
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_NOLOGO"] = "1";
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start 'dotnet publish'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(Dll))
            throw new InvalidOperationException($"'dotnet publish' of the API failed (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
        return sw.Elapsed;
    }
}
