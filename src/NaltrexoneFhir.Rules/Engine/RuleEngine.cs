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
        Triggered(trigger, options).SelectMany(r => r.Needs).Distinct().ToList();

    public Evaluation Evaluate(RuleContext context, TriggerContext trigger)
    {
        var findings = new List<Finding>();
        var failed = new List<string>();
        foreach (var rule in ForHook(trigger.Hook, context.Options))
        {
            if (!rule.IsTriggered(trigger)) continue;
            // A rule whose data is unavailable is skipped; the caller reports it (412 or a data-unavailable card).
            if (rule.Needs.Any(k => !context.Data.IsAvailable(k))) continue;
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
}
