using System.Globalization;

namespace NaltrexoneFhir.Benchmarks.Http;

/// <summary>When the kernel's memory-monitoring threads (DAMON's <c>kdamond</c>) ran during a round, in episodes.</summary>
/// <param name="Seconds">How long the recording ran.</param>
/// <param name="Episodes">Each episode: when it began (UTC), how long it lasted (ms) and the daemon's CPU time in it (ms).</param>
public sealed record DaemonEpisodes(double Seconds, IReadOnlyList<(DateTime StartUtc, double Ms, double CpuMs)> Episodes)
{
    public int Count => Episodes.Count;

    public override string ToString()
    {
        if (Count == 0) return "kdamond did not run";
        var starts = Episodes.Select(e => e.StartUtc).ToList();
        var gaps = starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        var cpu = Episodes.Select(e => e.CpuMs).ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"kdamond: {Count} episodes{(gaps.Count > 0 ? $", one every {Median.Of(gaps):0} ms (median)" : "")}, its CPU per episode median {Median.Of(cpu):0.0} ms, max {cpu.Max():0.0} ms, {cpu.Sum() / (Seconds * 1000):P1} of one core");
    }

    /// <summary>Every episode on a round's time axis: its start in ms after <paramref name="roundStartUtc"/>, and its length.</summary>
    public IEnumerable<(double StartMs, double Ms)> From(DateTime roundStartUtc) =>
        Episodes.Select(e => ((e.StartUtc - roundStartUtc).TotalMilliseconds, e.Ms));
}

/// <summary>
/// Watches the kernel threads of DAMON (<c>kdamond.N</c>), the Linux memory-access monitor that a host may run to
/// reclaim a VM's cold pages. On the benchmark's VM (sessions 15–21) one samples memory every 500 ms and pages out what
/// it finds cold; every sample costs it ~1 ms of CPU on an idle machine and 4–29 ms under the fixed-rate load, on one
/// of the 2 cores, and in most rounds 71–99 % of the slowest 1 % were in flight while it ran (BENCHMARKS.md, session 21).
/// The service cannot turn it off, so the benchmark reports when it ran beside the GC's pauses.
/// <para>
/// A background thread reads each daemon's time on CPU (<c>/proc/PID/schedstat</c>, ns) every 2 ms; an episode is a
/// run of increases less than 30 ms apart.
/// </para>
/// </summary>
public sealed class MemoryDaemonWatch : IDisposable
{
    private static readonly TimeSpan EpisodeGap = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Every 2 ms: 0.9 % of a core on this VM, measured on the thread (every millisecond, ~2 %, and a thousand wake-ups
    /// a second on the cores the round measures); an episode's end is seen at most 2 ms late.
    /// </summary>
    private const int PollEvery = 2;
    private readonly FileStream[] _schedstat;
    private readonly Thread _thread;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly List<(DateTime AtUtc, double CpuMs)> _increases = [];
    private volatile bool _stop;

    private MemoryDaemonWatch(FileStream[] schedstat)
    {
        _schedstat = schedstat;
        _thread = new Thread(Poll) { IsBackground = true, Name = "kdamond-watch" };
        _thread.Start();
    }

    /// <summary>Starts watching every running kdamond thread, or returns null when there is none (or /proc is not Linux's).</summary>
    public static MemoryDaemonWatch? TryStart()
    {
        var files = DaemonPids().Select(pid =>
        {
            try { return new FileStream($"/proc/{pid}/schedstat", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
        }).OfType<FileStream>().ToArray();
        return files.Length == 0 ? null : new MemoryDaemonWatch(files);
    }

    /// <summary>What DAMON is set to do on this machine (its sysfs admin interface), for the report; null when it is not running.</summary>
    public static string? Describe()
    {
        var pids = DaemonPids().ToList();
        if (pids.Count == 0) return null;
        const string contexts = "/sys/kernel/mm/damon/admin/kdamonds/0/contexts/0";
        string? Read(string path)
        {
            try { return File.ReadAllText(Path.Combine(contexts, path)).Trim(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
        }
        var sample = Read("monitoring_attrs/intervals/sample_us");
        var action = Read("schemes/0/action");
        var operations = Read("operations");
        return string.Create(CultureInfo.InvariantCulture,
            $"{pids.Count} kdamond thread(s) running (DAMON{(operations is null ? "" : $", {operations} operations")}{(sample is null ? "" : $", sampling every {double.Parse(sample, CultureInfo.InvariantCulture) / 1000:0} ms")}{(action is null ? "" : $", scheme action {action}")})");
    }

    private static IEnumerable<int> DaemonPids()
    {
        if (!Directory.Exists("/proc")) yield break;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string comm;
            try { comm = File.ReadAllText(Path.Combine(dir, "comm")); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
            if (comm.StartsWith("kdamond", StringComparison.Ordinal)) yield return pid;
        }
    }

    private void Poll()
    {
        var buffer = new byte[128];
        var last = new long[_schedstat.Length];
        for (var i = 0; i < _schedstat.Length; i++) last[i] = RunNs(_schedstat[i], buffer);
        while (!_stop)
        {
            Thread.Sleep(PollEvery);
            var now = DateTime.UtcNow;
            for (var i = 0; i < _schedstat.Length; i++)
            {
                var ns = RunNs(_schedstat[i], buffer);
                if (ns <= last[i]) continue;
                lock (_increases) _increases.Add((now, (ns - last[i]) / 1e6));
                last[i] = ns;
            }
        }
    }

    /// <summary>The first field of schedstat: the thread's time on CPU in ns (−1 once the thread is gone).</summary>
    private static long RunNs(FileStream file, byte[] buffer)
    {
        try
        {
            file.Seek(0, SeekOrigin.Begin);
            var n = file.Read(buffer, 0, buffer.Length);
            var space = Array.IndexOf(buffer, (byte)' ', 0, n);
            return long.TryParse(buffer.AsSpan(0, space < 0 ? n : space), NumberStyles.None, CultureInfo.InvariantCulture, out var ns) ? ns : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>Stops watching and returns the episodes seen.</summary>
    public DaemonEpisodes Stop()
    {
        _stop = true;
        _thread.Join();
        var seconds = (DateTime.UtcNow - _started).TotalSeconds;
        List<(DateTime AtUtc, double CpuMs)> increases;
        lock (_increases) increases = [.. _increases];
        return new DaemonEpisodes(seconds, Episodes(increases));
    }

    /// <summary>
    /// Groups the increases into episodes. An increase is seen at the first poll after the daemon ran, so an episode
    /// starts its first increase's CPU time before that poll (at the latest; earlier if it was preempted meanwhile).
    /// </summary>
    internal static List<(DateTime StartUtc, double Ms, double CpuMs)> Episodes(IReadOnlyList<(DateTime AtUtc, double CpuMs)> increases)
    {
        var episodes = new List<(DateTime StartUtc, double Ms, double CpuMs)>();
        DateTime start = default, end = default;
        double cpu = 0;
        foreach (var (at, ms) in increases)
        {
            if (cpu > 0 && at - end < EpisodeGap)
            {
                end = at;
                cpu += ms;
                continue;
            }
            if (cpu > 0) episodes.Add((start, (end - start).TotalMilliseconds, cpu));
            (start, end, cpu) = (at - TimeSpan.FromMilliseconds(ms), at, ms);
        }
        if (cpu > 0) episodes.Add((start, (end - start).TotalMilliseconds, cpu));
        return episodes;
    }

    public void Dispose()
    {
        if (!_stop) Stop();
        foreach (var f in _schedstat) f.Dispose();
    }
}
