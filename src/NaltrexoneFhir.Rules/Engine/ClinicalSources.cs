namespace NaltrexoneFhir.Rules.Engine;

/// <summary>A citable source: label and a real URL (from clinical-reference.md).</summary>
public sealed record ClinicalSource(string Key, string Label, string Url);

public static class ClinicalSources
{
    public static readonly ClinicalSource OralLabel = new("DM-NTX", "Naltrexone HCl tablets label (DailyMed)",
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=f3305f0b-fb9e-4009-b28f-47fe9b1b618b");
    public static readonly ClinicalSource OralLabelContraindications = new("DC-NTX", "Naltrexone tablets label: contraindications (DrugCentral)",
        "https://drugcentral.org/label/adb7c4dc-221a-4d91-9687-0d78913a92ad/view");
    public static readonly ClinicalSource OralLabelDosing = new("PP-NTX", "Naltrexone tablets label: dosing and warnings",
        "https://prescriberpoint.com/therapies/naltrexone-hydrochloride-0f30f88");
    public static readonly ClinicalSource LegacyOralLabel = new("MNK-old", "Pre-2013 naltrexone label (boxed hepatotoxicity warning)",
        "http://www2.mallinckrodt.com/Templates/Pages/productdetail.aspx?id=1945");
    public static readonly ClinicalSource VivitrolHighlights = new("VIV-HL", "Vivitrol prescribing information highlights",
        "https://medic.hrt.org/dm/drug/vivitrol-naltrexone-kit-alkermes-inc");
    public static readonly ClinicalSource VivitrolWarnings = new("VIV-5.x", "Vivitrol label: warnings and precautions 5.3–5.8",
        "http://drugwarfacts.org/node/3906");
    public static readonly ClinicalSource VivitrolOverdose = new("VIV-2.2", "Vivitrol label 2.2/5.1: overdose risk and naloxone",
        "https://prescriberpoint.com/therapies/vivitrol-cd11c43");
    public static readonly ClinicalSource VivitrolInteractions = new("openFDA-VIV", "Vivitrol label (openFDA): drug interactions §7",
        "https://api.fda.gov/drug/label.json?search=%22Vivitrol%22");
    public static readonly ClinicalSource VivitrolBriefSummary = new("VIV-BS", "Vivitrol brief summary: pregnancy, depression",
        "https://usmedicine.com/2022compendium/inc/html/53.html");
    public static readonly ClinicalSource Contrave = new("CONTRAVE", "Contrave (naltrexone/bupropion) label (DailyMed)",
        "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=485ff360-32c8-11df-928b-0002a5d5c51b");
    public static readonly ClinicalSource LiverTox = new("LiverTox", "NIDDK LiverTox: Naltrexone",
        "https://ncbi.nlm.nih.gov/books/n/livertox/Naltrexone/");
    public static readonly ClinicalSource LiverCohort = new("PMC9701476", "Naltrexone in patients with liver disease (cohort)",
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC9701476");
    public static readonly ClinicalSource Combine = new("COMBINE", "Naltrexone and liver disease (Australian Prescriber)",
        "https://australianprescriber.tg.org.au/articles/naltrexone-and-liver-disease.html");
    public static readonly ClinicalSource Asam2015 = new("ASAM-2015", "ASAM National Practice Guideline 2015: perioperative naltrexone",
        "https://eguideline.guidelinecentral.com/i/1019954-national-practice-guideline/17");
    public static readonly ClinicalSource Asam2015Table = new("ASAM-2015t", "ASAM National Practice Guideline 2015: summary table",
        "https://eguideline.guidelinecentral.com/i/1019954/22");
    public static readonly ClinicalSource Tip63 = new("TIP63", "SAMHSA TIP 63: Medications for Opioid Use Disorder, Part 3",
        "https://store.samhsa.gov/product/TIP-63-Medications-for-Opioid-Use-Disorder-Pharmacotherapy-for-Opioid-Use-Disorder-Part-3-of-5-/SMA18-5063PT3");
    public static readonly ClinicalSource EgfrCategories = new("ARUP-eGFR", "eGFR categories (ARUP)", "https://ltd.aruplab.com/Tests/Pub/3005478");
    public static readonly ClinicalSource RenalSummary = new("RUN-NTX", "Naltrexone drug summary: renal impairment, age",
        "https://www.renalandurologynews.com/drug/naltrexone/");
    public static readonly ClinicalSource CdsHooksSpec = new("CDS-HOOKS", "CDS Hooks 2.0 specification", "https://cds-hooks.hl7.org/2.0/");
    public static readonly ClinicalSource LowDoseNaltrexone = new("LDN", "Low-dose naltrexone review (PMC6313374)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC6313374");
    public static readonly ClinicalSource DosingSchedules = new("PDR", "Naltrexone dosing schedules (PDR drug summary)", "https://www.pdr.net/drug-summary/Vivitrol-naltrexone-1199");
    public static readonly ClinicalSource VivitrolBriefSummaryDepression = new("VIV-BS-5.5", "Vivitrol brief summary: depression and suicidality (5.5)",
        "https://usmedicine.com/2022compendium/inc/html/51.html");
    public static readonly ClinicalSource VivitrolDosing = new("VIV-HCP", "Vivitrol dosing and administration (380 mg every 4 weeks)",
        "https://www.vivitrolhcp.com/dosing-and-administration");
    public static readonly ClinicalSource Asam2020 = new("ASAM-2020", "ASAM National Practice Guideline 2020 focused update",
        "https://eguideline.guidelinecentral.com/i/1224390/11");
    public static readonly ClinicalSource OudInduction = new("RUN-NTX-OUD", "Naltrexone drug summary: opioid dependence, 25 mg then 50 mg a day",
        "https://www.renalandurologynews.com/drug/naltrexone/");
    public static readonly ClinicalSource NaloxoneChallenge = new("NAL-CHALLENGE", "Naltrexone dosing and the naloxone challenge (label procedure, secondary)",
        "https://www.droracle.ai/articles/628324/what-is-the-recommended-dosage-and-treatment-regimen-for");
    public static readonly ClinicalSource LowDoseNaltrexoneAafp = new("LDN-AAFP", "Low-dose naltrexone (AAFP)",
        "https://aafp.org/content/brand/aafp/pubs/afp/afp-community-blog/entry/low-dose-naltrexone-a-future-gold-medalist.html");
    public static readonly ClinicalSource CholestaticPruritus = new("PRURITUS", "Oral opioid antagonists in cholestatic pruritus: withdrawal-like reactions at start",
        "https://pubmed.ncbi.nlm.nih.gov/10648471/");
    public static readonly ClinicalSource CompulsiveSexualBehaviour = new("CSB", "Naltrexone for compulsive sexual behaviour (case series)",
        "https://www.aacp.com/Pages.asp?AID=8465&issue=February%202010&page=C&UID=");
    public static readonly ClinicalSource SelfInjury = new("NSSI", "Naltrexone for non-suicidal self-injury (case report)",
        "https://psychiatryonline.org/doi/full/10.1176/appi.ajp.2010.10101493");
    public static readonly ClinicalSource ContraveTramadol = new("CONTRAVE-TRAMADOL", "Contrave and tramadol: seizure threshold (secondary)",
        "http://butalbitalapap.org/index-3185.html");
    public static readonly ClinicalSource ContraveContraindications = new("CONTRAVE-CI", "Contrave contraindications (secondary summary)",
        "https://www.droracle.ai/articles/647672/what-are-the-contraindications-for-contrave-bupropionnaltrexone");
    public static readonly ClinicalSource ExtendedReleaseRenal = new("XR-RENAL", "Extended-release naltrexone in renal impairment (secondary)",
        "https://psychopharmacopeia.com/index.php/?generic=naltrexone");
    public static readonly ClinicalSource PediatricUse = new("PEDS", "Naltrexone for patients under 18 (secondary)",
        "https://www.droracle.ai/articles/633695/is-naltrexone-opioid-receptor-antagonist-suitable-for-a-15-year-old");
    public static readonly ClinicalSource SurgeryHoldSecondary = new("SURGERY-HOLD", "Stopping naltrexone before surgery (secondary)",
        "https://www.droracle.ai/articles/731298/how-long-should-a-patient-be-off-naltrexone-opioid");
}
