using System.Diagnostics;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Logging;
using NaltrexoneFhir.Api.Operations;
using NaltrexoneFhir.Api.Security;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Api.PatientData;

/// <summary>
/// The seam for patient data: given the keys the triggered rules need, return what is known for each, and what could
/// not be (fully) obtained and why.
/// </summary>
public interface IPatientDataSource
{
    Task<PatientDataLoad> LoadAsync(HookRequest request, IReadOnlyList<DataKey> keys, CancellationToken ct);
}

/// <summary>
/// The data read for each key, the gaps (keys whose data is unavailable or incomplete, with the reason), and the state
/// each key had in the request's prefetch before any fallback (the audit's data origin, so it need not read the
/// prefetch again).
/// </summary>
public sealed record PatientDataLoad(
    IReadOnlyDictionary<string, PrefetchValue> Values,
    IReadOnlyList<DataGap> Gaps,
    IReadOnlyDictionary<string, PrefetchState> PrefetchStates)
{
    /// <summary>Every unavailable value gets a gap, even if the source named none: a missing key is never silent.</summary>
    public static PatientDataLoad Create(IReadOnlyDictionary<string, PrefetchValue> values, IEnumerable<DataGap> gaps,
        IReadOnlyDictionary<string, PrefetchState> prefetchStates)
    {
        var list = gaps.ToList();
        foreach (var (key, value) in values)
            if (!value.IsAvailable && value.State != PrefetchState.Unreadable && list.All(g => g.Key != key))
                list.Add(new DataGap(key, DataGapKind.Unavailable,
                    value.State == PrefetchState.OperationOutcome ? "the EHR could not run the prefetch query" : "not provided"));
        return new PatientDataLoad(values, list, prefetchStates);
    }
}

