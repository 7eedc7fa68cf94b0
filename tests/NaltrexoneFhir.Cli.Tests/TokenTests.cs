using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NaltrexoneFhir.Cli.Tests.Kit;

namespace NaltrexoneFhir.Cli.Tests;

public sealed class TokenTests : IDisposable
{
    private const string Audience = "http://localhost:5000/cds-services/naltrexone-order-sign";
    private readonly CliRunner _cli = new();

    [Fact]
    public async Task Token_IsAnEs384JwtThatTheJwksVerifies()
    {
        var run = await _cli.RunAsync("token", "--aud", Audience, "--tenant", "t1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Generated a new development signing key", run.Error);
        var token = run.Out.Trim();

        var jwks = await _cli.RunAsync("token", "--jwks");
        Assert.True(jwks.ExitCode == 0, jwks.ToString());
        var key = JsonNode.Parse(jwks.Out)!["keys"]![0]!.AsObject();
        Assert.False(key.ContainsKey("d"));                                       // public half only
        Assert.Equal("P-384", (string?)key["crv"]);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidAudience = Audience,
            ValidIssuer = "urn:naltrexone-cds:dev-ehr",
            IssuerSigningKeys = new JsonWebKeySet(jwks.Out).Keys,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("ES384", jwt.Alg);
        Assert.Equal((string?)key["kid"], jwt.Kid);
        Assert.Equal("urn:naltrexone-cds:dev-ehr", jwt.Subject);
        Assert.Equal("t1", jwt.GetClaim("tenant").Value);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(TimeSpan.FromMinutes(5), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public async Task Token_ReusesTheKey_AndKeepsItPrivate()
    {
        var first = await _cli.RunAsync("token", "--jwks");
        var second = await _cli.RunAsync("token", "--jwks");

        Assert.Equal(first.Out, second.Out);
        Assert.DoesNotContain("Generated", second.Error);
        var file = Path.Combine(_cli.KeyDirectory, "es384-dev-key.pem");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(file));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task Token_WithoutAudience_AsksForIt()
    {
        var run = await _cli.RunAsync("token");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--aud <service-url> is required", run.Error);
    }

    [Fact]
    public async Task Token_CorruptKeyFile_SaysHowToRecover()
    {
        Directory.CreateDirectory(_cli.KeyDirectory);
        await File.WriteAllTextAsync(Path.Combine(_cli.KeyDirectory, "es384-dev-key.pem"), "not a key");

        var run = await _cli.RunAsync("token", "--aud", Audience);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("delete it to generate a new development key", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var run = await _cli.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "discover", "fire", "replay", "seed", "token" })
            Assert.Contains(command, run.Out);
    }

    public void Dispose() => _cli.Dispose();
}
