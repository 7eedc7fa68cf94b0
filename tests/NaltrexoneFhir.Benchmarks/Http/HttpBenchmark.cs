using System.Globalization;
using System.Text;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <param name="DistinctCalls">
/// How many different hook calls the load cycles through (<see cref="SyntheticPatient.DistinctCalls"/>); 1 sends the one
/// typical body every time (`--same-call`, the benchmark before session 20).
/// </param>
public sealed record HttpSettings(bool Quick, int Connections, TimeSpan Duration, int Rounds, TimeSpan FixedRateDuration, int ColdStarts, bool UseWrk, int DistinctCalls)
{
    /// <summary>
    /// 4,000 calls: their patients (and, before audit schema version 4, their hook instances) land on about as many
    /// places in the audit's index on the patient's hash as that index has leaf pages after a full run's ~400,000
    /// calls, for 140 MB of prebuilt requests in wrk.
    /// </summary>
    public const int DefaultDistinctCalls = 4000;

    public static HttpSettings For(bool quick, int? connections, double? seconds, bool forceDotnetClient, bool sameCall = false) => quick
        ? new(true, connections ?? 16, TimeSpan.FromSeconds(seconds ?? 2), 1, TimeSpan.FromSeconds(3), 1, !forceDotnetClient && Wrk.Available, sameCall ? 1 : 200)
        : new(false, connections ?? 32, TimeSpan.FromSeconds(seconds ?? 10), 3, TimeSpan.FromSeconds(20), 3, !forceDotnetClient && Wrk.Available, sameCall ? 1 : DefaultDistinctCalls);
}

/// <summary>
/// The HTTP benchmark: cold starts, then one service process driven closed-loop on the order-sign route and on the
/// baseline route (same body, interleaved rounds, same run), a fixed-rate run at half the measured maximum, and
/// sequential large-history calls, on loopback and over a paced 1 Gbit/s upload; peak RSS from /proc.
/// </summary>
public static class HttpBenchmark
{
    /// <summary>A 1 Gbit/s link between the EHR and the service.</summary>
    private const double LinkBytesPerSecond = 125e6;

