using Microsoft.Extensions.Options;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Api.Options;

/// <summary>Cross-field checks on <see cref="RuleOptions"/> ([Range] covers single values): nonsense fails start-up.</summary>
public sealed class RuleOptionsValidator(RuleEngine engine) : IValidateOptions<RuleOptions>
{
    public ValidateOptionsResult Validate(string? name, RuleOptions o)
    {
        var errors = new List<string>();
        if (o.TransaminaseCriticalMultiple <= o.TransaminaseWarningMultiple)
            errors.Add("Rules:TransaminaseCriticalMultiple must be greater than Rules:TransaminaseWarningMultiple.");
        if (o.EgfrModerateBelow <= o.EgfrSevereBelow)
            errors.Add("Rules:EgfrModerateBelow must be greater than Rules:EgfrSevereBelow.");
        if (o.LongActingOpioidWashoutDays < o.ShortActingOpioidWashoutDays)
            errors.Add("Rules:LongActingOpioidWashoutDays must not be shorter than Rules:ShortActingOpioidWashoutDays.");
        if (o.LowDoseMaxDailyMg >= o.OralMaxAverageDailyMg)
            errors.Add("Rules:LowDoseMaxDailyMg must be below Rules:OralMaxAverageDailyMg.");
        if (o.PruritusStartSuggestedMg > o.PruritusStartMaxMg)
            errors.Add("Rules:PruritusStartSuggestedMg must not exceed Rules:PruritusStartMaxMg.");
        if (o.LowDoseSuggestedMg > o.LowDoseMaxDailyMg)
            errors.Add("Rules:LowDoseSuggestedMg must not exceed Rules:LowDoseMaxDailyMg.");
        if (o.OudStartMaxMg > o.OralMaxAverageDailyMg)
            errors.Add("Rules:OudStartMaxMg must not exceed Rules:OralMaxAverageDailyMg.");
        if (o.ExtendedReleaseBlockadeDays < o.ExtendedReleaseMinIntervalDays)
            errors.Add("Rules:ExtendedReleaseBlockadeDays must not be shorter than Rules:ExtendedReleaseMinIntervalDays.");
        if (o.SurgeryHoldExtendedReleaseDays < o.SurgeryHoldOralDays)
            errors.Add("Rules:SurgeryHoldExtendedReleaseDays must not be shorter than Rules:SurgeryHoldOralDays.");
        var known = engine.Rules.Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var id in o.Disabled.Where(id => !known.Contains(id)))
            errors.Add($"Rules:Disabled names '{id}', which is not a rule id ({string.Join(", ", known.Order(StringComparer.Ordinal))}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
