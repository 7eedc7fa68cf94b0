using Microsoft.AspNetCore.Http.HttpResults;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Errors;

/// <summary>Builds FHIR OperationOutcome responses for every non-2xx answer on CDS routes.</summary>
public static class Outcomes
{
    public const string FhirJsonContentType = "application/fhir+json";

    public static OperationOutcome Build(IEnumerable<RequestIssue> issues, string severity = "error") => new()
    {
        Issue = issues.Select(i => new OperationOutcomeIssue
        {
            Severity = severity,
            Code = i.Code,
            Diagnostics = i.Message,
            Expression = i.Expression is null ? null : [i.Expression],
        }).ToList(),
    };

    public static ContentHttpResult Result(int status, IEnumerable<RequestIssue> issues) =>
        TypedResults.Content(FhirJson.Write(Build(issues)), FhirJsonContentType, System.Text.Encoding.UTF8, status);

    public static ContentHttpResult Result(int status, string code, string message) => Result(status, [new RequestIssue(code, message)]);

    public static async Task WriteAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = FhirJsonContentType;
        await http.Response.WriteAsync(FhirJson.Write(Build([new RequestIssue(code, message)])));
    }
}
