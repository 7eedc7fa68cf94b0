using System.Collections.Concurrent;

namespace NaltrexoneFhir.Api.Security;

/// <summary>
/// Remembers each accepted token id (<c>jti</c>) until the token expires, so a replayed JWT is rejected.
/// The seam for a shared store (e.g. PostgreSQL) when the service runs on more than one instance.
/// </summary>
public interface IJtiReplayCache
{
    /// <summary>Records <paramref name="jti"/> of <paramref name="issuer"/> until <paramref name="forgetAfter"/>.
    /// Returns false when it was already recorded and has not been forgotten (a replay).</summary>
    ValueTask<bool> TryRememberAsync(string issuer, string jti, DateTimeOffset forgetAfter, CancellationToken ct);
}

/// <summary>In-process replay cache: one instance only. Entries live until the token's expiry (plus skew);
/// only tokens that passed signature checks get here, so untrusted callers cannot fill it.</summary>
public sealed class InMemoryJtiReplayCache([FromKeyedServices(SecurityClock.Key)] TimeProvider clock) : IJtiReplayCache
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string Issuer, string Jti), DateTimeOffset> _seen = new();
    private long _lastSweepTicks;

    public int Count => _seen.Count;

    public ValueTask<bool> TryRememberAsync(string issuer, string jti, DateTimeOffset forgetAfter, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        SweepIfDue(now);
        var key = (issuer, jti);
        while (true)
        {
            if (_seen.TryAdd(key, forgetAfter)) return ValueTask.FromResult(true);
            if (!_seen.TryGetValue(key, out var until)) continue;            // removed meanwhile: try again
            if (until > now) return ValueTask.FromResult(false);              // still remembered: replay
            if (_seen.TryUpdate(key, forgetAfter, until)) return ValueTask.FromResult(true);
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < SweepEvery.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last) return;
        foreach (var (key, until) in _seen)
            if (until <= now) _seen.TryRemove(new KeyValuePair<(string, string), DateTimeOffset>(key, until));
    }
}

/// <summary>The clock used for token checks: real time, even when <c>Clock:Now</c> pins the evaluation clock
/// for replaying recorded hook requests (a token's <c>exp</c> is about now, not about the patient data).</summary>
public static class SecurityClock
{
    public const string Key = "security";
}
