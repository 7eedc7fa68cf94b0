using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Benchmark;
using NaltrexoneFhir.Api.Errors;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.Hosting;
using NaltrexoneFhir.Api.Logging;
using NaltrexoneFhir.Api.Operations;
using NaltrexoneFhir.Api.Options;
using NaltrexoneFhir.Api.PatientData;
using NaltrexoneFhir.Api.Playground;
using NaltrexoneFhir.Api.Pipeline;
using NaltrexoneFhir.Api.Security;
using NaltrexoneFhir.Api.Store;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

var builder = WebApplication.CreateBuilder(args);
builder.AddOperations();
var services = builder.Services;

services.AddOptions<CdsOptions>().BindConfiguration(CdsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<RuleOptions>().BindConfiguration(RuleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton<IValidateOptions<RuleOptions>, RuleOptionsValidator>(); // cross-field checks and known rule ids
services.AddOptions<ClockOptions>().BindConfiguration(ClockOptions.SectionName)
    .Validate(o => o.Now is null || DateTimeOffset.TryParse(o.Now, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _),
        "Clock:Now must be an ISO 8601 instant, e.g. 2026-11-22T10:00:00Z.")
    .ValidateOnStart();

services.AddSingleton<TimeProvider>(sp =>
{
    var now = sp.GetRequiredService<IOptions<ClockOptions>>().Value.Now;
    return now is null ? TimeProvider.System : new FixedTimeProvider(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal));
});

// Terminology and rules: loaded once, immutable, shared.
services.AddSingleton(_ => ValueSetIndex.Embedded);
services.AddSingleton(sp => sp.GetRequiredService<ValueSetIndex>().Medications); // the one the rules use too
services.AddSingleton<DataKeys>();
services.AddSingleton(_ => new RuleEngine(RuleCatalog.All()));
services.AddSingleton<PatientDataBuilder>();
services.AddSingleton<ServiceCatalog>();
services.AddSingleton<BodyPreReads>(); // large bodies read while they arrive (Hooks/BodyPreReads.cs)
services.AddPatientDataSource(builder.Configuration); // prefetch first, then the allowlisted fhirServer (FhirServer:*)
services.AddHookPipeline();
services.AddCdsSecurity();   // client JWT, CORS, rate limits (Security/)
services.AddCdsStore();   // feedback, audit trail, analytics (after the pipeline and IPatientDataSource: it decorates them)
services.AddMonitorBackedOptionsSnapshots(); // options bound once, not per request (BENCHMARKS.md)

services.AddProblemDetails();
services.AddExceptionHandler<UnhandledExceptionHandler>();
services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CdsJsonContext.Default));
// Kestrel's blocks (Hosting/LargeBlockMemoryPool): decided from configuration here, as the body limit below, because
// Kestrel takes its pool factory from the container when it starts; 0 keeps Kestrel's own pool.
if ((builder.Configuration.GetValue<int?>($"{CdsOptions.SectionName}:{nameof(CdsOptions.TransportBlockBytes)}") ?? new CdsOptions().TransportBlockBytes) > 0)
{
    services.AddSingleton<LargeBlockMemoryPoolFactory>();
    services.AddSingleton<IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<LargeBlockMemoryPoolFactory>());
}
builder.WebHost.ConfigureKestrel((ctx, k) =>
    k.Limits.MaxRequestBodySize = ctx.Configuration.GetValue<long?>($"{CdsOptions.SectionName}:{nameof(CdsOptions.MaxRequestBodyBytes)}") ?? new CdsOptions().MaxRequestBodyBytes);

var app = builder.Build();

var clockNow = app.Services.GetRequiredService<IOptions<ClockOptions>>().Value.Now;
if (clockNow is not null) Log.ClockPinned(app.Logger, clockNow);
RuntimeSettings.LogGc(app.Logger);

app.UseExceptionHandler();
app.UseCdsSecurity();
app.MapGet("/", () => Results.Redirect("/cds-services")).ExcludeFromDescription();
app.MapCdsHooks();
app.MapOperations();
app.MapPlayground();
app.MapCdsStore();
app.MapCatalogue();
app.MapBenchmarkBaseline(app.Configuration); // only with Benchmark:BaselineEndpoint=true (tests/NaltrexoneFhir.Benchmarks)

app.Run();
