using System.CommandLine;

namespace NaltrexoneFhir.Cli.Infrastructure;

public static class Guarded
{
    /// <summary>Sets a command's action so that expected errors print one line ("error: …") and an exit code, never a stack trace.</summary>
    public static void SetGuardedAction(this Command command, CliEnvironment env, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct);
            }
            catch (CliException ex)
            {
                await env.Error.WriteLineAsync($"error: {ex.Message}");
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await env.Error.WriteLineAsync("cancelled");
                return 130;
            }
            catch (Exception ex)
            {
                await env.Error.WriteLineAsync($"error: unexpected {ex.GetType().Name}: {ex.Message}");
                return ExitCodes.Error;
            }
        });
}