    public static async Task<int> RunAsync(HttpSettings s, TextWriter report)
    {
        var typical = SyntheticPatient.OrderSign(PatientShape.Typical);
        var calls = s.DistinctCalls > 1 ? SyntheticPatient.DistinctCalls(typical, s.DistinctCalls) : [typical];
        var large = SyntheticPatient.OrderSign(PatientShape.Large);
        Directory.CreateDirectory(Repo.ArtifactsDir);
        var callsFile = Path.Combine(Repo.ArtifactsDir, "order-sign-typical-calls.jsonl"); // one body per line, for wrk
        await using (var file = File.Create(callsFile))
            foreach (var call in calls)
            {
                file.Write(call);
                file.WriteByte((byte)'\n');
            }
        var failures = new List<string>();

        report.WriteLine($"## HTTP ({(s.Quick ? "quick smoke run, figures not meaningful" : "full run")}) — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.WriteLine();
        report.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load {LoadAverage()}; {MemoryDaemonWatch.Describe() ?? "no kdamond running"}.");
        var published = await ApiPublish.RunAsync();
        report.WriteLine($"Service: `dotnet {Path.GetRelativePath(Repo.Root, Repo.ApiDll)}` (published Release, ReadyToRun, as the Dockerfile does; publish took {published.TotalSeconds:0} s), " +
                         $"Development environment (no client JWT), logging at Warning, Clock:Now={SyntheticPatient.NowText}, Benchmark:BaselineEndpoint=true, " +
                         $"GC settings from the Dockerfile: {(ApiPublish.GcEnvironment.Count == 0 ? "none" : string.Join(", ", ApiPublish.GcEnvironment.Select(e => $"{e.Key}={e.Value}")))}.");
        report.WriteLine($"Typical body {typical.Length / 1024.0:0.0} KB ({PatientShape.Typical.Resources} resources); large-history body {large.Length / 1024.0 / 1024.0:0.00} MB ({PatientShape.Large.Resources} resources).");
        report.WriteLine(calls.Length > 1
            ? $"Typical load: {calls.Length:N0} different hook calls sent in turn (the same clinical content; each its own random hookInstance and one of 100,000 patients), as an EHR's calls differ, to both routes."
            : "Typical load: the same body every time (`--same-call`: one hookInstance and one patient, which the audit's indexes take as one append).");
        report.WriteLine();

        // 1. Cold start: process start to the first answered order-sign, each in a fresh process.
        var colds = new List<double>();
        for (var i = 0; i < s.ColdStarts; i++)
        {
            await using var cold = await ServiceProcess.StartAsync(typical, TimeSpan.FromSeconds(60));
            colds.Add(cold.ColdStart.TotalMilliseconds);
        }
        colds.Sort();
        report.WriteLine($"Cold start (process start → first 200 order-sign): median {colds[colds.Count / 2]:0} ms over {colds.Count} starts ({string.Join(", ", colds.Select(c => c.ToString("0", CultureInfo.InvariantCulture)))} ms).");
        report.WriteLine();

        // 2. Load on one process: warm up both routes, then interleaved closed-loop rounds.
        await using var service = await ServiceProcess.StartAsync(typical, TimeSpan.FromSeconds(60));
        var warmup = TimeSpan.FromSeconds(s.Quick ? 1 : 10); // long enough for tiered JIT to reach tier 1 (a 3 s warm-up left the first round at a fifth of the others)
        await LoadClient.ClosedLoopAsync("warm-up", service.OrderSign, calls, s.Connections, warmup);
        await LoadClient.ClosedLoopAsync("warm-up", service.Baseline, calls, s.Connections, warmup);

        var rows = new List<LoadResult>();
        var cpuPerRequest = new Dictionary<LoadResult, double>(ReferenceEqualityComparer.Instance); // µs, every closed-loop and fixed-rate round
        // How late the open-loop client sent each fixed-rate round's requests (its own wake-ups, part of the latency).
        var sendLateness = new Dictionary<LoadResult, Latency>(ReferenceEqualityComparer.Instance);
        for (var r = 0; r < s.Rounds; r++)
        {
            rows.Add(await ClosedLoop("order-sign (typical)", service.OrderSign));
            rows.Add(await ClosedLoop("baseline (same body)", service.Baseline));
        }
        var (peakAfterLoad, _) = service.Memory();

        var svc = rows.Where(x => x.Target == "order-sign (typical)").ToList();
        var bas = rows.Where(x => x.Target.StartsWith("baseline", StringComparison.Ordinal)).ToList();
        var svcRps = Median.Of(svc.Select(x => x.RequestsPerSecond));
        var basRps = Median.Of(bas.Select(x => x.RequestsPerSecond));
        var svcCpu = Median.Of(svc.Select(x => cpuPerRequest[x]));
        var basCpu = Median.Of(bas.Select(x => cpuPerRequest[x]));

        // 3. Latency at a fixed rate of half the measured maximum (open loop, raw-socket client: OpenLoopClient), and
        // the baseline route at the same rate in the same process: the latency floor at that load.
        // It starts with a settling period at that rate, reported but not counted: right after the saturated closed
        // loop the service is still writing the audit records queued meanwhile, and a run started then measures that
        // recovery (p99 2-5x the steady state's, BENCHMARKS.md), not latency at this rate.
        // Then interleaved rounds (order-sign, baseline, order-sign, ...), as for throughput, and the median round's p99
        // is the figure: on this VM one 20 s window can meet a minute when even the constant baseline route's p99 is
        // 5-18 ms (sessions 8 and 9), and one window alone then decided the verdict. Every round is in the table.
        var rate = Math.Max(10, svcRps / 2);
        var openLoopConnections = Math.Max(16, s.Connections);
        var settling = TimeSpan.FromSeconds(s.Quick ? 1 : 5);
        var settle = OpenLoopClient.Run("order-sign (typical), settling (not counted)", service.OrderSign, calls, rate, settling, openLoopConnections);
        rows.Add(settle);
        var fixedSvc = new List<LoadResult>();
        var fixedBas = new List<LoadResult>();
        var fixedRateCpu = TimeSpan.Zero;
        // The service's GC pauses in each order-sign round, from its own runtime events (Http/GcPauses.cs).
        var gcRounds = new List<GcPauseSummary>();
        // And when the kernel's kdamond ran (Http/MemoryDaemonWatch.cs; on this VM most of the tail comes with it).
        var daemonRounds = new List<DaemonEpisodes>();
        var tails = new List<string>();
        var floorTails = new List<string>();
        var betweenEpisodes = new List<TailCauses.Away>();
        for (var r = 0; r < s.Rounds; r++)
        {
            using var gc = GcPauses.TryStart(service.ProcessId);
            using var daemons = MemoryDaemonWatch.TryStart();
            var round = FixedRate("order-sign (typical)", service.OrderSign);
            var pauses = gc?.Stop();
            var episodes = daemons?.Stop();
            if (pauses is not null) gcRounds.Add(pauses);
            if (episodes is not null) daemonRounds.Add(episodes);
            var (causes, between) = TailCauses.OfRound(OpenLoopClient.LastRun,
                pauses?.PausesFrom(OpenLoopClient.LastRunStartUtc) ?? [], episodes?.From(OpenLoopClient.LastRunStartUtc) ?? []);
            tails.Add(causes);
            if (between is { } away) betweenEpisodes.Add(away);
            fixedRateCpu += OpenLoopClient.ClientCpu;
            fixedSvc.Add(round);
            rows.Add(round);
            // The floor's tail against the same daemon: what the machine does to a route that does almost nothing.
            using var floorDaemons = MemoryDaemonWatch.TryStart();
            var floor = FixedRate("baseline (same body)", service.Baseline);
            if (floorDaemons?.Stop() is { } floorEpisodes)
                floorTails.Add(TailCauses.Describe(OpenLoopClient.LastRun, ("a kdamond episode", floorEpisodes.From(OpenLoopClient.LastRunStartUtc))));
            fixedBas.Add(floor);
            rows.Add(floor);
        }
        var fixedRate = fixedSvc.OrderBy(x => x.Latency.P99).ElementAt(fixedSvc.Count / 2);
        var fixedRateBaseline = fixedBas.OrderBy(x => x.Latency.P99).ElementAt(fixedBas.Count / 2);
        // A call costs more CPU at this rate than at saturation (idle workers spinning and waking, BENCHMARKS.md,
        // session 17), so the cores are busier than "half of the maximum" says; this is how busy.
        var fixedCpu = Median.Of(fixedSvc.Select(x => cpuPerRequest[x]));
        var fixedBusy = ServiceProcess.CoresBusy(rate, fixedCpu);

        // 3b. At the rate a busy EHR sends (LowRate): every request finds the service idle, so it pays the wake-ups
        // and cold caches a loaded service does not; this is the latency clinicians see most of the time.
        var lowDuration = s.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(20);
        var lowSvc = FixedRate("order-sign (typical)", service.OrderSign, LowRate, lowDuration);
        rows.Add(lowSvc);
        var lowBas = FixedRate("baseline (same body)", service.Baseline, LowRate, lowDuration);
        rows.Add(lowBas);

        // 4. The large-history patient over HTTP, one call at a time.
        var largeRun = await LoadClient.SequentialAsync("order-sign (large history)", service.OrderSign, large, s.Quick ? 3 : 30);
        rows.Add(largeRun);
        // 5. The same over a 1 Gbit/s link (the body paced at 125 MB/s, ~41 ms): what the service adds after the last byte.
        var (linkRun, afterLastByte) = await LoadClient.SequentialPacedAsync("order-sign (large history)", service.OrderSign, large, s.Quick ? 3 : 30, LinkBytesPerSecond);
        rows.Add(linkRun);
        var (peakAfterLarge, currentRss) = service.Memory();

        report.WriteLine($"Closed loop: {s.Connections} connections, {s.Duration.TotalSeconds:0} s per round, {s.Rounds} interleaved round(s) per route; client {(s.UseWrk ? "wrk (1 thread)" : "C# HttpClient")}.");
        report.WriteLine();
        report.WriteLine("| Route | Tool | Mode | Requests | Errors | Req/s | Service CPU µs/req | p50 ms | p95 ms | p99 ms | max ms |");
        report.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in rows)
            report.WriteLine(FormattableString.Invariant(
                $"| {x.Target} | {x.Tool} | {x.Mode} | {x.Requests} | {x.Errors} | {x.RequestsPerSecond:0} | {(cpuPerRequest.TryGetValue(x, out var cpu) ? cpu.ToString("0", CultureInfo.InvariantCulture) : "")} | {x.Latency.P50:0.00} | {x.Latency.P95:0.00} | {x.Latency.P99:0.00} | {x.Latency.Max:0.00} |"));
        report.WriteLine();
        report.WriteLine(FormattableString.Invariant($"**Throughput ratio, order-sign / baseline: {svcRps / basRps:P0}** (median {svcRps:0} vs {basRps:0} req/s; per round: {string.Join(", ", svc.Zip(bas, (a, b) => (a.RequestsPerSecond / b.RequestsPerSecond).ToString("P0", CultureInfo.InvariantCulture)))}). By the service's CPU per request, which the load client and the VM's neighbours do not move: {basCpu / svcCpu:P0} (median {svcCpu:0} vs {basCpu:0} µs per request)."));
        report.WriteLine(FormattableString.Invariant($"**Fixed rate {rate:0} req/s (half of the max {svcRps:0} req/s): p99 {fixedRate.Latency.P99:0.00} ms** (the median of {fixedSvc.Count} interleaved {s.FixedRateDuration.TotalSeconds:0} s round(s): {P99s(fixedSvc)} ms; that round's p50 {fixedRate.Latency.P50:0.00}, p95 {fixedRate.Latency.P95:0.00}, max {fixedRate.Latency.Max:0.00}), measured from each request's scheduled start, after {settling.TotalSeconds:0} s at that rate right after the closed loop (p99 {settle.Latency.P99:0.00} ms then, not counted); the baseline route at the same rate, in the rounds between: p99 {fixedRateBaseline.Latency.P99:0.00} ms median ({P99s(fixedBas)} ms; p50 {fixedRateBaseline.Latency.P50:0.00}). The open-loop client used {fixedRateCpu.TotalSeconds / (s.FixedRateDuration.TotalSeconds * fixedSvc.Count):P0} of one core and sent that round's requests after their due times by p50 {sendLateness[fixedRate].P50:0.00} ms, p99 {sendLateness[fixedRate].P99:0.00} ms (its own threads waking; counted in the latency). The service's CPU per order-sign request at this rate: {fixedCpu:0} µs (median round; {svcCpu:0} µs in the closed loop), so the service kept the {Environment.ProcessorCount} cores {fixedBusy:P0} busy."));
        report.WriteLine(gcRounds.Count == 0
            ? "GC pauses in the service: not recorded (could not attach to its diagnostics port)."
            : $"GC in the service during those order-sign rounds (its runtime's events): {string.Join("; ", gcRounds)}.");
        if (daemonRounds.Count > 0) report.WriteLine($"The kernel's memory monitor in those rounds: {string.Join("; ", daemonRounds)}.");
        report.WriteLine($"What each order-sign round's tail coincides with: {string.Join("; ", tails)}.");
        if (floorTails.Count > 0) report.WriteLine($"The baseline route's rounds at the same rate: {string.Join("; ", floorTails)}.");
        if (betweenEpisodes.Count > 0)
            report.WriteLine(FormattableString.Invariant(
                $"Between kdamond's episodes (the requests due more than {TailCauses.EpisodeMarginMs:0} ms before an episode starts or after it ends; not the target's figure, which counts every request): p99 {Median.Of(betweenEpisodes.Select(a => a.P99Ms)):0.00} ms, the median round ({string.Join(", ", betweenEpisodes.Select(a => $"{a.P99Ms:0.00} ms over {a.ShareOfRequests:P0} of the requests"))})."));
        report.WriteLine(FormattableString.Invariant($"**At {LowRate:0} req/s** (a busy EHR's rate; every request finds the service idle), {lowDuration.TotalSeconds:0} s each: order-sign **p50 {lowSvc.Latency.P50:0.00} ms, p99 {lowSvc.Latency.P99:0.00} ms** (p95 {lowSvc.Latency.P95:0.00}, max {lowSvc.Latency.Max:0.00}); the baseline route p50 {lowBas.Latency.P50:0.00}, p99 {lowBas.Latency.P99:0.00} ms; the client sent the order-sign requests after their due times by p50 {sendLateness[lowSvc].P50:0.00} ms, p99 {sendLateness[lowSvc].P99:0.00} ms. The service's CPU per request at that rate: order-sign {cpuPerRequest[lowSvc]:0} µs, baseline {cpuPerRequest[lowBas]:0} µs (mostly what waking costs on this VM: thread-pool workers waking for each request and going back to sleep, every context switch paying the hypervisor; and for order-sign the audit writer's commit every 100 ms, over a few calls each)."));
        report.WriteLine(FormattableString.Invariant($"**Peak RSS (VmHWM): {peakAfterLoad:0} MB after the typical load**, {peakAfterLarge:0} MB after the large-history calls (current {currentRss:0} MB)."));
        report.WriteLine(FormattableString.Invariant($"Large-history over HTTP: median {largeRun.Latency.P50:0.0} ms per call (max {largeRun.Latency.Max:0.0} ms, {largeRun.Requests} calls)."));
        report.WriteLine(FormattableString.Invariant($"Large-history over a 1 Gbit/s link (the body sent at {LinkBytesPerSecond / 1e6:0} MB/s, {large.Length / LinkBytesPerSecond * 1000:0} ms of transfer): median {linkRun.Latency.P50:0.0} ms per call, **{afterLastByte.P50:0.0} ms after the last byte** (p95 {afterLastByte.P95:0.0}, max {afterLastByte.Max:0.0} ms, {linkRun.Requests} calls)."));
        report.WriteLine($"Service log lines written: {service.OutputLines}.");
        report.WriteLine();

        foreach (var x in rows.Where(x => x.Errors > 0))
            failures.Add($"{x.Target} ({x.Mode}): {x.Errors} of {x.Requests} requests failed");
        foreach (var f in failures) Console.Error.WriteLine("ERROR: " + f);
        if (failures.Count > 0) Console.Error.WriteLine("Service output tail:\n" + service.Tail());
        return failures.Count == 0 ? 0 : 1;

        async Task<LoadResult> ClosedLoop(string target, Uri url)
        {
            var cpu0 = service.CpuTime();
            var result = await (s.UseWrk
                ? Wrk.RunAsync(target, url, callsFile, s.Connections, 1, s.Duration)
                : LoadClient.ClosedLoopAsync(target, url, calls, s.Connections, s.Duration));
            // Includes the audit writer's work for these requests (it keeps up within its 100 ms flush interval).
            cpuPerRequest[result] = ServiceProcess.PerRequestUs(service.CpuTime() - cpu0, result.Requests);
            return result;
        }

        LoadResult FixedRate(string target, Uri url, double? atRate = null, TimeSpan? forDuration = null)
        {
            var cpu0 = service.CpuTime();
            var result = OpenLoopClient.Run(target, url, calls, atRate ?? rate, forDuration ?? s.FixedRateDuration, openLoopConnections);
            sendLateness[result] = OpenLoopClient.SendLateness;
            cpuPerRequest[result] = ServiceProcess.PerRequestUs(service.CpuTime() - cpu0, result.Requests);
            return result;
        }
    }

    /// <summary>
    /// A busy EHR's rate of hook calls to one service (a hospital's order-sign calls at peak: a few a second to tens;
    /// 50 leaves room), at which the latency the clinicians see is measured as well.
    /// </summary>
    private const double LowRate = 50;

    private static string P99s(IEnumerable<LoadResult> rounds) =>
        string.Join(", ", rounds.Select(x => x.Latency.P99.ToString("0.00", CultureInfo.InvariantCulture)));

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
