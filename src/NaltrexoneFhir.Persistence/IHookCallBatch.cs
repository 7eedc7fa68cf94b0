namespace NaltrexoneFhir.Persistence;

/// <summary>
/// Hook calls for <see cref="AuditStore"/> to write, produced one at a time as it writes them, so that a writer can
/// keep its records encoded until then (the API's audit queue does: <c>QueuedHookCall</c>).
/// </summary>
public interface IHookCallBatch
{
    int Count { get; }

    /// <summary>
    /// The call at <paramref name="index"/>, or null when it cannot be produced (the store skips it). The store reads
    /// each call once per attempt, twice on a retry, and keeps none of them.
    /// </summary>
    HookCallRow? Read(int index);
}
