using System.Text.Json;
using MediatR;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Logging;
using NaltrexoneFhir.Api.PatientData;
using NaltrexoneFhir.Api.Pipeline;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Api.Hooks;

/// <summary>The outcome of a hook call, mapped to HTTP in one place (the endpoint).</summary>
public abstract record HookResult
{
    public sealed record Ok(CdsResponse Response) : HookResult;
    public sealed record Invalid(IReadOnlyList<RequestIssue> Issues) : HookResult;
    public sealed record PreconditionFailed(IReadOnlyList<RequestIssue> Issues) : HookResult;
}

/// <summary>One hook call: bind and validate the body, load the data the triggered rules need, evaluate, compose cards.</summary>
public static class EvaluateHook
{
    /// <param name="Prefetch">The prefetch values when they were kept apart from <paramref name="Body"/> (<see cref="HookBody"/>).</param>
    public sealed record Request(CdsService Service, JsonElement Body, IReadOnlyDictionary<string, RawJson>? Prefetch = null) : IRequest<HookResult>, IValidatable<HookResult>
    {
        private (HookRequest? Request, IReadOnlyList<RequestIssue> Issues)? _bound;

        /// <summary>The body bound to a <see cref="HookRequest"/> (parsed once, on first use).</summary>
        public (HookRequest? Request, IReadOnlyList<RequestIssue> Issues) Bound => _bound ??= HookRequestParser.Parse(Body, Service.Hook, Prefetch);

        public HookResult? Validate() => Bound.Issues.Count > 0 ? new HookResult.Invalid(Bound.Issues) : null;
    }

    public sealed class Handler(
        IPatientDataSource dataSource,
        PatientDataBuilder builder,
        RuleEngine engine,
        DataKeys keys,
        ValueSetIndex terminology,
        IOptionsSnapshot<RuleOptions> options,
        IOptionsSnapshot<FhirServerOptions> fhirServerOptions,
        TimeProvider clock,
        ILogger<Handler> logger) : IRequestHandler<Request, HookResult>
    {
        public async Task<HookResult> Handle(Request request, CancellationToken cancellationToken)
        {
            var hook = request.Bound.Request!;
            var ruleOptions = options.Value;
            var trigger = new TriggerContext(hook.Hook, builder.ClassifyDrafts(hook));
            var triggered = engine.Triggered(trigger, ruleOptions);
            var needed = RuleEngine.NeededKeys(triggered).Select(k => keys[k]).ToList();

            var load = await dataSource.LoadAsync(hook, needed, cancellationToken);
            var values = load.Values;

            var unreadable = values.Where(v => v.Value.State == PrefetchState.Unreadable).ToList();
            if (unreadable.Count > 0)
                return new HookResult.Invalid(unreadable.Select(u => new RequestIssue("structure",
                    $"prefetch key '{u.Key}' could not be read: {u.Value.Problem}.", $"prefetch.{u.Key}")).ToList());

            // Data that could not be (fully) obtained: strict → 412; otherwise evaluate what can be and say what could not.
            if (load.Gaps.Count > 0 && fhirServerOptions.Value.DataFailurePolicy == DataFailurePolicy.Strict)
                return new HookResult.PreconditionFailed(load.Gaps.Select(g => DataGapIssues.ToIssue(g, values[g.Key], keys[g.Key])).ToList());

            var data = builder.Build(hook, values);
            var context = new RuleContext(data, clock.GetUtcNow(), ruleOptions, terminology);
            var evaluation = RuleEngine.Evaluate(context, triggered);
            foreach (var failed in evaluation.FailedRules) Log.RuleFailed(logger, failed);

            var findings = evaluation.Findings.ToList();
            findings.AddRange(DataGapFindings.Build(triggered, load.Gaps, k => keys[k].Label));
            if (evaluation.FailedRules.Count > 0)
                findings.Add(new Finding
                {
                    RuleId = "ENGINE",
                    Concern = Concerns.DataUnavailable,
                    Indicator = Indicators.Warning,
                    Summary = $"Some naltrexone safety checks could not run ({string.Join(", ", evaluation.FailedRules)}); review manually",
                    Evidence = evaluation.FailedRules.Select(r => $"Rule {r} failed while reading this patient's data.").ToList(),
                    Actions = ["Review the patient's opioid history and liver tests manually."],
                    Sources = [ClinicalSources.CdsHooksSpec],
                });
            return new HookResult.Ok(new CdsResponse { Cards = CardComposer.Compose(findings) });
        }
    }
}
