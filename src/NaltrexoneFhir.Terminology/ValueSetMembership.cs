using System.Collections.Frozen;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Terminology;

/// <summary>A set of a <see cref="ValueSetIndex"/>'s value sets, by their ordinal (<see cref="ValueSetIndex.OrdinalOf"/>).</summary>
public readonly struct ValueSetMask
{
    private readonly ulong[]? _bits;

    internal ValueSetMask(ulong[]? bits) => _bits = bits;

    /// <summary>No value set (an empty mask allocates nothing).</summary>
    public bool IsEmpty => _bits is null;

    /// <summary>Whether the value set with this ordinal is in the mask.</summary>
    public bool Contains(int ordinal) => _bits is not null && (_bits[ordinal >> 6] & (1UL << (ordinal & 63))) != 0;

    internal static void Add(ref ulong[]? bits, ulong[] add, int words)
    {
        bits ??= new ulong[words];
        for (var i = 0; i < words; i++) bits[i] |= add[i];
    }

    internal static void Add(ref ulong[]? bits, int ordinal, int words)
    {
        bits ??= new ulong[words];
        bits[ordinal >> 6] |= 1UL << (ordinal & 63);
    }
}

/// <summary>
/// All value sets of an index combined into one code index and one phrase index, so that a concept or a text is
/// looked up once for every value set instead of once per value set (the rules ask ~15 value sets about the same
/// conditions). Answers exactly what <see cref="IndexedValueSet.ContainsAny"/> and
/// <see cref="IndexedValueSet.MatchesText"/> answer, set by set.
/// </summary>
internal sealed class ValueSetMembership
{
    private readonly int _words;
    private readonly FrozenDictionary<string, FrozenDictionary<string, ulong[]>> _codes;
    private readonly FrozenDictionary<string, (FrozenDictionary<string, ulong[]>.AlternateLookup<ReadOnlySpan<char>> Lookup, int MaxLength)> _prefixes;
    private readonly FrozenDictionary<string, (int Ordinal, string Phrase)[]>.AlternateLookup<ReadOnlySpan<char>> _phrasesByFirstWord;
    private readonly (int Ordinal, string Phrase)[] _unindexedPhrases;

    public ValueSetMembership(IReadOnlyList<IndexedValueSet> sets)
    {
        _words = Math.Max(1, (sets.Count + 63) / 64);
        var codes = new Dictionary<string, Dictionary<string, ulong[]>>(StringComparer.Ordinal);
        // Prefixes compare case-insensitively (as StartsWith(OrdinalIgnoreCase) does): a code's prefix of each length
        // is looked up, and prefixes of several sets that differ only in case share one entry.
        var prefixes = new Dictionary<string, Dictionary<string, ulong[]>>(StringComparer.Ordinal);
        var byFirstWord = new Dictionary<string, List<(int, string)>>(StringComparer.OrdinalIgnoreCase);
        var unindexed = new List<(int, string)>();
        for (var ordinal = 0; ordinal < sets.Count; ordinal++)
        {
            var set = sets[ordinal];
            foreach (var (system, bySystem) in set.CodesBySystem)
            {
                if (!codes.TryGetValue(system, out var into)) codes[system] = into = new(StringComparer.Ordinal);
                foreach (var code in bySystem.Keys) Bit(into, code, ordinal);
            }
            foreach (var (system, list) in set.PrefixesBySystem)
            {
                if (!prefixes.TryGetValue(system, out var into)) prefixes[system] = into = new(StringComparer.OrdinalIgnoreCase);
                foreach (var prefix in list) Bit(into, prefix, ordinal);
            }
            foreach (var (phrase, firstWordLength) in set.PhraseFirstWords)
                if (firstWordLength == 0) unindexed.Add((ordinal, phrase));
                else
                {
                    var first = phrase[..firstWordLength];
                    if (!byFirstWord.TryGetValue(first, out var list)) byFirstWord[first] = list = [];
                    list.Add((ordinal, phrase));
                }
        }
        _codes = codes.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
        _prefixes = prefixes.ToFrozenDictionary(
            kv => kv.Key,
            kv => (kv.Value.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>(), kv.Value.Keys.Max(p => p.Length)),
            StringComparer.Ordinal);
        _phrasesByFirstWord = byFirstWord.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _unindexedPhrases = [.. unindexed];
    }

    private void Bit(Dictionary<string, ulong[]> into, string key, int ordinal)
    {
        var bits = into.GetValueOrDefault(key);
        ValueSetMask.Add(ref bits, ordinal, _words);
        into[key] = bits!;
    }

    /// <summary>The sets that contain one of the codings.</summary>
    public ValueSetMask ContainingAny(IReadOnlyList<Coding>? codings)
    {
        if (codings is null) return default;
        ulong[]? bits = null;
        for (var i = 0; i < codings.Count; i++)
        {
            if (codings[i].System is not { } system || codings[i].Code is not { } code) continue;
            if (_codes.TryGetValue(system, out var bySystem) && bySystem.TryGetValue(code, out var exact))
                ValueSetMask.Add(ref bits, exact, _words);
            if (_prefixes.TryGetValue(system, out var prefixes))
                for (var length = 0; length <= Math.Min(code.Length, prefixes.MaxLength); length++)
                    if (prefixes.Lookup.TryGetValue(code.AsSpan(0, length), out var byPrefix))
                        ValueSetMask.Add(ref bits, byPrefix, _words);
        }
        return new(bits);
    }

    /// <summary>The sets with a phrase that <paramref name="text"/> contains as whole words.</summary>
    public ValueSetMask MatchingText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return default;
        ulong[]? bits = null;
        foreach (var (start, length) in TextMatch.Words(text))
        {
            // As IndexedValueSet.FindPhrase: a whole-word match of a phrase starts at a word start, and that word is
            // the phrase's first word.
            if (_phrasesByFirstWord.TryGetValue(text.AsSpan(start, length), out var candidates))
                foreach (var (ordinal, phrase) in candidates)
                    if (!new ValueSetMask(bits).Contains(ordinal) && TextMatch.IsWholeWordAt(text, start, phrase)) ValueSetMask.Add(ref bits, ordinal, _words);
        }
        foreach (var (ordinal, phrase) in _unindexedPhrases)
            if (!new ValueSetMask(bits).Contains(ordinal) && TextMatch.ContainsWholeWord(text, phrase)) ValueSetMask.Add(ref bits, ordinal, _words);
        return new(bits);
    }
}
