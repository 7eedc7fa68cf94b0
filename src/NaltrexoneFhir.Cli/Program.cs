using NaltrexoneFhir.Cli;
using NaltrexoneFhir.Cli.Infrastructure;

return await CliApp.RunAsync(args, CliEnvironment.FromProcess());
