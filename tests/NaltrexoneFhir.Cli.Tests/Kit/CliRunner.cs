using NaltrexoneFhir.Cli.Infrastructure;
using Spectre.Console;

namespace NaltrexoneFhir.Cli.Tests.Kit;

public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the CLI in-process with captured, uncoloured output (200 columns) and a private key directory.</summary>
public sealed class CliRunner : IDisposable
{
    public string KeyDirectory { get; } = Directory.CreateTempSubdirectory("ntx-cds-keys-").FullName;
    public string WorkingDirectory { get; set; } = AppContext.BaseDirectory;

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var env = new CliEnvironment
        {
            Console = console,
            Out = output,
            Error = error,
            CreateHttpClient = () => new HttpClient { Timeout = TimeSpan.FromSeconds(30) },
            KeyDirectory = KeyDirectory,
            WorkingDirectory = WorkingDirectory,
        };
        var code = await CliApp.RunAsync(args, env);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(KeyDirectory, recursive: true); } catch (IOException) { }
    }
}
