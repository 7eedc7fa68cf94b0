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

    public static string DayAhead(int days) => Now.AddDays(days).ToString("yyyy-MM-dd");

    public static Coding Icd(string code, string display) => new() { System = CodeSystems.Icd10Cm, Code = code, Display = display };
    public static Coding Sct(string code, string display) => new() { System = CodeSystems.Snomed, Code = code, Display = display };

    /// <summary>A draft with dosage instructions (none when <paramref name="dosage"/> is null) and reasons.</summary>
    public static MedicationRequest Draft(string id, CodeableConcept med, Dosage? dosage, params CodeableConcept[] reasons) => new()
    {
        Id = id,
        Status = "draft",
        Intent = "order",
        MedicationCodeableConcept = med,
        Subject = new Reference { ReferenceValue = $"Patient/{PatientId}" },
        AuthoredOn = new FhirDateTime(Day(0)),
        DosageInstruction = dosage is null ? null : [dosage],
        ReasonCode = reasons.Length == 0 ? null : reasons,
    };

    public static MedicationRequest WithReasons(MedicationRequest mr, params CodeableConcept[] reasons) => reasons.Length == 0 ? mr : new MedicationRequest
    {
        Id = mr.Id, Status = mr.Status, Intent = mr.Intent, MedicationCodeableConcept = mr.MedicationCodeableConcept, Subject = mr.Subject,
        AuthoredOn = mr.AuthoredOn, DosageInstruction = mr.DosageInstruction, ReasonCode = reasons, ReasonReference = mr.ReasonReference,
    };

    public static MedicationRequest WithDosage(MedicationRequest mr, params Dosage[] dosage) => new()
    {
        Id = mr.Id, Status = mr.Status, Intent = mr.Intent, MedicationCodeableConcept = mr.MedicationCodeableConcept, Subject = mr.Subject,
        AuthoredOn = mr.AuthoredOn, DosageInstruction = dosage, ReasonCode = mr.ReasonCode, ReasonReference = mr.ReasonReference,
    };

    public static CodeableConcept Reason(Coding coding) => new() { Coding = [coding] };
    public static CodeableConcept Aud => Reason(Icd("F10.20", "Alcohol dependence, uncomplicated"));
    public static CodeableConcept Oud => Reason(Icd("F11.20", "Opioid dependence, uncomplicated"));

    public static CodeableConcept LowDoseNaltrexone => TextOnly("Naltrexone 4.5 mg capsule (compounded)");
    public static CodeableConcept Loperamide => Rx("6468", "loperamide");
    public static CodeableConcept Diphenoxylate => Rx("1190572", "atropine sulfate 0.025 MG / diphenoxylate hydrochloride 2.5 MG Oral Tablet");
    public static CodeableConcept Bupropion => Rx("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet");
    public static CodeableConcept Naloxone => Rx("1725059", "Naloxone Hydrochloride 40 MG/ML Nasal Spray");
    public static CodeableConcept Disulfiram => TextOnly("Disulfiram 250 mg tablet");

    public static Patient Patient(string birthDate) => new() { Id = PatientId, BirthDate = new FhirDateTime(birthDate) };

    public static AllergyIntolerance Allergy(string id, CodeableConcept substance, string clinical = "active", string? verification = "confirmed", string type = "allergy") => new()
    {
        Id = id,
        Type = type,
        Code = substance,
        Patient = new Reference { ReferenceValue = $"Patient/{PatientId}" },
        ClinicalStatus = new CodeableConcept { Coding = [new Coding { System = CodeSystems.AllergyClinical, Code = clinical }] },
        VerificationStatus = verification is null ? null : new CodeableConcept { Coding = [new Coding { System = CodeSystems.AllergyVerification, Code = verification }] },
    };

    public static Observation Egfr(decimal value, int daysAgo = 10, string unit = "mL/min/{1.73_m2}", string? comparator = null) => new()
    {
        Id = "egfr-" + value + "-" + daysAgo,
        Status = "final",
        Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = "98979-8" }] },
        Subject = new Reference { ReferenceValue = $"Patient/{PatientId}" },
        EffectiveDateTime = new FhirDateTime(Day(daysAgo)),
        ValueQuantity = new Quantity { Value = value, Unit = unit, Code = unit, System = CodeSystems.Ucum, Comparator = comparator },
    };

    public static Observation Hcg(string id, string result, int daysAgo) => Screen(id, "2106-3", result, daysAgo);

    public static ServiceRequest SurgeryRequest(string id, string text, string? when, string status = "active", CodeableConcept? code = null) => new()
    {
        Id = id,
        Status = status,
        Intent = "order",
        Code = code ?? TextOnly(text),
        Subject = new Reference { ReferenceValue = $"Patient/{PatientId}" },
        OccurrenceDateTime = when is null ? null : new FhirDateTime(when),
    };
}