/// <summary>
/// Prefetch first, then the FHIR server. For each needed key: a prefetched value (null, a resource or a Bundle) is used
/// as is; a prefetched Bundle with a next link is completed from the FHIR server; a key that is absent or an
/// OperationOutcome is fetched from <c>fhirServer</c> with the rendered template and the caller's bearer token. All keys
/// run in parallel within one time budget. The caller's fhirServer is contacted only when it is on the allowlist.
/// </summary>
public sealed class PrefetchFirstPatientDataSource(
    FhirServerClients clients,
    FhirServerAllowlist allowlist,
    IOptions<FhirServerOptions> options,
    CdsClientContext clientContext,
    CdsMetrics metrics,
    ILogger<PrefetchFirstPatientDataSource> logger) : IPatientDataSource
{
    public async Task<PatientDataLoad> LoadAsync(HookRequest request, IReadOnlyList<DataKey> keys, CancellationToken ct)
    {
        var prefetched = keys.Select(k => (Key: k, Value: PrefetchReader.Read(request.Prefetch.TryGetValue(k.Name, out var v) ? v : null))).ToList();
        if (logger.IsEnabled(LogLevel.Debug)) // the state's name is formatted before the logger would look at the level
            foreach (var (key, value) in prefetched) Log.PrefetchState(logger, key.Name, value.State.ToString());

        var needsServer = prefetched.Any(p => p.Value.State is PrefetchState.Absent or PrefetchState.OperationOutcome
                                              || (p.Value.State == PrefetchState.Provided && PrefetchReader.NextLink(p.Value.Bundle) is not null));
        var states = prefetched.ToDictionary(p => p.Key.Name, p => p.Value.State, StringComparer.Ordinal);
        // The common case: the prefetch settles every key (ResolveAsync would return each as it is). No HTTP client, no fetch budget
        // (a linked cancellation source and a timer per call) and no task per key.
        if (!needsServer)
            return PatientDataLoad.Create(prefetched.ToDictionary(p => p.Key.Name, p => p.Value, StringComparer.Ordinal), [], states);
        var server = allowlist.Check(request.FhirServer);
        // The verified CDS client (JWT) may narrow the allowlist to its own FHIR servers; it never widens it.
        if (server.IsAllowed && !clientContext.IsFhirServerAllowed(request.FhirServer))
            server = new FhirServerCheck(null, "FHIR server not registered for this EHR client");
        if (request.FhirServer is not null && !server.IsAllowed)
            Log.FhirServerRefused(logger, FhirServerAllowlist.Origin(request.FhirServer), server.Refusal ?? "-");

        using var budget = new FetchBudget(options.Value.Budget, TimeProvider.System, ct);
        var client = clients.Create();
        var results = await Task.WhenAll(prefetched.Select(p => ResolveAsync(client, request, p.Key, p.Value, server, budget)));

        var values = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        var gaps = new List<DataGap>();
        foreach (var (name, value, gap) in results)
        {
            values[name] = value;
            if (gap is not null) gaps.Add(gap);
        }
        return PatientDataLoad.Create(values, gaps, states);
    }

    private async Task<(string Key, PrefetchValue Value, DataGap? Gap)> ResolveAsync(FhirServerClient client,
        HookRequest request, DataKey key, PrefetchValue prefetched, FhirServerCheck server, FetchBudget budget)
    {
        switch (prefetched.State)
        {
            case PrefetchState.Null or PrefetchState.Unreadable:
                return (key.Name, prefetched, null);
            case PrefetchState.Provided when PrefetchReader.NextLink(prefetched.Bundle) is null:
                return (key.Name, prefetched, null);
            case PrefetchState.Provided:
                if (!server.IsAllowed)
                    return (key.Name, prefetched, new DataGap(key.Name, DataGapKind.Incomplete, $"more pages not read; {server.Refusal}"));
                return await FetchAsync(client, request, key, prefetched, server.Base!, budget);
            default: // Absent, or an OperationOutcome from the EHR: fetch it ourselves.
                if (!server.IsAllowed)
                    return (key.Name, prefetched, new DataGap(key.Name, DataGapKind.Unavailable,
                        prefetched.State == PrefetchState.OperationOutcome ? $"the EHR's prefetch failed; {server.Refusal}" : $"not in prefetch; {server.Refusal}"));
                return await FetchAsync(client, request, key, prefetched, server.Base!, budget);
        }
    }

    private async Task<(string Key, PrefetchValue Value, DataGap? Gap)> FetchAsync(FhirServerClient client,
        HookRequest request, DataKey key, PrefetchValue prefetched, Uri serverBase, FetchBudget budget)
    {
        Uri url;
        try
        {
            url = new Uri(serverBase.AbsoluteUri.TrimEnd('/') + "/" + key.Render(request.ContextTokens));
        }
        catch (FormatException)
        {
            return (key.Name, prefetched, new DataGap(key.Name, DataGapKind.Unavailable, "the query needs context the request does not carry"));
        }
        // The rendered URL must still be under the allowed base (an id like ".." must not climb out of it), and next
        // links must stay on the same origin and under the allowlist: the token goes nowhere else.
        bool MayFollow(Uri next) => FhirServerAllowlist.SameOrigin(next, serverBase) && allowlist.Covers(next);
        if (!MayFollow(url))
            return (key.Name, prefetched, new DataGap(key.Name, DataGapKind.Unavailable, "the query URL leaves the FHIR server"));

        metrics.FallbackCall(key.Name);
        var sw = Stopwatch.StartNew();
        var firstPage = prefetched.State == PrefetchState.Provided ? prefetched.Bundle : null;
        var result = await client.FetchAsync(url, firstPage, key.IsRead, request.FhirAuthorization?.AccessToken, MayFollow, budget);
        Log.FhirFetched(logger, key.Name, firstPage is null ? "fetch" : "next-pages", result.Outcome, result.Status, result.Pages, sw.ElapsedMilliseconds);

        if (result.Value is null || !result.Complete) metrics.FallbackFailure(key.Name, result.Outcome);
        if (result.Value is null)
        {
            var reason = prefetched.State == PrefetchState.OperationOutcome ? $"the EHR's prefetch failed; {result.Problem}" : result.Problem!;
            return (key.Name, prefetched, new DataGap(key.Name, DataGapKind.Unavailable, reason));
        }
        return (key.Name, result.Value, result.Complete ? null : new DataGap(key.Name, DataGapKind.Incomplete, result.Problem!));
    }
}
