using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>The result of evaluating a hook: the findings, and any rule that failed (a bug, reported, never hidden).</summary>
public sealed record Evaluation(IReadOnlyList<Finding> Findings, IReadOnlyList<string> FailedRules);

/// <summary>Runs the enabled rules of a hook over a snapshot.</summary>
public sealed class RuleEngine(IEnumerable<Rule> rules)
{
    public IReadOnlyList<Rule> Rules { get; } = rules.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();

    public IEnumerable<Rule> ForHook(string hook, RuleOptions options) => Rules.Where(r => RunsOn(r, hook, options));

    private static bool RunsOn(Rule rule, string hook, RuleOptions options) => rule.Hooks.Contains(hook) && options.IsEnabled(rule.Id);

    /// <summary>The enabled rules of the hook that the draft orders make relevant, in catalogue order.</summary>
    /// <remarks>A plain loop into a list sized for the catalogue: every hook call asks once (the LINQ version's chained
    /// predicates and list growth were measurable per call, BENCHMARKS.md, session 10).</remarks>
    public IReadOnlyList<Rule> Triggered(TriggerContext trigger, RuleOptions options)
    {
        var triggered = new List<Rule>(Rules.Count);
        for (var i = 0; i < Rules.Count; i++)
            if (RunsOn(Rules[i], trigger.Hook, options) && Rules[i].IsTriggered(trigger))
                triggered.Add(Rules[i]);
        return triggered;
    }

    /// <summary>The prefetch keys the triggered rules need, in catalogue order.</summary>
    public IReadOnlyList<string> NeededKeys(TriggerContext trigger, RuleOptions options) =>
        NeededKeys(Triggered(trigger, options));

    /// <summary>The prefetch keys <paramref name="triggered"/> (from <see cref="Triggered"/>) need, in catalogue order.</summary>
    public static IReadOnlyList<string> NeededKeys(IReadOnlyList<Rule> triggered)
    {
        // Index loops: foreach over an IReadOnlyList allocates an enumerator per list (one per rule, per call).
        var keys = new List<string>();
        for (var r = 0; r < triggered.Count; r++)
        {
            var needs = triggered[r].NeedsArray;
            for (var k = 0; k < needs.Length; k++)
                if (!keys.Contains(needs[k])) keys.Add(needs[k]);
        }
        return keys;
    }

    public Evaluation Evaluate(RuleContext context, TriggerContext trigger) =>
        Evaluate(context, Triggered(trigger, context.Options));

    /// <summary>Evaluates <paramref name="triggered"/> (from <see cref="Triggered"/>, computed once per call by the caller).</summary>
    public static Evaluation Evaluate(RuleContext context, IReadOnlyList<Rule> triggered)
    {
        var findings = new List<Finding>();
        var failed = new List<string>();
        for (var i = 0; i < triggered.Count; i++)
        {
            var rule = triggered[i];
            // A rule whose data is unavailable is skipped; the caller reports it (412 or a data-unavailable card).
            if (!AllAvailable(rule, context)) continue;
            var before = findings.Count;
            try
            {
                rule.Evaluate(context, new FindingSink(findings));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // What the rule found before it failed is not shown: its card would look like the whole answer.
                findings.RemoveRange(before, findings.Count - before);
                failed.Add(rule.Id);
            }
        }
        return new Evaluation(findings, failed);
    }

    private static bool AllAvailable(Rule rule, RuleContext context)
    {
        var needs = rule.NeedsArray;
        for (var k = 0; k < needs.Length; k++)
            if (!context.Data.IsAvailable(needs[k])) return false;
        return true;
    }
}
