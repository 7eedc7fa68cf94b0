using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Tests.Kit;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Tests.Liver;

/// <summary>The shared liver-lab picture and the observation lookups under it, on hand-made histories.</summary>
public sealed class LiverLabAssessmentTests
{
    private static Observation Coded(string id, int daysAgo, params string[] loincs)
    {
        var o = Fx.Lab(id, loincs[0], 20, "U/L", daysAgo, high: 40);
        o.Code = new CodeableConcept { Coding = [.. loincs.Select(c => new Coding { System = CodeSystems.Loinc, Code = c })] };
        return o;
    }

    private static LiverLabAssessment Assess(params Observation[] labs)
    {
        var (ctx, _) = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).LiverLabs(labs).Build();
        return LiverLabAssessment.Of(ctx);
    }

    [Fact]
    public void LastLiverTest_IsTheLatest_AndTheFirstOfEquallyLateOnes()
    {
        // ALT 1742-6, AST 1920-8, hepatic panel 24325-3; bilirubin 1975-2 is not a liver test for "last done".
        var a = Assess(Coded("old-alt", 900, "1742-6"), Coded("ast-30", 30, "1920-8"), Coded("panel-30", 30, "24325-3"),
                       Coded("alt-200", 200, "1742-6"), Coded("bili-5", 5, "1975-2"));
        Assert.Equal("ast-30", a.LastLiverTest?.Id);
        Assert.True(a.HasRecentLiverTest);
    }

    [Fact]
    public void OnlyOldLiverTests_AreNotRecent_ButTheLatestIsStillNamed()
    {
        var a = Assess(Coded("alt-900", 900, "1742-6"), Coded("ast-400", 400, "1920-8"), Coded("bili-5", 5, "1975-2"));
        Assert.Equal("ast-400", a.LastLiverTest?.Id);
        Assert.False(a.HasRecentLiverTest);
    }

    [Fact]
    public void NoLiverTests_NoneNamed()
    {
        var a = Assess(Coded("bili-5", 5, "1975-2"));
        Assert.Null(a.LastLiverTest);
        Assert.False(a.HasRecentLiverTest);
    }

    [Fact]
    public void ObservationsInAny_AreInSnapshotOrder_EachOnce()
    {
        // "both" has an ALT and an AST coding: it matches twice and is listed once, where it stands.
        var labs = new[] { Coded("ast-1", 3, "1920-8"), Coded("alt-1", 2, "1742-6"), Coded("both", 1, "1742-6", "1920-8"),
                           Coded("bili-1", 1, "1975-2"), Coded("alt-2", 9, "1742-6") };
        var (ctx, _) = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).LiverLabs(labs).Build();
        Assert.Equal(["ast-1", "alt-1", "both", "alt-2"], Observations.InAny(ctx, ValueSetUrls.Alt, ValueSetUrls.Ast).Select(o => o.Id));
        Assert.Equal(["alt-1", "both", "alt-2"], Observations.In(ctx, ValueSetUrls.Alt).Select(o => o.Id));
        Assert.Empty(Observations.InAny(ctx, ValueSetUrls.HepaticPanels));
    }
}
