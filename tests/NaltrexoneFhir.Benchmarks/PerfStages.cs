using System.Text.RegularExpressions;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>
/// Where a profile's time went, by stage of the hook call: reads <c>perf script -F comm,ip,sym</c> output of the
/// service (recorded with <c>perf record -g</c> and <c>DOTNET_PerfMapEnabled=1</c>) and gives each sample to the first
/// stage, in the order below, found anywhere on its stack, so the FHIR reader's work counts as reading wherever it was
/// called from. The audit writer's thread is a stage of its own. Not a benchmark: the tool behind BENCHMARKS.md's
/// "Where the time goes" (session 17).
/// <para>
/// A stage is matched against each frame's method (<see cref="Method"/>), not its return or parameter types: the
/// perf map writes whole signatures, and <c>HookBody::Parse(…, FhirFastReader/EntryPreReader)</c> made the body's own
/// scan count as reading prefetch until session 23 (BENCHMARKS.md, session 23).
/// </para>
/// </summary>
public static partial class PerfStages
{
    private static readonly (string Stage, Regex Frame)[] Stages =
    [
        ("Reading prefetch into the model (FhirFastReader, its string cache)", Frames(@"FhirFastReader|Utf8StringCache")),
        ("Request binding (HookRequestParser, draft orders)", Frames(@"HookRequestParser")),
        ("Reading the body (HookBody's scan and its JsonDocument)", Frames(@"HookBody::|ReadBodyAsync")),
        ("Snapshot (PatientDataBuilder)", Frames(@"PatientDataBuilder")),
        ("Card composition (CardComposer)", Frames(@"CardComposer")),
        ("Rules (RuleEngine, the rules, value-set lookups)", Frames(@"RuleEngine::|NaltrexoneFhir\.Rules\.Clinical")),
        ("Response JSON (BufferedJsonResult)", Frames(@"BufferedJsonResult|CdsJsonContext")),
        ("Audit record on the hook path (building, encoding, queueing)", Frames(@"AuditBehavior::Enqueue|AuditBehavior::Build|QueuedHookCall|AuditQueue")),
        ("Pipeline: endpoint, JWT middleware, rate limiter, MediatR, behaviors, the handler's own code", Frames(@"NaltrexoneFhir\.Api|MediatR|RateLimiting|Microsoft\.AspNetCore\.Routing")),
        ("Kestrel and sockets under managed frames", Frames(@"Kestrel|System\.Net\.Sockets|Microsoft\.AspNetCore")),
    ];

    private const string WriterThread = "audit-writer"; // the name AuditWriter gives its thread (the Api assembly is not referenced here)
    private const string Rest = "Kernel and runtime under no managed frame (socket calls, epoll, wake-ups, GC threads)";

    private static Regex Frames(string pattern) => new(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Samples per stage, largest first, and the number of samples read.</summary>
    public static (IReadOnlyList<(string Stage, int Samples)> Shares, int Total) Attribute(TextReader perfScript)
    {
        var counts = new Dictionary<string, int>();
        var total = 0;
        foreach (var sample in Samples(perfScript))
        {
            total++;
            var stage = sample.Thread == WriterThread ? "Audit writer thread (decoding, SQLite, WAL writes)"
                : Stages.FirstOrDefault(s => sample.Frames.Any(f => s.Frame.IsMatch(Method(f)))).Stage ?? Rest;
            counts[stage] = counts.GetValueOrDefault(stage) + 1;
        }
        return (counts.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value)).ToList(), total);
    }

    /// <summary>
    /// The method a frame ran, <c>Type::Method</c>: perf map symbols are <c>[return type] [assembly] Type::Method(params)[tier]</c>,
    /// and a stage must not be found in the return or parameter types (a method handed a reader is not reading). A
    /// native frame (no <c>::</c>) is taken whole.
    /// </summary>
    public static ReadOnlySpan<char> Method(string frame)
    {
        var separator = frame.IndexOf("::", StringComparison.Ordinal);
        if (separator < 0) return frame;
        var start = frame.LastIndexOf(' ', separator) + 1;
        var end = frame.IndexOf('(', separator);
        return frame.AsSpan(start, (end < 0 ? frame.Length : end) - start);
    }

    /// <summary>perf script's samples: a header line ("comm ..."), then one frame per line, then a blank line.</summary>
    private static IEnumerable<(string Thread, List<string> Frames)> Samples(TextReader reader)
    {
        string? thread = null;
        var frames = new List<string>();
        for (var line = reader.ReadLine(); ; line = reader.ReadLine())
        {
            if (line is null || line.Trim().Length == 0)
            {
                if (thread is not null) yield return (thread, frames);
                if (line is null) yield break;
                (thread, frames) = (null, []);
            }
            else if (thread is null) thread = ThreadName(line);
            else frames.Add(line.Trim());
        }
    }

    /// <summary>The thread name that starts a sample's header; perf pads it and may put spaces inside (".NET TP Worker").</summary>
    private static string ThreadName(string header) => PidOrEnd().Split(header.Trim(), 2)[0].Trim();

    [GeneratedRegex(@"\s{2,}|\s+\d+(/\d+)?\s")]
    private static partial Regex PidOrEnd();
}
