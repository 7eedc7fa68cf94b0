using System.CommandLine;
using NaltrexoneFhir.Cli.Commands;
using NaltrexoneFhir.Cli.Infrastructure;

namespace NaltrexoneFhir.Cli;

/// <summary>The <c>ntx-cds</c> command line: discover, fire, replay, seed, token.</summary>
public static class CliApp
{
    public static RootCommand Build(CliEnvironment env) => new("ntx-cds: fire, replay and inspect CDS Hooks services (built for the naltrexone safety service, works with any)")
    {
        DiscoverCommand.Create(env),
        FireCommand.Create(env),
        ReplayCommand.Create(env),
        SeedCommand.Create(env),
        TokenCommand.Create(env),
    };

    public static Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct = default) =>
        Build(env).Parse(args).InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error }, ct);
}
