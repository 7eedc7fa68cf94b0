using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;

namespace NaltrexoneFhir.Terminology;

/// <summary>How a concept was matched to a value set.</summary>
public enum MatchKind { None, Code, Text }

/// <summary>One loaded value set: codes by system, hierarchical prefixes (is-a for ICD-10-CM and ATC) and text designations.</summary>
public sealed class IndexedValueSet
{
    internal IndexedValueSet(string url, string title, string? version,
        FrozenDictionary<string, FrozenDictionary<string, string?>> codes,
        IReadOnlyDictionary<string, string[]> prefixes, string[] phrases)
    {
        Url = url; Title = title; Version = version; _codes = codes; _prefixes = prefixes; Phrases = phrases;
        // Text index: each phrase under its first word, so a text is matched in one pass over its words instead of
        // one case-insensitive search per phrase (phrases not starting with a letter or digit are searched as before).
        var byFirstWord = new Dictionary<string, List<(string, int)>>(StringComparer.OrdinalIgnoreCase);
        var unindexed = new List<(string, int)>();
        PhraseFirstWords = new (string, int)[phrases.Length];
        for (var rank = 0; rank < phrases.Length; rank++)
        {
            var phrase = phrases[rank];
            var end = 0;
            while (end < phrase.Length && char.IsLetterOrDigit(phrase[end])) end++;
            PhraseFirstWords[rank] = (phrase, end);
            if (end == 0) { unindexed.Add((phrase, rank)); continue; }
            var first = phrase[..end];
            if (!byFirstWord.TryGetValue(first, out var list)) byFirstWord[first] = list = [];
            list.Add((phrase, rank));
        }
        _phrasesByFirstWord = byFirstWord.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _unindexedPhrases = [.. unindexed];
    }

    private readonly FrozenDictionary<string, (string Phrase, int Rank)[]>.AlternateLookup<ReadOnlySpan<char>> _phrasesByFirstWord;
    private readonly (string Phrase, int Rank)[] _unindexedPhrases;

    private readonly FrozenDictionary<string, FrozenDictionary<string, string?>> _codes;
    private readonly IReadOnlyDictionary<string, string[]> _prefixes;

    /// <summary>For <see cref="ValueSetMembership"/>: the codes, is-a prefixes and phrases with their first word's length.</summary>
    internal FrozenDictionary<string, FrozenDictionary<string, string?>> CodesBySystem => _codes;
    internal IReadOnlyDictionary<string, string[]> PrefixesBySystem => _prefixes;
    internal (string Phrase, int FirstWordLength)[] PhraseFirstWords { get; }

    public string Url { get; }
    public string Title { get; }
    public string? Version { get; }
    /// <summary>Lower-case whole-word phrases used as the free-text fallback.</summary>
    public string[] Phrases { get; }
    public int CodeCount => _codes.Values.Sum(v => v.Count);

    public IEnumerable<(string System, string Code, string? Display)> Concepts =>
        _codes.SelectMany(s => s.Value.Select(c => (s.Key, c.Key, c.Value)));

