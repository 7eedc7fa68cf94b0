namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// Ordinal equality of a (qualifier, value) string pair — (type, id), (system, code) — hashed by the value alone: the
/// qualifiers are a handful of long constants (resource types, code-system URIs), and hashing them too was a tenth of
/// building a large snapshot. Equality still compares both parts.
/// </summary>
internal sealed class KeyHashedByLastPart : IEqualityComparer<(string, string)>
{
    public static readonly KeyHashedByLastPart Instance = new();

    public bool Equals((string, string) x, (string, string) y) =>
        string.Equals(x.Item2, y.Item2, StringComparison.Ordinal) && string.Equals(x.Item1, y.Item1, StringComparison.Ordinal);

    public int GetHashCode((string, string) key) => key.Item2.GetHashCode(StringComparison.Ordinal);
}
