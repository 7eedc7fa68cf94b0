using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;

namespace NaltrexoneFhir.Rules.Tests.Kit;

/// <summary>Small builders for FHIR resources used in rule tests (real codes from the value sets).</summary>
public static class Fx
{
    public const string PatientId = "p1";
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    public static string Day(int daysAgo) => Now.AddDays(-daysAgo).ToString("yyyy-MM-dd");

    public static CodeableConcept Rx(string code, string display) =>
        new() { Coding = [new Coding { System = CodeSystems.RxNorm, Code = code, Display = display }] };

    public static CodeableConcept TextOnly(string text) => new() { Text = text };

    public static MedicationRequest Med(string id, CodeableConcept med, string status = "active", int authoredDaysAgo = 5, Reference? subject = null) => new()
    {
        Id = id,
        Status = status,
        Intent = "order",
        MedicationCodeableConcept = med,
        Subject = subject ?? new Reference { ReferenceValue = $"Patient/{PatientId}" },
        AuthoredOn = new FhirDateTime(Day(authoredDaysAgo)),
    };

    public static MedicationRequest Draft(string id, CodeableConcept med) => Med(id, med, "draft", 0);

    public static CodeableConcept NaltrexoneOral => Rx("1483744", "naltrexone hydrochloride 50 MG Oral Tablet");
    public static CodeableConcept NaltrexoneXr => Rx("637213", "naltrexone 380 MG Injection");
    public static CodeableConcept Contrave => Rx("1551468", "12 HR bupropion hydrochloride 90 MG / naltrexone hydrochloride 8 MG Extended Release Oral Tablet");
    public static CodeableConcept Oxycodone => Rx("1049621", "oxycodone hydrochloride 5 MG Oral Tablet");
    public static CodeableConcept Methadone => Rx("864706", "methadone hydrochloride 10 MG Oral Tablet");
    public static CodeableConcept BuprenorphineNaloxone => Rx("1010604", "buprenorphine 8 MG / naloxone 2 MG Sublingual Film");
    public static CodeableConcept Tramadol => Rx("835603", "tramadol hydrochloride 50 MG Oral Tablet");
    public static CodeableConcept Embeda => Rx("863845", "Abuse-Deterrent morphine sulfate / naltrexone hydrochloride ER oral capsule");
    public static CodeableConcept Lisinopril => Rx("314076", "lisinopril 10 MG Oral Tablet");

    public static Observation Lab(string id, string loinc, decimal value, string unit, int daysAgo, decimal? high = null, string? highUnit = null, string status = "final") => new()
    {
        Id = id,
        Status = status,
        Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = loinc }] },
        Subject = new Reference { ReferenceValue = $"Patient/{PatientId}" },
        EffectiveDateTime = new FhirDateTime(Day(daysAgo)),
        ValueQuantity = new Quantity { Value = value, Unit = unit, Code = unit, System = CodeSystems.Ucum },
        ReferenceRange = high is null ? null : [new ReferenceRange { High = new Quantity { Value = high, Unit = highUnit ?? unit, Code = highUnit ?? unit } }],
    };

    public static Observation Alt(decimal value, int daysAgo = 10, decimal? high = 40, string unit = "U/L") => Lab("alt-" + value, "1742-6", value, unit, daysAgo, high);
    public static Observation Ast(decimal value, int daysAgo = 10, decimal? high = 40, string unit = "U/L") => Lab("ast-" + value, "1920-8", value, unit, daysAgo, high);

    public static Observation Screen(string id, string loinc, string result, int daysAgo) => new()
    {
        Id = id,
        Status = "final",
        Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = loinc }] },
        Subject = new Reference { ReferenceValue = $"Patient/{PatientId}" },
        EffectiveDateTime = new FhirDateTime(Day(daysAgo)),
        ValueCodeableConcept = new CodeableConcept { Text = result },
    };

    public static Condition Cond(string id, string system, string code, string display, string clinical = "active", string? verification = "confirmed") => new()
    {
        Id = id,
        Code = new CodeableConcept { Coding = [new Coding { System = system, Code = code, Display = display }] },
        ClinicalStatus = new CodeableConcept { Coding = [new Coding { System = CodeSystems.ConditionClinical, Code = clinical }] },
        VerificationStatus = verification is null ? null : new CodeableConcept { Coding = [new Coding { System = CodeSystems.ConditionVerification, Code = verification }] },
        Subject = new Reference { ReferenceValue = $"Patient/{PatientId}" },
    };
}
