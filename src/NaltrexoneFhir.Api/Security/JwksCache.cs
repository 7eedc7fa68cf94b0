using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace NaltrexoneFhir.Api.Security;

/// <summary>
/// Fetches and caches the JWK Sets of trusted issuers (only URLs from configuration ever reach here).
/// A set is reused for <c>JwksCacheSeconds</c>; a token with an unknown <c>kid</c> triggers a refresh, at most one
/// per <c>JwksRefreshMinIntervalSeconds</c> per URL, so forged kids cannot make the service hammer an issuer.
/// A failed fetch keeps the last good keys.
/// </summary>
public sealed class JwksCache(IHttpClientFactory httpClients, IOptionsMonitor<SecurityOptions> options,
    [FromKeyedServices(SecurityClock.Key)] TimeProvider clock, ILogger<JwksCache> logger)
{
    public const string HttpClientName = "NaltrexoneFhir.Jwks";
    public const long MaxJwksBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public enum Status { Found, UnknownKid, Unavailable }

    public async Task<(Status Status, JsonWebKey? Key)> FindAsync(string jwksUrl, string kid)
    {
        var o = options.CurrentValue;
        var entry = _entries.GetOrAdd(jwksUrl, _ => new Entry());
        var state = entry.State;

        if (state.Keys is null || clock.GetUtcNow() - state.FetchedAt >= TimeSpan.FromSeconds(o.JwksCacheSeconds))
            state = await RefreshAsync(jwksUrl, entry, state, o);
        if (Find(state, kid) is { } key) return (Status.Found, key);

        state = await RefreshAsync(jwksUrl, entry, state, o);   // unknown kid: the issuer may have rotated its keys
        if (Find(state, kid) is { } rotated) return (Status.Found, rotated);
        return (state.Keys is null ? Status.Unavailable : Status.UnknownKid, null);
    }

    private static JsonWebKey? Find(Snapshot state, string kid) =>
        state.Keys?.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));

    /// <summary>Fetches unless another caller fetched since <paramref name="seen"/> was read, or the last attempt is
    /// more recent than the minimum interval. Returns the current state.</summary>
    private async Task<Snapshot> RefreshAsync(string url, Entry entry, Snapshot seen, SecurityOptions o)
    {
        await entry.Gate.WaitAsync();
        try
        {
            var current = entry.State;
            if (!ReferenceEquals(current, seen)) return current;                 // refreshed while we waited
            var now = clock.GetUtcNow();
            if (current.LastAttempt is { } last && now - last < TimeSpan.FromSeconds(o.JwksRefreshMinIntervalSeconds)) return current;
            var keys = await FetchAsync(url, o);
            entry.State = keys is null ? current with { LastAttempt = now } : new Snapshot(keys, now, now);
            return entry.State;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<IReadOnlyList<JsonWebKey>?> FetchAsync(string url, SecurityOptions o)
    {
        try
        {
            var http = httpClients.CreateClient(HttpClientName);
            http.Timeout = TimeSpan.FromSeconds(o.JwksTimeoutSeconds);
            http.MaxResponseContentBufferSize = MaxJwksBytes;
            using var response = await http.GetAsync(url);
            if (!response.IsSuccessStatusCode)
            {
                SecurityLog.JwksFetchFailed(logger, url, $"HTTP {(int)response.StatusCode}");
                return null;
            }
            var json = await response.Content.ReadAsStringAsync();
            var keys = JsonWebKeySet.Create(json).Keys
                .Where(k => k.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA)   // never symmetric keys
                .Where(k => string.IsNullOrEmpty(k.Use) || k.Use == JsonWebKeyUseNames.Sig)
                .Where(k => !string.IsNullOrEmpty(k.Kid))
                .ToList();
            SecurityLog.JwksFetched(logger, url, keys.Count);
            return keys;
        }
        catch (Exception ex)   // network, timeout, oversized or unparsable set: never a 500, keep the last good keys
        {
            SecurityLog.JwksFetchFailed(logger, url, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>Immutable state of one JWK Set URL, swapped as a whole under the gate.</summary>
    private sealed record Snapshot(IReadOnlyList<JsonWebKey>? Keys, DateTimeOffset FetchedAt, DateTimeOffset? LastAttempt);

    private sealed class Entry
    {
        private Snapshot _state = new(null, default, null);
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public Snapshot State { get => Volatile.Read(ref _state); set => Volatile.Write(ref _state, value); }
    }
}
