namespace NaltrexoneFhir.Api.Logging;

/// <summary>FHIR-server fallback log messages (22xx). Key names, origins, outcomes and timings only: never URLs (they carry patient ids) or tokens.</summary>
public static partial class Log
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "FHIR server {Mode} for {Key}: {Outcome} (HTTP {Status}), {Pages} pages in {ElapsedMs} ms")]
    public static partial void FhirFetched(ILogger logger, string key, string mode, string outcome, int? status, int pages, long elapsedMs);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "fhirServer {Origin} not contacted: {Reason}")]
    public static partial void FhirServerRefused(ILogger logger, string origin, string reason);
}
