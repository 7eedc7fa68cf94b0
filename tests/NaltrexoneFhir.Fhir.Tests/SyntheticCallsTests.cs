using System.Text;
using System.Text.Json;
using NaltrexoneFhir.Benchmarks;

namespace NaltrexoneFhir.Fhir.Tests;

/// <summary>
/// The HTTP benchmark's load (<see cref="SyntheticPatient.DistinctCalls"/>): different hook calls, each for one patient
/// throughout (context, Patient, every reference: the service keeps only resources whose subject is the context's
/// patient), and nothing else changed, so that each costs the service what the typical call costs apart from where its
/// audit rows land.
/// </summary>
public sealed class SyntheticCallsTests
{
    private static readonly byte[] Typical = SyntheticPatient.OrderSign(PatientShape.Typical);
    private static readonly string TypicalInstance = JsonDocument.Parse(Typical).RootElement.GetProperty("hookInstance").GetString()!;

    [Fact]
    public void EachCall_HasItsOwnHookInstance_AndOnePatientThroughout()
    {
        var calls = SyntheticPatient.DistinctCalls(Typical, 300);

        var instances = new HashSet<string>();
        var patients = new HashSet<string>();
        foreach (var call in calls)
        {
            Assert.Equal(Typical.Length, call.Length);
            using var doc = JsonDocument.Parse(call);
            var root = doc.RootElement;
            var instance = root.GetProperty("hookInstance").GetString()!;
            Assert.True(Guid.TryParseExact(instance, "D", out var uuid), instance);
            Assert.Equal(4, uuid.Version);
            Assert.True(instances.Add(instance), $"hookInstance {instance} twice");

            var patientId = root.GetProperty("context").GetProperty("patientId").GetString()!;
            Assert.NotEqual(SyntheticPatient.PatientId, patientId);
            patients.Add(patientId);
            Assert.Equal(patientId, root.GetProperty("prefetch").GetProperty("patient").GetProperty("id").GetString());
            var references = References(root).Where(r => r.StartsWith("Patient/", StringComparison.Ordinal)).ToList();
            Assert.True(references.Count >= PatientShape.Typical.Resources - 1, $"{references.Count} patient references");
            Assert.All(references, r => Assert.Equal($"Patient/{patientId}", r));

            // Nothing else differs: putting the typical ids back gives the typical body.
            var back = Encoding.UTF8.GetString(call)
                .Replace(instance, TypicalInstance, StringComparison.Ordinal)
                .Replace(patientId, SyntheticPatient.PatientId, StringComparison.Ordinal);
            Assert.Equal(Encoding.UTF8.GetString(Typical), back);
        }
        Assert.True(patients.Count > 250, $"{patients.Count} patients in 300 calls drawn from 100,000");
    }

    [Fact]
    public void TheSameSeed_GivesTheSameCalls_AndAnotherSeedOthers()
    {
        var a = SyntheticPatient.DistinctCalls(Typical, 3, seed: 1);
        Assert.Equal(a, SyntheticPatient.DistinctCalls(Typical, 3, seed: 1));
        Assert.NotEqual(a[0], SyntheticPatient.DistinctCalls(Typical, 3, seed: 2)[0]);
    }

    private static IEnumerable<string> References(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    if (p.NameEquals("reference") && p.Value.ValueKind == JsonValueKind.String) yield return p.Value.GetString()!;
                    foreach (var r in References(p.Value)) yield return r;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var r in References(item)) yield return r;
                break;
        }
    }
}
