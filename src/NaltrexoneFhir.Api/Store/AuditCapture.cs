using System.Security.Claims;
using NaltrexoneFhir.Api.PatientData;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>Per request: the data keys the hook call loaded and what each came to (filled by <see cref="AuditingPatientDataSource"/>).</summary>
public sealed class HookDataCapture
{
    public IReadOnlyDictionary<string, PrefetchValue>? Values { get; private set; }

    internal void Record(IReadOnlyDictionary<string, PrefetchValue> values) => Values = values;

    /// <summary>
    /// Where a key's data came from. Provided or null (known to be empty) → prefetch; absent, an OperationOutcome or
    /// unreadable → unavailable. A value fetched from the EHR's FHIR server is marked by the fallback data source
    /// (issue 4) and maps to <see cref="DataOrigins.FhirServer"/> here.
    /// </summary>
    public static (string Origin, string State) Describe(PrefetchValue value) => value.State switch
    {
        PrefetchState.Provided => (DataOrigins.Prefetch, "provided"),
        PrefetchState.Null => (DataOrigins.Prefetch, "null"),
        PrefetchState.Absent => (DataOrigins.Unavailable, "absent"),
        PrefetchState.OperationOutcome => (DataOrigins.Unavailable, "operation-outcome"),
        PrefetchState.Unreadable => (DataOrigins.Unavailable, "unreadable"),
        var other => (other.ToString().Contains("Fhir", StringComparison.OrdinalIgnoreCase) ? DataOrigins.FhirServer : DataOrigins.Unavailable,
            other.ToString().ToLowerInvariant()),
    };
}

/// <summary>Decorates whichever <see cref="IPatientDataSource"/> is registered: passes through, and records the outcome per key for the audit.</summary>
public sealed class AuditingPatientDataSource(IPatientDataSource inner, HookDataCapture capture) : IPatientDataSource
{
    public async Task<IReadOnlyDictionary<string, PrefetchValue>> LoadAsync(HookRequest request, IReadOnlyList<DataKey> keys, CancellationToken ct)
    {
        var values = await inner.LoadAsync(request, keys, ct);
        capture.Record(values);
        return values;
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
