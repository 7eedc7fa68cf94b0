using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>How many resources of each kind a synthetic patient's prefetch carries.</summary>
public sealed record PatientShape(
    string Name, int MedicationRequests, int MedicationStatements, int Conditions, int LiverLabs, int UrineScreens, int HistoryYears)
{
    /// <summary>A typical order-sign: about 40 prefetched resources (meds, statements, conditions, labs) plus the Patient.</summary>
    public static readonly PatientShape Typical = new("typical", 8, 3, 8, 18, 2, 3);

    /// <summary>About 500 resources.</summary>
    public static readonly PatientShape Medium = new("medium", 60, 15, 35, 370, 20, 6);

    /// <summary>The large-history patient of issue 8: 5,000 Observations, 500 MedicationRequests, 200 Conditions (+40 statements).</summary>
    public static readonly PatientShape Large = new("large", 500, 40, 200, 4700, 300, 12);

    public static PatientShape Of(string name) => name switch
    {
        "typical" => Typical,
        "medium" => Medium,
        "large" => Large,
        _ => throw new ArgumentException($"Unknown patient size '{name}' (typical, medium, large)."),
    };

    public int Observations => LiverLabs + UrineScreens;
    public int Resources => MedicationRequests + MedicationStatements + Conditions + Observations + 1;
}

/// <summary>
/// Writes a deterministic order-sign request (seeded <see cref="Random"/>) for a synthetic patient: a naltrexone
/// 50 mg draft, and prefetch for every key the order-sign rules read. The resources look like an EHR's: they carry
/// elements the service does not model (meta, identifier, encounter, performer) so reading cost is realistic.
/// The evaluation instant is <see cref="Now"/>; the service must run with Clock:Now pinned to it.
/// </summary>
public static class SyntheticPatient
{
    public const string NowText = "2026-11-22T10:00:00Z";
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse(NowText, CultureInfo.InvariantCulture);
    public const string PatientId = "bench-001";
    public const string OrderSignService = "naltrexone-order-sign";

    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private const string Loinc = "http://loinc.org";
    private const string Snomed = "http://snomed.info/sct";
    private const string Icd10 = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Ucum = "http://unitsofmeasure.org";

    private static readonly (string Code, string Display)[] UnrelatedMeds =
    [
        ("314076", "lisinopril 10 MG Oral Tablet"), ("861007", "metformin hydrochloride 500 MG Oral Tablet"),
        ("617310", "atorvastatin 20 MG Oral Tablet"), ("312940", "sertraline 50 MG Oral Tablet"),
        ("198053", "omeprazole 20 MG Delayed Release Oral Capsule"), ("197806", "ibuprofen 600 MG Oral Tablet"),
        ("313782", "acetaminophen 325 MG Oral Tablet"), ("310431", "gabapentin 100 MG Oral Capsule"),
        ("197361", "amlodipine 5 MG Oral Tablet"), ("966247", "levothyroxine sodium 0.05 MG Oral Tablet"),
    ];

    private static readonly (string Code, string Display, int SupplyDays)[] Opioids =
    [
        ("1049621", "oxycodone hydrochloride 5 MG Oral Tablet", 5), ("857002", "acetaminophen 325 MG / hydrocodone bitartrate 5 MG Oral Tablet", 7),
        ("835603", "tramadol hydrochloride 50 MG Oral Tablet", 10), ("864706", "methadone hydrochloride 10 MG Oral Tablet", 30),
        ("993781", "acetaminophen 300 MG / codeine phosphate 30 MG Oral Tablet", 5),
    ];

    private static readonly string[] TextOnlyMeds = ["Vitamin D3 2000 unit capsule", "Fish oil 1000 mg", "Melatonin 3 mg at night"];

    private static readonly (string System, string Code, string Display)[] OtherConditions =
    [
        (Snomed, "38341003", "Hypertensive disorder"), (Snomed, "44054006", "Diabetes mellitus type 2"),
        (Snomed, "55822004", "Hyperlipidemia"), (Snomed, "195967001", "Asthma"), (Icd10, "I10", "Essential hypertension"),
        (Icd10, "E11.9", "Type 2 diabetes mellitus without complications"), (Icd10, "M54.5", "Low back pain"),
        (Snomed, "271737000", "Anemia"), (Snomed, "40055000", "Chronic sinusitis"), (Icd10, "K21.9", "Gastro-esophageal reflux disease"),
    ];

