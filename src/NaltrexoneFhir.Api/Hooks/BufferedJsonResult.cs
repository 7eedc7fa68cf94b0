using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NaltrexoneFhir.Api.Hooks;

/// <summary>
/// A JSON response serialized in one synchronous pass into a per-thread buffer, then copied into the response with
/// its <c>Content-Length</c>. The bytes are exactly <see cref="JsonSerializer.Serialize{TValue}(TValue, JsonTypeInfo{TValue})"/>'s.
/// </summary>
/// <remarks>
/// <c>TypedResults.Json</c> serializes through the serializer's resumable asynchronous path onto the response pipe
/// (a linked cancellation source, a write stack that can suspend, a chunked body). A card response is small (~4 KB)
/// and already complete in memory, so the synchronous writer (the source generator's fast path where the types allow
/// it) and one copy do the same work for less: the response's share of the service's samples under load went from
/// 6.0 to 4.7 % (BENCHMARKS.md, session 11). Used for the hook answer and for the benchmark's baseline route alike.
/// </remarks>
public sealed class BufferedJsonResult<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult
{
    public T Value { get; } = value;
    object? IValueHttpResult.Value => Value;
    public int? StatusCode => StatusCodes.Status200OK;
    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;

        // Serialized and copied before the first await: the per-thread buffer is free again when this returns.
        var (buffer, writer) = PerThreadJsonBuffer.Rent(typeInfo.Options);
        try
        {
            JsonSerializer.Serialize(writer, Value, typeInfo);
            writer.Flush();
            var body = response.BodyWriter;
            response.ContentLength = buffer.WrittenCount;
            body.Write(buffer.WrittenSpan);
            return Flush(body, httpContext.RequestAborted);
        }
        finally
        {
            PerThreadJsonBuffer.Return(buffer);
        }
    }

    /// <summary>As <c>WriteAsJsonAsync</c> does: a client that went away is not an error (nothing is left to answer).</summary>
    private static Task Flush(PipeWriter body, CancellationToken aborted)
    {
        try
        {
            var flush = body.FlushAsync(aborted);
            return flush.IsCompletedSuccessfully ? Task.CompletedTask : Awaited(flush, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        static async Task Awaited(ValueTask<FlushResult> flush, CancellationToken aborted)
        {
            try { await flush; }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested) { /* the client went away */ }
        }
    }
}

/// <summary>One growable buffer and one JSON writer per thread, for <see cref="BufferedJsonResult{T}"/>.</summary>
internal static class PerThreadJsonBuffer
{
    /// <summary>Buffers that grew past this (a response of hundreds of cards) are not kept for the next call.</summary>
    private const int MaxKeptBytes = 256 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static JsonSerializerOptions? t_options;

    /// <summary>The thread's empty buffer and a writer onto it with <paramref name="options"/>' writer settings.</summary>
    public static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Rent(JsonSerializerOptions options)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(8 * 1024);
        if (t_writer is { } writer && ReferenceEquals(t_options, options))
        {
            writer.Reset(buffer);
            return (buffer, writer);
        }
        // The serializer's own writer settings (encoder, indentation, depth), so that the bytes are the ones its
        // other entry points write.
        t_options = options;
        t_writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Encoder = options.Encoder,
            Indented = options.WriteIndented,
            MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
            SkipValidation = true,
        });
        return (buffer, t_writer);
    }

    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxKeptBytes) (t_buffer, t_writer, t_options) = (null, null, null);
        else buffer.ResetWrittenCount();
    }
}
