using BenchmarkDotNet.Attributes;
using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>
/// One order-sign call without HTTP, for a typical (~40 resources), a medium (~500) and the large-history patient
/// (~5,700). <see cref="WholeHandlerPath"/> is what the hook handler does per call; the other three are its stages.
/// </summary>
[MemoryDiagnoser]
public class OrderSignBenchmarks
{
    private HookPipeline _pipeline = null!;
    private byte[] _body = [];
    private HookPipeline.ReadRequest _read = null!;
    private PatientData _data = null!;

    [Params("typical", "medium", "large")]
    public string Patient { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = new HookPipeline();
        _body = SyntheticPatient.OrderSign(PatientShape.Of(Patient));
        _read = _pipeline.Read(_body);
        _data = _pipeline.Build(_read);
    }

    [GlobalCleanup]
    public void Cleanup() => _read.Dispose();

    /// <summary>Body bytes → response bytes: parse, read prefetch, build the snapshot, run every rule, compose, serialize.</summary>
    [Benchmark(Baseline = true)]
    public int WholeHandlerPath() => _pipeline.Run(_body).Length;

    /// <summary>JSON parse, request validation, draft classification and reading the needed prefetch keys.</summary>
    [Benchmark]
    public int ReadRequest()
    {
        using var read = _pipeline.Read(_body);
        return read.Values.Count;
    }

    /// <summary>The <see cref="PatientData"/> snapshot from read prefetch (dedup, classification of every medication).</summary>
    [Benchmark]
    public int BuildSnapshot() => _pipeline.Build(_read).Observations.Count;

    /// <summary>Every rule over a built snapshot, then card composition (the rules' own cost).</summary>
    [Benchmark]
    public int EvaluateRules() => _pipeline.Evaluate(_data, _read.Trigger).Cards.Count;
}
