using System.Globalization;
using System.Runtime;
using NaltrexoneFhir.Api.Logging;

namespace NaltrexoneFhir.Api.Hosting;

/// <summary>
/// What the garbage collector was started with, logged once at start. The young generation's budget decides how often
/// the service pauses for a GC under load. Unless <c>DOTNET_GCgen0size</c> is set, the runtime sizes it from the CPU
/// cache the machine reports, and some VMs report one that gives ~2 MB: a GC every ~13 ms at 2,100 hook calls a
/// second, 11-13 % of the time paused (BENCHMARKS.md, session 15). The runtime reads that setting only from the
/// environment, so the Dockerfile and launchSettings.json set it; other hosts have to (README, Performance).
/// </summary>
public static class RuntimeSettings
{
    public const string Gen0SizeVariable = "DOTNET_GCgen0size";

    /// <summary>The young generation's budget as this process's environment sets it (also by its legacy <c>COMPlus_</c> name), or null.</summary>
    public static string? ConfiguredGen0Size() =>
        Environment.GetEnvironmentVariable(Gen0SizeVariable) ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size");

    public static void LogGc(ILogger logger)
    {
        var gen0Max = GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value)
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : 0;
        Log.GcSettings(logger, GCSettings.IsServerGC ? "server" : "workstation", gen0Max / 1024, DescribeGen0(ConfiguredGen0Size()));
    }

    /// <summary>Where the young generation's budget came from, for the start-up log.</summary>
    public static string DescribeGen0(string? configured) => string.IsNullOrWhiteSpace(configured)
        ? $"{Gen0SizeVariable} not set: the runtime's default, sized from the CPU cache this machine reports, as small as ~2 MB on some VMs; see README, Performance"
        : $"{Gen0SizeVariable}={configured.Trim()}";
}
