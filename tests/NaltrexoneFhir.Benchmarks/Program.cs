using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NaltrexoneFhir.Benchmarks;
using NaltrexoneFhir.Benchmarks.Http;

// dotnet run -c Release --project tests/NaltrexoneFhir.Benchmarks -- [all|micro|http] [--quick] [--connections N] [--duration S] [--client dotnet] [--same-call]
// --same-call: the HTTP load sends the one typical body every time instead of 4,000 different calls (HttpSettings).
// --quick: a smoke run of everything (under a minute, figures not meaningful) for CI. Exit code ≠ 0 only when the
// benchmark itself breaks (a crash, a failed rule, a non-200 answer), never because a figure is slow.
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)) ?? "all";
var quick = args.Contains("--quick");
// Positional arguments after the mode (patient shape, seconds, url, rate) for the tool modes below.
var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
int? connections = Option("--connections") is { } c ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : null;
double? seconds = Option("--duration") is { } d ? double.Parse(d, System.Globalization.CultureInfo.InvariantCulture) : null;
var forceDotnetClient = Option("--client") == "dotnet";
if (mode == "profile")
{
    // Not a benchmark: loops the whole handler path for one patient, for dotnet-trace and quick before/after checks.
    // dotnet run -c Release --project tests/NaltrexoneFhir.Benchmarks -- profile [typical|medium|large] [seconds]
    var shape = PatientShape.Of(positional.ElementAtOrDefault(1) ?? "typical");
    var duration = TimeSpan.FromSeconds(double.Parse(positional.ElementAtOrDefault(2) ?? "10", System.Globalization.CultureInfo.InvariantCulture));
    var p = new HookPipeline();
    var body = SyntheticPatient.OrderSign(shape);
    for (var i = 0; i < 20; i++) p.Run(body); // warm-up (tiered JIT)
    // --alloc: sample which types the loop allocates (the runtime's allocation ticks; slows the loop a little).
    using var sampler = args.Contains("--alloc") ? new AllocationSampler() : null;
    sampler?.Start();
    var gcs = GC.CollectionCount(0);
    var gcs1 = GC.CollectionCount(1);
    var gcs2 = GC.CollectionCount(2);
    var paused = GC.GetTotalPauseDuration();
    var process = System.Diagnostics.Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    var sw = System.Diagnostics.Stopwatch.StartNew();
    long n = 0, allocated = 0;
    while (sw.Elapsed < duration)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        p.Run(body);
        allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        n++;
    }
    var elapsed = sw.Elapsed;
    sampler?.Stop();
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpu0;
    var pause = GC.GetTotalPauseDuration() - paused;
    // Stage split of the same path (wall time per call, same loop shape): where a change will pay.
    var stages = new (string Name, Func<int> Run)[]
    {
        ("read", () => { using var r = p.Read(body); return r.Values.Count; }),
        ("snapshot", () => { using var r = p.Read(body); return p.Build(r).Observations.Count; }),
        ("rules", () => { using var r = p.Read(body); var d = p.Build(r); return p.Evaluate(d, r.Trigger).Cards.Count; }),
        ("serialize", () => p.Run(body).Length),
    };
    var split = new List<string>();
    double previousStage = 0, previousBytes = 0;
    foreach (var (name, run) in stages)
    {
        var calls = Math.Max(5, (int)Math.Min(n / 3, 2000));
        var w = System.Diagnostics.Stopwatch.StartNew();
        var bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++) run();
        var perCall = w.Elapsed.TotalMilliseconds * 1000 / calls;
        var bytesPerCall = (GC.GetAllocatedBytesForCurrentThread() - bytes0) / (double)calls;
        split.Add($"{name} +{perCall - previousStage:0} µs +{(bytesPerCall - previousBytes) / 1024:0.0} KB");
        (previousStage, previousBytes) = (perCall, bytesPerCall);
    }
    Console.WriteLine($"  stages (cumulative differences): {string.Join(", ", split)}");
    Console.WriteLine($"{shape.Name}: {n} calls, {elapsed.TotalMilliseconds * 1000 / n:0} µs/call wall, {cpu.TotalMilliseconds * 1000 / n:0} µs/call CPU, " +
                      $"{allocated / n / 1024.0:0.0} KB allocated/call, {(GC.CollectionCount(0) - gcs) / (double)n:0.00} gen0 GCs/call, " +
                      $"{pause.TotalMilliseconds * 1000 / n:0} µs/call GC pause");
    var lastYoung = GC.GetGCMemoryInfo(GCKind.Ephemeral);
    Console.WriteLine($"  of the GCs: gen1 {GC.CollectionCount(1) - gcs1}, gen2 {GC.CollectionCount(2) - gcs2} of {GC.CollectionCount(0) - gcs}; " +
                      $"last ephemeral GC (gen{lastYoung.Generation}): {lastYoung.PromotedBytes / 1024.0:0} KB promoted, " +
                      $"pause {lastYoung.PauseDurations[0].TotalMilliseconds:0.00} ms, compacted {lastYoung.Compacted}");
    if (sampler is not null)
    {
        Console.WriteLine("  allocations by type (sampled about every 100 KB; all threads):");
        foreach (var line in sampler.Top(25, n)) Console.WriteLine("    " + line);
    }
    return 0;
}
if (mode == "rules")
{
    // Per-rule cost over one built snapshot (µs per evaluation, findings materialized), most expensive first.
    // dotnet run -c Release --project tests/NaltrexoneFhir.Benchmarks -- rules [typical|medium|large]
    var p = new HookPipeline();
    using var read = p.Read(SyntheticPatient.OrderSign(PatientShape.Of(positional.ElementAtOrDefault(1) ?? "typical")));
    var data = p.Build(read);
    var costs = new List<(string Rule, double Micros, int Findings)>();
    foreach (var rule in p.Engine.Triggered(read.Trigger, p.Options))
    {
        int Once() => rule.Evaluate(new NaltrexoneFhir.Rules.Engine.RuleContext(data, p.Now, p.Options, p.Terminology)).Count();
        for (var i = 0; i < 200; i++) Once();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var calls = 0;
        var findings = 0;
        while (sw.ElapsedMilliseconds < 150) { findings = Once(); calls++; }
        costs.Add((rule.Id, sw.Elapsed.TotalMilliseconds * 1000 / calls, findings));
    }
    foreach (var (rule, micros, findings) in costs.OrderByDescending(c => c.Micros))
        Console.WriteLine($"  {rule,-5} {micros,8:0.0} µs  {findings} finding(s)");
    Console.WriteLine($"  total {costs.Sum(c => c.Micros):0} µs over {costs.Count} triggered rules (each with a fresh context: shared memos recomputed)");

    // As the engine runs them: in order, in one context per call, so a shared memo is paid by the first rule that
    // needs it. Time and bytes allocated per rule, summed over many calls.
    var triggered = p.Engine.Triggered(read.Trigger, p.Options).ToList();
    var spent = new double[triggered.Count];
    var bytes = new long[triggered.Count];
    var rounds = 0;
    var total = System.Diagnostics.Stopwatch.StartNew();
    var found = new List<NaltrexoneFhir.Rules.Engine.Finding>();
    while (total.ElapsedMilliseconds < 3000)
    {
        var ctx = new NaltrexoneFhir.Rules.Engine.RuleContext(data, p.Now, p.Options, p.Terminology);
        found.Clear();
        for (var i = 0; i < triggered.Count; i++)
        {
            var b0 = GC.GetAllocatedBytesForCurrentThread();
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            triggered[i].Evaluate(ctx, new NaltrexoneFhir.Rules.Engine.FindingSink(found));
            spent[i] += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            bytes[i] += GC.GetAllocatedBytesForCurrentThread() - b0;
        }
        rounds++;
    }
    Console.WriteLine($"  in engine order, one shared context per call ({rounds} calls):");
    foreach (var i in Enumerable.Range(0, triggered.Count).OrderByDescending(i => spent[i]))
        Console.WriteLine($"  {triggered[i].Id,-5} {spent[i] / rounds,8:0.0} µs {bytes[i] / rounds / 1024.0,7:0.0} KB");
    Console.WriteLine($"  total {spent.Sum() / rounds:0} µs, {bytes.Sum() / rounds / 1024.0:0.0} KB per call (rules only; cards are composed after)");
    return 0;
}
if (mode == "rate")
{
    // Open-loop latency against a running service: -- rate <url> <requests per second> [seconds] [--dump FILE] (typical
    // calls, 4,000 different ones in turn; --same-call: one body).
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    if (positional.Length < 3 || !Uri.TryCreate(positional[1], UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
        || !double.TryParse(positional[2], inv, out var rps) || rps <= 0
        || !double.TryParse(positional.ElementAtOrDefault(3) ?? "20", inv, out var secs) || secs <= 0)
    {
        Console.Error.WriteLine("Usage: -- rate <http://host:port/path> <requests per second, > 0> [seconds, > 0; default 20] [--dump FILE] [--gc PID] [--same-call]");
        return 2;
    }
    // --gc PID: also record that service process's GC pauses during the run (Http/GcPauses.cs).
    // With it, the service's CPU per request during the run as well (at a fixed rate a call costs more than at saturation).
    var servicePid = Option("--gc") is { } gcPid && int.TryParse(gcPid, inv, out var pid) ? pid : (int?)null;
    using var gc = servicePid is { } p ? GcPauses.TryStart(p) : null;
    using var service = servicePid is { } sp ? TryGetProcess(sp) : null;
    var cpu0 = service?.TotalProcessorTime;
    var typical = SyntheticPatient.OrderSign(PatientShape.Typical);
    var calls = args.Contains("--same-call") ? [typical] : SyntheticPatient.DistinctCalls(typical, HttpSettings.DefaultDistinctCalls);
    // The kernel's kdamond, when the machine runs it: when it ran during the run (Http/MemoryDaemonWatch.cs).
    using var daemons = MemoryDaemonWatch.TryStart();
    var result = OpenLoopClient.Run("rate", url, calls, rps, TimeSpan.FromSeconds(secs), 32);
    var episodes = daemons?.Stop();
    Console.WriteLine($"{result.Requests} requests, {result.Errors} errors, {result.RequestsPerSecond:0} req/s; {result.Latency}; client CPU {OpenLoopClient.ClientCpu.TotalSeconds / secs:P0} of a core, client GCs {OpenLoopClient.ClientGc.Count} ({OpenLoopClient.ClientGc.Paused.TotalMilliseconds:0.0} ms paused); sent after the due time by p50 {OpenLoopClient.SendLateness.P50:0.00} ms, p99 {OpenLoopClient.SendLateness.P99:0.00} ms");
    var pauses = gc?.Stop();
    if (service is not null && cpu0 is { } before)
    {
        service.Refresh();
        var perRequest = ServiceProcess.PerRequestUs(service.TotalProcessorTime - before, result.Requests);
        Console.WriteLine(FormattableString.Invariant($"service CPU: {perRequest:0} µs per request, the {Environment.ProcessorCount} cores {ServiceProcess.CoresBusy(rps, perRequest):P0} busy with it"));
    }
    if (pauses is not null) Console.WriteLine($"service GC: {pauses}");
    if (episodes is not null) Console.WriteLine($"machine: {episodes}");
    if (pauses is not null || episodes is not null)
    {
        var (causes, between) = TailCauses.OfRound(OpenLoopClient.LastRun,
            pauses?.PausesFrom(OpenLoopClient.LastRunStartUtc) ?? [], episodes?.From(OpenLoopClient.LastRunStartUtc) ?? []);
        Console.WriteLine("  " + causes);
        if (between is { ShareOfRequests: > 0 } away)
            Console.WriteLine(FormattableString.Invariant($"  between kdamond's episodes (requests due more than {TailCauses.EpisodeMarginMs:0} ms away from one): p99 {away.P99Ms:0.00} ms over {away.ShareOfRequests:P0} of the requests"));
    }
    // --dump FILE: one line per request, "due_ms latency_ms", to see when the slow ones happened; the first line gives
    // the UTC time the first request was due, to line them up with other traces (with --gc, the pauses follow the
    // requests as "# gc start_ms duration_ms", then kdamond's episodes as "# kdamond start_ms duration_ms", on the same
    // time axis).
    if (Option("--dump") is { } dump)
        File.WriteAllLines(dump, [
            FormattableString.Invariant($"# start {OpenLoopClient.LastRunStartUtc:O}"),
            .. OpenLoopClient.LastRun.Select(r => FormattableString.Invariant($"{r.DueMs:0.000} {r.LatencyMs:0.000}")),
            .. (pauses?.PausesFrom(OpenLoopClient.LastRunStartUtc) ?? []).Select(p => FormattableString.Invariant($"# gc {p.StartMs:0.000} {p.Ms:0.000}")),
            .. (episodes?.From(OpenLoopClient.LastRunStartUtc) ?? []).Select(e => FormattableString.Invariant($"# kdamond {e.StartMs:0.000} {e.Ms:0.000}")),
        ]);
    return result.Errors > 0 ? 1 : 0;
}
if (mode == "large")
{
    // Sequential large-history calls against a running service: -- large <url> [calls] [upload MB/s; 0 = unpaced]
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    if (positional.Length < 2 || !Uri.TryCreate(positional[1], UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
        || !int.TryParse(positional.ElementAtOrDefault(2) ?? "30", inv, out var calls) || calls <= 0
        || !double.TryParse(positional.ElementAtOrDefault(3) ?? "0", inv, out var mbps) || mbps < 0)
    {
        Console.Error.WriteLine("Usage: -- large <http://host:port/path> [calls, > 0; default 30] [upload MB/s, >= 0; default 0 = as fast as loopback goes]");
        return 2;
    }
    var body = SyntheticPatient.OrderSign(PatientShape.Large);
    if (mbps == 0)
    {
        var whole = await LoadClient.SequentialAsync("large", url, body, calls);
        Console.WriteLine($"{whole.Requests} calls, {whole.Errors} errors; {whole.Latency}");
        return whole.Errors > 0 ? 1 : 0;
    }
    var (paced, afterLastByte) = await LoadClient.SequentialPacedAsync("large", url, body, calls, mbps * 1e6);
    Console.WriteLine($"{paced.Requests} calls, {paced.Errors} errors; whole call {paced.Latency}; after the last byte {afterLastByte}");
    return paced.Errors > 0 ? 1 : 0;
}
if (mode == "audit")
{
    // The audit writer's CPU per hook call, without HTTP: -- audit [calls] [prefilled calls] [v4] [no-patient-index]
    // (v4: random card and suggestion uuids, as before session 6, for comparison; no-patient-index: the patient-hash
    // index dropped, to see what it costs the writer)
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    if (!int.TryParse(positional.ElementAtOrDefault(1) ?? "20000", inv, out var calls) || calls <= 0
        || !int.TryParse(positional.ElementAtOrDefault(2) ?? "50000", inv, out var prefill) || prefill < 0)
    {
        Console.Error.WriteLine("Usage: -- audit [calls, > 0; default 20000] [prefilled calls, >= 0; default 50000] [v4] [no-patient-index]");
        return 2;
    }
    return await AuditProfile.RunAsync(calls, prefill, randomUuids: positional.Skip(3).Contains("v4"),
        withoutPatientIndex: positional.Skip(3).Contains("no-patient-index"));
}
if (mode == "allocsites")
{
    // Where the service allocates (AllocationSites.cs): -- allocsites FILE.nettrace [thread id] [sites] [frames].
    if (positional.ElementAtOrDefault(1) is not { } trace || !File.Exists(trace))
    {
        Console.Error.WriteLine("Usage: -- allocsites <file.nettrace: dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5> [OS thread id, 0 = all] [sites, default 40] [frames, default 3]");
        return 2;
    }
    var thread = int.TryParse(positional.ElementAtOrDefault(2), out var tid) && tid > 0 ? tid : (int?)null;
    var top = int.TryParse(positional.ElementAtOrDefault(3), out var n) && n > 0 ? n : 40;
    var frames = int.TryParse(positional.ElementAtOrDefault(4), out var f) && f > 0 ? f : 3;
    var (sites, bytes) = AllocationSites.Read(trace, thread, frames);
    Console.WriteLine(FormattableString.Invariant($"{bytes / 1048576.0:0.0} MB sampled{(thread is { } only ? $" on thread {only}" : "")}"));
    foreach (var (site, share) in sites.Take(top))
        Console.WriteLine(FormattableString.Invariant($"{100 * share,5:0.0} %  {site}"));
    return 0;
}

if (mode == "stages")
{
    // Where a perf profile of the service went, by stage (PerfStages.cs): -- stages FILE (perf script -F comm,ip,sym output).
    if (positional.ElementAtOrDefault(1) is not { } file || !File.Exists(file))
    {
        Console.Error.WriteLine("Usage: -- stages <file: perf script -F comm,ip,sym output of the service, recorded with perf record -g>");
        return 2;
    }
    using var reader = File.OpenText(file);
    var (shares, total) = PerfStages.Attribute(reader);
    foreach (var (stage, samples) in shares)
        Console.WriteLine(FormattableString.Invariant($"{100.0 * samples / Math.Max(1, total),5:0.0} %  {stage}"));
    Console.WriteLine($"{total} samples");
    return total > 0 ? 0 : 1;
}
if (mode == "body")
{
    // The synthetic request as JSON on stdout, for driving a running service by hand (wrk, curl, dotnet-trace).
    // dotnet run -c Release --project tests/NaltrexoneFhir.Benchmarks -- body [typical|medium|large] > body.json
    using var stdout = Console.OpenStandardOutput();
    stdout.Write(SyntheticPatient.OrderSign(PatientShape.Of(positional.ElementAtOrDefault(1) ?? "typical")));
    return 0;
}
if (mode == "calls")
{
    // The HTTP benchmark's typical load as JSON lines on stdout (one different hook call per line), for wrk by hand:
    // dotnet run -c Release --project tests/NaltrexoneFhir.Benchmarks -- calls [count, default 4000] > calls.jsonl
    if (!int.TryParse(positional.ElementAtOrDefault(1) ?? HttpSettings.DefaultDistinctCalls.ToString(System.Globalization.CultureInfo.InvariantCulture), out var count) || count < 1)
    {
        Console.Error.WriteLine("Usage: -- calls [count, > 0; default 4000]");
        return 2;
    }
    using var stdout = Console.OpenStandardOutput();
    foreach (var call in SyntheticPatient.DistinctCalls(SyntheticPatient.OrderSign(PatientShape.Typical), count))
    {
        stdout.Write(call);
        stdout.WriteByte((byte)'\n');
    }
    return 0;
}
if (mode is not ("all" or "micro" or "http"))
{
    Console.Error.WriteLine($"Unknown mode '{mode}'. Usage: -- [all|micro|http] [--quick] [--connections N] [--duration S] [--client dotnet] [--same-call]");
    return 2;
}

Console.WriteLine($"NaltrexoneFhir benchmarks: {mode}{(quick ? " (quick smoke run)" : "")}, {Repo.Configuration} build, {Environment.ProcessorCount} cores");
if (Repo.Configuration != "Release") Console.WriteLine("WARNING: not a Release build; figures are not representative (use dotnet run -c Release).");

// What the synthetic patients are, and which cards they produce (so a reader knows what was evaluated).
var pipeline = new HookPipeline();
foreach (var shape in new[] { PatientShape.Typical, PatientShape.Medium, PatientShape.Large })
{
    var body = SyntheticPatient.OrderSign(shape);
    Console.WriteLine($"  {shape.Name,-8} {shape.Resources,5} resources ({shape.Observations} Observations, {shape.MedicationRequests} MedicationRequests, " +
                      $"{shape.MedicationStatements} MedicationStatements, {shape.Conditions} Conditions), {body.Length / 1024.0,7:0.0} KB → cards: {string.Join(", ", pipeline.Concerns(body))}");
}

var status = 0;
if (mode is "all" or "micro")
{
    // Warm-up until stable (at least 6 iterations) rather than a fixed 3: the process's first benchmark (the large
    // history) was still leaving tier-0 code after 3 (warm-up 111, 75, 52 ms per op, then measured iterations falling
    // from 52 to 17 ms: sessions 9 and 10 reported 24.6 and 22.8 ms for code that measured 16-17 ms in other runs).
    var job = (quick ? Job.Dry : Job.Default.WithMinWarmupCount(6).WithMaxWarmupCount(30).WithIterationCount(12))
        .WithToolchain(InProcessEmitToolchain.Instance).WithId(quick ? "quick" : "in-process");
    var config = DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Repo.ArtifactsDir).WithOptions(ConfigOptions.JoinSummary);
    var summary = BenchmarkRunner.Run<OrderSignBenchmarks>(config);
    if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) || summary.Reports.Length == 0)
    {
        Console.Error.WriteLine("ERROR: a micro-benchmark failed.");
        status = 1;
    }
}

