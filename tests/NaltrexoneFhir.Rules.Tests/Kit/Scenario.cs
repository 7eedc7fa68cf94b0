using System.Text.Json;
using NaltrexoneFhir.Fhir.Json;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Tests.Kit;

/// <summary>
/// Builds a hook call's data the way the API does (draft orders + prefetch values through PatientDataBuilder)
/// and runs one rule or the whole engine. Every data key is "null" (known empty) unless resources are added.
/// </summary>
public sealed class Scenario
{
    public static readonly ValueSetIndex Terminology = ValueSetIndex.Embedded;
    public static readonly MedicationClassifier Classifier = new(Terminology);

    private readonly List<Resource> _drafts = [];
    private readonly Dictionary<string, List<Resource>> _data = [];
    private readonly HashSet<string> _absent = [];
    private List<string>? _selections;
    private string _hook = HookNames.OrderSign;

    public DateTimeOffset Now { get; set; } = Fx.Now;
    public RuleOptions Options { get; set; } = new();

    public Scenario Hook(string hook) { _hook = hook; return this; }
    public Scenario Draft(Resource r) { _drafts.Add(r); return this; }
    public Scenario Select(params string[] refs) { _selections = [.. refs]; return this; }
    public Scenario Absent(string key) { _absent.Add(key); return this; }

    public Scenario With(string key, params Resource[] resources)
    {
        if (!_data.TryGetValue(key, out var list)) _data[key] = list = [];
        list.AddRange(resources);
        return this;
    }

    public Scenario Meds(params Resource[] r) => With(DataKeys.MedicationRequests, r);
    public Scenario Statements(params Resource[] r) => With(DataKeys.MedicationStatements, r);
    public Scenario Conditions(params Resource[] r) => With(DataKeys.Conditions, r);
    public Scenario LiverLabs(params Resource[] r) => With(DataKeys.LiverLabs, r);
    public Scenario Screens(params Resource[] r) => With(DataKeys.OpioidScreens, r);
    public Scenario Patient(Resource r) => With(DataKeys.Patient, r);
    public Scenario Allergies(params Resource[] r) => With(DataKeys.Allergies, r);
    public Scenario RenalLabs(params Resource[] r) => With(DataKeys.RenalLabs, r);
    public Scenario PregnancyTests(params Resource[] r) => With(DataKeys.PregnancyTests, r);
    public Scenario ServiceRequests(params Resource[] r) => With(DataKeys.ServiceRequests, r);
    public Scenario Procedures(params Resource[] r) => With(DataKeys.Procedures, r);
    public Scenario Appointments(params Resource[] r) => With(DataKeys.Appointments, r);

    public HookRequest Request()
    {
        var bundle = new Bundle { Type = "collection", Entry = _drafts.Select(d => new BundleEntry { Resource = d }).ToList() };
        return new HookRequest
        {
            Hook = _hook,
            HookInstance = Guid.NewGuid().ToString(),
            PatientId = Fx.PatientId,
            DraftOrdersBundle = HookNames.Ordering.Contains(_hook) ? bundle : null,
            DraftOrders = _drafts.Select(d => new DraftOrder(d, FhirJson.ToElement(d), null)).ToList(),
            Selections = _hook == HookNames.OrderSelect ? _selections ?? _drafts.Select(d => $"{d.TypeName}/{d.Id}").ToList() : null,
            ContextTokens = new Dictionary<string, string> { ["patientId"] = Fx.PatientId },
        };
    }

    public (RuleContext Context, TriggerContext Trigger) Build()
    {
        var request = Request();
        var keys = new DataKeys(Terminology);
        var values = new Dictionary<string, PrefetchValue>();
        foreach (var key in keys.All)
        {
            if (_absent.Contains(key.Name)) { values[key.Name] = PrefetchValue.AbsentValue; continue; }
            values[key.Name] = _data.TryGetValue(key.Name, out var list)
                ? new PrefetchValue(PrefetchState.Provided, list)
                : PrefetchValue.NullValue;
        }
        var builder = new PatientDataBuilder(Classifier);
        var data = builder.Build(request, values);
        return (new RuleContext(data, Now, Options, Terminology), new TriggerContext(_hook, data.DraftMedications));
    }

    /// <summary>Findings of one rule (empty when the rule is not triggered).</summary>
    public IReadOnlyList<Finding> Run(Rule rule)
    {
        var (ctx, trigger) = Build();
        return rule.IsTriggered(trigger) ? rule.Evaluate(ctx).ToList() : [];
    }

    /// <summary>The cards the whole catalogue produces.</summary>
    public IReadOnlyList<Card> Cards()
    {
        var (ctx, trigger) = Build();
        var engine = new RuleEngine(RuleCatalog.All());
        return CardComposer.Compose(engine.Evaluate(ctx, trigger).Findings);
    }

    public IReadOnlyList<string> Concerns() => Cards().Select(c => c.Source.Topic!.Code).ToList();
}
