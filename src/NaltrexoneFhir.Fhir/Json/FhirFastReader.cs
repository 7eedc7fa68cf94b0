using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using NaltrexoneFhir.Fhir.Model;

namespace NaltrexoneFhir.Fhir.Json;

/// <summary>
/// A hand-written, single-pass reader of the model for data that only the rules read (prefetch). The serializer's
/// metadata-driven reader spent most of a hook call in its read stack, converters and one extension-data document per
/// unknown element; this reader matches property names on the UTF-8 bytes and builds the objects directly.
/// <para>
/// It reads only the simple, expected shape and gives up (returns null) on anything else, so that the caller reads
/// the input again with the tolerant reader (<see cref="FhirJson.ReadResource(JsonElement)"/>) and the result never
/// differs in anything the model exposes. The one deliberate difference: unknown elements (extensions,
/// <c>_primitive</c> siblings, unmodelled elements) are skipped, so <c>Unknown</c> stays null and a resource read here
/// must never be written back.
/// </para>
/// </summary>
public static partial class FhirFastReader
{
    /// <summary>The serializer's default depth limit, so both readers reject the same inputs.</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// Reads one resource, skipping unknown elements, or returns null when the input is not the simple shape this
    /// reader handles: malformed JSON or deeper than 64, <c>resourceType</c> missing or not the first property of a
    /// resource (top level, contained, Bundle entry), a resource type the model does not know, a JSON null as a
    /// property value or array item (inside skipped elements nulls do not matter), a token of the wrong kind for a
    /// modelled element, a property name that matches a modelled one only ignoring case, an escaped property name,
    /// an unknown property name that is not ASCII or starts with '$'. Never throws.
    /// </summary>
    public static Resource? TryRead(ReadOnlySpan<byte> utf8Json)
    {
        var r = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
        return Guarded(ref r, static (ref Utf8JsonReader r) =>
        {
            // Empty input throws here (JsonException).
            r.Read();
            var resource = ReadResource(ref r);
            // Trailing content after the object: Read throws for anything but whitespace.
            return r.Read() ? null : resource;
        });
    }

    /// <summary>
    /// As <see cref="TryRead(ReadOnlySpan{byte})"/>, for a resource inside a larger JSON text that
    /// <paramref name="reader"/> is reading (a hook body's prefetch value), so the text is tokenized once: the reader
    /// must be on the resource's first token. On success the reader is left on the resource's closing brace; on
    /// null it is left exactly where it was, for the caller to skip or read the value otherwise. The depth limit is
    /// the reader's own (counted from its root). Never throws.
    /// </summary>
    public static Resource? TryRead(ref Utf8JsonReader reader)
    {
        var r = reader;
        var resource = Guarded(ref r, ReadResource);
        if (resource is not null) reader = r;
        return resource;
    }

    /// <summary>Runs <paramref name="read"/>, turning malformed input and every give-up into null.</summary>
    private static Resource? Guarded(ref Utf8JsonReader r, ItemReader<Resource?> read)
    {
        try
        {
            return read(ref r);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // GetString on a string that is not valid UTF-8.
            return null;
        }
        catch (BailOut)
        {
            return null;
        }
    }

    /// <summary>
    /// Thrown to give up on the input. Unusual input is rare and is then read by the (much slower) tolerant reader,
    /// so one exception per give-up costs little and spares every read method a success flag.
    /// </summary>
    private sealed class BailOut : Exception;

    [DoesNotReturn]
    private static void Bail() => throw new BailOut();

    private delegate T ItemReader<out T>(ref Utf8JsonReader r);

