using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hosting;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Fhir.Json;

namespace NaltrexoneFhir.Api.Hooks;

/// <summary>
/// Starts reading a large hook body's Bundle entries while the rest of it arrives
/// (<see cref="FhirFastReader.EntryPreReader"/>): for bodies announcing at least <see cref="CdsOptions.PreReadMinBytes"/>,
/// each on a thread of its own at nice <see cref="CdsOptions.PreReadNice"/>, so that it takes only CPU the arrival
/// leaves idle. At most one per core at a time; a body beyond that is read as it always was.
/// </summary>
public sealed class BodyPreReads(IOptions<CdsOptions> options)
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>A started pre-reader over <paramref name="buffer"/>, or null when the body does not qualify or no slot is free.</summary>
    public Lease? TryStart(long? contentLength, Memory<byte> buffer)
    {
        var o = options.Value;
        if (o.PreReadMinBytes == 0 || contentLength is not { } length || length < o.PreReadMinBytes || length > buffer.Length
            || Environment.ProcessorCount < 2 || !_slots.Wait(0))
            return null;
        var reader = new FhirFastReader.EntryPreReader(buffer[..(int)length], o.MaxJsonDepth);
        var nice = o.PreReadNice;
        reader.Start(() => BackgroundThread.LowerPriority(nice));
        return new Lease(reader, _slots);
    }

    /// <summary>One pre-reader and its slot; <see cref="StopAsync"/> (idempotent) stops it and frees the slot.</summary>
    public sealed class Lease(FhirFastReader.EntryPreReader reader, SemaphoreSlim slots)
    {
        private int _released;

        public FhirFastReader.EntryPreReader Reader => reader;

        public void Advance(int available) => reader.Advance(available);

        public async Task StopAsync()
        {
            await reader.StopAsync();
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