    public bool Contains(string? system, string? code)
    {
        if (system is null || code is null) return false;
        if (_codes.TryGetValue(system, out var set) && set.ContainsKey(code)) return true;
        if (_prefixes.TryGetValue(system, out var prefixes))
            foreach (var p in prefixes)
                if (code.StartsWith(p, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public bool Contains(Coding coding) => Contains(coding.System, coding.Code);

    public bool ContainsAny(CodeableConcept? concept)
    {
        if (concept?.Coding is not { } codings) return false;
        for (var i = 0; i < codings.Count; i++)
            if (Contains(codings[i])) return true;
        return false;
    }

    public string? Display(string system, string code) =>
        _codes.TryGetValue(system, out var set) && set.TryGetValue(code, out var d) ? d : null;

    /// <summary>True when <paramref name="text"/> contains one of the designations as a whole-word phrase.</summary>
    public bool MatchesText(string? text) => FindPhrase(text) is not null;

    /// <summary>The first phrase (longest first) that <paramref name="text"/> contains as whole words, or null.</summary>
    public string? FindPhrase(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || Phrases.Length == 0) return null;
        var best = int.MaxValue;
        foreach (var (start, length) in TextMatch.Words(text))
        {
            // A whole-word match of a phrase starts at a word start, and that word is the phrase's first word.
            if (_phrasesByFirstWord.TryGetValue(text.AsSpan(start, length), out var candidates))
                foreach (var (phrase, rank) in candidates)
                    if (rank < best && TextMatch.IsWholeWordAt(text, start, phrase)) best = rank;
        }
        foreach (var (phrase, rank) in _unindexedPhrases)
            if (rank < best && TextMatch.ContainsWholeWord(text, phrase)) best = rank;
        return best == int.MaxValue ? null : Phrases[best];
    }

    /// <summary>Codes first; then, if asked, the concept's text and displays against the designations.</summary>
    public MatchKind Match(CodeableConcept? concept, bool allowText = true)
    {
        if (concept is null) return MatchKind.None;
        if (ContainsAny(concept)) return MatchKind.Code;
        return allowText && concept.Texts().Any(MatchesText) ? MatchKind.Text : MatchKind.None;
    }
}

internal static class TextMatch
{
    /// <summary>The words of <paramref name="text"/> (runs of letters and digits) as (start, length), without allocating.</summary>
    public static WordRanges Words(string text) => new(text);

    public ref struct WordRanges(string text)
    {
        private int _next;

        public (int Start, int Length) Current { get; private set; }

        public readonly WordRanges GetEnumerator() => this;

        public bool MoveNext()
        {
            var i = _next;
            while (i < text.Length && !char.IsLetterOrDigit(text[i])) i++;
            if (i >= text.Length) return false;
            var end = i + 1;
            while (end < text.Length && char.IsLetterOrDigit(text[end])) end++;
            Current = (i, end - i);
            _next = end;
            return true;
        }
    }

    /// <summary>The phrase occurs at <paramref name="start"/> (a word start) and ends at a word boundary.</summary>
    public static bool IsWholeWordAt(string text, int start, string phrase)
    {
        var end = start + phrase.Length;
        return end <= text.Length
               && text.AsSpan(start, phrase.Length).Equals(phrase, StringComparison.OrdinalIgnoreCase)
               && (end == text.Length || !char.IsLetterOrDigit(text[end]));
    }

    public static bool ContainsWholeWord(string text, string phrase)
    {
        var start = 0;
        while (start <= text.Length - phrase.Length)
        {
            var i = text.IndexOf(phrase, start, StringComparison.OrdinalIgnoreCase);
            if (i < 0) return false;
            var before = i == 0 || !char.IsLetterOrDigit(text[i - 1]);
            var afterIndex = i + phrase.Length;
            var after = afterIndex >= text.Length || !char.IsLetterOrDigit(text[afterIndex]);
            if (before && after) return true;
            start = i + 1;
        }
        return false;
    }
}

/// <summary>
/// All value sets of fhir-profiles/valuesets, embedded in this assembly and indexed once at start-up.
/// Lookups are hash-set based; nothing is loaded per request.
/// </summary>
public sealed class ValueSetIndex
{
    private static readonly string[] HierarchicalSystems = [CodeSystems.Icd10Cm, CodeSystems.Atc];
    private readonly FrozenDictionary<string, IndexedValueSet> _sets;
    private readonly FrozenDictionary<string, int> _ordinals;
    private readonly ValueSetMembership _membership;

    public ValueSetIndex(IEnumerable<IndexedValueSet> sets)
    {
        _sets = sets.ToFrozenDictionary(s => s.Url, StringComparer.Ordinal);
        var ordered = _sets.Values.ToArray();
        _ordinals = ordered.Select((s, i) => (s.Url, i)).ToFrozenDictionary(p => p.Url, p => p.i, StringComparer.Ordinal);
        _membership = new ValueSetMembership(ordered);
    }

    /// <summary>
    /// A medication classifier over this index, made once (it resolves its nine value sets when built; a rule that
    /// built its own per call paid that on every call).
    /// </summary>
    public MedicationClassifier Medications => _medications ??= new MedicationClassifier(this);

    private MedicationClassifier? _medications;

    /// <summary>The position of a value set in the masks of <see cref="SetsContainingAny"/> and <see cref="SetsMatchingText"/>.</summary>
    public int OrdinalOf(string url) =>
        _ordinals.TryGetValue(url, out var ordinal) ? ordinal : throw new KeyNotFoundException($"Value set '{url}' is not loaded.");

    /// <summary>Every value set that <see cref="IndexedValueSet.ContainsAny"/> the concept, in one lookup per coding.</summary>
    public ValueSetMask SetsContainingAny(CodeableConcept? concept) => _membership.ContainingAny(concept?.Coding);

    /// <summary>Every value set that contains one of the codings.</summary>
    public ValueSetMask SetsContainingAny(IReadOnlyList<Coding> codings) => _membership.ContainingAny(codings);

    /// <summary>Every value set whose <see cref="IndexedValueSet.MatchesText"/> is true for the text, in one pass over its words.</summary>
    public ValueSetMask SetsMatchingText(string? text) => _membership.MatchingText(text);

    public IReadOnlyCollection<IndexedValueSet> All => _sets.Values;

    public IndexedValueSet this[string url] =>
        _sets.TryGetValue(url, out var vs) ? vs : throw new KeyNotFoundException($"Value set '{url}' is not loaded.");

    public bool TryGet(string url, out IndexedValueSet? set) => _sets.TryGetValue(url, out set);

    private static readonly Lazy<ValueSetIndex> EmbeddedInstance = new(LoadEmbedded);

    /// <summary>The embedded value sets (loaded once per process).</summary>
    public static ValueSetIndex Embedded => EmbeddedInstance.Value;

    public static ValueSetIndex LoadEmbedded()
    {
        var asm = typeof(ValueSetIndex).Assembly;
        var sets = new List<IndexedValueSet>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.EndsWith(".json", StringComparison.OrdinalIgnoreCase)).Order())
        {
            using var stream = asm.GetManifestResourceStream(name)!;
            sets.Add(Parse(stream, name));
        }
        return new ValueSetIndex(sets);
    }

