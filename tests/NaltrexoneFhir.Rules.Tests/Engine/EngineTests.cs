using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Catalog;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Rules.Tests.Kit;

namespace NaltrexoneFhir.Rules.Tests.Engine;

public sealed class EngineTests
{
    [Fact]
    public void OneCardPerConcern_StrongestWins_AllFindingsNamed()
    {
        // ALT 6× (R11 critical) and 4× AST (R12 warning) and chronic hepatitis (R14 info) → one hepatotoxicity card, critical
        var cards = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral))
            .LiverLabs(Fx.Alt(250), Fx.Ast(150))
            .Conditions(Fx.Cond("c1", NaltrexoneFhir.Fhir.Querying.CodeSystems.Snomed, "128302006", "Chronic hepatitis C"))
            .Cards();
        var card = Assert.Single(cards, c => c.Source.Topic!.Code == Concerns.Hepatotoxicity);
        Assert.Equal(Indicators.Critical, card.Indicator);
        Assert.Contains("R11", card.Detail);
        Assert.Contains("R14", card.Detail);
    }

    [Fact]
    public void EveryCard_HasUuidsSourceUrlTopicAndShortSummary()
    {
        var cards = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Draft(Fx.Draft("d2", Fx.TextOnly("mystery")))
            .Meds(Fx.Med("m1", Fx.Oxycodone)).LiverLabs(Fx.Alt(250, daysAgo: 400)).Cards();
        Assert.True(cards.Count >= 3);
        foreach (var c in cards)
        {
            Assert.True(Guid.TryParse(c.Uuid, out _));
            Assert.True(c.Summary.Length < 140, c.Summary);
            Assert.StartsWith("http", c.Source.Url);
            Assert.Equal(Concerns.System, c.Source.Topic!.System);
            Assert.NotEmpty(c.OverrideReasons!);
            Assert.All(c.OverrideReasons!, r => Assert.False(string.IsNullOrEmpty(r.Display)));
            if (c.Suggestions is not null)
            {
                Assert.Equal("at-most-one", c.SelectionBehavior);
                Assert.True(c.Suggestions.Count(s => s.IsRecommended == true) <= 1);
                Assert.All(c.Suggestions, s => Assert.True(Guid.TryParse(s.Uuid, out _)));
            }
        }
    }

    [Fact]
    public void CardAndSuggestionUuids_AreTimeOrderedVersion7_AndDistinct()
    {
        // The audit trail keys its card and suggestion indexes by these uuids: version 7 keeps inserts at the end of
        // each index instead of a random page (BENCHMARKS.md, session 6).
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cards = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Draft(Fx.Draft("d2", Fx.Oxycodone)).Meds()
            .LiverLabs(Fx.Alt(250)).Cards();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var uuids = cards.Select(c => c.Uuid!).Concat(cards.SelectMany(c => c.Suggestions ?? []).Select(s => s.Uuid!)).ToList();
        Assert.True(uuids.Count >= 4, string.Join(", ", uuids));
        Assert.Equal(uuids.Count, uuids.Distinct().Count());
        foreach (var uuid in uuids)
        {
            var guid = Guid.Parse(uuid);
            Assert.Equal(7, guid.Version);
            // The first 48 bits are the Unix time in milliseconds when the card was composed.
            var millis = Convert.ToInt64(uuid.Replace("-", "")[..12], 16);
            Assert.InRange(millis, before, after);
        }
    }

    [Fact]
    public void DraftNaltrexoneAndDraftOpioid_OneCard_TwoAlternativeRemovals_OneRecommended()
    {
        var cards = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Draft(Fx.Draft("d2", Fx.Oxycodone)).Meds().Cards();
        var card = Assert.Single(cards, c => c.Source.Topic!.Code == Concerns.OpioidCoprescription);
        Assert.Equal(2, card.Suggestions!.Count(s => s.Actions!.Any(a => a.Type == "delete")));
        Assert.Equal(1, card.Suggestions!.Count(s => s.IsRecommended == true));
        Assert.Equal("at-most-one", card.SelectionBehavior);
    }

    [Fact]
    public void UnrelatedOrder_NeedsNoData_AndGivesNoCards()
    {
        var s = new Scenario().Draft(Fx.Draft("d1", Fx.Lisinopril));
        var (_, trigger) = s.Build();
        Assert.Empty(new RuleEngine(RuleCatalog.All()).NeededKeys(trigger, new RuleOptions()));
        Assert.Empty(s.Cards());
    }

    [Fact]
    public void NaltrexoneOrder_NeedsMedicationsAndLabs()
    {
        var (_, trigger) = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Build();
        var keys = new RuleEngine(RuleCatalog.All()).NeededKeys(trigger, new RuleOptions());
        Assert.Contains(DataKeys.MedicationRequests, keys);
        Assert.Contains(DataKeys.LiverLabs, keys);
        Assert.Contains(DataKeys.OpioidScreens, keys);
    }

    [Fact]
    public void DisabledRule_DoesNotRun() =>
        Assert.DoesNotContain(Concerns.MissingBaselineLft,
            new Scenario { Options = new RuleOptions { Disabled = ["R15"] } }.Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Concerns());

    [Fact]
    public void OrderSelect_SameAnswerAsOrderSign_ForSameData()
    {
        Scenario Make(string hook) => new Scenario().Hook(hook).Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Meds(Fx.Med("m1", Fx.Oxycodone)).LiverLabs(Fx.Alt(182));
        Assert.Equal(Make(HookNames.OrderSign).Concerns(), Make(HookNames.OrderSelect).Concerns());
    }

    [Fact]
    public void OrderSelect_OnlySelectedDraftsTrigger()
    {
        var concerns = new Scenario().Hook(HookNames.OrderSelect).Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).Draft(Fx.Draft("d2", Fx.Lisinopril))
            .Select("MedicationRequest/d2").Meds(Fx.Med("m1", Fx.Oxycodone)).Concerns();
        Assert.Empty(concerns);
    }

    [Fact]
    public void PatientView_OnNaltrexone_SaysBlockadeAndLastLft()
    {
        var cards = new Scenario().Hook(HookNames.PatientView).Meds(Fx.Med("m1", Fx.NaltrexoneOral)).LiverLabs(Fx.Alt(30, daysAgo: 45)).Cards();
        var card = Assert.Single(cards);
        Assert.Equal(Concerns.NaltrexoneBlockade, card.Source.Topic!.Code);
        Assert.Contains("last LFT 2026-10-08", card.Summary);
    }

    [Fact]
    public void PatientView_NotOnNaltrexone_IsSilent() =>
        Assert.Empty(new Scenario().Hook(HookNames.PatientView).Meds(Fx.Med("m1", Fx.Oxycodone)).Cards());
    /// <summary>A rule that finds something and then fails (a bug): the engine must say so and not show half an answer.</summary>
    private sealed class FailsAfterAFinding : Rule
    {
        public override string Id => "X99";
        public override string Concern => Concerns.Hepatotoxicity;
        public override string Title => "Test rule that throws";
        public override string DefaultIndicator => Indicators.Info;
        public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs];
        public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverTox];

        public override void Evaluate(RuleContext context, FindingSink findings)
        {
            findings.Add(Found(Indicators.Info, "Partial finding", [], []));
            throw new InvalidOperationException("bug");
        }
    }

    [Fact]
    public void FailingRule_IsReported_ItsPartialFindingsDropped_TheOtherRulesStillRun()
    {
        var (ctx, trigger) = new Scenario().Draft(Fx.Draft("d1", Fx.NaltrexoneOral)).LiverLabs(Fx.Alt(250)).Build();
        var engine = new RuleEngine([.. RuleCatalog.All(), new FailsAfterAFinding()]);

        var evaluation = engine.Evaluate(ctx, trigger);

        Assert.Equal(["X99"], evaluation.FailedRules);
        Assert.DoesNotContain(evaluation.Findings, f => f.RuleId == "X99");
        Assert.Contains(evaluation.Findings, f => f.RuleId == "R11"); // ALT 250 U/L: the catalogue's own finding is kept
    }
}
