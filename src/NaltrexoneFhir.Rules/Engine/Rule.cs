using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>What is known before patient data is loaded: the hook and its classified draft orders.</summary>
public sealed record TriggerContext(string Hook, IReadOnlyList<DraftMedication> Drafts)
{
    // Computed once: every rule's IsTriggered asks these.
    public IReadOnlyList<DraftMedication> Triggers { get; } = Drafts.Where(d => d.IsTrigger).ToList();
    public bool HasNaltrexoneTrigger { get; } = Drafts.Any(d => d.IsTrigger && d.Class.IsNaltrexone);
    public bool HasOpioidTrigger { get; } = Drafts.Any(d => d.IsTrigger && d.Class.IsOpioid);
}

/// <summary>
/// Where a rule puts its findings: the engine's list for the call, which the rule can only add to (it cannot see or
/// remove what other rules found).
/// </summary>
public readonly struct FindingSink(List<Finding> findings)
{
    public void Add(Finding finding) => findings.Add(finding);
}

/// <summary>A suggestion a finding proposes; turned into a CDS Hooks suggestion with a uuid by the composer.</summary>
public sealed record SuggestionSpec(string Label, IReadOnlyList<Hooks.CdsAction> Actions, bool IsRecommended = false);

/// <summary>One thing a rule found. Several findings of one concern become one card.</summary>
public sealed record Finding
{
    public required string RuleId { get; init; }
    public required string Concern { get; init; }
    public required string Indicator { get; init; }
    /// <summary>Under 140 characters; states the finding with its data.</summary>
    public required string Summary { get; init; }
    /// <summary>Markdown bullet lines naming the triggering resources (drug, dose, dates, values).</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
    /// <summary>What to do, as markdown bullet lines.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];
    public required IReadOnlyList<ClinicalSource> Sources { get; init; }
    public IReadOnlyList<SuggestionSpec> Suggestions { get; init; } = [];
    /// <summary>Extra notes (e.g. "classified from free text").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>Orders the findings of one concern after the indicator (higher first).</summary>
    public int Weight { get; init; }
}

/// <summary>
/// A clinical rule: a pure function of the patient-data snapshot (no I/O, no clock reads, no statics with state).
/// One rule per file, with a When/Then header a clinician can review.
/// </summary>
/// <remarks>
/// An abstract class rather than an interface, and findings added to the engine's list rather than yielded: the
/// engine asks each of some 30 rules for its metadata and findings on every hook call, and through an interface each
/// of those calls, and each call into a rule's iterator, went through the runtime's stub for call sites that see many
/// types (about 4 µs, 1.5 % of a typical hook call's CPU, and an iterator object per rule; BENCHMARKS.md, session 22).
/// A virtual call on a class goes through the method table instead.
/// </remarks>
public abstract class Rule
{
    /// <summary>Stable id from clinical-reference.md §3, e.g. "R01".</summary>
    public abstract string Id { get; }
    /// <summary>Concern code (card.source.topic.code).</summary>
    public abstract string Concern { get; }
    public abstract string Title { get; }
    /// <summary>Hooks the rule runs on.</summary>
    public virtual IReadOnlySet<string> Hooks => Hooks_.Ordering;
    public abstract string DefaultIndicator { get; }
    /// <summary>Prefetch keys the rule reads (drives discovery templates and the data that must be present).</summary>
    public abstract IReadOnlyList<string> Needs { get; }
    public abstract IReadOnlyList<ClinicalSource> Sources { get; }

    /// <summary>
    /// <see cref="Needs"/> as an array, taken once: the engine reads it for every triggered rule on every call, and the
    /// rules' lists are of two types (one key or several), so each element through the list's interface was a dispatch.
    /// </summary>
    internal string[] NeedsArray => _needs ??= [.. Needs];
    private string[]? _needs;

    /// <summary>True when the hook context (draft orders) makes the rule relevant; decides which data is needed.</summary>
    public virtual bool IsTriggered(TriggerContext context) => context.HasNaltrexoneTrigger;

    /// <summary>Adds what the rule finds in <paramref name="context"/> to <paramref name="findings"/> (nothing when it finds nothing).</summary>
    public abstract void Evaluate(RuleContext context, FindingSink findings);

    /// <summary>What the rule finds, as a list of its own (tests and tools; the engine gives every rule one list to add to).</summary>
    public IReadOnlyList<Finding> Evaluate(RuleContext context)
    {
        var findings = new List<Finding>();
        Evaluate(context, new FindingSink(findings));
        return findings;
    }

    /// <param name="sources">The sources this finding rests on, when narrower than the rule's <see cref="Sources"/>.</param>
    protected Finding Found(string indicator, string summary, IReadOnlyList<string> evidence, IReadOnlyList<string> actions,
        IReadOnlyList<SuggestionSpec>? suggestions = null, IReadOnlyList<string>? notes = null, int weight = 0,
        IReadOnlyList<ClinicalSource>? sources = null) => new()
    {
        RuleId = Id,
        Concern = Concern,
        Indicator = indicator,
        Summary = summary,
        Evidence = evidence,
        Actions = actions,
        Sources = sources ?? Sources,
        Suggestions = suggestions ?? [],
        Notes = notes ?? [],
        Weight = weight,
    };

    private static class Hooks_
    {
        public static readonly IReadOnlySet<string> Ordering = NaltrexoneFhir.Hooks.HookNames.Ordering;
    }
}
