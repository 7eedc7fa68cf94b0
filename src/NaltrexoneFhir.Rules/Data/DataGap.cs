namespace NaltrexoneFhir.Rules.Data;

/// <summary>How a prefetch key's data fell short.</summary>
public enum DataGapKind
{
    /// <summary>The data could not be obtained at all: rules that need it cannot run.</summary>
    Unavailable,
    /// <summary>Some of the data was read (e.g. the first pages of a search): rules ran on a partial list.</summary>
    Incomplete,
}

/// <summary>
/// Data behind a prefetch key that could not be (fully) obtained, and why, in words a clinician can read
/// ("FHIR server timed out"). Never holds tokens, URLs or patient data.
/// </summary>
public sealed record DataGap(string Key, DataGapKind Kind, string Reason);
