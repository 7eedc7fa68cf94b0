using System.Text.Json;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Benchmarks;

/// <summary>
/// The path the API's hook handler runs for one call, without HTTP and DI: read the body (<see cref="HookBody"/>,
/// as the endpoint does), bind it (<see cref="HookRequestParser"/>), classify the drafts, read the prefetch keys the triggered rules need
/// (<see cref="PrefetchReader"/>), build the snapshot (<see cref="PatientDataBuilder"/>), evaluate every rule
/// (<see cref="RuleEngine"/>), compose the cards (<see cref="CardComposer"/>) and serialize the response.
/// The singletons are built once, as the API builds them at start-up.
/// </summary>
public sealed class HookPipeline
{
    private const int MaxDepth = 64;

    public ValueSetIndex Terminology { get; } = ValueSetIndex.Embedded;
    public RuleOptions Options { get; } = new();
    public RuleEngine Engine { get; } = new(RuleCatalog.All());
    public PatientDataBuilder Builder { get; }
    public DataKeys Keys { get; }
    public DateTimeOffset Now { get; } = SyntheticPatient.Now;

    public HookPipeline()
    {
        Builder = new PatientDataBuilder(new MedicationClassifier(Terminology));
        Keys = new DataKeys(Terminology);
    }

    /// <summary>Parsed and read: what exists before rules run.</summary>
    public sealed record ReadRequest(HookBody Body, HookRequest Request, TriggerContext Trigger, IReadOnlyDictionary<string, PrefetchValue> Values) : IDisposable
    {
        public void Dispose() => Body.Dispose();
    }

    /// <summary>Body → validated request → classified drafts → prefetch values for the needed keys.</summary>
    public ReadRequest Read(byte[] body, string hook = HookNames.OrderSign)
    {
        var document = HookBody.Parse(body, MaxDepth, Keys.Names);
        var (request, issues) = HookRequestParser.Parse(document.RootElement, hook, document.Prefetch);
        if (request is null)
            throw new InvalidOperationException("Invalid benchmark request: " + string.Join("; ", issues.Select(i => i.Message)));
        var trigger = new TriggerContext(request.Hook, Builder.ClassifyDrafts(request));
        var values = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        foreach (var key in Engine.NeededKeys(trigger, Options))
        {
            var value = PrefetchReader.Read(request.Prefetch.TryGetValue(Keys[key].Name, out var v) ? v : null);
            if (!value.IsAvailable) throw new InvalidOperationException($"Benchmark request: prefetch '{key}' is {value.State}.");
            values[key] = value;
        }
        return new ReadRequest(document, request, trigger, values);
    }

    public PatientData Build(ReadRequest read) => Builder.Build(read.Request, read.Values);

    /// <summary>Every enabled rule over the snapshot, then the cards.</summary>
    public CdsResponse Evaluate(PatientData data, TriggerContext trigger)
    {
        var context = new RuleContext(data, Now, Options, Terminology);
        var evaluation = Engine.Evaluate(context, trigger);
        if (evaluation.FailedRules.Count > 0)
            throw new InvalidOperationException("Rules failed: " + string.Join(", ", evaluation.FailedRules));
        return new CdsResponse { Cards = CardComposer.Compose(evaluation.Findings) };
    }

    public static byte[] Serialize(CdsResponse response) =>
        JsonSerializer.SerializeToUtf8Bytes(response, CdsJsonContext.Default.CdsResponse);

    /// <summary>The whole path: body in, response JSON out.</summary>
    public byte[] Run(byte[] body, string hook = HookNames.OrderSign)
    {
        using var read = Read(body, hook);
        return Serialize(Evaluate(Build(read), read.Trigger));
    }

    /// <summary>The concern codes of the cards a body produces (printed so a reader sees what was evaluated).</summary>
    public IReadOnlyList<string> Concerns(byte[] body)
    {
        using var read = Read(body);
        return Evaluate(Build(read), read.Trigger).Cards.Select(c => $"{c.Source.Topic?.Code} ({c.Indicator})").ToList();
    }
}