if (mode is "all")
{
    // The audit writer's cost per hook call (SQLite, the default store): a share of every request's CPU that the
    // micro-benchmarks do not see, because the writer runs on its own thread after the answer is sent.
    Console.WriteLine();
    status = Math.Max(status, quick ? await AuditProfile.RunAsync(200, 500, randomUuids: false) : await AuditProfile.RunAsync(20_000, 50_000, randomUuids: false));
}

if (mode is "all" or "http")
{
    var settings = HttpSettings.For(quick, connections, seconds, forceDotnetClient, sameCall: args.Contains("--same-call"));
    var report = new StringWriter(new StringBuilder());
    var httpStatus = await HttpBenchmark.RunAsync(settings, report);
    Console.WriteLine();
    Console.WriteLine(report);
    var path = Path.Combine(Repo.ArtifactsDir, quick ? "http-report-quick.md" : "http-report.md");
    await File.WriteAllTextAsync(path, report.ToString());
    Console.WriteLine($"HTTP report written to {Path.GetRelativePath(Repo.Root, path)}");
    status = Math.Max(status, httpStatus);
}

return status;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static System.Diagnostics.Process? TryGetProcess(int pid)
{
    try { return System.Diagnostics.Process.GetProcessById(pid); }
    catch (ArgumentException) { return null; } // not running
}
