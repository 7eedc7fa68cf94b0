using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>Everything a rule may read: the snapshot, the evaluation instant, thresholds and terminology.</summary>
public sealed class RuleContext(PatientData data, DateTimeOffset now, RuleOptions options, ValueSetIndex terminology)
{
    private readonly Dictionary<Type, object> _memo = [];
    private readonly Dictionary<(string Query, string Argument), object> _keyedMemo = [];

    public PatientData Data { get; } = data;
    public DateTimeOffset Now { get; } = now;
    public RuleOptions Options { get; } = options;
    public ValueSetIndex Terminology { get; } = terminology;

    public IndexedValueSet ValueSet(string url) => Terminology[url];

    /// <summary>The triggering naltrexone drafts; made once per call (most rules start by asking).</summary>
    public IReadOnlyList<DraftMedication> NaltrexoneTriggers => _naltrexoneTriggers ??= [.. Data.TriggerDrafts.Where(d => d.Class.IsNaltrexone)];

    /// <summary>The triggering opioid drafts; made once per call.</summary>
    public IReadOnlyList<DraftMedication> OpioidTriggers => _opioidTriggers ??= [.. Data.TriggerDrafts.Where(d => d.Class.IsOpioid)];

    private IReadOnlyList<DraftMedication>? _naltrexoneTriggers, _opioidTriggers;

    /// <summary>Per-call memo for assessments several rules share (e.g. the liver-lab assessment).</summary>
    public T Memo<T>(Func<RuleContext, T> compute) where T : class
    {
        if (_memo.TryGetValue(typeof(T), out var v)) return (T)v;
        var value = compute(this);
        _memo[typeof(T)] = value;
        return value;
    }

    /// <summary>
    /// Per-call memo for a query asked with the same argument more than once per call (e.g. the observations in one
    /// value set: liver enzymes, eGFR, hCG, urine screens).
    /// </summary>
    /// <remarks>
    /// The query's name and its argument stay two strings (no key concatenated per ask), and the argument is passed to
    /// <paramref name="compute"/> so the caller's lambda can be static (no closure allocated per ask).
    /// </remarks>
    public T Memo<T>(string query, string argument, Func<RuleContext, string, T> compute) where T : class
    {
        if (_keyedMemo.TryGetValue((query, argument), out var v)) return (T)v;
        var value = compute(this, argument);
        _keyedMemo[(query, argument)] = value;
        return value;
    }

    /// <summary>Interval semantics: an event [start, end) may lie within the last <paramref name="days"/> days (upper bound).</summary>
    public bool PossiblyWithinDays(DateTimeOffset? eventEnd, int days) => eventEnd is { } e && e > Now.AddDays(-days);

    /// <summary>Interval semantics: an event certainly lies within the last <paramref name="days"/> days (lower bound).</summary>
    public bool CertainlyWithinDays(DateTimeOffset? eventStart, int days) => eventStart is { } s && s >= Now.AddDays(-days);
}
