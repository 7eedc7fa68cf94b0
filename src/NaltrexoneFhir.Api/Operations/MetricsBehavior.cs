using System.Diagnostics;
using MediatR;
using NaltrexoneFhir.Api.Hooks;

namespace NaltrexoneFhir.Api.Operations;

/// <summary>Records hook latency and cards for every hook call (outermost behavior, so rejected calls are timed too).</summary>
public sealed class MetricsBehavior(CdsMetrics metrics) : IPipelineBehavior<EvaluateHook.Request, HookResult>
{
    public async Task<HookResult> Handle(EvaluateHook.Request request, CancellationToken cancellationToken, RequestHandlerDelegate<HookResult> next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await next();
            var (status, cards) = result switch
            {
                HookResult.Ok ok => (StatusCodes.Status200OK, ok.Response.Cards),
                HookResult.PreconditionFailed => (StatusCodes.Status412PreconditionFailed, []),
                _ => (StatusCodes.Status400BadRequest, (IReadOnlyList<NaltrexoneFhir.Hooks.Card>)[]),
            };
            metrics.HookAnswered(request.Service.Id, request.Service.Hook, status, Stopwatch.GetElapsedTime(started), cards);
            return result;
        }
        catch
        {
            metrics.HookAnswered(request.Service.Id, request.Service.Hook, StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(started), []);
            throw;
        }
    }
}