    /// <summary>
    /// <paramref name="count"/> copies of <paramref name="body"/> (an <see cref="OrderSign"/> body), each a different
    /// hook call as an EHR sends them: its own random version-4 <c>hookInstance</c> and one of
    /// <paramref name="patients"/> patients (the id in the context, the Patient and every reference, same length as
    /// <see cref="PatientId"/>, so every call reads the same bytes). Sending one body over and over made the audit's
    /// indexes on hook instance and patient hash see one key, an append at one place, where real calls land at random
    /// places (BENCHMARKS.md, session 20).
    /// </summary>
    public static byte[][] DistinctCalls(byte[] body, int count, int patients = 100_000, int seed = 20)
    {
        if (patients is < 1 or > 99_999_999) throw new ArgumentOutOfRangeException(nameof(patients));
        ReadOnlySpan<byte> property = "\"hookInstance\":\""u8;
        const int uuidLength = 36;
        var at = body.AsSpan().IndexOf(property) + property.Length;
        if (at < property.Length || at + uuidLength >= body.Length || body[at + uuidLength] != (byte)'"')
            throw new ArgumentException("The body has no hookInstance of a uuid's length.", nameof(body));
        var patient = System.Text.Encoding.UTF8.GetBytes(PatientId);
        var patientAt = new List<int>();
        for (var from = 0; body.AsSpan(from).IndexOf(patient) is var i and >= 0; from += i + patient.Length) patientAt.Add(from + i);
        if (patientAt.Count == 0) throw new ArgumentException("The body names no synthetic patient.", nameof(body));

        var rng = new Random(seed);
        Span<byte> uuid = stackalloc byte[16];
        var calls = new byte[count][];
        for (var k = 0; k < count; k++)
        {
            var call = calls[k] = (byte[])body.Clone();
            rng.NextBytes(uuid);
            uuid[6] = (byte)(uuid[6] & 0x0F | 0x40); // version 4
            uuid[8] = (byte)(uuid[8] & 0x3F | 0x80); // RFC 4122 variant
            new Guid(uuid, bigEndian: true).TryFormat(call.AsSpan(at, uuidLength), out _, "D");
            var id = System.Text.Encoding.ASCII.GetBytes($"p{rng.Next(patients):D8}"); // 9 bytes, as "bench-001"
            foreach (var p in patientAt) id.CopyTo(call, p);
        }
        return calls;
    }

