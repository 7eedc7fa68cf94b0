using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Api.Operations;

/// <summary>
/// Health: <c>/health/live</c> runs no checks (the process answers), <c>/health/ready</c> runs every check tagged
/// <see cref="Ready"/>. Add a readiness check with <c>services.AddHealthChecks().AddCheck&lt;T&gt;(name, tags: [HealthTags.Ready])</c>
/// or, for a database, <see cref="HealthRegistration.AddReadinessProbe"/>.
/// </summary>
public static class HealthTags
{
    public const string Ready = "ready";
}

/// <summary>Ready when every value set the rules name is loaded and non-empty.</summary>
public sealed class ValueSetsHealthCheck(IServiceProvider services) : IHealthCheck
{
    private static readonly string[] Required = typeof(ValueSetUrls).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name != nameof(ValueSetUrls.Base))
        .Select(f => (string)f.GetRawConstantValue()!).ToArray();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ValueSetIndex index;
        try
        {
            index = services.GetRequiredService<ValueSetIndex>();
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Value sets could not be loaded ({ex.GetType().Name})."));
        }
        var missing = Required.Where(url => !index.TryGet(url, out var vs) || vs!.CodeCount + vs.Phrases.Length == 0).ToList();
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy($"{index.All.Count} value sets loaded.")
            : HealthCheckResult.Unhealthy($"Value sets missing or empty: {string.Join(", ", missing.Select(u => u[ValueSetUrls.Base.Length..]))}."));
    }
}

/// <summary>A readiness check from a probe (e.g. <c>db.Database.CanConnectAsync</c>), run in its own DI scope.</summary>
public sealed class ReadinessProbeHealthCheck(IServiceScopeFactory scopes, Func<IServiceProvider, CancellationToken, Task<bool>> probe, string what) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await probe(scope.ServiceProvider, cancellationToken)
                ? HealthCheckResult.Healthy($"{what} reachable.")
                : HealthCheckResult.Unhealthy($"{what} not reachable.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{what} not reachable ({ex.GetType().Name}).");
        }
    }
}

public static class HealthRegistration
{
    /// <summary>
    /// Adds a readiness check from a probe, e.g. for the feedback store:
    /// <c>services.AddReadinessProbe("feedback-db", "Feedback database", (sp, ct) => sp.GetRequiredService&lt;FeedbackDb&gt;().Database.CanConnectAsync(ct));</c>
    /// </summary>
    public static IHealthChecksBuilder AddReadinessProbe(this IServiceCollection services, string name, string what,
        Func<IServiceProvider, CancellationToken, Task<bool>> probe) =>
        services.AddHealthChecks().Add(new HealthCheckRegistration(name,
            sp => new ReadinessProbeHealthCheck(sp.GetRequiredService<IServiceScopeFactory>(), probe, what),
            failureStatus: HealthStatus.Unhealthy, tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(5)));
}

/// <summary>The JSON body of /health/live and /health/ready.</summary>
public sealed record HealthReportBody(string Status, double TotalDurationMs, IReadOnlyDictionary<string, HealthEntryBody> Checks);

public sealed record HealthEntryBody(string Status, string? Description, double DurationMs);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReportBody))]
public sealed partial class OperationsJsonContext : JsonSerializerContext;
