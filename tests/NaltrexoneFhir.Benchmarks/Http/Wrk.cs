using System.Diagnostics;
using System.Globalization;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// Runs Debian's <c>wrk</c> (C, event loop: far cheaper per request than a .NET client, which matters on 2 cores)
/// with a Lua script that POSTs the bodies in turn and prints the summary in one parseable line.
/// </summary>
public static class Wrk
{
    public static string? Path { get; } = Find();

    public static bool Available => Path is not null;

    /// <summary>
    /// <paramref name="bodiesFile"/> holds one request body per line (JSON without line breaks); wrk's thread builds
    /// every request once, before its clock starts, and sends them in turn. Building a request per call in Lua
    /// (a new 34 KB string) cost wrk 13-30 µs more per request, the cores' time the service would otherwise have had;
    /// returning a prebuilt one costs what the single fixed body did (measured in session 20).
    /// </summary>
    public static async Task<LoadResult> RunAsync(string target, Uri url, string bodiesFile, int connections, int threads, TimeSpan duration)
    {
        var script = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"naltrexone-bench-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, $$"""
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            local prebuilt, count, i = {}, 0, 0
            init = function(args)
              for body in io.lines([[{{bodiesFile}}]]) do
                count = count + 1
                prebuilt[count] = wrk.format(nil, nil, nil, body)
              end
              assert(count > 0, "no request bodies")
            end
            request = function()
              i = i % count + 1
              return prebuilt[i]
            end
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("WRK_RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.1f\n",
                summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
            end
            """);
        var info = new ProcessStartInfo(Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { $"-t{threads}", $"-c{connections}", $"-d{Math.Max(1, (int)duration.TotalSeconds)}s", "--timeout", "30s", "-s", script, url.ToString() })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(script);
        var line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("WRK_RESULT ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"wrk gave no result (exit {process.ExitCode}): {await stderr}");
        var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var errors = (long)(v[2] + v[3] + v[4] + v[5] + v[6]);
        return new LoadResult(target, "wrk", "closed loop", connections, v[1] / 1e6, (long)v[0], errors,
            new Latency(v[7] / 1000, v[8] / 1000, v[9] / 1000, v[10] / 1000, v[11] / 1000));
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);
}