    /// <summary>The request body as UTF-8 JSON.</summary>
    public static byte[] OrderSign(PatientShape shape, int seed = 8)
    {
        var rng = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>(shape.Resources * 700 + 4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("hook", "order-sign");
            w.WriteString("hookInstance", $"00000000-0000-4000-8000-{seed:D12}");
            w.WriteStartObject("context");
            w.WriteString("userId", "Practitioner/bench-prescriber");
            w.WriteString("patientId", PatientId);
            w.WriteString("encounterId", "bench-enc-1");
            w.WriteStartObject("draftOrders");
            w.WriteString("resourceType", "Bundle");
            w.WriteString("type", "collection");
            w.WriteStartArray("entry");
            w.WriteStartObject();
            w.WritePropertyName("resource");
            NaltrexoneDraft(w);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("prefetch");
            w.WritePropertyName("patient");
            Patient(w);
            Bundle(w, "medicationRequests", shape.MedicationRequests, i => MedicationRequest(w, rng, shape, i));
            Bundle(w, "medicationStatements", shape.MedicationStatements, i => MedicationStatement(w, rng, shape, i));
            Bundle(w, "conditions", shape.Conditions, i => Condition(w, rng, shape, i));
            w.WriteNull("allergies");
            Bundle(w, "liverLabs", shape.LiverLabs, i => LiverLab(w, rng, shape, i));
            Bundle(w, "opioidScreens", shape.UrineScreens, i => UrineScreen(w, rng, shape, i));
            // The other keys of the discovery prefetch (renal labs, hCG, planned procedures): the EHR found nothing.
            foreach (var key in new[] { "renalLabs", "pregnancyTests", "serviceRequests", "procedures", "appointments" })
                w.WriteNull(key);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Bundle(Utf8JsonWriter w, string key, int count, Action<int> entry)
    {
        w.WriteStartObject(key);
        w.WriteString("resourceType", "Bundle");
        w.WriteString("type", "searchset");
        w.WriteNumber("total", count);
        w.WriteStartArray("entry");
        for (var i = 0; i < count; i++)
        {
            w.WriteStartObject();
            entry(i);
            w.WriteStartObject("search");
            w.WriteString("mode", "match");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void NaltrexoneDraft(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "MedicationRequest");
        w.WriteString("id", "draft-ntx-1");
        w.WriteString("status", "draft");
        w.WriteString("intent", "order");
        Concept(w, "medicationCodeableConcept", RxNorm, "1483744", "naltrexone hydrochloride 50 MG Oral Tablet", "Naltrexone 50 mg tablet");
        Ref(w, "subject", $"Patient/{PatientId}");
        w.WriteStartArray("reasonCode");
        ConceptValue(w, Icd10, "F10.20", "Alcohol dependence, uncomplicated", null);
        w.WriteEndArray();
        w.WriteStartArray("dosageInstruction");
        w.WriteStartObject();
        w.WriteString("text", "50 mg by mouth once daily");
        Concept(w, "route", Snomed, "26643006", "Oral route", null);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Patient(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Patient");
        w.WriteString("id", PatientId);
        Meta(w, 1);
        w.WriteString("gender", "female");
        w.WriteString("birthDate", "1978-04-12");
        w.WriteEndObject();
    }

    private static void MedicationRequest(Utf8JsonWriter w, Random rng, PatientShape shape, int i)
    {
        // The first order is a stopped opioid (outside every washout); a few chronic meds are active; the rest is history.
        var authored = i == 0 ? Now.AddDays(-60) : DaysAgo(rng, shape, i < 3 ? 90 : 20);
        var kind = i == 0 ? 1 : rng.Next(100) switch { < 12 => 1, < 20 => 2, < 25 => 3, _ => 0 };
        var status = i == 0 ? "stopped" : i < 3 ? "active" : rng.Next(100) switch { < 70 => "completed", < 95 => "stopped", _ => "entered-in-error" };
        if (kind == 1 && status == "active") status = "completed"; // no active opioid: that would be a different (critical) scenario
        w.WritePropertyName("resource");
        w.WriteStartObject();
        w.WriteString("resourceType", "MedicationRequest");
        w.WriteString("id", $"mr-{i}");
        Meta(w, i);
        Identifier(w, "urn:oid:2.16.840.1.113883.3.1", $"RX{100000 + i}");
        w.WriteString("status", status);
        w.WriteString("intent", "order");
        switch (kind)
        {
            case 1:
                var o = Opioids[i == 0 ? 0 : rng.Next(Opioids.Length)];
                Concept(w, "medicationCodeableConcept", RxNorm, o.Code, o.Display, null);
                break;
            case 2:
                w.WriteStartArray("contained");
                w.WriteStartObject();
                w.WriteString("resourceType", "Medication");
                w.WriteString("id", "med");
                var m = UnrelatedMeds[rng.Next(UnrelatedMeds.Length)];
                Concept(w, "code", RxNorm, m.Code, m.Display, null);
                w.WriteEndObject();
                w.WriteEndArray();
                Ref(w, "medicationReference", "#med");
                break;
            case 3:
                w.WriteStartObject("medicationCodeableConcept");
                w.WriteString("text", TextOnlyMeds[rng.Next(TextOnlyMeds.Length)]);
                w.WriteEndObject();
                break;
            default:
                var u = UnrelatedMeds[rng.Next(UnrelatedMeds.Length)];
                Concept(w, "medicationCodeableConcept", RxNorm, u.Code, u.Display, null);
                break;
        }
        Ref(w, "subject", $"Patient/{PatientId}");
        Ref(w, "encounter", $"Encounter/enc-{rng.Next(1, 400)}");
        w.WriteString("authoredOn", Date(authored));
        Ref(w, "requester", "Practitioner/bench-prescriber");
        w.WriteStartArray("dosageInstruction");
        w.WriteStartObject();
        w.WriteString("text", "1 tablet by mouth daily");
        w.WriteStartObject("timing");
        w.WriteStartObject("repeat");
        w.WriteNumber("frequency", 1);
        w.WriteNumber("period", 1);
        w.WriteString("periodUnit", "d");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("dispenseRequest");
        w.WriteNumber("numberOfRepeatsAllowed", rng.Next(0, 4));
        w.WriteStartObject("expectedSupplyDuration");
        w.WriteNumber("value", kind == 1 ? Opioids[0].SupplyDays : 30);
        w.WriteString("unit", "days");
        w.WriteString("system", Ucum);
        w.WriteString("code", "d");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void MedicationStatement(Utf8JsonWriter w, Random rng, PatientShape shape, int i)
    {
        var opioid = i % 4 == 1;
        var start = DaysAgo(rng, shape, 120);
        w.WritePropertyName("resource");
        w.WriteStartObject();
        w.WriteString("resourceType", "MedicationStatement");
        w.WriteString("id", $"ms-{i}");
        Meta(w, i);
        w.WriteString("status", opioid ? "completed" : "active");
        if (opioid)
        {
            var o = Opioids[rng.Next(Opioids.Length)];
            Concept(w, "medicationCodeableConcept", RxNorm, o.Code, o.Display, null);
        }
        else
        {
            w.WriteStartObject("medicationCodeableConcept");
            w.WriteString("text", TextOnlyMeds[rng.Next(TextOnlyMeds.Length)]);
            w.WriteEndObject();
        }
        Ref(w, "subject", $"Patient/{PatientId}");
        w.WriteStartObject("effectivePeriod");
        w.WriteString("start", Date(start));
        if (opioid) w.WriteString("end", Date(start.AddDays(14)));
        w.WriteEndObject();
        w.WriteString("dateAsserted", Date(start.AddDays(1)));
        w.WriteEndObject();
    }

    private static void Condition(Utf8JsonWriter w, Random rng, PatientShape shape, int i)
    {
        // One alcohol use disorder (the indication) and chronic hepatitis C (an info card, R14); the rest is unrelated.
        var (system, code, display) = i switch
        {
            0 => (Snomed, "66590003", "Alcohol dependence"),
            1 => (Snomed, "128302006", "Chronic hepatitis C"),
            _ => OtherConditions[rng.Next(OtherConditions.Length)],
        };
        var active = i < 2 || rng.Next(100) < 40;
        w.WritePropertyName("resource");
        w.WriteStartObject();
        w.WriteString("resourceType", "Condition");
        w.WriteString("id", $"cond-{i}");
        Meta(w, i);
        Concept(w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/condition-clinical", active ? "active" : "resolved", active ? "Active" : "Resolved", null);
        Concept(w, "verificationStatus", "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed", null);
        w.WriteStartArray("category");
        ConceptValue(w, "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item", null);
        w.WriteEndArray();
        Concept(w, "code", system, code, display, display);
        Ref(w, "subject", $"Patient/{PatientId}");
        Ref(w, "encounter", $"Encounter/enc-{rng.Next(1, 400)}");
        var onset = DaysAgo(rng, shape, 30);
        w.WriteString("onsetDateTime", Date(onset));
        if (!active) w.WriteString("abatementDateTime", Date(onset.AddDays(rng.Next(10, 300))));
        w.WriteString("recordedDate", Date(onset));
        w.WriteEndObject();
    }

    private static void LiverLab(Utf8JsonWriter w, Random rng, PatientShape shape, int i)
    {
        // Draws of ALT, AST and total bilirubin (every fifth draw a hepatic panel instead of bilirubin), newest first.
        var draw = i / 3;
        var draws = Math.Max(1, (shape.LiverLabs + 2) / 3);
        var when = Now.AddDays(-7 - (double)draw * (shape.HistoryYears * 365 - 7) / draws).AddHours(-rng.Next(0, 8));
        var analyte = i % 3;
        w.WritePropertyName("resource");
        w.WriteStartObject();
        w.WriteString("resourceType", "Observation");
        w.WriteString("id", $"lab-{i}");
        Meta(w, i);
        Identifier(w, "urn:oid:2.16.840.1.113883.3.2", $"LAB{500000 + i}");
        w.WriteString("status", "final");
        w.WriteStartArray("category");
        ConceptValue(w, "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", "Laboratory", null);
        w.WriteEndArray();
        switch (analyte)
        {
            case 0:
                Concept(w, "code", Loinc, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "ALT");
                break;
            case 1:
                Concept(w, "code", Loinc, "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "AST");
                break;
            default:
                if (draw % 5 == 4) Concept(w, "code", Loinc, "24325-3", "Hepatic function 2000 panel - Serum or Plasma", "Hepatic function panel");
                else Concept(w, "code", Loinc, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "Total bilirubin");
                break;
        }
        Ref(w, "subject", $"Patient/{PatientId}");
        Ref(w, "encounter", $"Encounter/enc-{rng.Next(1, 400)}");
        w.WriteString("effectiveDateTime", Instant(when));
        w.WriteString("issued", Instant(when.AddHours(3)));
        w.WriteStartArray("performer");
        w.WriteStartObject();
        w.WriteString("reference", "Organization/bench-lab");
        w.WriteEndObject();
        w.WriteEndArray();
        if (analyte < 2)
        {
            // The typical patient's latest ALT is 3.3× ULN (a warning card); otherwise values are mostly normal.
            var value = draw == 0 && analyte == 0 && shape.Name == "typical" ? 132 : rng.Next(12, draw % 17 == 3 ? 95 : 45);
            Quantity(w, "valueQuantity", value, "U/L", "U/L");
            ReferenceRange(w, analyte == 0 ? 40 : 33, "U/L");
        }
        else if (draw % 5 != 4)
        {
            // Bilirubin mostly in mg/dL, some labs in µmol/L; one draw in a unit the service cannot convert (R32).
            if (draw == 2 && shape.Name != "typical") Quantity(w, "valueQuantity", 0.9m, "mg/mL", "mg/mL");
            else if (draw % 4 == 1) Quantity(w, "valueQuantity", rng.Next(5, 20), "umol/L", "umol/L");
            else Quantity(w, "valueQuantity", Math.Round(0.2m + rng.Next(0, 10) / 10m, 1), "mg/dL", "mg/dL");
        }
        w.WriteEndObject();
    }

    private static void UrineScreen(Utf8JsonWriter w, Random rng, PatientShape shape, int i)
    {
        var when = Now.AddDays(-30 - (double)i * (shape.HistoryYears * 365 - 30) / Math.Max(1, shape.UrineScreens)).AddHours(-rng.Next(0, 8));
        var positive = i % 7 == 3; // old positives only (outside the 14-day lookback)
        w.WritePropertyName("resource");
        w.WriteStartObject();
        w.WriteString("resourceType", "Observation");
        w.WriteString("id", $"uds-{i}");
        Meta(w, i);
        w.WriteString("status", "final");
        Concept(w, "code", Loinc, "19295-5", "Opiates Screen Ql (U)", "Urine opiates screen");
        Ref(w, "subject", $"Patient/{PatientId}");
        w.WriteString("effectiveDateTime", Instant(when));
        Concept(w, "valueCodeableConcept", Snomed, positive ? "10828004" : "260385009", positive ? "Positive" : "Negative", null);
        w.WriteStartArray("interpretation");
        ConceptValue(w, "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", positive ? "POS" : "NEG", positive ? "Positive" : "Negative", null);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static DateTimeOffset DaysAgo(Random rng, PatientShape shape, int minDays) =>
        Now.AddDays(-rng.Next(minDays, Math.Max(minDays + 1, shape.HistoryYears * 365)));

    private static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Instant(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Meta(Utf8JsonWriter w, int i)
    {
        w.WriteStartObject("meta");
        w.WriteString("versionId", (1 + i % 3).ToString(CultureInfo.InvariantCulture));
        w.WriteString("lastUpdated", Instant(Now.AddDays(-1 - i % 700)));
        w.WriteEndObject();
    }

    private static void Identifier(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartArray("identifier");
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Ref(Utf8JsonWriter w, string name, string reference)
    {
        w.WriteStartObject(name);
        w.WriteString("reference", reference);
        w.WriteEndObject();
    }

    private static void Concept(Utf8JsonWriter w, string name, string system, string code, string display, string? text)
    {
        w.WritePropertyName(name);
        ConceptValue(w, system, code, display, text);
    }

    private static void ConceptValue(Utf8JsonWriter w, string system, string code, string display, string? text)
    {
        w.WriteStartObject();
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        w.WriteString("display", display);
        w.WriteEndObject();
        w.WriteEndArray();
        if (text is not null) w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static void Quantity(Utf8JsonWriter w, string name, decimal value, string unit, string code)
    {
        w.WriteStartObject(name);
        w.WriteNumber("value", value);
        w.WriteString("unit", unit);
        w.WriteString("system", Ucum);
        w.WriteString("code", code);
        w.WriteEndObject();
    }

    private static void ReferenceRange(Utf8JsonWriter w, decimal high, string unit)
    {
        w.WriteStartArray("referenceRange");
        w.WriteStartObject();
        Quantity(w, "high", high, unit, unit);
        w.WriteEndObject();
        w.WriteEndArray();
    }
}
