using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace NaltrexoneFhir.Api.Tests.Operations;

[Collection(nameof(ApiCollection))]
public sealed partial class OpenApiTests(CdsApiFactory factory)
{
    /// <summary>Routes deliberately left out of the document: the root redirect and the document itself.</summary>
    private static readonly string[] Undocumented = ["/", "/openapi/v1.json"];

    [Fact]
    public async Task Document_CoversEveryRoute()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await CdsApiFactory.ReadJson(response)).GetProperty("paths");

        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .Select(e => (Path: Normalize(e.RoutePattern.RawText!), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods,
                Excluded: e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true))
            .ToList();
        Assert.Contains(routes, r => r.Path == "/cds-services/{id}");

        foreach (var (path, methods, excluded) in routes)
        {
            if (excluded)
            {
                Assert.Contains(path, Undocumented);
                continue;
            }
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            foreach (var method in methods)
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {path} is not in the OpenAPI document");
        }
        foreach (var expected in new[] { "/cds-services", "/cds-services/{id}", "/health/live", "/health/ready" })
            Assert.True(paths.TryGetProperty(expected, out _), expected);
    }

    [Fact]
    public async Task HookRoute_DescribesCardsAndErrors()
    {
        var doc = await CdsApiFactory.ReadJson(await factory.CreateClient().GetAsync("/openapi/v1.json"));
        var post = doc.GetProperty("paths").GetProperty("/cds-services/{id}").GetProperty("post");

        Assert.Equal("#/components/schemas/CdsResponse",
            post.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        foreach (var status in new[] { "400", "404", "412", "413" })
            Assert.True(post.GetProperty("responses").TryGetProperty(status, out _), status);
        Assert.True(doc.GetProperty("components").GetProperty("schemas").GetProperty("Card").GetProperty("properties").TryGetProperty("summary", out _));
    }

    private static string Normalize(string pattern)
    {
        var path = "/" + pattern.Trim('/');
        return RouteConstraint().Replace(path, "{$1}");
    }

    [GeneratedRegex(@"\{\*{0,2}([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
