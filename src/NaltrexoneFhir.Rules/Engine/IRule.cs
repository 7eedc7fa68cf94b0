using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// A clinical rule: a pure function of the patient-data snapshot (no I/O, no clock reads, no statics with state).
/// One rule per file, with a When/Then header a clinician can review.
/// </summary>
public interface IRule
{
    /// <summary>Stable id from clinical-reference.md §3, e.g. "R01".</summary>
    string Id { get; }
    /// <summary>Concern code (card.source.topic.code).</summary>
    string Concern { get; }
    string Title { get; }
    /// <summary>Hooks the rule runs on.</summary>
    IReadOnlySet<string> Hooks { get; }
    string DefaultIndicator { get; }
    /// <summary>Prefetch keys the rule reads (drives discovery templates and the data that must be present).</summary>
    IReadOnlyList<string> Needs { get; }
    IReadOnlyList<ClinicalSource> Sources { get; }
    /// <summary>True when the hook context (draft orders) makes the rule relevant; decides which data is needed.</summary>
    bool IsTriggered(TriggerContext context);
    IEnumerable<Finding> Evaluate(RuleContext context);
}

/// <summary>What is known before patient data is loaded: the hook and its classified draft orders.</summary>
public sealed record TriggerContext(string Hook, IReadOnlyList<DraftMedication> Drafts)
{
    // Computed once: every rule's IsTriggered asks these.
    public IReadOnlyList<DraftMedication> Triggers { get; } = Drafts.Where(d => d.IsTrigger).ToList();
    public bool HasNaltrexoneTrigger { get; } = Drafts.Any(d => d.IsTrigger && d.Class.IsNaltrexone);
    public bool HasOpioidTrigger { get; } = Drafts.Any(d => d.IsTrigger && d.Class.IsOpioid);
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

/// <summary>Base with the common metadata; rules override <see cref="Evaluate"/>.</summary>
public abstract class Rule : IRule
{
    public abstract string Id { get; }
    public abstract string Concern { get; }
    public abstract string Title { get; }
    public virtual IReadOnlySet<string> Hooks => Hooks_.Ordering;
    public abstract string DefaultIndicator { get; }
    public abstract IReadOnlyList<string> Needs { get; }
    public abstract IReadOnlyList<ClinicalSource> Sources { get; }
    public virtual bool IsTriggered(TriggerContext context) => context.HasNaltrexoneTrigger;
    public abstract IEnumerable<Finding> Evaluate(RuleContext context);

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
