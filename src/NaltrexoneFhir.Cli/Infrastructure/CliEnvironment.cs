using Spectre.Console;

namespace NaltrexoneFhir.Cli.Infrastructure;

/// <summary>
/// Everything a command touches outside itself: the pretty console, raw stdout/stderr, the HTTP handler, the
/// directory for the development signing key and the working directory. Tests pass their own.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Rich output (tables, panels, progress).</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Raw output that must not be wrapped or decorated (tokens, JSON).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Error messages (one line, no stack traces).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Creates the HTTP client used for every call (CDS service and FHIR server).</summary>
    public required Func<HttpClient> CreateHttpClient { get; init; }

    /// <summary>Where the development signing key lives (default ~/.naltrexone-cds).</summary>
    public required string KeyDirectory { get; init; }

    /// <summary>The directory default folders are searched from (upwards).</summary>
    public required string WorkingDirectory { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static CliEnvironment FromProcess()
    {
        var home = Environment.GetEnvironmentVariable("NALTREXONE_CDS_HOME");
        return new CliEnvironment
        {
            Console = AnsiConsole.Console,
            Out = System.Console.Out,
            Error = System.Console.Error,
            CreateHttpClient = () => new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
            KeyDirectory = string.IsNullOrWhiteSpace(home)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".naltrexone-cds")
                : home,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
    }
}
