using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Querying;

public static class CodeSystems
{
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
}

public static class CodeableConceptExtensions
{
    public static IEnumerable<Coding> Codings(this CodeableConcept? concept) => concept?.Coding ?? [];

    // Plain loops below (no LINQ): these run for every resource of every call (see tests/NaltrexoneFhir.Benchmarks).
    public static bool HasCoding(this CodeableConcept? concept, string system, string code)
    {
        if (concept?.Coding is not { } codings) return false;
        for (var i = 0; i < codings.Count; i++)
            if (codings[i].System == system && codings[i].Code == code) return true;
        return false;
    }

    /// <summary>The first code of the concept without a system check (status-like concepts are often sent without one).</summary>
    public static bool HasCode(this CodeableConcept? concept, string code)
    {
        if (concept?.Coding is not { } codings) return false;
        for (var i = 0; i < codings.Count; i++)
            if (string.Equals(codings[i].Code, code, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>All human text of a concept: its text and every coding display.</summary>
    public static IEnumerable<string> Texts(this CodeableConcept? concept)
    {
        if (concept is null) yield break;
        if (!string.IsNullOrWhiteSpace(concept.Text)) yield return concept.Text;
        foreach (var c in concept.Codings())
            if (!string.IsNullOrWhiteSpace(c.Display)) yield return c.Display;
    }

    /// <summary>A short label for card text: text, else the first display, else system|code.</summary>
    public static string Label(this CodeableConcept? concept, string fallback = "(uncoded)")
    {
        if (concept is null) return fallback;
        if (!string.IsNullOrWhiteSpace(concept.Text)) return concept.Text;
        var coding = concept.Codings().FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.Display))
                     ?? concept.Codings().FirstOrDefault(c => c.Code is not null);
        return coding?.Display ?? (coding is null ? fallback : $"{coding.System}|{coding.Code}");
    }
}

public static class ReferenceExtensions
{
    /// <summary>"Type/id" of a literal reference, from a relative, absolute or versioned reference; null otherwise.</summary>
    public static (string Type, string Id)? TypeAndId(this Reference? reference) => ParseTypeAndId(reference?.ReferenceValue);

    public static (string Type, string Id)? ParseTypeAndId(string? value) =>
        TryParseTypeAndId(value, out var type, out var id) ? (type.ToString(), id.ToString()) : null;

    /// <summary>
    /// <see cref="ParseTypeAndId"/> as slices of <paramref name="value"/>, without allocating (it runs for every
    /// resource's subject when the snapshot is built): the '/'-separated non-empty segments, .../Type/id or
    /// .../Type/id/_history/vid, Type starting with an upper-case letter.
    /// </summary>
    public static bool TryParseTypeAndId(string? value, out ReadOnlySpan<char> type, out ReadOnlySpan<char> id)
    {
        type = id = default;
        if (string.IsNullOrWhiteSpace(value) || value.StartsWith('#') || value.StartsWith("urn:", StringComparison.Ordinal)) return false;
        // The last four non-empty segments, last first (what Split with RemoveEmptyEntries would end with).
        Span<System.Range> last = stackalloc System.Range[4];
        var found = 0;
        var end = value.Length;
        for (var i = value.Length - 1; i >= -1 && found < 4; i--)
        {
            if (i >= 0 && value[i] != '/') continue;
            if (end > i + 1) last[found++] = (i + 1)..end;
            end = i;
        }
        if (found < 2) return false;
        var versioned = found >= 4 && value.AsSpan()[last[1]].SequenceEqual("_history");
        type = value.AsSpan()[last[versioned ? 3 : 1]];
        id = value.AsSpan()[last[versioned ? 2 : 0]];
        return char.IsUpper(type[0]);
    }

    /// <summary>
    /// True unless the reference clearly points at another patient. A missing subject counts as this patient,
    /// because prefetch queries are patient-scoped.
    /// </summary>
    public static bool IsPatient(this Reference? reference, string patientId)
    {
        if (reference?.ReferenceValue is not { } value) return true;
        // contained/urn references cannot be judged
        if (!ReferenceExtensions.TryParseTypeAndId(value, out var type, out var id)) return true;
        return type.SequenceEqual("Patient") && id.SequenceEqual(patientId);
    }
}

public static class MedicationRequestStatus
{
    public const string Active = "active", OnHold = "on-hold", Cancelled = "cancelled", Completed = "completed",
        EnteredInError = "entered-in-error", Stopped = "stopped", Draft = "draft", Unknown = "unknown";
}

public static class ResourceStatusExtensions
{
    public static bool IsEnteredInError(this string? status) => status == "entered-in-error";

    /// <summary>Condition is current: clinical status active/recurrence/relapse (or absent and not abated), not refuted or in error.</summary>
    public static bool IsActiveCondition(this Condition c)
    {
        if (c.VerificationStatus.HasCode("refuted") || c.VerificationStatus.HasCode("entered-in-error")) return false;
        if (c.ClinicalStatus?.Coding is { Count: > 0 })
            return c.ClinicalStatus.HasCode("active") || c.ClinicalStatus.HasCode("recurrence") || c.ClinicalStatus.HasCode("relapse");
        return c.AbatementDateTime is null && c.AbatementPeriod is null && c.AbatementString is null;
    }

    public static bool IsActiveAllergy(this AllergyIntolerance a)
    {
        if (a.VerificationStatus.HasCode("refuted") || a.VerificationStatus.HasCode("entered-in-error")) return false;
        if (a.ClinicalStatus?.Coding is { Count: > 0 }) return a.ClinicalStatus.HasCode("active");
        return true;
    }

    /// <summary>A result that can be used: final, amended, corrected or preliminary (or no status given).</summary>
    public static bool IsUsableObservation(this Observation o) =>
        o.Status is null or "final" or "amended" or "corrected" or "preliminary";

    /// <summary>When an observation was taken: effective[x], else issued. Null when unknown or invalid.</summary>
    public static FhirDateTime? When(this Observation o)
    {
        FhirDateTime? candidate = o.EffectiveDateTime ?? o.EffectiveInstant ?? o.EffectivePeriod?.Start ?? o.EffectivePeriod?.End ?? o.Issued;
        return candidate is { IsValid: true } ? candidate : null;
    }
}