    public static IndexedValueSet Parse(Stream utf8Json, string sourceName)
    {
        using var doc = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 32 });
        var root = doc.RootElement;
        if (root.GetPropertyOrNull("resourceType")?.GetString() != "ValueSet")
            throw new InvalidDataException($"{sourceName}: not a ValueSet.");
        var url = root.GetPropertyOrNull("url")?.GetString() ?? throw new InvalidDataException($"{sourceName}: ValueSet has no url.");
        var title = root.GetPropertyOrNull("title")?.GetString() ?? url;
        var version = root.GetPropertyOrNull("version")?.GetString();

        var codes = new Dictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        var phrases = new List<string>();
        if (root.GetPropertyOrNull("expansion")?.GetPropertyOrNull("contains") is { ValueKind: JsonValueKind.Array } contains)
            foreach (var c in contains.EnumerateArray())
                AddConcept(c, codes, phrases, sourceName);

        var prefixes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.GetPropertyOrNull("compose")?.GetPropertyOrNull("include") is { ValueKind: JsonValueKind.Array } includes)
            foreach (var include in includes.EnumerateArray())
            {
                var system = include.GetPropertyOrNull("system")?.GetString();
                if (include.GetPropertyOrNull("filter") is not { ValueKind: JsonValueKind.Array } filters || system is null) continue;
                if (!HierarchicalSystems.Contains(system))
                    throw new InvalidDataException($"{sourceName}: is-a filters are only supported for ICD-10-CM and ATC, not {system}.");
                var values = filters.EnumerateArray()
                    .Where(f => f.GetPropertyOrNull("op")?.GetString() is "is-a" or "descendent-of")
                    .Select(f => f.GetPropertyOrNull("value")?.GetString())
                    .OfType<string>();
                prefixes[system] = [.. (prefixes.GetValueOrDefault(system) ?? []), .. values];
            }

        return new IndexedValueSet(url, title, version,
            codes.ToFrozenDictionary(k => k.Key, v => v.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal),
            prefixes, phrases.Distinct().OrderByDescending(p => p.Length).ToArray());
    }

    private static void AddConcept(JsonElement c, Dictionary<string, Dictionary<string, string?>> codes, List<string> phrases, string sourceName)
    {
        var system = c.GetPropertyOrNull("system")?.GetString();
        var code = c.GetPropertyOrNull("code")?.GetString();
        if (system is null || code is null) throw new InvalidDataException($"{sourceName}: expansion entry without system or code.");
        if (!codes.TryGetValue(system, out var bySystem)) codes[system] = bySystem = new(StringComparer.Ordinal);
        bySystem[code] = c.GetPropertyOrNull("display")?.GetString();
        if (c.GetPropertyOrNull("designation") is { ValueKind: JsonValueKind.Array } designations)
            foreach (var d in designations.EnumerateArray())
                if (d.GetPropertyOrNull("value")?.GetString() is { Length: > 0 } v)
                    phrases.Add(v.Trim().ToLowerInvariant());
        if (c.GetPropertyOrNull("contains") is { ValueKind: JsonValueKind.Array } nested)
            foreach (var n in nested.EnumerateArray()) AddConcept(n, codes, phrases, sourceName);
    }
}

internal static class JsonElementExtensions
{
    public static JsonElement? GetPropertyOrNull(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement? GetPropertyOrNull(this JsonElement? e, string name) => e?.GetPropertyOrNull(name);
}
