using System.Collections.Frozen;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Data;

/// <summary>
/// The catalogue of data the service reads. Each key yields its discovery prefetch template and the
/// FHIR-server fallback query run when prefetch is missing. Lab code lists come from the value sets.
/// </summary>
public sealed class DataKeys
{
    public const string Patient = "patient";
    public const string MedicationRequests = "medicationRequests";
    public const string MedicationStatements = "medicationStatements";
    public const string Conditions = "conditions";
    public const string Allergies = "allergies";
    public const string LiverLabs = "liverLabs";
    public const string OpioidScreens = "opioidScreens";
    public const string RenalLabs = "renalLabs";
    public const string PregnancyTests = "pregnancyTests";
    public const string ServiceRequests = "serviceRequests";
    public const string Procedures = "procedures";
    public const string Appointments = "appointments";

    private readonly Dictionary<string, DataKey> _keys;

    public DataKeys(ValueSetIndex terminology)
    {
        string Codes(params string[] urls) => string.Join(',', urls
            .SelectMany(u => terminology[u].Concepts)
            .Where(c => c.System == CodeSystems.Loinc)
            .Select(c => $"{c.System}|{c.Code}")
            .Distinct());
        const string p = "patient={{context.patientId}}";
        DataKey[] keys =
        [
            new(Patient, "Patient", "Patient/{{context.patientId}}", "The patient (birth date for the age check).") { Label = "patient record" },
            new(MedicationRequests, "MedicationRequest", $"MedicationRequest?{p}", "All medication orders, any status (active opioids, recent opioids, naltrexone).") { Label = "medication list" },
            new(MedicationStatements, "MedicationStatement", $"MedicationStatement?{p}", "Reported medication use (opioids taken outside the prescribing system).") { Label = "reported medications" },
            new(Conditions, "Condition", $"Condition?{p}", "Problems and diagnoses (liver disease, OUD/AUD, pregnancy, renal, mood, indications).") { Label = "problem list" },
            new(Allergies, "AllergyIntolerance", $"AllergyIntolerance?{p}", "Allergies (naltrexone and related antagonists).") { Label = "allergy list" },
            new(LiverLabs, "Observation", $"Observation?{p}&code={Codes(ValueSetUrls.Alt, ValueSetUrls.Ast, ValueSetUrls.BilirubinTotal, ValueSetUrls.HepaticPanels)}",
                "ALT, AST, total bilirubin and hepatic/metabolic panels.") { Label = "liver tests" },
            new(OpioidScreens, "Observation", $"Observation?{p}&code={Codes(ValueSetUrls.UrineOpioidScreens)}", "Urine opioid screens.") { Label = "urine opioid screens" },
            new(RenalLabs, "Observation", $"Observation?{p}&code={Codes(ValueSetUrls.Egfr)}", "eGFR results.") { Label = "eGFR results" },
            new(PregnancyTests, "Observation", $"Observation?{p}&code={Codes(ValueSetUrls.Hcg)}", "hCG pregnancy tests.") { Label = "pregnancy tests" },
            new(ServiceRequests, "ServiceRequest", $"ServiceRequest?{p}&status=active,draft,on-hold", "Planned procedures and orders (surgery hold window).") { Label = "planned orders" },
            new(Procedures, "Procedure", $"Procedure?{p}&status=preparation,in-progress", "Planned or ongoing procedures (surgery hold window).") { Label = "planned procedures" },
            new(Appointments, "Appointment", $"Appointment?{p}&status=proposed,pending,booked", "Booked appointments (surgery hold window).") { Label = "appointments" },
        ];
        _keys = keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
        Names = _keys.Keys.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Every key name (the prefetch values worth reading while a hook body is checked: <c>HookBody.Parse</c>).</summary>
    public IReadOnlySet<string> Names { get; }

    public DataKey this[string name] => _keys[name];
    public IReadOnlyCollection<DataKey> All => _keys.Values;
}
