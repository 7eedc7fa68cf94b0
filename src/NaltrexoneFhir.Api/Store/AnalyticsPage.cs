using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace NaltrexoneFhir.Api.Store;

/// <summary>
/// The CMIO's page: a server-rendered HTML report (no script, no external assets) with an inline SVG chart of cards
/// shown per week split by what clinicians did with them, and a table per concern. Aggregates only: no patient
/// data and no free-text comments.
/// </summary>
public static class AnalyticsPage
{
    private const string AcceptedColor = "#2e7d32", OverriddenColor = "#c62828", NoFeedbackColor = "#b0bec5";

    public static string Render(CardAnalyticsReport r)
    {
        var h = new StringBuilder(16 * 1024);
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Naltrexone CDS: card outcomes</title>");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>")
         .Append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1c2833}")
         .Append("h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}.muted{color:#5d6d7e}")
         .Append(".tiles{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}.tile{border:1px solid #d5dbdb;border-radius:6px;padding:.6rem 1rem;min-width:9rem}")
         .Append(".tile b{display:block;font-size:1.6rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e5e8e8;padding:.35rem .5rem;text-align:left;vertical-align:top}")
         .Append("th{background:#f4f6f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}ul{margin:0;padding-left:1.1rem}")
         .Append(".legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}")
         .Append("</style></head><body>");
        h.Append("<h1>Naltrexone safety cards: what clinicians did with them</h1>");
        h.Append("<p class=\"muted\">ISO weeks ").Append(E(r.From)).Append(" to ").Append(E(r.To)).Append(" · generated ")
         .Append(E(r.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
         .Append(" · feedback is counted per card, in the week the card was shown · <a href=\"/analytics/cards?from=")
         .Append(E(r.From)).Append("&amp;to=").Append(E(r.To)).Append("\">JSON</a></p>");

        var t = r.Total;
        h.Append("<div class=\"tiles\">");
        Tile(h, "Cards shown", t.Shown.ToString(CultureInfo.InvariantCulture));
        Tile(h, "Accepted", $"{t.Accepted} ({Pct(t.AcceptanceRate)})");
        Tile(h, "Overridden", $"{t.Overridden} ({Pct(t.OverrideRate)})");
        Tile(h, "No feedback", t.NoFeedback.ToString(CultureInfo.InvariantCulture));
        Tile(h, "Suggestions taken", $"{t.SuggestionsAccepted} of {t.SuggestionsOffered}");
        h.Append("</div>");

        h.Append("<h2>Cards per week</h2>");
        h.Append(Chart(r));
        h.Append("<p class=\"legend muted\"><span style=\"background:").Append(AcceptedColor).Append("\"></span>accepted<span style=\"background:")
         .Append(OverriddenColor).Append("\"></span>overridden<span style=\"background:").Append(NoFeedbackColor).Append("\"></span>no feedback</p>");

        h.Append("<h2>By concern</h2>");
        if (r.Concerns.Count == 0)
            h.Append("<p>No cards were shown in this period.</p>");
        else
        {
            h.Append("<table><thead><tr><th>Concern</th><th>Shown</th><th>Accepted</th><th>Overridden</th><th>Override rate</th><th>Top override reasons</th><th>Suggestions taken</th></tr></thead><tbody>");
            foreach (var c in r.Concerns)
            {
                h.Append("<tr><td><b>").Append(E(c.Display)).Append("</b><br><span class=\"muted\">").Append(E(c.Concern)).Append("</span></td>")
                 .Append("<td class=\"n\">").Append(c.Total.Shown).Append("</td><td class=\"n\">").Append(c.Total.Accepted)
                 .Append("</td><td class=\"n\">").Append(c.Total.Overridden).Append("</td><td class=\"n\">").Append(Pct(c.Total.OverrideRate)).Append("</td><td>");
                if (c.Total.TopOverrideReasons.Count == 0) h.Append("<span class=\"muted\">–</span>");
                else
                {
                    h.Append("<ul>");
                    foreach (var reason in c.Total.TopOverrideReasons) h.Append("<li>").Append(E(reason.Display)).Append(" (").Append(reason.Cards).Append(")</li>");
                    h.Append("</ul>");
                }
                h.Append("</td><td>");
                if (c.Suggestions.Count == 0) h.Append("<span class=\"muted\">none offered</span>");
                else
                {
                    h.Append("<ul>");
                    foreach (var s in c.Suggestions)
                        h.Append("<li>").Append(E(s.Kind)).Append(": ").Append(s.Accepted).Append(" of ").Append(s.Offered).Append(" (").Append(Pct(s.AcceptanceRate)).Append(")</li>");
                    h.Append("</ul>");
                }
                h.Append("</td></tr>");
            }
            h.Append("</tbody></table>");
        }
        if (r.UnlinkedFeedback.Accepted + r.UnlinkedFeedback.Overridden > 0)
            h.Append("<p class=\"muted\">Feedback for cards not on record (flagged, not counted above): ")
             .Append(r.UnlinkedFeedback.Accepted).Append(" accepted, ").Append(r.UnlinkedFeedback.Overridden).Append(" overridden.</p>");
        h.Append("</body></html>");
        return h.ToString();
    }

    /// <summary>Stacked bars per week: accepted, overridden, no feedback (cards with both outcomes count once, as accepted).</summary>
    private static string Chart(CardAnalyticsReport r)
    {
        const int barWidth = 36, gap = 14, left = 48, top = 12, height = 200, bottom = 46;
        var weeks = r.Weeks.Select(w => (Week: w, Stats: WeekTotal(r, w))).ToList();
        var max = Math.Max(1, weeks.Max(w => w.Stats.Shown));
        var scaleMax = NiceCeiling(max);
        var width = left + weeks.Count * (barWidth + gap) + gap;
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {top + height + bottom}\" width=\"{width}\" height=\"{top + height + bottom}\" style=\"max-width:100%;height:auto\">");
        s.Append("<title>Cards shown per ISO week, by outcome</title>");
        for (var i = 0; i <= 4; i++)
        {
            var value = scaleMax * i / 4;
            var y = top + height - (double)height * value / scaleMax;
            s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{width - gap / 2}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#e5e8e8\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 4:0.#}\" font-size=\"11\" text-anchor=\"end\" fill=\"#5d6d7e\">{value}</text>");
        }
        for (var i = 0; i < weeks.Count; i++)
        {
            var (week, st) = weeks[i];
            var x = left + gap + i * (barWidth + gap);
            var accepted = st.Accepted;
            var overridden = Math.Max(0, Math.Min(st.Overridden, st.Shown - accepted));
            var none = Math.Max(0, st.Shown - accepted - overridden);
            var y = (double)(top + height);
            foreach (var (count, color, label) in new[] { (accepted, AcceptedColor, "accepted"), (overridden, OverriddenColor, "overridden"), (none, NoFeedbackColor, "no feedback") })
            {
                if (count == 0) continue;
                var hgt = (double)height * count / scaleMax;
                y -= hgt;
                s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y:0.##}\" width=\"{barWidth}\" height=\"{hgt:0.##}\" fill=\"{color}\"><title>{E(week)}: {count} {label}</title></rect>");
            }
            if (st.Shown > 0)
                s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{y - 4:0.#}\" font-size=\"11\" text-anchor=\"middle\">{st.Shown}</text>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{top + height + 16}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5d6d7e\">{E(week[5..])}</text>");
            if (i == 0 || week[..4] != weeks[i - 1].Week[..4])
                s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{top + height + 30}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#5d6d7e\">{E(week[..4])}</text>");
        }
        s.Append("</svg>");
        return s.ToString();
    }

    private static CardStats WeekTotal(CardAnalyticsReport r, string week)
    {
        var list = r.Concerns.Select(c => c.Weeks.First(w => w.Week == week)).ToList();
        return new CardStats(week, list.Sum(w => w.Shown), list.Sum(w => w.Accepted), list.Sum(w => w.Overridden), list.Sum(w => w.NoFeedback),
            null, null, 0, 0, null, []);
    }

    private static int NiceCeiling(int max)
    {
        foreach (var step in new[] { 4, 8, 20, 40, 80, 100, 200, 400, 800, 1000, 2000, 4000, 8000, 10000, 20000, 40000, 100000 })
            if (max <= step) return step;
        return (int)Math.Ceiling(max / 100000.0) * 100000;
    }

    private static void Tile(StringBuilder h, string label, string value) =>
        h.Append("<div class=\"tile\"><span class=\"muted\">").Append(E(label)).Append("</span><b>").Append(E(value)).Append("</b></div>");

    private static string Pct(double? rate) => rate is null ? "–" : (rate.Value * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string E(string s) => HtmlEncoder.Default.Encode(s);
}
