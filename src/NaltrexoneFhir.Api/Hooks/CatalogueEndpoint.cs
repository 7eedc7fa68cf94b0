using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Api.Hooks;

/// <summary>
/// GET /catalogue (outside the CDS service id space): every rule — id, title, concern code, hooks, default indicator,
/// the data keys it reads, its sources (label + URL) and whether it is enabled — and every setting of "Rules" with its
/// current value, for review by a pharmacy and therapeutics committee. docs/rules.md is generated from the same data.
/// </summary>
public static class CatalogueEndpoint
{
    public static IEndpointRouteBuilder MapCatalogue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/catalogue", (RuleEngine engine, IOptionsSnapshot<RuleOptions> options) =>
                TypedResults.Json(RuleCatalogue.Describe(RuleCatalog.All().Where(r => engine.Rules.Any(e => e.Id == r.Id)), options.Value),
                    CatalogueJsonContext.Default.CatalogueDocument))
            .WithName("RuleCatalogue");
        return app;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(CatalogueDocument))]
public sealed partial class CatalogueJsonContext : JsonSerializerContext;
