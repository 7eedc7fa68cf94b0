using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Api.PatientData;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>Feedback, audit trail and analytics (issue 6): one call to register, one to map.</summary>
public static class StoreRegistration
{
    /// <summary>
    /// Registers the store (SQLite by default, PostgreSQL with <c>ConnectionStrings:Postgres</c>), the start-up
    /// migration, the audit queue and writer, and the audit step of the hook pipeline. Call after the hook pipeline
    /// and the <see cref="IPatientDataSource"/> are registered: the data source is decorated to record data origins.
    /// </summary>
    public static IServiceCollection AddCdsStore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(sp => StoreLocation.Resolve(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
        services.AddPooledDbContextFactory<CdsStoreContext>((sp, o) => CdsStoreContext.Configure(o, sp.GetRequiredService<StoreLocation>().Settings));
        services.AddSingleton<FeedbackStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<CardAnalyticsQuery>();
        services.AddSingleton(PatientIdHasher.Create);
        services.TryAddSingleton(new StoreClock(TimeProvider.System));

        services.AddSingleton<StoreReadiness>();
        services.AddSingleton<AuditQueue>();
        services.AddHostedService<StoreInitializer>();
        services.AddHostedService<AuditWriter>();

        services.AddHttpContextAccessor();
        services.TryAddSingleton<ICallerIdentity, ClaimsCallerIdentity>();
        services.AddScoped<HookDataCapture>();
        DecorateDataSource(services);
        // First registered behavior = outermost (MediatR 5): the audit step times and records everything inside it,
        // including requests the validation step rejects.
        // Transient like the mediator and handler (Pipeline/Behaviors.cs): resolved once per call from its scope.
        services.Insert(0, ServiceDescriptor.Transient<IPipelineBehavior<EvaluateHook.Request, HookResult>, AuditBehavior>());
        return services;
    }

    public static IEndpointRouteBuilder MapCdsStore(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cds-services/{id}/feedback", FeedbackEndpoint.PostAsync);
        app.MapGet("/analytics/cards", AnalyticsEndpoints.JsonAsync);
        app.MapGet("/analytics", AnalyticsEndpoints.PageAsync);
        return app;
    }

    private static void DecorateDataSource(IServiceCollection services)
    {
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IPatientDataSource))
            ?? throw new InvalidOperationException("Register an IPatientDataSource before AddCdsStore().");
        services.Remove(inner);
        var create = Factory(inner);
        services.Add(ServiceDescriptor.Describe(typeof(IPatientDataSource),
            sp => new AuditingPatientDataSource(create(sp), sp.GetRequiredService<HookDataCapture>()), inner.Lifetime));
    }

    /// <summary>
    /// How to make the decorated source, decided once: a type is built through a factory compiled at start-up, as the
    /// container builds its own registrations (ActivatorUtilities.CreateInstance looked the constructor up by
    /// reflection on every hook call, ~1 % of the service's CPU, BENCHMARKS.md, session 10).
    /// </summary>
    private static Func<IServiceProvider, IPatientDataSource> Factory(ServiceDescriptor d)
    {
        if (d.ImplementationInstance is IPatientDataSource instance) return _ => instance;
        if (d.ImplementationFactory is { } factory) return sp => (IPatientDataSource)factory(sp);
        var build = ActivatorUtilities.CreateFactory(d.ImplementationType!, Type.EmptyTypes);
        return sp => (IPatientDataSource)build(sp, null);
    }
}
