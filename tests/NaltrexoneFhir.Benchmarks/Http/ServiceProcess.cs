using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>
/// The API as its own process (<c>dotnet NaltrexoneFhir.Api.dll</c>, the Release build) on a free loopback port,
/// with Clock:Now pinned and the baseline endpoint switched on. Stopped (by its own pid) on dispose, and its audit
/// store's directory deleted then: a load run writes hundreds of MB of audit records, and every run used to leave
/// them in the temp directory.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly string _dataDirectory;
    private long _outputLines;

    private ServiceProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }
    public Uri BaseUri { get; }
    public Uri OrderSign => new(BaseUri, $"/cds-services/{SyntheticPatient.OrderSignService}");
    public Uri Baseline => new(BaseUri, "/benchmark/baseline");
    public int ProcessId => _process.Id;
    /// <summary>Process start to the first answered (200) order-sign.</summary>
    public TimeSpan ColdStart { get; private set; }
    public long OutputLines => Interlocked.Read(ref _outputLines);

    public static async Task<ServiceProcess> StartAsync(byte[] firstRequest, TimeSpan timeout)
    {
        var dll = Repo.ApiDll;
        if (!File.Exists(dll))
            throw new FileNotFoundException($"The API is not published at {dll} (the HTTP benchmark publishes it first).");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Development: the load client sends no CDS client JWT (Production requires one); logs quiet; the audit store in a temp dir.
        var dataDir = Path.Combine(Path.GetTempPath(), "naltrexone-bench-" + Guid.NewGuid().ToString("N"));
        foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{port}", $"--Clock:Now={SyntheticPatient.NowText}", "--Benchmark:BaselineEndpoint=true",
                     $"--Storage:DataDirectory={dataDir}", "--Logging:LogLevel:Default=Warning", "--Security:RateLimit:PermitLimit=100000000" })
            info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in ApiPublish.GcEnvironment) info.Environment[key] = value;

        var sw = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the API process.");
        var service = new ServiceProcess(process, port, dataDir);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitForFirstAnswerAsync(firstRequest, sw, timeout);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    private async Task WaitForFirstAnswerAsync(byte[] body, Stopwatch sw, TimeSpan timeout)
    {
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode} before answering:\n{Tail()}");
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"The API did not answer an order-sign within {timeout.TotalSeconds:0} s:\n{Tail()}");
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(OrderSign, content);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await response.Content.CopyToAsync(Stream.Null);
                    ColdStart = sw.Elapsed;
                    return;
                }
                throw new InvalidOperationException($"The API answered the first order-sign with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(5); // not listening yet
            }
        }
    }

    /// <summary>
    /// CPU time the service process has used so far (all its threads: request threads, the audit writer, GC, JIT).
    /// Divided by the requests of a round it is the CPU per request, which unlike throughput does not depend on how
    /// much of the 2 cores the load client or the VM's neighbours took (BENCHMARKS.md).
    /// </summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Microseconds of service CPU per request, from the CPU time a run of <paramref name="requests"/> used.</summary>
    public static double PerRequestUs(TimeSpan cpu, long requests) => cpu.TotalMicroseconds / Math.Max(1, requests);

    /// <summary>How busy the machine's cores are with the service at <paramref name="rps"/> requests a second costing <paramref name="perRequestUs"/> each.</summary>
    public static double CoresBusy(double rps, double perRequestUs) => rps * perRequestUs / 1e6 / Environment.ProcessorCount;

    /// <summary>Peak (VmHWM) and current (VmRSS) resident set size in MB, from /proc/&lt;pid&gt;/status.</summary>
    public (double PeakMb, double CurrentMb) Memory()
    {
        double peak = double.NaN, current = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line) / 1024.0;
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = Kb(line) / 1024.0;
        }
        return (peak, current);

        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        Interlocked.Increment(ref _outputLines);
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 30) _tail.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException) { /* already gone */ }
        catch (TimeoutException) { /* reported by the OS; nothing more to do */ }
        _process.Dispose();
        try
        {
            if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException) { /* a process that would not die still holds it; leave it */ }
        catch (UnauthorizedAccessException) { }
    }
}
