using NaltrexoneFhir.Benchmarks;

namespace NaltrexoneFhir.Fhir.Tests;

/// <summary>
/// The benchmark's attribution of a perf profile to the hook call's stages (BENCHMARKS.md, "Where the time goes"):
/// a sample goes to the first stage whose pattern names a method on its stack, never to one a return or parameter
/// type merely mentions.
/// </summary>
public sealed class PerfStagesTests
{
    private const string Parse = "7fe4b0da35c7 class NaltrexoneFhir.Hooks.HookBody [NaltrexoneFhir.Hooks] NaltrexoneFhir.Hooks.HookBody::Parse(" +
        "valuetype [System.Runtime]System.ReadOnlyMemory`1<uint8>,int32,class [System.Runtime]System.Collections.Generic.IReadOnlySet`1<string>,int32," +
        "class [NaltrexoneFhir.Fhir]NaltrexoneFhir.Fhir.Json.FhirFastReader/EntryPreReader)[OptimizedTier1]";
    private const string Skip = "7fe4b0d91234 instance void [System.Text.Json] System.Text.Json.Utf8JsonReader::Skip()[OptimizedTier1]";
    private const string ReadCoding = "7fe4b0d95678 class NaltrexoneFhir.Fhir.Model.Coding [NaltrexoneFhir.Fhir] " +
        "NaltrexoneFhir.Fhir.Json.FhirFastReader::ReadCoding(valuetype [System.Text.Json]System.Text.Json.Utf8JsonReader&)[OptimizedTier1]";
    private const string TryRead = "7fe4b0d99abc class NaltrexoneFhir.Fhir.Model.Resource [NaltrexoneFhir.Fhir] " +
        "NaltrexoneFhir.Fhir.Json.FhirFastReader::TryRead(valuetype [System.Text.Json]System.Text.Json.Utf8JsonReader&)[OptimizedTier1]";

    private static string Sample(string thread, params string[] frames) =>
        $"{thread} 30199/30199 [001] 123.456:\n" + string.Concat(frames.Select(f => "\t    " + f + "\n")) + "\n";

    [Fact]
    public void TheBodysOwnScan_IsReadingTheBody_ThoughItsSignatureNamesTheFhirReader()
    {
        var profile = Sample(".NET TP Worker", Skip, Parse) + Sample(".NET TP Worker", ReadCoding, TryRead, Parse);

        var (shares, total) = PerfStages.Attribute(new StringReader(profile));

        Assert.Equal(2, total);
        Assert.Equal(1, Samples(shares, "Reading the body"));
        Assert.Equal(1, Samples(shares, "Reading prefetch"));
    }

    [Fact]
    public void TheWritersThread_AndNativeOnlyStacks_HaveStagesOfTheirOwn()
    {
        var profile = Sample("audit-writer", "7f00 sqlite3BtreeIndexMoveto", ReadCoding)
                      + Sample(".NET TP Worker", "ffffffff81000000 pvm_irq_enable", "ffffffff81000100 __schedule");

        var (shares, total) = PerfStages.Attribute(new StringReader(profile));

        Assert.Equal(2, total);
        Assert.Equal(1, Samples(shares, "Audit writer thread"));
        Assert.Equal(1, Samples(shares, "Kernel and runtime"));
    }

    [Theory]
    [InlineData(Parse, "NaltrexoneFhir.Hooks.HookBody::Parse")]
    [InlineData(ReadCoding, "NaltrexoneFhir.Fhir.Json.FhirFastReader::ReadCoding")]
    [InlineData("7f00 instance !0& modreq([System.Runtime]System.Runtime.InteropServices.InAttribute) [System.Collections.Immutable] " +
                "System.Collections.Frozen.OrdinalStringFrozenDictionary`1[System.__Canon]::GetValueRefOrNullRefCore(string)[OptimizedTier1]",
                "System.Collections.Frozen.OrdinalStringFrozenDictionary`1[System.__Canon]::GetValueRefOrNullRefCore")]
    [InlineData("7f00 __libc_pwrite", "7f00 __libc_pwrite")]
    public void Method_IsTheTypeAndMethodOnly(string frame, string method) =>
        Assert.Equal(method, PerfStages.Method(frame).ToString());

    private static int Samples(IReadOnlyList<(string Stage, int Samples)> shares, string stageStart) =>
        shares.Where(s => s.Stage.StartsWith(stageStart, StringComparison.Ordinal)).Sum(s => s.Samples);
}
