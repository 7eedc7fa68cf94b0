using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>The CDS client JWT (CDS Hooks 2.0 "Trusting CDS Clients"): hostile tokens are 401, valid ones pass.</summary>
public sealed class TokenVerificationTests(SecuredApiFactory factory) : IClassFixture<SecuredApiFactory>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Hostile token → the check that must reject it. Each builds its Authorization header value.</summary>
    private static readonly Dictionary<string, (Func<SecuredApiFactory, string?> Authorization, string Check)> Hostile = new()
    {
        ["no token"] = (_ => null, "missing-token"),
        ["empty bearer"] = (_ => "Bearer ", "malformed"),
        ["not a JWT"] = (_ => "Bearer not-a-jwt", "malformed"),
        ["three garbage parts"] = (_ => "Bearer e30.@@@.###", "malformed"),
        ["encrypted (five parts)"] = (f => "Bearer " + f.Token() + ".x.y", "malformed"),
        ["Basic scheme"] = (_ => "Basic dXNlcjpwYXNz", "malformed"),
        ["alg none"] = (_ => "Bearer " + Jwt.Unsigned(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, SecuredApiFactory.Claims()), "alg"),
        ["HS256 signed with the public key"] = (f => "Bearer " + Jwt.Hs256(new JsonObject { ["typ"] = "JWT", ["kid"] = f.EhrEc.Kid }, SecuredApiFactory.Claims(), f.EhrEc.PublicPem), "alg"),
        ["expired"] = (f => "Bearer " + f.Token(claims: c => { c["iat"] = Jwt.Epoch(Now.AddHours(-2)); c["exp"] = Jwt.Epoch(Now.AddHours(-2).AddMinutes(5)); }), "exp"),
        ["no exp"] = (f => "Bearer " + f.Token(claims: c => c.Remove("exp")), "exp"),
        ["iat in the future"] = (f => "Bearer " + f.Token(claims: c => { c["iat"] = Jwt.Epoch(Now.AddHours(1)); c["exp"] = Jwt.Epoch(Now.AddHours(1).AddMinutes(5)); }), "iat"),
        ["nbf in the future"] = (f => "Bearer " + f.Token(claims: c => c["nbf"] = Jwt.Epoch(Now.AddHours(1))), "nbf"),
        ["lifetime too long"] = (f => "Bearer " + f.Token(claims: c => c["exp"] = Jwt.Epoch(Now.AddDays(2))), "lifetime"),
        ["wrong aud (another service)"] = (f => "Bearer " + f.Token(path: "/cds-services/naltrexone-patient-view"), "aud"),
        ["aud from the Host header, not the public URL"] = (f => "Bearer " + f.Token(claims: c => c["aud"] = "http://localhost" + SecuredApiFactory.OrderSign), "aud"),
        ["no aud"] = (f => "Bearer " + f.Token(claims: c => c.Remove("aud")), "aud"),
        ["unknown iss"] = (f => "Bearer " + f.Token(claims: c => c["iss"] = "https://evil.example"), "iss"),
        ["iss differs by a trailing slash"] = (f => "Bearer " + f.Token(claims: c => c["iss"] = SecuredApiFactory.Ehr + "/"), "iss"),
        ["jku off the allowlist"] = (f => "Bearer " + f.Token(header: SecuredApiFactory.Header(jku: "https://evil.example/jwks.json")), "jku"),
        ["unknown kid"] = (f => "Bearer " + f.Token(header: new JsonObject { ["typ"] = "JWT", ["kid"] = "no-such-kid" }), "kid"),
        ["no kid"] = (f => "Bearer " + RemoveKid(f.Token()), "kid"),
        ["tampered payload"] = (f => "Bearer " + Tamper(f.Token()), "signature"),
        ["signed by a key not in the JWKS (same kid)"] = (f => "Bearer " + TokenWithForeignKey(f), "signature"),
        ["ES256 not configured for this issuer"] = (f => "Bearer " + f.Token(key: f.OtherEc256), "alg"),
        ["RS384 header on an EC key"] = (f => "Bearer " + f.Token(header: new JsonObject { ["typ"] = "JWT", ["alg"] = "RS384", ["kid"] = f.EhrEc.Kid }, key: f.EhrRsa), "alg"),
        ["typ is not JWT"] = (f => "Bearer " + f.Token(header: new JsonObject { ["typ"] = "at+jwt" }), "typ"),
        ["token for another tenant"] = (f => "Bearer " + OtherIssuerToken(f, "hospital-b"), "tenant"),
        ["no tenant for a tenant-bound issuer"] = (f => "Bearer " + OtherIssuerToken(f, null), "tenant"),
        ["no jti"] = (f => "Bearer " + f.Token(claims: c => c.Remove("jti")), "jti"),
    };

    public static TheoryData<string> HostileCases => new(Hostile.Keys);

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task HostileToken_Is401_NamingTheCheck_WithoutEchoingTheToken(string name)
    {
        var (authorization, check) = Hostile[name];
        var header = authorization(factory);
        using var request = new HttpRequestMessage(HttpMethod.Post, SecuredApiFactory.OrderSign)
        {
            Content = CdsApiFactory.Json(Hooks.Requests.OrderSign([Hooks.Requests.NaltrexoneDraft()]).ToJsonString()),
        };
        if (header is not null) request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await factory.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var outcome = JsonDocument.Parse(text).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Contains($"({check})", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        if (check == "missing-token") Assert.DoesNotContain("error=", challenge.Parameter);
        else Assert.Contains($"error_description=\"{check}\"", challenge.Parameter);
        Assert.DoesNotContain("cards", text);
        if (header is not null)
            foreach (var part in header.Split(' ', '.').Where(p => p.Length > 8))
            {
                Assert.DoesNotContain(part, text);
                Assert.DoesNotContain(part, factory.Logs.AllText);
            }
    }

    [Fact]
    public async Task MutatedTokens_AreAll401_NeverA500()
    {
        var token = factory.Token(header: SecuredApiFactory.Header(jku: SecuredApiFactory.EhrJku));
        var segmentEnds = Enumerable.Range(0, token.Length).Where(i => i == token.Length - 1 || token[i + 1] == '.').ToHashSet();
        var rng = new Random(20261122);
        const string junk = "AZaz09-_.=+/ {}\\\"%~";
        var client = factory.CreateClient();
        for (var i = 0; i < 200; i++)
        {
            var chars = token.ToCharArray();
            for (var e = rng.Next(1, 4); e > 0; e--)
            {
                int at;
                do at = rng.Next(chars.Length); while (segmentEnds.Contains(at));   // a last base64url char may carry unused bits
                chars[at] = junk[rng.Next(junk.Length)];
            }
            var mutated = new string(chars);
            if (mutated == token) continue;
            using var request = new HttpRequestMessage(HttpMethod.Post, SecuredApiFactory.OrderSign) { Content = CdsApiFactory.Json("{}") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + mutated);
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"mutation {i} gave {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task JkuOffTheAllowlist_IsNeverFetched()
    {
        var evil = "https://evil.example/keys-" + Guid.NewGuid();
        var response = await factory.PostHook(factory.Token(header: SecuredApiFactory.Header(jku: evil)));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(evil, factory.Jwks.Requests);
    }

    [Fact]
    public async Task ValidEs384Token_LikeTheSandbox_Passes()
    {
        // The sandbox's shape: ES384 on P-384, typ JWT, kid, jku on the issuer's allowlist, exp = iat + 300, no tenant.
        var token = factory.Token(header: SecuredApiFactory.Header(jku: SecuredApiFactory.EhrJku));
        var response = await factory.PostHook(token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await CdsApiFactory.ReadJson(response)).TryGetProperty("cards", out _));
        Assert.Contains(SecuredApiFactory.EhrJku, factory.Jwks.Requests);
    }

    [Fact]
    public async Task ValidRs384Token_FromTheIssuersJwksUrl_Passes()
    {
        var response = await factory.PostHook(factory.Token(key: factory.EhrRsa));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Es256_WhenConfigured_AndTheRightTenant_Passes()
    {
        var response = await factory.PostHook(OtherIssuerToken(factory, SecuredApiFactory.OtherTenant));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AudUnderAnAlternateBaseUrl_OrInAnArray_Passes()
    {
        var alternate = factory.Token(claims: c => c["aud"] = SecuredApiFactory.AlternateBaseUrl + SecuredApiFactory.OrderSign);
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(alternate)).StatusCode);
        var array = factory.Token(claims: c => c["aud"] = new JsonArray("https://elsewhere.example", SecuredApiFactory.BaseUrl + SecuredApiFactory.OrderSign));
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(array)).StatusCode);
    }

    [Fact]
    public async Task ReplayedJti_Is401()
    {
        var token = factory.Token();
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(token)).StatusCode);
        var replay = await factory.PostHook(token);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("error_description=\"replay\"", replay.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task SameJti_FromAnotherIssuer_IsNotAReplay()
    {
        var jti = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(factory.Token(claims: c => c["jti"] = jti))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(OtherIssuerToken(factory, SecuredApiFactory.OtherTenant, jti))).StatusCode);
    }

    [Fact]
    public async Task AuthenticatedClient_IsVisibleToTheRestOfTheRequest()
    {
        var jti = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(OtherIssuerToken(factory, SecuredApiFactory.OtherTenant, jti))).StatusCode);
        var client = factory.SeenClients.Single(c => c?.TokenId == jti)!;
        Assert.Equal(SecuredApiFactory.Other, client.Issuer);
        Assert.Equal(SecuredApiFactory.OtherTenant, client.Tenant);

        var ehrJti = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await factory.PostHook(factory.Token(claims: c => c["jti"] = ehrJti))).StatusCode);
        var ehr = factory.SeenClients.Single(c => c?.TokenId == ehrJti)!;
        Assert.Equal([SecuredApiFactory.EhrFhir], ehr.AllowedFhirServers);
    }

    [Fact]
    public async Task Discovery_IsPublicByDefault()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/cds-services")).StatusCode);
    }

    [Fact]
    public async Task Feedback_AndUnknownServices_RequireATokenToo()
    {
        // The feedback route (CDS Hooks §5) and unknown ids are under /cds-services: 401 before anything is revealed.
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/cds-services/naltrexone-order-sign/feedback", CdsApiFactory.Json("{\"feedback\":[]}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/cds-services/no-such-service", CdsApiFactory.Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/CDS-SERVICES/naltrexone-order-sign", CdsApiFactory.Json("{}"))).StatusCode);
        // with a token for that exact URL, the request gets past authentication (the unknown service is then a 404)
        var unknown = await factory.PostHook(factory.Token(path: "/cds-services/no-such-service"), "/cds-services/no-such-service");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task BodyLimits_StillApply_AfterAuthentication()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);
        var response = await factory.PostHook(factory.Token(), body: deep);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("deeper", await response.Content.ReadAsStringAsync());
    }

    private static string OtherIssuerToken(SecuredApiFactory f, string? tenant, string? jti = null)
    {
        var claims = SecuredApiFactory.Claims(iss: SecuredApiFactory.Other);
        if (tenant is not null) claims["tenant"] = tenant;
        if (jti is not null) claims["jti"] = jti;
        return Jwt.Sign(SecuredApiFactory.Header(), claims, f.OtherEc256);
    }

    /// <summary>Changes the payload (a later exp) and keeps the original signature.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Convert.FromBase64String(Pad(parts[1])))!.AsObject();
        payload["exp"] = payload["exp"]!.GetValue<long>() + 60;
        return parts[0] + "." + Jwt.B64(payload.ToJsonString()) + "." + parts[2];
    }

    private static string RemoveKid(string token)
    {
        var parts = token.Split('.');
        var header = JsonNode.Parse(Convert.FromBase64String(Pad(parts[0])))!.AsObject();
        header.Remove("kid");
        return Jwt.B64(header.ToJsonString()) + "." + parts[1] + "." + parts[2];   // signature no longer matters: kid is checked first
    }

    private static string TokenWithForeignKey(SecuredApiFactory f)
    {
        using var foreign = TestKey.Ec(f.EhrEc.Kid);
        return f.Token(key: foreign);
    }

    private static string Pad(string b64)
    {
        var s = b64.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
