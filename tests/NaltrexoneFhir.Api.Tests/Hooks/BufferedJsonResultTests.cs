using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>
/// The hook answer is written by <see cref="BufferedJsonResult{T}"/>: the bytes must be exactly the serializer's,
/// with a Content-Length, whatever the previous response on the same thread was.
/// </summary>
public sealed class BufferedJsonResultTests
{
    private static CdsResponse Response(string summary, int cards = 1) => new()
    {
        Cards = Enumerable.Range(0, cards).Select(i => new Card
        {
            Uuid = $"00000000-0000-4000-8000-{i:D12}",
            Summary = summary,
            Detail = "- ALT 182 U/L, 4.6× ULN ≥ 3×; the patient's <b>liver</b> & \"kidneys\" + 'more' \u2028 end",
            Indicator = Indicators.Warning,
            Source = new CardSource { Label = "Label", Url = "https://example.org/label?a=1&b=2" },
            OverrideReasons = [new CdsCoding("https://example.org/cs", "x", "Benefit outweighs risk")],
        }).ToList(),
    };

    private static async Task<(byte[] Body, HttpResponse Response)> ExecuteAsync<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        await new BufferedJsonResult<T>(value, typeInfo).ExecuteAsync(http);
        await http.Response.BodyWriter.CompleteAsync();
        return (body.ToArray(), http.Response);
    }

    [Fact]
    public async Task WritesTheSerializersBytes_WithContentLengthAndType()
    {
        var value = Response("ALT 182 U/L (4.6× ULN) on 2026-11-02: stop naltrexone");
        var (body, response) = await ExecuteAsync(value, CdsJsonContext.Default.CdsResponse);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(value, CdsJsonContext.Default.CdsResponse), body);
        Assert.Equal(body.Length, response.ContentLength);
        Assert.Equal((int)HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
    }

    [Fact]
    public async Task ReusedBuffer_NeverCarriesBytesFromAnEarlierResponse()
    {
        // Large (past the kept size), then medium, then small, on one thread: each is exactly its own serialization.
        foreach (var value in new[] { Response(new string('a', 100), cards: 800), Response("medium", cards: 20), Response("s") })
        {
            var (body, response) = await ExecuteAsync(value, CdsJsonContext.Default.CdsResponse);
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(value, CdsJsonContext.Default.CdsResponse), body);
            Assert.Equal(body.Length, response.ContentLength);
        }
    }

    [Fact]
    public async Task AnotherContextsOptions_AreHonoured_OnTheSameThread()
    {
        var cards = Response("compact");
        var indented = new Indented("x", [1, 2]);
        var (first, _) = await ExecuteAsync(cards, CdsJsonContext.Default.CdsResponse);
        var (second, _) = await ExecuteAsync(indented, IndentedContext.Default.Indented);
        var (third, _) = await ExecuteAsync(cards, CdsJsonContext.Default.CdsResponse);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(indented, IndentedContext.Default.Indented), second);
        Assert.Contains((byte)'\n', second);
        Assert.DoesNotContain((byte)'\n', first);
        Assert.Equal(first, third);
    }

    [Fact]
    public async Task ClientGone_IsNotAnError()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var http = new DefaultHttpContext { RequestAborted = aborted.Token };
        http.Response.Body = new MemoryStream();
        await new BufferedJsonResult<CdsResponse>(Response("gone"), CdsJsonContext.Default.CdsResponse).ExecuteAsync(http);
        Assert.Equal((int)HttpStatusCode.OK, http.Response.StatusCode);
    }

    [Fact]
    public async Task FromManyThreadsAtOnce_EachResponseIsItsOwn()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            var value = Response($"card {i}", cards: 1 + i % 7);
            var (body, _) = await ExecuteAsync(value, CdsJsonContext.Default.CdsResponse);
            return (Expected: JsonSerializer.SerializeToUtf8Bytes(value, CdsJsonContext.Default.CdsResponse), Body: body);
        })));
        Assert.All(results, r => Assert.Equal(r.Expected, r.Body));
    }
}

public sealed record Indented(string Name, int[] Values);

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Indented))]
internal sealed partial class IndentedContext : JsonSerializerContext;
