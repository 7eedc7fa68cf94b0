using System.Security.Claims;
using NaltrexoneFhir.Api.PatientData;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>Per request: the data keys the hook call loaded and where each came from (filled by <see cref="AuditingPatientDataSource"/>).</summary>
public sealed class HookDataCapture
{
    public IReadOnlyDictionary<string, (string Origin, string State)>? Values { get; private set; }

    internal void Record(IReadOnlyDictionary<string, (string Origin, string State)> values) => Values = values;

    /// <summary>
    /// Where a key's data came from. Usable in the prefetch (a resource/Bundle, or null = known to be empty) → prefetch;
    /// not usable in the prefetch (absent or an OperationOutcome) but available after loading → the EHR's FHIR server;
    /// otherwise → unavailable, with the prefetch state.
    /// </summary>
    public static (string Origin, string State) Describe(PrefetchState prefetched, PrefetchValue loaded) =>
        prefetched is PrefetchState.Null or PrefetchState.Provided ? (DataOrigins.Prefetch, prefetched == PrefetchState.Null ? "null" : "provided")
        : loaded.IsAvailable ? (DataOrigins.FhirServer, loaded.State == PrefetchState.Null ? "null" : "provided")
        : (DataOrigins.Unavailable, prefetched switch
        {
            PrefetchState.Absent => "absent",
            PrefetchState.OperationOutcome => "operation-outcome",
            _ => "unreadable",
        });
}

/// <summary>Decorates whichever <see cref="IPatientDataSource"/> is registered: passes through, and records the origin per key for the audit.</summary>
public sealed class AuditingPatientDataSource(IPatientDataSource inner, HookDataCapture capture) : IPatientDataSource
{
    public async Task<PatientDataLoad> LoadAsync(HookRequest request, IReadOnlyList<DataKey> keys, CancellationToken ct)
    {
        var load = await inner.LoadAsync(request, keys, ct);
        var origins = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var (key, value) in load.Values)
            origins[key] = HookDataCapture.Describe(load.PrefetchStates.GetValueOrDefault(key, PrefetchState.Absent), value);
        capture.Record(origins);
        return load;
    }
}

/// <summary>Who called: the CDS client's issuer and tenant. Null until client authentication is in place.</summary>
public interface ICallerIdentity
{
    (string? Issuer, string? Tenant) Current();
}

/// <summary>Reads <c>iss</c> and <c>tenant</c> from the authenticated principal (the CDS client JWT, once verified); null when the call is not authenticated.</summary>
public sealed class ClaimsCallerIdentity(IHttpContextAccessor http) : ICallerIdentity
{
    public (string? Issuer, string? Tenant) Current()
    {
        var user = http.HttpContext?.User;
        if (user?.Identity?.IsAuthenticated != true) return (null, null);
        return (Clip(user.FindFirstValue("iss")), Clip(user.FindFirstValue("tenant")));
    }

    private static string? Clip(string? s) => s is { Length: > 256 } ? s[..256] : s;
}
