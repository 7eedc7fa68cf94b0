using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NaltrexoneFhir.Cli.Infrastructure;

namespace NaltrexoneFhir.Cli.Tokens;

/// <summary>
/// A development-only ES384 key (EC P-384) kept as PKCS#8 PEM in the key directory, created on first use. It signs
/// CDS Hooks client JWTs (iss, sub, aud, exp, iat, jti; kid = RFC 7638 thumbprint) for testing a service that
/// verifies them; <see cref="Jwks"/> is the public half to configure on that service. Never a production key.
/// </summary>
public sealed class DevKey : IDisposable
{
    public const string FileName = "es384-dev-key.pem";
    private readonly ECDsa _key;

    private DevKey(ECDsa key, string path)
    {
        _key = key;
        Path = path;
        Kid = Thumbprint(key);
    }

    public string Path { get; }
    public string Kid { get; }

    public static DevKey LoadOrCreate(string directory, out bool created)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        created = false;
        var key = ECDsa.Create();
        try
        {
            if (File.Exists(path))
            {
                try
                {
                    key.ImportFromPem(File.ReadAllText(path));
                }
                catch (Exception ex) when (ex is ArgumentException or CryptographicException)
                {
                    throw new CliException($"{path} is not an EC private key in PEM form; delete it to generate a new development key.");
                }
                if (key.KeySize != 384)
                    throw new CliException($"{path} holds a P-{key.KeySize} key; ES384 needs P-384. Delete it to generate a new development key.");
            }
            else
            {
                key.GenerateKey(ECCurve.NamedCurves.nistP384);
                Directory.CreateDirectory(directory);
                File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                created = true;
            }
            return new DevKey(key, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            key.Dispose();
            throw new CliException($"Cannot use the key directory {directory}: {ex.Message}");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>A signed CDS Hooks client JWT.</summary>
    public string Mint(string issuer, string subject, string audience, TimeSpan lifetime, DateTimeOffset now, string? jku = null, string? tenant = null)
    {
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
        };
        if (tenant is not null) claims["tenant"] = tenant;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            Claims = claims,
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = Kid }, SecurityAlgorithms.EcdsaSha384),
            AdditionalHeaderClaims = jku is null ? null : new Dictionary<string, object> { ["jku"] = jku },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The public key as a JWK Set (no private part).</summary>
    public JsonObject Jwks()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-384",
                ["x"] = Base64UrlEncoder.Encode(p.Q.X!),
                ["y"] = Base64UrlEncoder.Encode(p.Q.Y!),
                ["kid"] = Kid,
                ["use"] = "sig",
                ["alg"] = "ES384",
            }),
        };
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256 over the required members in lexicographic order).</summary>
    private static string Thumbprint(ECDsa key)
    {
        var p = key.ExportParameters(false);
        var canonical = $"{{\"crv\":\"P-384\",\"kty\":\"EC\",\"x\":\"{Base64UrlEncoder.Encode(p.Q.X!)}\",\"y\":\"{Base64UrlEncoder.Encode(p.Q.Y!)}\"}}";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public void Dispose() => _key.Dispose();
}
