using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>A signing key generated for the test run (never a committed private key) and its public JWK.</summary>
public sealed class TestKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    private TestKey(string kid, string alg, ECDsa? ec, RSA? rsa) { Kid = kid; Alg = alg; _ec = ec; _rsa = rsa; }

    public string Kid { get; }
    public string Alg { get; }

    public static TestKey Ec(string kid, string alg = "ES384") =>
        new(kid, alg, ECDsa.Create(alg == "ES256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384), null);

    public static TestKey Rsa(string kid, string alg = "RS384") => new(kid, alg, null, RSA.Create(2048));

    /// <summary>JWS signature: ECDSA as r||s (IEEE P1363, what JWS requires), RSA as PKCS#1 v1.5.</summary>
    public byte[] Sign(byte[] data)
    {
        var hash = Alg.EndsWith("256", StringComparison.Ordinal) ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384;
        return _ec is not null ? _ec.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                               : _rsa!.SignData(data, hash, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The public key in PEM, as an attacker would find it (for the HS256 key-confusion attack).</summary>
    public byte[] PublicPem => Encoding.UTF8.GetBytes(_ec is not null ? _ec.ExportSubjectPublicKeyInfoPem() : _rsa!.ExportSubjectPublicKeyInfoPem());

    /// <summary>The public JWK (no private parameters).</summary>
    public JsonObject PublicJwk()
    {
        if (_ec is not null)
        {
            var p = _ec.ExportParameters(includePrivateParameters: false);
            return new JsonObject
            {
                ["kty"] = "EC", ["crv"] = Alg == "ES256" ? "P-256" : "P-384", ["kid"] = Kid, ["use"] = "sig", ["alg"] = Alg,
                ["x"] = Jwt.B64(p.Q.X!), ["y"] = Jwt.B64(p.Q.Y!),
            };
        }
        var r = _rsa!.ExportParameters(includePrivateParameters: false);
        return new JsonObject { ["kty"] = "RSA", ["kid"] = Kid, ["use"] = "sig", ["alg"] = Alg, ["n"] = Jwt.B64(r.Modulus!), ["e"] = Jwt.B64(r.Exponent!) };
    }

    public static string Jwks(params TestKey[] keys) =>
        new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.PublicJwk()).ToArray()) }.ToJsonString();

    public void Dispose() { _ec?.Dispose(); _rsa?.Dispose(); }
}

/// <summary>Builds compact JWS tokens by hand (independently of the library under test), hostile ones included.</summary>
public static class Jwt
{
    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    public static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    /// <summary>Signs header.payload with <paramref name="key"/>; the header's alg/kid default to the key's.</summary>
    public static string Sign(JsonObject header, JsonObject payload, TestKey key)
    {
        header["alg"] ??= key.Alg;
        header["kid"] ??= key.Kid;
        var signingInput = B64(header.ToJsonString()) + "." + B64(payload.ToJsonString());
        return signingInput + "." + B64(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string Unsigned(JsonObject header, JsonObject payload) => B64(header.ToJsonString()) + "." + B64(payload.ToJsonString()) + ".";

    public static string Hs256(JsonObject header, JsonObject payload, byte[] secret)
    {
        header["alg"] = "HS256";
        var signingInput = B64(header.ToJsonString()) + "." + B64(payload.ToJsonString());
        return signingInput + "." + B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));
    }

    public static long Epoch(DateTimeOffset t) => t.ToUnixTimeSeconds();
}
