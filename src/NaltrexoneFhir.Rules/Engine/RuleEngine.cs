using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>The result of evaluating a hook: the findings, and any rule that failed (a bug, reported, never hidden).</summary>
public sealed record Evaluation(IReadOnlyList<Finding> Findings, IReadOnlyList<string> FailedRules);

/// <summary>Runs the enabled rules of a hook over a snapshot.</summary>
public sealed class RuleEngine(IEnumerable<IRule> rules)
{
    public IReadOnlyList<IRule> Rules { get; } = rules.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();

    public IEnumerable<IRule> ForHook(string hook, RuleOptions options) =>
        Rules.Where(r => r.Hooks.Contains(hook) && options.IsEnabled(r.Id));

    /// <summary>The enabled rules of the hook that the draft orders make relevant.</summary>
    public IEnumerable<IRule> Triggered(TriggerContext trigger, RuleOptions options) =>
        ForHook(trigger.Hook, options).Where(r => r.IsTriggered(trigger));

    /// <summary>The prefetch keys the triggered rules need, in catalogue order.</summary>
    public IReadOnlyList<string> NeededKeys(TriggerContext trigger, RuleOptions options) =>
        NeededKeys(Triggered(trigger, options).ToList());

    /// <summary>The prefetch keys <paramref name="triggered"/> (from <see cref="Triggered"/>) need, in catalogue order.</summary>
    public static IReadOnlyList<string> NeededKeys(IReadOnlyList<IRule> triggered)
    {
        var keys = new List<string>();
        foreach (var rule in triggered)
            foreach (var key in rule.Needs)
                if (!keys.Contains(key)) keys.Add(key);
        return keys;
    }

    public Evaluation Evaluate(RuleContext context, TriggerContext trigger) =>
        Evaluate(context, Triggered(trigger, context.Options).ToList());

    /// <summary>Evaluates <paramref name="triggered"/> (from <see cref="Triggered"/>, computed once per call by the caller).</summary>
    public static Evaluation Evaluate(RuleContext context, IReadOnlyList<IRule> triggered)
    {
        var findings = new List<Finding>();
        var failed = new List<string>();
        foreach (var rule in triggered)
        {
            // A rule whose data is unavailable is skipped; the caller reports it (412 or a data-unavailable card).
            if (!AllAvailable(rule, context)) continue;
            try
            {
                findings.AddRange(rule.Evaluate(context));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failed.Add(rule.Id);
            }
        }
        return new Evaluation(findings, failed);
    }

    private static bool AllAvailable(IRule rule, RuleContext context)
    {
        foreach (var key in rule.Needs)
            if (!context.Data.IsAvailable(key)) return false;
        return true;
    }
}
