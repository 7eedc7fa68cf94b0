namespace NaltrexoneFhir.Cli.Infrastructure;

/// <summary>Exit codes: 0 success, 1 the check failed (replay mismatch, service error answer), 2 the tool could not do its job.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Error = 2;
}

/// <summary>An error the user can act on (bad file, unreachable URL, bad argument): printed as one line, no stack trace.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The network failed (unreachable, timed out): a replay stops instead of failing every scenario.</summary>
    public bool IsNetwork { get; init; }
}
