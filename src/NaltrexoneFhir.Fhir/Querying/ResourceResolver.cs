using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Querying;

/// <summary>
/// Resolves references among a set of resources: literal "Type/id" (relative or absolute), Bundle-local
/// fullUrl (urn:uuid:…), and "#id" contained references relative to the resource that holds them.
/// </summary>
public sealed class ResourceResolver
{
    private readonly Dictionary<string, Resource> _byKey = new(StringComparer.Ordinal);

    // Resources and Bundles added but not yet indexed. The index (a "Type/id" string per resource, plus its fullUrl)
    // is built on the first lookup that needs it, in the order of the adds, so it holds exactly what indexing each add
    // at once would (the model is read-only once read): a snapshot of thousands of resources often resolves nothing
    // but contained ("#id") references, and then never builds it.
    private readonly List<(Resource? Resource, string? FullUrl, Bundle? Bundle)> _pending = [];
    private readonly Lock _indexing = new(); // concurrent first lookups (rules read the snapshot) build it once

    public void Add(Resource resource, string? fullUrl = null) => _pending.Add((resource, fullUrl, null));

    public void AddBundle(Bundle bundle) => _pending.Add((null, null, bundle));

    private Dictionary<string, Resource> Index()
    {
        lock (_indexing)
        {
            if (_pending.Count == 0) return _byKey;
            foreach (var (resource, fullUrl, bundle) in _pending)
            {
                if (bundle is null) Insert(resource!, fullUrl);
                else
                    foreach (var entry in bundle.Entry ?? [])
                        if (entry.Resource is { } r) Insert(r, entry.FullUrl);
            }
            _pending.Clear();
            return _byKey;
        }
    }

    private void Insert(Resource resource, string? fullUrl)
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
        // Lookups only read the index once it is built (as before, adding while resolving is not supported).
        var byKey = Index();
        if (byKey.TryGetValue(value, out var direct)) return direct as T;
        return ReferenceExtensions.ParseTypeAndId(value) is { } parsed && byKey.TryGetValue($"{parsed.Type}/{parsed.Id}", out var r)
            ? r as T
            : null;
    }
}
