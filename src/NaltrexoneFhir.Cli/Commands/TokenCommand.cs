using System.CommandLine;
using NaltrexoneFhir.Cli.Infrastructure;
using NaltrexoneFhir.Cli.Tokens;

namespace NaltrexoneFhir.Cli.Commands;

/// <summary>
/// <c>token --aud &lt;service-url&gt;</c>: a CDS Hooks client JWT (ES384) signed with the local development key,
/// which is generated on first use; <c>token --jwks</c> prints the matching public JWK Set.
/// </summary>
public static class TokenCommand
{
    public const string DefaultIssuer = "urn:naltrexone-cds:dev-ehr";

    public static Option<string> KeyDirOption(CliEnvironment env) => new("--key-dir")
    {
        Description = "Directory of the development signing key (default ~/.naltrexone-cds, or $NALTREXONE_CDS_HOME)",
        DefaultValueFactory = _ => env.KeyDirectory,
    };

    public static Command Create(CliEnvironment env)
    {
        var aud = new Option<string?>("--aud") { Description = "Audience: the URL of the CDS service being called (required unless --jwks)" };
        var iss = new Option<string>("--iss") { Description = "Issuer (the EHR's identifier)", DefaultValueFactory = _ => DefaultIssuer };
        var sub = new Option<string?>("--sub") { Description = "Subject: the EHR's client id (default: the issuer)" };
        var tenant = new Option<string?>("--tenant") { Description = "Optional tenant claim" };
        var jku = new Option<string?>("--jku") { Description = "Optional jku header: where the service can fetch the JWK Set" };
        var lifetime = new Option<int>("--lifetime") { Description = "Seconds until expiry (CDS Hooks recommends at most 300)", DefaultValueFactory = _ => 300 };
        var jwks = new Option<bool>("--jwks") { Description = "Print the public JWK Set of the development key instead of a token" };
        var keyDir = KeyDirOption(env);

        var command = new Command("token", "Mint a signed ES384 test JWT from the local development key (created on first use)")
        {
            aud, iss, sub, tenant, jku, lifetime, jwks, keyDir,
        };
        command.SetGuardedAction(env, async (parse, _) =>
        {
            using var key = DevKey.LoadOrCreate(parse.GetValue(keyDir)!, out var created);
            if (created) await env.Error.WriteLineAsync($"Generated a new development signing key: {key.Path} (kid {key.Kid})");
            if (parse.GetValue(jwks))
            {
                await env.Out.WriteLineAsync(JsonFiles.Write(key.Jwks()));
                return ExitCodes.Ok;
            }

            var audience = parse.GetValue(aud) ?? throw new CliException("--aud <service-url> is required: the token is only valid for the service it is sent to.");
            Http.ParseUrl(audience, "--aud");
            var seconds = parse.GetValue(lifetime);
            if (seconds is < 1 or > 3600) throw new CliException("--lifetime must be between 1 and 3600 seconds.");
            var issuer = parse.GetValue(iss)!;
            var token = key.Mint(issuer, parse.GetValue(sub) ?? issuer, audience, TimeSpan.FromSeconds(seconds),
                env.Clock.GetUtcNow(), parse.GetValue(jku), parse.GetValue(tenant));
            await env.Out.WriteLineAsync(token);
            return ExitCodes.Ok;
        });
        return command;
    }
}
