using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace NaltrexoneFhir.Playground.Tests;

/// <summary>End-to-end: the playground page in real headless Chromium against the real service.</summary>
public sealed class PlaygroundBrowserTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    private async Task<(IPage Page, List<string> Errors)> OpenAsync()
    {
        var page = await fx.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) =>
        {
            // A 404 from the (optional) feedback endpoint is logged by the browser as a resource error: expected.
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) errors.Add(m.Text);
        };
        await page.GotoAsync($"{fx.Server.BaseUrl}/playground");
        await page.WaitForSelectorAsync("body[data-ready='true']");
        return (page, errors);
    }

    [Fact]
    public async Task OrderSign_NaltrexoneOnOxycodone_ShowsCriticalCardLikeAnEhr()
    {
        var (page, errors) = await OpenAsync();

        await page.SelectOptionAsync("#service", "naltrexone-order-sign");
        await page.SelectOptionAsync("#patient", "order-sign-naltrexone-on-oxycodone");
        await page.SelectOptionAsync("#order", "naltrexone-oral");
        await Expect(page.Locator("#fire")).ToHaveTextAsync("Fire order-sign");
        await Expect(page.Locator("#banner-order")).ToHaveTextAsync("Naltrexone 50 mg tablet");
        await page.ClickAsync("#fire");

        var critical = page.Locator(".cds-card[data-indicator='critical']");
        await Expect(critical).ToHaveCountAsync(1);
        await Expect(critical).ToHaveAttributeAsync("data-concern", "opioid-coprescription");
        await Expect(critical.Locator(".summary")).ToContainTextAsync("Naltrexone ordered while on oxycodone");
        await Expect(critical.Locator(".indicator")).ToHaveTextAsync("critical");
        await Expect(page.Locator(".cds-card").First).ToHaveAttributeAsync("data-indicator", "critical");   // most severe first
        await Expect(page.Locator(".cds-card[data-concern='hepatotoxicity']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#status")).ToContainTextAsync("HTTP 200 · 2 cards");
        // Markdown detail rendered as HTML, the source as a link, the suggestion as a button, override reasons offered.
        Assert.True(await critical.Locator(".detail li").CountAsync() >= 2);
        Assert.StartsWith("https://", await critical.Locator(".source a").GetAttributeAsync("href"));
        await Expect(critical.Locator("button.suggestion")).ToContainTextAsync("Remove the Naltrexone 50 mg tablet order");
        Assert.True(await critical.Locator(".override-reason option").CountAsync() >= 3);
        Assert.DoesNotContain("null", await page.Locator("#cards").InnerTextAsync());
        Assert.DoesNotContain("undefined", await page.Locator("#cards").InnerTextAsync());
        Assert.Equal("rgb(183, 28, 28)", await critical.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "playground-order-sign.png"), FullPage = true });

        // Override with a reason: feedback is posted (recorded, or reported as unavailable when the service has no endpoint).
        await critical.Locator(".override-reason").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await critical.Locator(".override-comment").FillAsync("Opioid stopped last week");
        await critical.Locator(".override-button").ClickAsync();
        await Expect(critical).ToHaveAttributeAsync("data-outcome", "overridden");
        await Expect(critical.Locator(".feedback-status[data-done='true']")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex("Feedback recorded \\(overridden|no feedback endpoint \\(HTTP 40[45]\\)"));

        // Accept the liver card's suggestion: the EHR action is listed.
        var liver = page.Locator(".cds-card[data-concern='hepatotoxicity']");
        await liver.Locator("button.suggestion").First.ClickAsync();
        await Expect(liver).ToHaveAttributeAsync("data-outcome", "accepted");
        await Expect(liver.Locator(".applied")).ToContainTextAsync("The EHR would create");
        await Expect(liver.Locator(".feedback-status[data-done='true']")).ToBeVisibleAsync();

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "playground-after-feedback.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task PastedRequest_PatientView_ShowsInfoCard()
    {
        var (page, errors) = await OpenAsync();
        var request = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "examples", "hook-requests", "patient-view-on-vivitrol.json"));

        await page.SelectOptionAsync("#service", "naltrexone-patient-view");
        await page.Locator("#request-panel summary").ClickAsync();
        await page.FillAsync("#request", request);
        await page.ClickAsync("#fire");

        var info = page.Locator(".cds-card[data-indicator='info']");
        await Expect(info).ToHaveCountAsync(1);
        await Expect(info).ToHaveAttributeAsync("data-concern", "naltrexone-opioid-blockade");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task RequestWithoutPrefetch_ShowsTheOperationOutcome()
    {
        var (page, errors) = await OpenAsync();
        await page.SelectOptionAsync("#patient", "order-sign-naltrexone-on-oxycodone");
        var request = await page.InputValueAsync("#request");
        var edited = System.Text.Json.Nodes.JsonNode.Parse(request)!.AsObject();
        edited.Remove("prefetch");

        await page.Locator("#request-panel summary").ClickAsync();
        await page.FillAsync("#request", edited.ToJsonString());
        await page.ClickAsync("#fire");

        await Expect(page.Locator("#outcome")).ToContainTextAsync("HTTP 412");
        await Expect(page.Locator("#outcome li").First).ToContainTextAsync("prefetch key");
        await Expect(page.Locator("#status")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("error"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task InvalidJson_IsReportedOnThePage()
    {
        var (page, _) = await OpenAsync();
        await page.Locator("#request-panel summary").ClickAsync();
        await page.FillAsync("#request", "{ not json");
        await page.ClickAsync("#fire");

        await Expect(page.Locator("#status")).ToContainTextAsync("The request is not valid JSON");
        await Expect(page.Locator(".cds-card")).ToHaveCountAsync(0);
    }
}
