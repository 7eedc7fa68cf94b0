using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Benchmark;

/// <summary>
/// The floor for the HTTP benchmark (tests/NaltrexoneFhir.Benchmarks): <c>POST /benchmark/baseline</c> reads the body
/// exactly as the hook route does (same size and depth limits, parsed as JSON) and answers a constant card, with no
/// CDS work. Mapped only when <c>Benchmark:BaselineEndpoint=true</c>; absent from every normal deployment.
/// </summary>
public static class BaselineEndpoint
{
    public const string Route = "/benchmark/baseline";
    public const string ConfigKey = "Benchmark:BaselineEndpoint";

    private static readonly CdsResponse Constant = new()
    {
        Cards =
        [
            new Card
            {
                Uuid = "00000000-0000-4000-8000-000000000000",
                Summary = "Benchmark baseline: body read as JSON, no CDS evaluation",
                Indicator = Indicators.Info,
                Source = new CardSource { Label = "CDS Hooks 2.0", Url = "https://cds-hooks.hl7.org/2.0/" },
            },
        ],
    };

    public static IEndpointRouteBuilder MapBenchmarkBaseline(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>(ConfigKey)) return app;
        app.MapPost(Route, async (HttpContext http, IOptions<CdsOptions> options) =>
        {
            var (body, problem) = await CdsEndpoints.ReadBodyAsync(http, options.Value);
            if (problem is not null) return problem;
            using (body) return new BufferedJsonResult<CdsResponse>(Constant, CdsJsonContext.Default.CdsResponse);
        }).ExcludeFromDescription();
        return app;
    }
}