    // ---- Structure ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Moves to the next property of the current object and on to its value; false at the end of the object.
    /// Gives up on escaped names (they would need unescaping to compare; EHRs do not write them) and on null values.
    /// </summary>
    private static bool NextProperty(ref Utf8JsonReader r, out ReadOnlySpan<byte> name)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject)
        {
            name = default;
            return false;
        }
        if (r.ValueIsEscaped) Bail();
        name = r.ValueSpan;
        r.Read();
        if (r.TokenType == JsonTokenType.Null) Bail();
        return true;
    }

    /// <summary>
    /// True when <paramref name="name"/> is exactly the modelled property name. A name equal to it only ignoring case
    /// gives up: the tolerant reader matches names case-insensitively and would bind it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> known)
    {
        if (name.Length != known.Length) return false;
        if (name.SequenceEqual(known)) return true;
        if (Ascii.EqualsIgnoreCase(name, known)) Bail();
        return false;
    }

    /// <summary>
    /// Skips an element the model does not have. By the time this is called the name has been compared with every
    /// modelled name of the type, ignoring ASCII case. Non-ASCII names might still equal one under the serializer's
    /// ordinal case-insensitive comparison, and '$' names may be serializer metadata: both go to the tolerant reader.
    /// </summary>
    private static void SkipUnknown(ref Utf8JsonReader r, scoped ReadOnlySpan<byte> name)
    {
        if (!Ascii.IsValid(name) || (name.Length > 0 && name[0] == (byte)'$')) Bail();
        r.Skip();
    }

    private static void ExpectObject(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) Bail();
    }

    /// <summary>
    /// An array's items as an exact-size array (the model's lists are read-only): most FHIR arrays hold one item, and
    /// a one-item array is half of a one-item <see cref="List{T}"/> (object plus its array), once per coding,
    /// reference range and Bundle entry list of a large history.
    /// </summary>
    private static T[] ReadList<T>(ref Utf8JsonReader r, ItemReader<T> item) => ReadItems(ref r, item, out var single) ?? [single!];

    /// <summary>
    /// As <see cref="ReadList{T}"/>, except that a one-item array is not made: it gives null and the item in
    /// <paramref name="single"/>, so a caller that shares one-item lists (<see cref="SharedList{T}"/>) allocates one
    /// only when it is new.
    /// </summary>
    private static T[]? ReadItems<T>(ref Utf8JsonReader r, ItemReader<T> item, out T? single)
    {
        single = default;
        if (r.TokenType != JsonTokenType.StartArray) Bail();
        // Each item reader checks its own token, so a null item gives up there.
        if (!r.Read() || r.TokenType == JsonTokenType.EndArray) return [];
        var first = item(ref r);
        if (!r.Read() || r.TokenType == JsonTokenType.EndArray)
        {
            single = first;
            return null;
        }
        // Longer ones (a Bundle's thousands of entries) are gathered in a pooled array and copied once.
        var items = ArrayPool<T>.Shared.Rent(16);
        var count = 0;
        try
        {
            items[count++] = first;
            do
            {
                if (count == items.Length)
                {
                    var larger = ArrayPool<T>.Shared.Rent(count * 2);
                    items.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<T>.Shared.Return(items, clearArray: true);
                    items = larger;
                }
                items[count++] = item(ref r);
            }
            while (r.Read() && r.TokenType != JsonTokenType.EndArray);
            return items.AsSpan(0, count).ToArray();
        }
        finally
        {
            // Cleared: a pooled array must not keep the model alive.
            ArrayPool<T>.Shared.Return(items, clearArray: true);
        }
    }

    /// <summary>
    /// A list read by <see cref="ReadItems{T}"/> whose one item is already a shared instance: the recent one-item
    /// list holding that same instance, or a new one (then remembered). Longer and empty lists are returned as read.
    /// </summary>
    private static T[] SharedList<T>(Ring<T[]> recent, T[]? items, T? single) where T : class
    {
        if (items is not null) return items;
        foreach (var list in recent.Items)
            if (list is not null && ReferenceEquals(list[0], single))
                return list;
        return recent.Add([single!]);
    }

    // ---- Primitives --------------------------------------------------------------------------------------------

    private static string Str(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.String) Bail();
        // Repeated values share one instance (Utf8StringCache); escaped, long or non-ASCII values are decoded as usual.
        return !r.ValueIsEscaped && Utf8StringCache.Get(r.ValueSpan) is { } shared ? shared : r.GetString()!;
    }

    /// <summary>A date; the canonical shapes are read straight from the bytes, keeping no string (FhirDateTime.TryParseCanonical).</summary>
    private static FhirDateTime Date(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && FhirDateTime.TryParseCanonical(r.ValueSpan, out var canonical)
            ? canonical
            : new(Str(ref r));

    private static bool Bool(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.True) return true;
        if (r.TokenType != JsonTokenType.False) Bail();
        return false;
    }

    private static decimal Dec(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.Number) Bail();
        if (!r.TryGetDecimal(out var value)) Bail();
        return value;
    }

    private static int Int(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.Number) Bail();
        if (!r.TryGetInt32(out var value)) Bail();
        return value;
    }

    // ---- Elements the rules never read -------------------------------------------------------------------------

    /// <summary>
    /// Elements no rule reads, which this reader checks exactly as it would read them (the same give-ups, so it
    /// accepts and rejects the same inputs) but does not build: every resource's <c>meta</c> (bookkeeping) and
    /// Observation's <c>category</c> (labs are identified by their code). They stay null in the result, as unknown
    /// elements do. A large history is mostly Observations carrying both: building them was a sixth of what reading
    /// it allocated (BENCHMARKS.md, session 7). A rule that starts reading one of them must take it out of this list
    /// and read it again (the tests compare this reader with the tolerant one with these elements cleared).
    /// </summary>
    public static IReadOnlyList<(string Type, string Element)> NotRead { get; } = [("Resource", "meta"), ("Observation", "category")];

    private delegate void ItemChecker(ref Utf8JsonReader r);

    /// <summary>As <see cref="ReadList{T}"/>, building nothing.</summary>
    private static void CheckList(ref Utf8JsonReader r, ItemChecker item)
    {
        if (r.TokenType != JsonTokenType.StartArray) Bail();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray) item(ref r);
    }

    /// <summary>As <see cref="Str"/>, building nothing: a string token that decodes (escaped or not, valid UTF-8).</summary>
    private static void CheckStr(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.String) Bail();
        if (r.ValueIsEscaped) r.GetString();
        else if (!Utf8.IsValid(r.ValueSpan)) Bail();
    }

    /// <summary>The checks of reading Meta (versionId, lastUpdated, profile).</summary>
    private static void CheckMeta(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "versionId"u8) || Is(n, "lastUpdated"u8)) CheckStr(ref r);
            else if (Is(n, "profile"u8)) CheckList(ref r, CheckStr);
            else SkipUnknown(ref r, n);
        }
    }

    /// <summary>The checks of <see cref="ReadCodeableConcept"/>.</summary>
    private static void CheckCodeableConcept(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "coding"u8)) CheckList(ref r, CheckCoding);
            else if (Is(n, "text"u8)) CheckStr(ref r);
            else SkipUnknown(ref r, n);
        }
    }

    /// <summary>The checks of <see cref="ReadCoding"/>.</summary>
    private static void CheckCoding(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "system"u8) || Is(n, "code"u8) || Is(n, "display"u8) || Is(n, "version"u8)) CheckStr(ref r);
            else if (Is(n, "userSelected"u8)) Bool(ref r);
            else SkipUnknown(ref r, n);
        }
    }

    // ---- Resources ---------------------------------------------------------------------------------------------

    /// <summary>Reads a resource object; <c>resourceType</c> must be its first property and name a modelled type.</summary>
    private static Resource ReadResource(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        r.Read();
        if (r.TokenType != JsonTokenType.PropertyName || r.ValueIsEscaped || !r.ValueSpan.SequenceEqual("resourceType"u8)) Bail();
        r.Read();
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped) Bail();
        var type = r.ValueSpan;
        // Most common first: prefetch is mostly Observations and MedicationRequests inside Bundles.
        if (type.SequenceEqual("Observation"u8)) return ReadObservation(ref r);
        if (type.SequenceEqual("MedicationRequest"u8)) return ReadMedicationRequest(ref r);
        if (type.SequenceEqual("Bundle"u8)) return ReadBundle(ref r);
        if (type.SequenceEqual("Condition"u8)) return ReadCondition(ref r);
        if (type.SequenceEqual("MedicationStatement"u8)) return ReadMedicationStatement(ref r);
        if (type.SequenceEqual("Medication"u8)) return ReadMedication(ref r);
        if (type.SequenceEqual("Patient"u8)) return ReadPatient(ref r);
        if (type.SequenceEqual("AllergyIntolerance"u8)) return ReadAllergyIntolerance(ref r);
        if (type.SequenceEqual("ServiceRequest"u8)) return ReadServiceRequest(ref r);
        if (type.SequenceEqual("Procedure"u8)) return ReadProcedure(ref r);
        if (type.SequenceEqual("Appointment"u8)) return ReadAppointment(ref r);
        if (type.SequenceEqual("OperationOutcome"u8)) return ReadOperationOutcome(ref r);
        throw new BailOut();
    }

    /// <summary>The elements every resource has (id, meta, contained); anything else is skipped.</summary>
    private static void ResourceProperty(ref Utf8JsonReader r, scoped ReadOnlySpan<byte> n, Resource resource)
    {
        if (Is(n, "id"u8)) resource.Id = Str(ref r);
        else if (Is(n, "meta"u8)) CheckMeta(ref r);
        else if (Is(n, "contained"u8)) resource.Contained = ReadList(ref r, ReadResource);
        // A second discriminator: leave the ambiguity to the tolerant reader.
        else if (Is(n, "resourceType"u8)) Bail();
        else SkipUnknown(ref r, n);
    }

    private static Patient ReadPatient(ref Utf8JsonReader r)
    {
        var p = new Patient();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "active"u8)) p.Active = Bool(ref r);
            else if (Is(n, "gender"u8)) p.Gender = Str(ref r);
            else if (Is(n, "birthDate"u8)) p.BirthDate = Date(ref r);
            else if (Is(n, "deceasedBoolean"u8)) p.DeceasedBoolean = Bool(ref r);
            else if (Is(n, "deceasedDateTime"u8)) p.DeceasedDateTime = Date(ref r);
            else ResourceProperty(ref r, n, p);
        }
        return p;
    }

    private static MedicationRequest ReadMedicationRequest(ref Utf8JsonReader r)
    {
        var m = new MedicationRequest();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "status"u8)) m.Status = Str(ref r);
            else if (Is(n, "intent"u8)) m.Intent = Str(ref r);
            else if (Is(n, "category"u8)) m.Category = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "medicationCodeableConcept"u8)) m.MedicationCodeableConcept = ReadCodeableConcept(ref r);
            else if (Is(n, "medicationReference"u8)) m.MedicationReference = ReadReference(ref r);
            else if (Is(n, "subject"u8)) m.Subject = ReadReference(ref r);
            else if (Is(n, "encounter"u8)) m.Encounter = ReadReference(ref r);
            else if (Is(n, "authoredOn"u8)) m.AuthoredOn = Date(ref r);
            else if (Is(n, "requester"u8)) m.Requester = ReadReference(ref r);
            else if (Is(n, "reasonCode"u8)) m.ReasonCode = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "reasonReference"u8)) m.ReasonReference = ReadList(ref r, ReadReference);
            else if (Is(n, "note"u8)) m.Note = ReadList(ref r, ReadAnnotation);
            else if (Is(n, "dosageInstruction"u8)) m.DosageInstruction = ReadList(ref r, ReadDosage);
            else if (Is(n, "dispenseRequest"u8)) m.DispenseRequest = ReadDispenseRequest(ref r);
            else ResourceProperty(ref r, n, m);
        }
        return m;
    }

    private static DispenseRequest ReadDispenseRequest(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var d = new DispenseRequest();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "validityPeriod"u8)) d.ValidityPeriod = ReadPeriod(ref r);
            else if (Is(n, "numberOfRepeatsAllowed"u8)) d.NumberOfRepeatsAllowed = Int(ref r);
            else if (Is(n, "quantity"u8)) d.Quantity = ReadQuantity(ref r);
            else if (Is(n, "expectedSupplyDuration"u8)) d.ExpectedSupplyDuration = ReadQuantity(ref r);
            else SkipUnknown(ref r, n);
        }
        return d;
    }

    private static MedicationStatement ReadMedicationStatement(ref Utf8JsonReader r)
    {
        var m = new MedicationStatement();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "status"u8)) m.Status = Str(ref r);
            else if (Is(n, "medicationCodeableConcept"u8)) m.MedicationCodeableConcept = ReadCodeableConcept(ref r);
            else if (Is(n, "medicationReference"u8)) m.MedicationReference = ReadReference(ref r);
            else if (Is(n, "subject"u8)) m.Subject = ReadReference(ref r);
            else if (Is(n, "effectiveDateTime"u8)) m.EffectiveDateTime = Date(ref r);
            else if (Is(n, "effectivePeriod"u8)) m.EffectivePeriod = ReadPeriod(ref r);
            else if (Is(n, "dateAsserted"u8)) m.DateAsserted = Date(ref r);
            else if (Is(n, "reasonCode"u8)) m.ReasonCode = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "dosage"u8)) m.Dosage = ReadList(ref r, ReadDosage);
            else ResourceProperty(ref r, n, m);
        }
        return m;
    }

    private static Medication ReadMedication(ref Utf8JsonReader r)
    {
        var m = new Medication();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "code"u8)) m.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "status"u8)) m.Status = Str(ref r);
            else if (Is(n, "form"u8)) m.Form = ReadCodeableConcept(ref r);
            else if (Is(n, "ingredient"u8)) m.Ingredient = ReadList(ref r, ReadMedicationIngredient);
            else ResourceProperty(ref r, n, m);
        }
        return m;
    }

    private static MedicationIngredient ReadMedicationIngredient(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var i = new MedicationIngredient();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "itemCodeableConcept"u8)) i.ItemCodeableConcept = ReadCodeableConcept(ref r);
            else if (Is(n, "itemReference"u8)) i.ItemReference = ReadReference(ref r);
            else if (Is(n, "isActive"u8)) i.IsActive = Bool(ref r);
            else if (Is(n, "strength"u8)) i.Strength = ReadRatio(ref r);
            else SkipUnknown(ref r, n);
        }
        return i;
    }

    private static Observation ReadObservation(ref Utf8JsonReader r)
    {
        var o = new Observation();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "status"u8)) o.Status = Str(ref r);
            else if (Is(n, "category"u8)) CheckList(ref r, CheckCodeableConcept);
            else if (Is(n, "code"u8)) o.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "subject"u8)) o.Subject = ReadReference(ref r);
            else if (Is(n, "effectiveDateTime"u8)) o.EffectiveDateTime = Date(ref r);
            else if (Is(n, "effectivePeriod"u8)) o.EffectivePeriod = ReadPeriod(ref r);
            else if (Is(n, "effectiveInstant"u8)) o.EffectiveInstant = Date(ref r);
            else if (Is(n, "issued"u8)) o.Issued = Date(ref r);
            else if (Is(n, "valueQuantity"u8)) o.ValueQuantity = ReadQuantity(ref r);
            else if (Is(n, "valueCodeableConcept"u8)) o.ValueCodeableConcept = ReadCodeableConcept(ref r);
            else if (Is(n, "valueString"u8)) o.ValueString = Str(ref r);
            else if (Is(n, "valueBoolean"u8)) o.ValueBoolean = Bool(ref r);
            else if (Is(n, "valueInteger"u8)) o.ValueInteger = Int(ref r);
            else if (Is(n, "interpretation"u8)) o.Interpretation = ReadInterpretations(ref r);
            else if (Is(n, "referenceRange"u8)) o.ReferenceRange = ReadReferenceRanges(ref r);
            else if (Is(n, "component"u8)) o.Component = ReadList(ref r, ReadObservationComponent);
            else ResourceProperty(ref r, n, o);
        }
        return o;
    }

    private static ReferenceRange ReadReferenceRange(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        Quantity? low = null, high = null;
        CodeableConcept? type = null;
        string? text = null;
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "low"u8)) low = ReadQuantity(ref r);
            else if (Is(n, "high"u8)) high = ReadQuantity(ref r);
            else if (Is(n, "type"u8)) type = ReadCodeableConcept(ref r);
            else if (Is(n, "text"u8)) text = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        // Its parts are already the shared instances: the same ones again are the same range.
        var recent = Recent.Ranges;
        foreach (var rr in recent.Items)
            if (rr is not null && ReferenceEquals(rr.Low, low) && ReferenceEquals(rr.High, high) && ReferenceEquals(rr.Type, type) && ReferenceEquals(rr.Text, text))
                return rr;
        return recent.Add(new ReferenceRange { Low = low, High = high, Type = type, Text = text });
    }

    /// <summary>An Observation's reference ranges: the usual one-range list is shared too, when its range is.</summary>
    private static ReferenceRange[] ReadReferenceRanges(ref Utf8JsonReader r) =>
        SharedList(Recent.RangeLists, ReadItems(ref r, ReadReferenceRange, out var only), only);

    /// <summary>Interpretations: the usual one-concept list is shared too, when its concept is (a result flagged "NEG" or "H").</summary>
    private static CodeableConcept[] ReadInterpretations(ref Utf8JsonReader r) =>
        SharedList(Recent.ConceptLists, ReadItems(ref r, ReadCodeableConcept, out var only), only);

    private static ObservationComponent ReadObservationComponent(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var c = new ObservationComponent();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "code"u8)) c.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "valueQuantity"u8)) c.ValueQuantity = ReadQuantity(ref r);
            else if (Is(n, "valueCodeableConcept"u8)) c.ValueCodeableConcept = ReadCodeableConcept(ref r);
            else if (Is(n, "valueString"u8)) c.ValueString = Str(ref r);
            else if (Is(n, "interpretation"u8)) c.Interpretation = ReadInterpretations(ref r);
            else if (Is(n, "referenceRange"u8)) c.ReferenceRange = ReadReferenceRanges(ref r);
            else SkipUnknown(ref r, n);
        }
        return c;
    }

    private static Condition ReadCondition(ref Utf8JsonReader r)
    {
        var c = new Condition();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "clinicalStatus"u8)) c.ClinicalStatus = ReadCodeableConcept(ref r);
            else if (Is(n, "verificationStatus"u8)) c.VerificationStatus = ReadCodeableConcept(ref r);
            else if (Is(n, "category"u8)) c.Category = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "severity"u8)) c.Severity = ReadCodeableConcept(ref r);
            else if (Is(n, "code"u8)) c.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "subject"u8)) c.Subject = ReadReference(ref r);
            else if (Is(n, "onsetDateTime"u8)) c.OnsetDateTime = Date(ref r);
            else if (Is(n, "onsetPeriod"u8)) c.OnsetPeriod = ReadPeriod(ref r);
            else if (Is(n, "onsetString"u8)) c.OnsetString = Str(ref r);
            else if (Is(n, "abatementDateTime"u8)) c.AbatementDateTime = Date(ref r);
            else if (Is(n, "abatementPeriod"u8)) c.AbatementPeriod = ReadPeriod(ref r);
            else if (Is(n, "abatementString"u8)) c.AbatementString = Str(ref r);
            else if (Is(n, "recordedDate"u8)) c.RecordedDate = Date(ref r);
            else ResourceProperty(ref r, n, c);
        }
        return c;
    }

    private static AllergyIntolerance ReadAllergyIntolerance(ref Utf8JsonReader r)
    {
        var a = new AllergyIntolerance();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "clinicalStatus"u8)) a.ClinicalStatus = ReadCodeableConcept(ref r);
            else if (Is(n, "verificationStatus"u8)) a.VerificationStatus = ReadCodeableConcept(ref r);
            else if (Is(n, "type"u8)) a.Type = Str(ref r);
            else if (Is(n, "category"u8)) a.Category = ReadList(ref r, Str);
            else if (Is(n, "criticality"u8)) a.Criticality = Str(ref r);
            else if (Is(n, "code"u8)) a.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "patient"u8)) a.Patient = ReadReference(ref r);
            else if (Is(n, "recordedDate"u8)) a.RecordedDate = Date(ref r);
            else if (Is(n, "reaction"u8)) a.Reaction = ReadList(ref r, ReadAllergyReaction);
            else ResourceProperty(ref r, n, a);
        }
        return a;
    }

    private static AllergyReaction ReadAllergyReaction(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var a = new AllergyReaction();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "substance"u8)) a.Substance = ReadCodeableConcept(ref r);
            else if (Is(n, "manifestation"u8)) a.Manifestation = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "severity"u8)) a.Severity = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        return a;
    }

    private static ServiceRequest ReadServiceRequest(ref Utf8JsonReader r)
    {
        var s = new ServiceRequest();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "status"u8)) s.Status = Str(ref r);
            else if (Is(n, "intent"u8)) s.Intent = Str(ref r);
            else if (Is(n, "category"u8)) s.Category = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "priority"u8)) s.Priority = Str(ref r);
            else if (Is(n, "code"u8)) s.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "subject"u8)) s.Subject = ReadReference(ref r);
            else if (Is(n, "occurrenceDateTime"u8)) s.OccurrenceDateTime = Date(ref r);
            else if (Is(n, "occurrencePeriod"u8)) s.OccurrencePeriod = ReadPeriod(ref r);
            else if (Is(n, "authoredOn"u8)) s.AuthoredOn = Date(ref r);
            else if (Is(n, "requester"u8)) s.Requester = ReadReference(ref r);
            else if (Is(n, "reasonCode"u8)) s.ReasonCode = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "reasonReference"u8)) s.ReasonReference = ReadList(ref r, ReadReference);
            else if (Is(n, "note"u8)) s.Note = ReadList(ref r, ReadAnnotation);
            else ResourceProperty(ref r, n, s);
        }
        return s;
    }

    private static Procedure ReadProcedure(ref Utf8JsonReader r)
    {
        var p = new Procedure();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "status"u8)) p.Status = Str(ref r);
            else if (Is(n, "category"u8)) p.Category = ReadCodeableConcept(ref r);
            else if (Is(n, "code"u8)) p.Code = ReadCodeableConcept(ref r);
            else if (Is(n, "subject"u8)) p.Subject = ReadReference(ref r);
            else if (Is(n, "performedDateTime"u8)) p.PerformedDateTime = Date(ref r);
            else if (Is(n, "performedPeriod"u8)) p.PerformedPeriod = ReadPeriod(ref r);
            else ResourceProperty(ref r, n, p);
        }
        return p;
    }

    private static Appointment ReadAppointment(ref Utf8JsonReader r)
    {
        var a = new Appointment();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "status"u8)) a.Status = Str(ref r);
            else if (Is(n, "serviceCategory"u8)) a.ServiceCategory = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "serviceType"u8)) a.ServiceType = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "appointmentType"u8)) a.AppointmentType = ReadCodeableConcept(ref r);
            else if (Is(n, "reasonCode"u8)) a.ReasonCode = ReadList(ref r, ReadCodeableConcept);
            else if (Is(n, "description"u8)) a.Description = Str(ref r);
            else if (Is(n, "start"u8)) a.Start = Date(ref r);
            else if (Is(n, "end"u8)) a.End = Date(ref r);
            else if (Is(n, "participant"u8)) a.Participant = ReadList(ref r, ReadAppointmentParticipant);
            else ResourceProperty(ref r, n, a);
        }
        return a;
    }

    private static AppointmentParticipant ReadAppointmentParticipant(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var p = new AppointmentParticipant();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "actor"u8)) p.Actor = ReadReference(ref r);
            else if (Is(n, "status"u8)) p.Status = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        return p;
    }

    private static Bundle ReadBundle(ref Utf8JsonReader r)
    {
        var b = new Bundle();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "entry"u8)) b.Entry = ReadEntries(ref r);
            else if (Is(n, "type"u8)) b.Type = Str(ref r);
            else if (Is(n, "total"u8)) b.Total = Int(ref r);
            else if (Is(n, "link"u8)) b.Link = ReadList(ref r, ReadBundleLink);
            else ResourceProperty(ref r, n, b);
        }
        return b;
    }

    private static BundleLink ReadBundleLink(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var l = new BundleLink();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "relation"u8)) l.Relation = Str(ref r);
            else if (Is(n, "url"u8)) l.Url = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        return l;
    }

    private static BundleEntry ReadBundleEntry(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var e = new BundleEntry();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "resource"u8)) e.Resource = ReadResource(ref r);
            else if (Is(n, "fullUrl"u8)) e.FullUrl = Str(ref r);
            else if (Is(n, "search"u8)) e.Search = ReadBundleEntrySearch(ref r);
            else SkipUnknown(ref r, n);
        }
        return e;
    }

    private static BundleEntrySearch ReadBundleEntrySearch(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        string? mode = null;
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "mode"u8)) mode = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        var recent = Recent.Searches;
        foreach (var s in recent.Items)
            if (s is not null && ReferenceEquals(s.Mode, mode))
                return s;
        return recent.Add(new BundleEntrySearch { Mode = mode });
    }

    private static OperationOutcome ReadOperationOutcome(ref Utf8JsonReader r)
    {
        var o = new OperationOutcome();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "issue"u8)) o.Issue = ReadList(ref r, ReadOperationOutcomeIssue);
            else ResourceProperty(ref r, n, o);
        }
        return o;
    }

    private static OperationOutcomeIssue ReadOperationOutcomeIssue(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var i = new OperationOutcomeIssue();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "severity"u8)) i.Severity = Str(ref r);
            else if (Is(n, "code"u8)) i.Code = Str(ref r);
            else if (Is(n, "details"u8)) i.Details = ReadCodeableConcept(ref r);
            else if (Is(n, "diagnostics"u8)) i.Diagnostics = Str(ref r);
            else if (Is(n, "expression"u8)) i.Expression = ReadList(ref r, Str);
            else SkipUnknown(ref r, n);
        }
        return i;
    }

    // ---- Data types --------------------------------------------------------------------------------------------

    /// <summary>
    /// Reference, BundleEntrySearch, Coding, CodeableConcept, Quantity and ReferenceRange are immutable (<c>init</c>),
    /// and a patient's record repeats the same ones in resource after resource (the subject, each entry's search, each
    /// lab's code, its unit, its reference range): the last few of each type this thread read are kept and an equal one
    /// read again is the same instance (strings compare by reference: the string cache gives equal short values one
    /// instance). Fewer objects to allocate, and fewer for the GC to mark and promote while a large history is being
    /// read (BENCHMARKS.md, session 7).
    /// </summary>
    private sealed class RecentElements
    {
        public readonly Ring<Reference> References = new();
        public readonly Ring<BundleEntrySearch> Searches = new();
        public readonly Ring<Coding> Codings = new();
        public readonly Ring<CodeableConcept> Concepts = new();
        public readonly Ring<Quantity> Quantities = new();
        public readonly Ring<ReferenceRange> Ranges = new();
        public readonly Ring<ReferenceRange[]> RangeLists = new();
        public readonly Ring<CodeableConcept[]> ConceptLists = new();
    }

    /// <summary>The last 16 items added, newest replacing oldest; look one up by looping over <see cref="Items"/>.</summary>
    private sealed class Ring<T> where T : class
    {
        public readonly T?[] Items = new T?[16];
        private int _next;

        public T Add(T item)
        {
            Items[_next] = item;
            _next = (_next + 1) % Items.Length;
            return item;
        }
    }

    [ThreadStatic] private static RecentElements? t_recent;

    private static RecentElements Recent => t_recent ??= new RecentElements();

    private static Coding ReadCoding(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        string? system = null, version = null, code = null, display = null;
        bool? userSelected = null;
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "system"u8)) system = Str(ref r);
            else if (Is(n, "code"u8)) code = Str(ref r);
            else if (Is(n, "display"u8)) display = Str(ref r);
            else if (Is(n, "version"u8)) version = Str(ref r);
            else if (Is(n, "userSelected"u8)) userSelected = Bool(ref r);
            else SkipUnknown(ref r, n);
        }
        var recent = Recent.Codings;
        foreach (var c in recent.Items)
            if (c is not null && ReferenceEquals(c.Code, code) && ReferenceEquals(c.System, system) && ReferenceEquals(c.Display, display)
                && ReferenceEquals(c.Version, version) && c.UserSelected == userSelected)
                return c;
        return recent.Add(new Coding { System = system, Version = version, Code = code, Display = display, UserSelected = userSelected });
    }

    private static CodeableConcept ReadCodeableConcept(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        Coding[]? coding = null;
        Coding? only = null;
        string? text = null;
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "coding"u8)) coding = ReadItems(ref r, ReadCoding, out only); // sets both: a later key replaces all of an earlier one
            else if (Is(n, "text"u8)) text = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        // Only the usual one-coding concept is looked for (its coding is already the shared instance), and its
        // one-item array is made only for a concept not among the recent ones.
        if (only is null) return new CodeableConcept { Coding = coding, Text = text };
        var recent = Recent.Concepts;
        foreach (var c in recent.Items)
            if (c is not null && ReferenceEquals(c.Coding![0], only) && ReferenceEquals(c.Text, text))
                return c;
        return recent.Add(new CodeableConcept { Coding = [only], Text = text });
    }

    private static Reference ReadReference(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        string? value = null, display = null, type = null;
        Identifier? identifier = null;
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "reference"u8)) value = Str(ref r);
            else if (Is(n, "display"u8)) display = Str(ref r);
            else if (Is(n, "type"u8)) type = Str(ref r);
            else if (Is(n, "identifier"u8)) identifier = ReadIdentifier(ref r);
            else SkipUnknown(ref r, n);
        }
        // Identifiers are not compared: a reference with one is never shared (nor kept, so none in the ring has one).
        if (identifier is not null) return new Reference { ReferenceValue = value, Display = display, Type = type, Identifier = identifier };
        var recent = Recent.References;
        foreach (var x in recent.Items)
            if (x is not null && ReferenceEquals(x.ReferenceValue, value) && ReferenceEquals(x.Display, display) && ReferenceEquals(x.Type, type))
                return x;
        return recent.Add(new Reference { ReferenceValue = value, Display = display, Type = type });
    }

    private static Identifier ReadIdentifier(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var i = new Identifier();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "use"u8)) i.Use = Str(ref r);
            else if (Is(n, "system"u8)) i.System = Str(ref r);
            else if (Is(n, "value"u8)) i.Value = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        return i;
    }

    private static Quantity ReadQuantity(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        decimal? value = null;
        string? unit = null, system = null, code = null, comparator = null;
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "value"u8)) value = Dec(ref r);
            else if (Is(n, "unit"u8)) unit = Str(ref r);
            else if (Is(n, "system"u8)) system = Str(ref r);
            else if (Is(n, "code"u8)) code = Str(ref r);
            else if (Is(n, "comparator"u8)) comparator = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        var recent = Recent.Quantities;
        foreach (var q in recent.Items)
            if (q is not null && ReferenceEquals(q.Unit, unit) && SameDecimal(q.Value, value) && ReferenceEquals(q.Code, code)
                && ReferenceEquals(q.System, system) && ReferenceEquals(q.Comparator, comparator))
                return q;
        return recent.Add(new Quantity { Value = value, Unit = unit, System = system, Code = code, Comparator = comparator });
    }

    /// <summary>
    /// Equal and written alike: 40 and 40.0 (or 0 and -0) are equal decimals but differ in scale (or sign), which the
    /// JSON keeps. Equal value, scale and sign is exactly equal bits (the 96-bit integer is then the same too), so the
    /// 16 bytes are compared rather than the values (decimal comparison was 1.4 % of reading a large history).
    /// </summary>
    private static bool SameDecimal(decimal? a, decimal? b)
    {
        if (a is not { } x) return b is null;
        if (b is not { } y) return false;
        return Unsafe.As<decimal, Int128>(ref x) == Unsafe.As<decimal, Int128>(ref y);
    }

    private static Model.Range ReadRange(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var x = new Model.Range();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "low"u8)) x.Low = ReadQuantity(ref r);
            else if (Is(n, "high"u8)) x.High = ReadQuantity(ref r);
            else SkipUnknown(ref r, n);
        }
        return x;
    }

    private static Ratio ReadRatio(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var x = new Ratio();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "numerator"u8)) x.Numerator = ReadQuantity(ref r);
            else if (Is(n, "denominator"u8)) x.Denominator = ReadQuantity(ref r);
            else SkipUnknown(ref r, n);
        }
        return x;
    }

    private static Period ReadPeriod(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var p = new Period();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "start"u8)) p.Start = Date(ref r);
            else if (Is(n, "end"u8)) p.End = Date(ref r);
            else SkipUnknown(ref r, n);
        }
        return p;
    }

    private static Annotation ReadAnnotation(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var a = new Annotation();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "text"u8)) a.Text = Str(ref r);
            else SkipUnknown(ref r, n);
        }
        return a;
    }

    private static Timing ReadTiming(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var t = new Timing();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "repeat"u8)) t.Repeat = ReadTimingRepeat(ref r);
            else if (Is(n, "event"u8)) t.Event = ReadList(ref r, Date);
            else if (Is(n, "code"u8)) t.Code = ReadCodeableConcept(ref r);
            else SkipUnknown(ref r, n);
        }
        return t;
    }

    private static TimingRepeat ReadTimingRepeat(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var t = new TimingRepeat();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "frequency"u8)) t.Frequency = Int(ref r);
            else if (Is(n, "period"u8)) t.Period = Dec(ref r);
            else if (Is(n, "periodUnit"u8)) t.PeriodUnit = Str(ref r);
            else if (Is(n, "boundsDuration"u8)) t.BoundsDuration = ReadQuantity(ref r);
            else if (Is(n, "boundsRange"u8)) t.BoundsRange = ReadRange(ref r);
            else if (Is(n, "boundsPeriod"u8)) t.BoundsPeriod = ReadPeriod(ref r);
            else if (Is(n, "count"u8)) t.Count = Int(ref r);
            else if (Is(n, "countMax"u8)) t.CountMax = Int(ref r);
            else if (Is(n, "duration"u8)) t.Duration = Dec(ref r);
            else if (Is(n, "durationUnit"u8)) t.DurationUnit = Str(ref r);
            else if (Is(n, "frequencyMax"u8)) t.FrequencyMax = Int(ref r);
            else if (Is(n, "periodMax"u8)) t.PeriodMax = Dec(ref r);
            else if (Is(n, "dayOfWeek"u8)) t.DayOfWeek = ReadList(ref r, Str);
            else if (Is(n, "timeOfDay"u8)) t.TimeOfDay = ReadList(ref r, Str);
            else if (Is(n, "when"u8)) t.When = ReadList(ref r, Str);
            else SkipUnknown(ref r, n);
        }
        return t;
    }

    private static Dosage ReadDosage(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var d = new Dosage();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "text"u8)) d.Text = Str(ref r);
            else if (Is(n, "timing"u8)) d.Timing = ReadTiming(ref r);
            else if (Is(n, "doseAndRate"u8)) d.DoseAndRate = ReadList(ref r, ReadDoseAndRate);
            else if (Is(n, "route"u8)) d.Route = ReadCodeableConcept(ref r);
            else if (Is(n, "sequence"u8)) d.Sequence = Int(ref r);
            else if (Is(n, "asNeededBoolean"u8)) d.AsNeededBoolean = Bool(ref r);
            else if (Is(n, "asNeededCodeableConcept"u8)) d.AsNeededCodeableConcept = ReadCodeableConcept(ref r);
            else if (Is(n, "maxDosePerPeriod"u8)) d.MaxDosePerPeriod = ReadRatio(ref r);
            else if (Is(n, "maxDosePerAdministration"u8)) d.MaxDosePerAdministration = ReadQuantity(ref r);
            else SkipUnknown(ref r, n);
        }
        return d;
    }

    private static DoseAndRate ReadDoseAndRate(ref Utf8JsonReader r)
    {
        ExpectObject(ref r);
        var d = new DoseAndRate();
        while (NextProperty(ref r, out var n))
        {
            if (Is(n, "doseQuantity"u8)) d.DoseQuantity = ReadQuantity(ref r);
            else if (Is(n, "type"u8)) d.Type = ReadCodeableConcept(ref r);
            else if (Is(n, "doseRange"u8)) d.DoseRange = ReadRange(ref r);
            else if (Is(n, "rateRatio"u8)) d.RateRatio = ReadRatio(ref r);
            else if (Is(n, "rateRange"u8)) d.RateRange = ReadRange(ref r);
            else if (Is(n, "rateQuantity"u8)) d.RateQuantity = ReadQuantity(ref r);
            else SkipUnknown(ref r, n);
        }
        return d;
    }
}
