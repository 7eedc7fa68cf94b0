using NaltrexoneFhir.Api.Logging;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Api.PatientData;

/// <summary>
/// The seam for patient data: given the keys the triggered rules need, return what is known for each.
/// Today: prefetch only. The FHIR-server fallback (for absent keys and OperationOutcomes) plugs in here.
/// </summary>
public interface IPatientDataSource
{
    Task<IReadOnlyDictionary<string, PrefetchValue>> LoadAsync(HookRequest request, IReadOnlyList<DataKey> keys, CancellationToken ct);
}

public sealed class PrefetchPatientDataSource(ILogger<PrefetchPatientDataSource> logger) : IPatientDataSource
{
    public Task<IReadOnlyDictionary<string, PrefetchValue>> LoadAsync(HookRequest request, IReadOnlyList<DataKey> keys, CancellationToken ct)
    {
        var result = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var value = PrefetchReader.Read(request.Prefetch.TryGetValue(key.Name, out var v) ? v : null);
            Log.PrefetchState(logger, key.Name, value.State.ToString());
            result[key.Name] = value;
        }
        return Task.FromResult<IReadOnlyDictionary<string, PrefetchValue>>(result);
    }
}
