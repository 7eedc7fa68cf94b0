using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using NaltrexoneFhir.Api.Logging;

namespace NaltrexoneFhir.Api.Errors;

/// <summary>
/// Bugs become a 500 OperationOutcome with the trace id and no exception text. Bad-request exceptions from the
/// server (body too large, aborted reads) keep their own status code.
/// </summary>
public sealed class UnhandledExceptionHandler(ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is BadHttpRequestException bad)
        {
            await Outcomes.WriteAsync(http, bad.StatusCode, bad.StatusCode == 413 ? "too-costly" : "structure",
                bad.StatusCode == 413 ? "The request body is too large." : "The request could not be read.");
            return true;
        }
        var traceId = Activity.Current?.Id ?? http.TraceIdentifier;
        Log.UnhandledError(logger, exception.GetType().Name, traceId);
        await Outcomes.WriteAsync(http, 500, "exception", $"Internal error; trace id {traceId}.");
        return true;
    }
}
