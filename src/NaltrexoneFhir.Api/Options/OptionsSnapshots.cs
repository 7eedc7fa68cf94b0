using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NaltrexoneFhir.Api.Options;

/// <summary>
/// The framework's <see cref="IOptionsSnapshot{T}"/> binds the configuration section and runs every validator again in
/// each request scope (reflection-based binding, DataAnnotations, the rule-id check that builds the rule catalogue):
/// measurable on every hook call (tests/NaltrexoneFhir.Benchmarks/BENCHMARKS.md). Here a snapshot is the monitor's
/// current value instead: bound and validated once, and again only when the configuration changes (reload), so a
/// request still sees a consistent, validated value.
/// </summary>
public static class OptionsSnapshots
{
    public static IServiceCollection AddMonitorBackedOptionsSnapshots(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Scoped(typeof(IOptionsSnapshot<>), typeof(MonitorBackedSnapshot<>)));
        return services;
    }

    private sealed class MonitorBackedSnapshot<T>(IOptionsMonitor<T> monitor) : IOptionsSnapshot<T> where T : class
    {
        private T? _value;

        /// <summary>Read once per scope: one request evaluates against one value even if a reload lands meanwhile.</summary>
        public T Value => _value ??= monitor.CurrentValue;

        public T Get(string? name) => string.IsNullOrEmpty(name) ? Value : monitor.Get(name);
    }
}
