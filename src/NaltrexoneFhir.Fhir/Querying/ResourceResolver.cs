using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Querying;

/// <summary>
/// Resolves references among a set of resources: literal "Type/id" (relative or absolute), Bundle-local
/// fullUrl (urn:uuid:…), and "#id" contained references relative to the resource that holds them.
/// </summary>
public sealed class ResourceResolver
{
    private readonly Dictionary<string, Resource> _byKey = new(StringComparer.Ordinal);

    public void Add(Resource resource, string? fullUrl = null)
    {
        if (resource.Id is { Length: > 0 } id && resource.TypeName != "Resource")
            _byKey.TryAdd($"{resource.TypeName}/{id}", resource);
        if (!string.IsNullOrEmpty(fullUrl))
        {
            _byKey.TryAdd(fullUrl, resource);
            if (ReferenceExtensions.ParseTypeAndId(fullUrl) is { } parsed)
                _byKey.TryAdd($"{parsed.Type}/{parsed.Id}", resource);
        }
    }

    public void AddBundle(Bundle bundle)
    {
        foreach (var entry in bundle.Entry ?? [])
            if (entry.Resource is { } r) Add(r, entry.FullUrl);
    }

    /// <summary>Resolves <paramref name="reference"/> as seen from <paramref name="container"/> (for contained references).</summary>
    public T? Resolve<T>(Reference? reference, Resource? container = null) where T : Resource
    {
        var value = reference?.ReferenceValue;
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.StartsWith('#'))
        {
            var id = value[1..];
            return container?.Contained?.OfType<T>().FirstOrDefault(c => c.Id == id);
        }
        if (_byKey.TryGetValue(value, out var direct)) return direct as T;
        return ReferenceExtensions.ParseTypeAndId(value) is { } parsed && _byKey.TryGetValue($"{parsed.Type}/{parsed.Id}", out var r)
            ? r as T
            : null;
    }
}
