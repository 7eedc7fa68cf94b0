using System.Diagnostics;
using MediatR;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Logging;

namespace NaltrexoneFhir.Api.Pipeline;

/// <summary>A request that can validate itself; a non-null result short-circuits the handler.</summary>
public interface IValidatable<out TResponse>
{
    TResponse? Validate();
}

/// <summary>Runs the request's validation before the handler (400 with an OperationOutcome on failure).</summary>
public sealed class ValidationBehavior<TRequest, TResponse> : IPipelineBehavior<TRequest, TResponse>
    where TRequest : IValidatable<TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next) =>
        request.Validate() is { } invalid ? Task.FromResult(invalid) : next();
}

/// <summary>Logs each hook call: service, hook, hookInstance, outcome, card concerns and duration. Never bodies or patient ids.</summary>
public sealed class LoggingBehavior(ILogger<LoggingBehavior> logger) : IPipelineBehavior<EvaluateHook.Request, HookResult>
{
    public async Task<HookResult> Handle(EvaluateHook.Request request, CancellationToken cancellationToken, RequestHandlerDelegate<HookResult> next)
    {
        var sw = Stopwatch.StartNew();
        var result = await next();
        switch (result)
        {
            case HookResult.Ok ok:
                Log.HookAnswered(logger, request.Service.Id, request.Service.Hook, request.Bound.Request?.HookInstance ?? "-", "200",
                    ok.Response.Cards.Count, string.Join(",", ok.Response.Cards.Select(c => c.Source.Topic?.Code)), sw.ElapsedMilliseconds);
                break;
            case HookResult.Invalid bad:
                Log.HookRejected(logger, request.Service.Id, "400", string.Join(",", bad.Issues.Select(i => i.Code).Distinct()));
                break;
            case HookResult.PreconditionFailed pf:
                Log.HookRejected(logger, request.Service.Id, "412", string.Join(",", pf.Issues.Select(i => i.Expression).Distinct()));
                break;
        }
        return result;
    }
}

public static class MediatorRegistration
{
    /// <summary>MediatR 5.1.0 registered by hand: mediator, service factory, the hook handler and its behaviors (outermost first).</summary>
    public static IServiceCollection AddHookPipeline(this IServiceCollection services)
    {
        // Transient, not scoped: each is resolved once per hook call, from the request's scope (so the handler still gets
        // that scope's data source), and a scoped registration would also be remembered in the scope's dictionary,
        // which then grew twice per call (3 -> 7 -> 17 entries; BENCHMARKS.md, session 18). None of them keeps any state.
        services.AddTransient<ServiceFactory>(p => p.GetService!);
        services.AddTransient<IMediator, Mediator>();
        services.AddTransient<IRequestHandler<EvaluateHook.Request, HookResult>, EvaluateHook.Handler>();
        // The behaviors hold no per-request state: singletons, not built again for every call.
        services.AddSingleton<IPipelineBehavior<EvaluateHook.Request, HookResult>, Operations.MetricsBehavior>();
        services.AddSingleton<IPipelineBehavior<EvaluateHook.Request, HookResult>, LoggingBehavior>();
        services.AddSingleton<IPipelineBehavior<EvaluateHook.Request, HookResult>, ValidationBehavior<EvaluateHook.Request, HookResult>>();
        return services;
    }
}
