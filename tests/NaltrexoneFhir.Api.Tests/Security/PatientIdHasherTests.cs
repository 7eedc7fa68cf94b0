using System.Security.Cryptography;
using System.Text;
using NaltrexoneFhir.Api.Store;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>The audit's patient hash is HMAC-SHA256 of the id's UTF-8 with the key, in lower-case hex, whichever thread asks.</summary>
public sealed class PatientIdHasherTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static string Expected(byte[] key, string id) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(id)));

    public static TheoryData<string> Ids => new() { "", "p1", "Patient-ÄÖÜ-患者", new string('x', 170), new string('é', 300), new string('z', 5000) };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Hash_IsTheHmacOfTheId_AgainAndAgain(string id)
    {
        var hasher = new PatientIdHasher(Key);
        Assert.Equal(Expected(Key, id), hasher.Hash(id));
        Assert.Equal(Expected(Key, id), hasher.Hash(id)); // the reused context was reset
        Assert.Equal(Expected(Key, "p2"), hasher.Hash("p2"));
    }

    [Fact]
    public void Hashers_WithDifferentKeys_OnOneThread_KeepTheirOwnKey()
    {
        var other = Key.Select(b => (byte)(b ^ 0xff)).ToArray();
        var (a, b) = (new PatientIdHasher(Key), new PatientIdHasher(other));
        Assert.Equal(Expected(Key, "p1"), a.Hash("p1"));
        Assert.Equal(Expected(other, "p1"), b.Hash("p1"));
        Assert.Equal(Expected(Key, "p1"), a.Hash("p1"));
    }

    [Fact]
    public void Hash_FromManyThreadsAtOnce_IsAlwaysRight()
    {
        var hasher = new PatientIdHasher(Key);
        var wrong = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var id = $"patient-{i % 97}";
            if (hasher.Hash(id) != Expected(Key, id)) Interlocked.Increment(ref wrong);
        });
        Assert.Equal(0, wrong);
    }
}
