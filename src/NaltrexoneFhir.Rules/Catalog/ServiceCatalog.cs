using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Catalog;

/// <summary>A CDS service: id, hook, and the rules it runs. Its prefetch comes from the rules' data keys.</summary>
public sealed record CdsService(string Id, string Hook, string Title, string Description);

/// <summary>The services the host publishes; discovery prefetch templates are generated from the rules' needs.</summary>
public sealed class ServiceCatalog(RuleEngine engine, DataKeys keys)
{
    public static readonly IReadOnlyList<CdsService> Services =
    [
        new("naltrexone-order-sign", HookNames.OrderSign, "Naltrexone prescribing safety (order-sign)",
            "Checks draft naltrexone and opioid orders at signing: opioid co-prescription and recent opioid use (precipitated withdrawal, blocked analgesia), opioid-free verification and overdose risk, hepatotoxicity (liver disease, ALT/AST/bilirubin, hepatotoxic co-medication), missing baseline liver tests, dose against the label and the indication, pregnancy, renal impairment, depression and suicidality, age under 18, allergy, duplicate therapy, seizure risk with naltrexone/bupropion, planned surgery, off-label use, and orders it cannot classify or dose. The full list: GET /catalogue."),
        new("naltrexone-order-select", HookNames.OrderSelect, "Naltrexone prescribing safety (order-select)",
            "The same naltrexone safety checks as order-sign, run when a naltrexone or opioid order is selected, so problems are seen before the order is completed."),
        new("naltrexone-patient-view", HookNames.PatientView, "Naltrexone status (patient-view)",
            "For a patient on naltrexone: opioid analgesia is blocked, and when liver tests were last done."),
    ];

    public CdsService? Find(string id) => Services.FirstOrDefault(s => s.Id == id);

    /// <summary>All data keys any enabled rule of the hook may need (the discovery prefetch).</summary>
    public IReadOnlyList<DataKey> PrefetchFor(string hook, RuleOptions options) =>
        engine.ForHook(hook, options).SelectMany(r => r.Needs).Distinct().Select(k => keys[k]).ToList();

    public CdsServiceDescriptor Describe(CdsService service, RuleOptions options)
    {
        var prefetch = PrefetchFor(service.Hook, options).ToDictionary(k => k.Name, k => k.Template);
        return new CdsServiceDescriptor
        {
            Hook = service.Hook,
            Id = service.Id,
            Title = service.Title,
            Description = service.Description,
            Prefetch = prefetch.Count > 0 ? prefetch : null,
            UsageRequirements = "Send the prefetch keys listed (a Bundle, or null when the query found nothing). Without them the service answers 412 naming the missing keys.",
        };
    }
}
