using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace NaltrexoneFhir.Api.Store;

/// <summary>Patient ids are stored only as HMAC-SHA256 (hex) with a secret key: joinable within one deployment, not reversible without the key.</summary>
public sealed class PatientIdHasher(byte[] key)
{
    /// <summary>
    /// One keyed HMAC context per thread, reset after each hash. The one-shot <c>HMACSHA256.HashData</c> looked the
    /// algorithm up in OpenSSL and set the key again on every call: ~1.7 % of the service's CPU under load
    /// (BENCHMARKS.md, session 10).
    /// </summary>
    private readonly ThreadLocal<IncrementalHash> _hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));

    public string Hash(string patientId)
    {
        var hmac = _hmac.Value!;
        var max = Encoding.UTF8.GetMaxByteCount(patientId.Length);
        if (max <= 512)
        {
            Span<byte> utf8 = stackalloc byte[512];
            hmac.AppendData(utf8[..Encoding.UTF8.GetBytes(patientId, utf8)]);
        }
        else hmac.AppendData(Encoding.UTF8.GetBytes(patientId));
        Span<byte> hash = stackalloc byte[32];
        hmac.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    public const string DevelopmentKeyFile = "patient-id-hmac.key";

    /// <summary>The configured key; in Development without one, a random key generated once into the data directory (warned).</summary>
    public static PatientIdHasher Create(IServiceProvider sp)
    {
        var options = sp.GetRequiredService<IOptions<AuditOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.PatientIdHmacKey))
            return new PatientIdHasher(AuditOptionsValidator.TryDecodeKey(options.PatientIdHmacKey)
                ?? throw new InvalidOperationException("Audit:PatientIdHmacKey is not valid base64 of at least 32 bytes."));

        var environment = sp.GetRequiredService<IHostEnvironment>();
        if (!environment.IsDevelopment())
            throw new InvalidOperationException("Audit:PatientIdHmacKey is required outside Development.");
        var dataDirectory = sp.GetRequiredService<StoreLocation>().DataDirectory;
        var logger = sp.GetRequiredService<ILogger<PatientIdHasher>>();
        var path = Path.Combine(dataDirectory, DevelopmentKeyFile);
        Directory.CreateDirectory(dataDirectory);
        if (File.Exists(path) && AuditOptionsValidator.TryDecodeKey(File.ReadAllText(path)) is { } existing)
        {
            StoreLog.DevelopmentKeyInUse(logger, path);
            return new PatientIdHasher(existing);
        }
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        StoreLog.DevelopmentKeyGenerated(logger, path);
        return new PatientIdHasher(key);
    }
}
