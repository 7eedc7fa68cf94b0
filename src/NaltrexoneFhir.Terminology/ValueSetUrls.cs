namespace NaltrexoneFhir.Terminology;

/// <summary>Canonical URLs of the value sets in fhir-profiles/valuesets (the contents live there, reviewed as data).</summary>
public static class ValueSetUrls
{
    public const string Base = "https://fhir.naltrexone-cds.org/ValueSet/";

    public const string NaltrexoneOral = Base + "naltrexone-oral";
    public const string NaltrexoneExtendedRelease = Base + "naltrexone-extended-release";
    public const string NaltrexoneBupropion = Base + "naltrexone-bupropion";
    public const string OpioidAgonists = Base + "opioid-agonists";
    public const string OpioidLongActing = Base + "opioid-long-acting";
    public const string OpioidAntidiarrheals = Base + "opioid-antidiarrheals";
    public const string RelatedOpioidAntagonists = Base + "related-opioid-antagonists";
    public const string SeizureThresholdLowering = Base + "seizure-threshold-lowering";
    public const string HepatotoxicComedications = Base + "hepatotoxic-comedications";
    public const string OrderableItems = Base + "orderable-items";

    public const string Alt = Base + "alt";
    public const string Ast = Base + "ast";
    public const string BilirubinTotal = Base + "bilirubin-total";
    public const string HepaticPanels = Base + "hepatic-panels";
    public const string UrineOpioidScreens = Base + "urine-opioid-screens";
    public const string Egfr = Base + "egfr";
    public const string Creatinine = Base + "creatinine";
    public const string Hcg = Base + "hcg";
    public const string PositiveResults = Base + "positive-results";
    public const string NegativeResults = Base + "negative-results";

    public const string OpioidUseDisorder = Base + "opioid-use-disorder";
    public const string AlcoholUseDisorder = Base + "alcohol-use-disorder";
    public const string LiverAcuteInjury = Base + "liver-acute-injury";
    public const string CirrhosisDecompensated = Base + "cirrhosis-decompensated";
    public const string LiverChronic = Base + "liver-chronic";
    public const string Pregnancy = Base + "pregnancy";
    public const string Depression = Base + "depression";
    public const string SuicidalIdeation = Base + "suicidal-ideation";
    public const string CkdSevere = Base + "ckd-severe";
    public const string CkdModerate = Base + "ckd-moderate";
    public const string OffLabelCompulsiveSexualBehaviour = Base + "offlabel-compulsive-sexual-behaviour";
    public const string OffLabelSelfInjury = Base + "offlabel-self-injury";
    public const string OffLabelCholestaticPruritus = Base + "offlabel-cholestatic-pruritus";
    public const string LdnIndications = Base + "ldn-indications";
    public const string SurgicalProcedures = Base + "surgical-procedures";
}
