"""The two seed documents, sentence by sentence: every fact they state is in the graph.

../shared/seeds/000_4d17f36964c23bd0.txt is a news report on rese-cel and RESET-SSc;
../shared/seeds/004_cdf7afa684836680.txt is the ClinConnect page of NCT06414135. Each entry
below is one fact, with the ASK query that finds it in the built graph.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.project import REPO

from cartkg.namespaces import converter, prefix_map, sparql_prologue
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient
from cartkg.store import open_store

ONTOLOGY = REPO / "ontology" / "cartkg.ttl"

# fmt: off
SEED_000 = {
    # "A Phase 1/2 trial testing Cabaletta Bio's CAR T-cell therapy, rese-cel (resecabtagene
    # autoleucel), in adults with hard-to-treat systemic sclerosis (SSc) is recruiting patients
    # at several sites in the U.S."
    "Phase 1/2": "trial:NCT06328777 cartkg:phase phase:1 , phase:2 .",
    "the trial tests rese-cel": "trial:NCT06328777 cartkg:studiesProduct product:rese-cel .",
    "rese-cel is Cabaletta Bio's": "program:rese-cel cartkg:product product:rese-cel ; cartkg:developer organization:cabaletta-bio .",
    "Cabaletta runs the trial": "trial:NCT06328777 cartkg:sponsor organization:cabaletta-bio .",
    "rese-cel is a CAR T-cell therapy": "product:rese-cel cartkg:cellType celltype:t-cell ; cartkg:hasConstruct/a cartkg:CARConstruct .",
    "INN resecabtagene autoleucel": 'product:rese-cel cartkg:inn "resecabtagene autoleucel" .',
    "in systemic sclerosis": "trial:NCT06328777 cartkg:indication MONDO:0005100 .",
    "hard-to-treat SSc": "trial:NCT06328777 cartkg:eligibilityCriterion ?c . ?c cartkg:topic topic:refractory-or-progressive-disease .",
    "recruiting": "trial:NCT06328777 cartkg:statusObservation/cartkg:status trialstatus:recruiting .",
    "several sites in the U.S.": "SELECT (COUNT(?s) AS ?n) WHERE { trial:NCT06328777 cartkg:site ?s . ?s cartkg:country country:US } HAVING (COUNT(?s) > 1)",
    # "The open-label RESET-SSc trial (NCT06328777) is assessing the safety and efficacy of
    # rese-cel as a single infusion into a vein, or intravenously, in patients ages 18-75."
    "open-label": "trial:NCT06328777 cartkg:masking masking:none .",
    "acronym RESET-SSc": 'trial:NCT06328777 cartkg:acronym "RESET-SSc" .',
    "NCT06328777": 'trial:NCT06328777 cartkg:nctId "NCT06328777" .',
    "assesses safety": "trial:NCT06328777 cartkg:endpoint ?e . ?e a cartkg:PrimaryEndpoint ; cartkg:measure measure:adverse-events .",
    "assesses efficacy": "trial:NCT06328777 cartkg:endpoint/cartkg:measure measure:criss .",
    "single infusion": "trial:NCT06328777 cartkg:dose/cartkg:dosingScheme dosing:single-infusion .",
    "intravenously": "trial:NCT06328777 cartkg:route dosing:intravenous .",
    "ages 18 and up": "trial:NCT06328777 cartkg:eligibilityCriterion/cartkg:allOf ?c . ?c cartkg:measure measure:age ; cartkg:comparator comparator:ge ; cartkg:quantityValue 18.0 ; cartkg:unit unit:year .",
    "ages up to 75": "trial:NCT06328777 cartkg:eligibilityCriterion/cartkg:allOf ?c . ?c cartkg:measure measure:age ; cartkg:comparator comparator:le ; cartkg:quantityValue 75.0 ; cartkg:unit unit:year .",
    # "It plans to enroll two groups of patients, one with severe skin involvement and the other
    # with heart, lung, and/or kidney involvement, with or without skin manifestations."
    "two cohorts": "SELECT (COUNT(?c) AS ?n) WHERE { trial:NCT06328777 cartkg:cohort ?c } HAVING (COUNT(?c) = 2)",
    "a severe-skin cohort": "trial:NCT06328777 cartkg:cohort ?c . ?c cartkg:definingInvolvement organ:skin . FILTER NOT EXISTS { ?c cartkg:definingInvolvement organ:lung }",
    "an organ cohort, with or without skin": "trial:NCT06328777 cartkg:cohort ?c . ?c cartkg:definingInvolvement organ:heart , organ:lung , organ:kidney ; cartkg:allowedInvolvement organ:skin .",
    # "SSc, also named scleroderma, is marked by inflammation and fibrosis ... Hyperactive B-cells
    # drive the inflammatory attacks by producing antibodies that damage healthy tissues."
    "SSc is also named scleroderma": 'MONDO:0005100 skos:altLabel "scleroderma"@en .',
    "inflammation, fibrosis, B cells": 'MONDO:0005100 skos:scopeNote ?n . FILTER (CONTAINS(?n, "fibrosis") && CONTAINS(?n, "B cells"))',
    # "Rese-cel, formerly CABA-201, involves collecting a patient's immune T-cells and modifying
    # them to carry a chimeric antigen receptor (CAR) that targets CD19 ... The CAR also contains
    # 4-1BB ... The modified T-cells are infused back into the patient, where they should deplete
    # B-cells."
    "formerly CABA-201": 'product:rese-cel cartkg:formerName "CABA-201" .',
    "the patient's own T cells": "product:rese-cel cartkg:cellSource cellsource:autologous ; cartkg:cellType celltype:t-cell .",
    "CAR targets CD19": "product:rese-cel cartkg:hasConstruct/cartkg:targetAntigen antigen:CD19 .",
    "CAR contains 4-1BB": "product:rese-cel cartkg:hasConstruct/cartkg:costimulatoryDomain domain:4-1BB .",
    "meant to deplete B cells": 'product:rese-cel rdfs:comment ?c . FILTER (CONTAINS(?c, "deplete B cells"))',
    # "Cabaletta is running several RESET Phase 1/2 studies in autoimmune diseases."
    "several RESET Phase 1/2 studies": 'program:rese-cel cartkg:developmentStatus devstatus:phase-1-2 ; rdfs:comment ?c . FILTER (CONTAINS(?c, "RESET Phase 1/2 trials"))',
    "across autoimmune diseases": "SELECT (COUNT(?d) AS ?n) WHERE { program:rese-cel cartkg:indication ?d } HAVING (COUNT(?d) > 3)",
    # "RESET-SSc's main goal is to assess rese-cel's safety for up to 28 days after an infusion by
    # examining side effects' occurrence and severity."
    "primary endpoint: safety to day 28": 'trial:NCT06328777 cartkg:endpoint ?e . ?e a cartkg:PrimaryEndpoint ; cartkg:timeFrameDuration "P28D"^^xsd:duration ; rdfs:label ?l . FILTER (CONTAINS(?l, "severity"))',
    # "Secondary outcomes, assessed for up to three years, include evaluating changes in vital
    # signs and studying the therapy's pharmacological properties ... proportion of patients who
    # achieve Combined Response Index in Diffuse Cutaneous Systemic Sclerosis (CRISS) criteria"
    "secondary: vital signs to three years": 'trial:NCT06328777 cartkg:endpoint ?e . ?e a cartkg:SecondaryEndpoint ; cartkg:measure measure:vital-signs ; cartkg:timeFrameDuration "P3Y"^^xsd:duration .',
    "secondary: pharmacology to three years": 'trial:NCT06328777 cartkg:endpoint ?e . ?e a cartkg:SecondaryEndpoint ; cartkg:measure measure:pharmacokinetics ; cartkg:timeFrameDuration "P3Y"^^xsd:duration .',
    "secondary: CRISS response to three years": 'trial:NCT06328777 cartkg:endpoint ?e . ?e a cartkg:SecondaryEndpoint ; cartkg:measure measure:criss ; cartkg:timeFrameDuration "P3Y"^^xsd:duration ; rdfs:label ?l . FILTER (CONTAINS(?l, "Proportion"))',
    # "Preliminary data ... clinically meaningful skin improvements three months after an infusion
    # in the first patient with severe skin involvement ... in several areas, along with better
    # lung function. The participant had discontinued all disease-specific therapies."
    "first patient, severe skin, three months": 'readout:NCT06328777-first-patient-3-months cartkg:forTrial trial:NCT06328777 ; cartkg:inCohort cohort:NCT06328777-severe-skin ; cartkg:patientCount 1 ; cartkg:timePoint "P3M"^^xsd:duration .',
    "skin improved in several areas": 'readout:NCT06328777-first-patient-3-months cartkg:measure measure:skin-involvement ; cartkg:finding ?f . FILTER (CONTAINS(?f, "several areas"))',
    "better lung function": 'readout:NCT06328777-first-patient-3-months cartkg:measure measure:lung-function ; cartkg:finding ?f . FILTER (CONTAINS(?f, "better lung function"))',
    "off all disease-specific therapies": 'readout:NCT06328777-first-patient-3-months cartkg:measure measure:disease-specific-therapy ; cartkg:finding ?f . FILTER (CONTAINS(?f, "stopped all disease-specific therapies"))',
    # CEO quote: "a single weight-based dose of rese-cel was able to provide potentially
    # transformative clinical responses after discontinuation of all immunosuppressants and while
    # off or tapering off steroids, we have seen robust physician and patient interest"
    "stated by Steven Nichtberger, CEO": "readout:rese-cel-reset-program-responses cartkg:statedBy person:steven-nichtberger . person:steven-nichtberger cartkg:affiliation organization:cabaletta-bio .",
    "single weight-based dose": "trial:NCT06328777 cartkg:dose/cartkg:dosingScheme dosing:weight-based , dosing:single-infusion .",
    "responses off immunosuppressants and steroids": 'readout:rese-cel-reset-program-responses cartkg:finding ?f . FILTER (CONTAINS(?f, "immunosuppressants") && CONTAINS(?f, "steroids"))',
    "robust physician and patient interest": 'readout:rese-cel-reset-program-responses cartkg:finding ?f . FILTER (CONTAINS(?f, "interest"))',
    # "a patient who reported a fever three days before rese-cel infusion was dosed without
    # informing the trial's medical monitor, as required by its protocol."
    "fever three days before infusion": "event:NCT06328777-icans-1 cartkg:context ?d . ?d a cartkg:ProtocolDeviation ; cartkg:dayRelativeToInfusion -3 .",
    "not reported to the medical monitor": 'event:NCT06328777-fever-not-reported rdfs:comment ?c . FILTER (CONTAINS(?c, "medical monitor"))',
    "learned last February": 'event:NCT06328777-fever-not-reported rdfs:comment ?c . FILTER (CONTAINS(?c, "February"))',
    # "Nine days after the infusion, the patient had immune effector cell-associated
    # neurotoxicity syndrome (ICANS) ... temporary confusion ... not deemed to be immediately
    # life-threatening. The episode resolved with corticosteroid treatment and the patient was
    # discharged without further symptoms."
    "ICANS after rese-cel in RESET-SSc": "event:NCT06328777-icans-1 a cartkg:ICANS ; cartkg:afterProduct product:rese-cel ; cartkg:forTrial trial:NCT06328777 .",
    "nine days after the infusion": "event:NCT06328777-icans-1 cartkg:onsetDay 9 .",
    "ICANS affects the brain": 'cartkg:ICANS skos:definition ?d . FILTER (CONTAINS(?d, "brain"))',
    "temporary confusion": 'event:NCT06328777-icans-1 cartkg:manifestation ?m . FILTER (CONTAINS(?m, "temporary confusion"))',
    "not immediately life-threatening": "event:NCT06328777-icans-1 cartkg:lifeThreatening false .",
    "resolved with corticosteroids": "event:NCT06328777-icans-1 cartkg:treatment drug:corticosteroid ; cartkg:outcome outcome:resolved .",
    "discharged without further symptoms": 'event:NCT06328777-icans-1 cartkg:outcomeDescription ?o . FILTER (CONTAINS(?o, "discharged without further symptoms"))',
    # "After a review by the trial's independent data monitoring committee, the study was allowed
    # to proceed at the current dose, with the requirement that investigators must write to the
    # company confirming the absence of fever or signs of infection two weeks before an infusion."
    "reviewed by the independent DMC": "event:NCT06328777-icans-1 cartkg:oversightResponse ?r . ?r cartkg:reviewer ?dmc . ?dmc a cartkg:DataMonitoringCommittee . trial:NCT06328777 cartkg:dataMonitoringCommittee ?dmc .",
    "allowed to proceed at the current dose": "event:NCT06328777-dmc-review-icans cartkg:decision decision:continue-with-requirements .",
    "written confirmation: no fever or infection two weeks before": 'event:NCT06328777-dmc-review-icans cartkg:addedRequirement ?r . FILTER (CONTAINS(?r, "in writing") && CONTAINS(?r, "fever") && CONTAINS(?r, "infection") && CONTAINS(?r, "two weeks"))',
    # "results from the first 10 patients dosed with rese-cel across multiple autoimmune diseases
    # showed 'compelling clinical efficacy with a favorable safety profile and deep B-cell
    # depletion.'"
    "first 10 patients: efficacy and deep B-cell depletion": 'readout:rese-cel-first-10-patients cartkg:patientCount 10 ; cartkg:measure measure:b-cell-count ; cartkg:finding ?f . FILTER (CONTAINS(?f, "deep B-cell depletion"))',
    "first 10 patients: favourable safety": "readout:rese-cel-first-10-patients-safety a cartkg:SafetySummary ; cartkg:patientCount 10 ; cartkg:afterProduct product:rese-cel .",
    # "Additional data is anticipated at the upcoming EULAR 2025 Congress in Barcelona, in June."
    "more data expected at EULAR 2025 in Barcelona": 'trial:NCT06328777 rdfs:comment ?c . FILTER (CONTAINS(?c, "EULAR 2025") && CONTAINS(?c, "Barcelona"))',
    # "Last year, the FDA granted orphan drug designation to rese-cel for adults with hard-to-treat
    # SSc. The designation is meant to ... rare diseases, or those that affect fewer than 200,000
    # people in the U.S."
    "FDA orphan drug designation in SSc": "?d a cartkg:FDAOrphanDrugDesignation ; cartkg:designationFor product:rese-cel ; cartkg:agency organization:fda ; cartkg:indication MONDO:0005100 .",
    "granted last year (2024)": "designation:rese-cel-fda-odd-ssc cartkg:dateAnnounced ?d . FILTER (YEAR(?d) = 2024)",
    "orphan: fewer than 200,000 people in the US": 'cartkg:FDAOrphanDrugDesignation skos:definition ?d . FILTER (CONTAINS(?d, "200,000"))',
}

CRITERIA_004 = {
    # inclusion criteria, verbatim, in order
    (1, "inclusion"): "voluntary to sign the ICF",
    (2, "inclusion"): "aged between 18-65 years old (inclusive)",
    (3, "inclusion"): "diagnosed with diffuse systemic sclerosis according to 2013 ACR Systemic Sclerosis Classification Criterion",
    (4, "inclusion"): "meet the definitions of refractory/progressive as below",
    (5, "inclusion"): "without systemic active infections within 2 weeks of leukapheresis, e.g., infectious pneumonia, tuberculosis",
    (6, "inclusion"): "available vascular access for leukapheresis",
    (7, "inclusion"): "major organ functions",
    (8, "inclusion"): "negative result of serum β-hCG measurement for women of childbearing potential at screening and within 48 hours of the first dose of lymphodepletion",
    (9, "inclusion"): "Female subjects with childbearing potential or male subjects with partners of childbearing potential should adopt medically effective contraception or abstinence from enrollment to 2 years after the end of the study; female subjects with childbearing potential should have a negative serum hCG test within 7 days of enrollment and not in lactation",
    (1, "exclusion"): "NYHA class IV",
    (2, "exclusion"): "FVC predicted < 45% or DLCO predicted < 40%",
    (3, "exclusion"): "abnormalities on HRCT not attributable to systemic sclerosis",
    (4, "exclusion"): "history of autologous stem cell transplantation",
    (5, "exclusion"): "with manifestations of renal crisis",
    (6, "exclusion"): "with other autoimmune comorbidities that need systemic treatment",
    (7, "exclusion"): "with a history of severe drug allergy",
    (8, "exclusion"): "with congenital immunoglobulin deficiency",
    (9, "exclusion"): "with malignant tumors, except for nonmelanoma skin cancer, in situ cervical cancer, bladder cancer, breast cancer which has been disease free for more than 2 years",
    (10, "exclusion"): "with psychiatric diseases or severe cognition dysfunctions",
    (11, "exclusion"): "within 5 half-life cycles of the last administration of an investigational product",
    (12, "exclusion"): "pregnant, lactation or plan to be pregnant within one year",
    (13, "exclusion"): "a history of CAR-T therapy or other gene-modified T cell targeted therapies",
    (14, "exclusion"): "other conditions that are not suitable for enrollment of the study in the judgement of the investigator",
    (15, "exclusion"): "the use of any live vaccines against infections within one month of the screening",
    (16, "exclusion"): "with any manifestations of active tuberculosis at screening",
}


def clause(measure: str, comparator: str, value: str, unit: str, extra: str = "") -> str:
    """A structured clause somewhere under NCT06414135's criteria."""
    return (
        "trial:NCT06414135 cartkg:eligibilityCriterion/(cartkg:allOf|cartkg:anyOf)* ?c . "
        f"?c cartkg:measure measure:{measure} ; cartkg:comparator comparator:{comparator} ; "
        f"cartkg:quantityValue {value} ; cartkg:unit unit:{unit} . {extra}"
    )


SEED_004 = {
    # header: title, sponsor, launch date, current status
    "NCT06414135": 'trial:NCT06414135 cartkg:nctId "NCT06414135" .',
    "title": 'trial:NCT06414135 cartkg:briefTitle "Relmacabtagene Autoleucel for the Treatment of Systemic Sclerosis" .',
    "launched by Liangjing Lu": "trial:NCT06414135 cartkg:sponsor person:liangjing-lu .",
    "launched on 9 May 2024": 'trial:NCT06414135 cartkg:trialDate ?d . ?d cartkg:dateKind datekind:launch ; cartkg:date "2024-05-09"^^xsd:date .',
    "recruiting as of 14 November 2025": 'trial:NCT06414135 cartkg:statusObservation ?o . ?o cartkg:status trialstatus:recruiting ; cartkg:asOf "2025-11-14"^^xsd:date ; dcterms:source source:clinconnect-nct06414135 .',
    "keyword CAR T cell therapy": 'trial:NCT06414135 cartkg:keyword "Car T Cell Therapy" .',
    "keyword systemic sclerosis": 'trial:NCT06414135 cartkg:keyword "Systemic Sclerosis" .',
    "keyword B cell depletion": 'trial:NCT06414135 cartkg:keyword "B Cell Depletion" .',
    # summary
    "relmacabtagene autoleucel, or relma-cel": 'trial:NCT06414135 cartkg:studiesProduct product:relma-cel . product:relma-cel rdfs:label "relma-cel" ; cartkg:inn "relmacabtagene autoleucel" .',
    "early diffuse systemic sclerosis": "trial:NCT06414135 cartkg:indication MONDO:0016356 .",
    "safety at different doses": "trial:NCT06414135 cartkg:endpoint ?e . ?e a cartkg:PrimaryEndpoint ; cartkg:measure measure:adverse-events .",
    "how well it works": "trial:NCT06414135 cartkg:endpoint endpoint:NCT06414135-efficacy .",
    "18 to 65 years": clause("age", "ge", "18.0", "year")
    + " "
    + clause("age", "le", "65.0", "year").replace("?c", "?d"),
    "not responded to standard treatments": "trial:NCT06414135 cartkg:eligibilityCriterion/cartkg:anyOf criterion:NCT06414135-inc-refractory .",
    "leukapheresis, chemotherapy, infusion": 'trial:NCT06414135 rdfs:comment ?c . FILTER (CONTAINS(?c, "leukapheresis") && CONTAINS(?c, "chemotherapy") && CONTAINS(?c, "infusion"))',
    "contraception for two years afterwards": 'trial:NCT06414135 cartkg:eligibilityCriterion/cartkg:allOf ?c . ?c cartkg:topic topic:contraception ; cartkg:windowAfter "P2Y"^^xsd:duration ; cartkg:referenceTimepoint timepoint:end-of-study .',
    "gender: all": "trial:NCT06414135 cartkg:eligibleSex sex:all .",
    # structured inclusion criteria
    "2013 ACR classification": 'criterion:NCT06414135-inc-diagnosis cartkg:concernsDisease MONDO:0016356 ; cartkg:classificationCriteria ?c . FILTER (CONTAINS(?c, "2013"))',
    "refractory: more than 6 months of conventional therapy": 'criterion:NCT06414135-inc-refractory cartkg:minimumDuration "P6M"^^xsd:duration .',
    "refractory therapies linked as drugs": "SELECT (COUNT(?d) AS ?n) WHERE { criterion:NCT06414135-inc-refractory cartkg:drug ?d . ?d a cartkg:Drug } HAVING (COUNT(?d) = 14)",
    "cyclophosphamide linked to ChEBI": "criterion:NCT06414135-inc-refractory cartkg:drug drug:cyclophosphamide . drug:cyclophosphamide skos:exactMatch CHEBI:4027 .",
    "low-dose steroids: at most 15 mg prednisone equivalent": clause(
        "prednisone-equivalent-dose", "le", "15.0", "mg"
    ),
    "progressive: within 6 months": 'criterion:NCT06414135-inc-progressive cartkg:windowBefore "P6M"^^xsd:duration .',
    "mRSS increase of at least 3": clause(
        "mrss", "ge", "3.0", "score-points", "?c cartkg:change change:increase ."
    ),
    "FVC fall of more than 10%": clause(
        "fvc", "gt", "10.0", "percent", "?c cartkg:change change:decrease ."
    ),
    "or FVC fall >5% and DLCO fall >15%": "criterion:NCT06414135-inc-progressive-fvc-dlco cartkg:allOf criterion:NCT06414135-inc-progressive-fvc-5 , criterion:NCT06414135-inc-progressive-dlco-15 . criterion:NCT06414135-inc-progressive-lung cartkg:anyOf criterion:NCT06414135-inc-progressive-fvc-10 , criterion:NCT06414135-inc-progressive-fvc-dlco .",
    "no active infection within 2 weeks of leukapheresis": 'criterion:NCT06414135-inc-no-active-infection cartkg:windowBefore "P14D"^^xsd:duration ; cartkg:referenceTimepoint timepoint:leukapheresis .',
    "CrCl at least 50 mL/min (Cockcroft-Gault)": clause(
        "creatinine-clearance",
        "ge",
        "50.0",
        "ml-per-min",
        '?c cartkg:method "Cockcroft-Gault equation" .',
    ),
    "ANC at least 1000/uL": clause("absolute-neutrophil-count", "ge", "1000.0", "per-ul"),
    "lymphocytes at least 100/uL": clause("absolute-lymphocyte-count", "ge", "100.0", "per-ul"),
    "Hb at least 90 g/L": clause("hemoglobin", "ge", "90.0", "g-per-l"),
    "platelets at least 75 x 10^9/L": clause("platelet-count", "ge", "75.0", "10e9-per-l"),
    "no transfusion or growth factors within 7 days": 'criterion:NCT06414135-inc-no-transfusion cartkg:windowBefore "P7D"^^xsd:duration ; cartkg:referenceTimepoint timepoint:eligibility-assessment .',
    "ALT at most 3 x ULN": clause("alt", "le", "3.0", "times-uln"),
    "AST at most 3 x ULN": clause("ast", "le", "3.0", "times-uln"),
    "bilirubin at most 2 x ULN": clause("total-bilirubin", "le", "2.0", "times-uln"),
    "or at most 3 x ULN with Gilbert syndrome": "criterion:NCT06414135-inc-bilirubin cartkg:anyOf criterion:NCT06414135-inc-bilirubin-2uln , criterion:NCT06414135-inc-bilirubin-gilbert . criterion:NCT06414135-inc-bilirubin-gilbert cartkg:allOf criterion:NCT06414135-inc-bilirubin-3uln , ?g . ?g cartkg:concernsDisease MONDO:0007745 .",
    "INR at most 1.5 x ULN": clause("inr", "le", "1.5", "times-uln"),
    "PT at most 1.5 x ULN": clause("prothrombin-time", "le", "1.5", "times-uln"),
    "LVEF at least 55%": clause("lvef", "ge", "55.0", "percent"),
    "hCG within 48 hours of lymphodepletion": 'criterion:NCT06414135-inc-pregnancy-test cartkg:measure measure:serum-hcg ; cartkg:windowBefore "PT48H"^^xsd:duration ; cartkg:referenceTimepoint timepoint:first-lymphodepletion-dose .',
    "hCG within 7 days of enrollment": 'criterion:NCT06414135-inc-hcg-before-enrollment cartkg:windowBefore "P7D"^^xsd:duration ; cartkg:referenceTimepoint timepoint:enrollment .',
    # structured exclusion criteria
    "NYHA class IV excluded": clause("nyha-class", "eq", "4.0", "nyha-class"),
    "FVC below 45% predicted excluded": clause("fvc-percent-predicted", "lt", "45.0", "percent"),
    "or DLCO below 40% predicted": clause("dlco-percent-predicted", "lt", "40.0", "percent")
    + " criterion:NCT06414135-exc-lung-function cartkg:anyOf ?c .",
    "live vaccine within one month of screening": 'criterion:NCT06414135-exc-live-vaccine cartkg:windowBefore "P1M"^^xsd:duration ; cartkg:referenceTimepoint timepoint:screening .',
    "pregnancy plans within one year": 'criterion:NCT06414135-exc-pregnancy cartkg:windowAfter "P1Y"^^xsd:duration .',
    "active tuberculosis at screening": "criterion:NCT06414135-exc-active-tb cartkg:concernsDisease MONDO:0018076 ; cartkg:referenceTimepoint timepoint:screening .",
    # location and officials
    "Shanghai, China": 'trial:NCT06414135 cartkg:site ?s . ?s cartkg:city "Shanghai" ; cartkg:country country:CN .',
    "study chair Liangjing Lu, RenJi Hospital": "trial:NCT06414135 cartkg:studyChair person:liangjing-lu . person:liangjing-lu cartkg:affiliation organization:renji-hospital .",
    "the 'About' text and applicant count are noted, not modelled": 'source:clinconnect-nct06414135 skos:editorialNote ?n . FILTER (CONTAINS(?n, "About") && CONTAINS(?n, "applied"))',
}

# fmt: on


@pytest.fixture(scope="module")
def client(real_store: Path) -> EmbeddedClient:
    project = Project(REPO)
    return EmbeddedClient(
        open_store(real_store), project.queries_dir, converter(ONTOLOGY), prefix_map(ONTOLOGY)
    )


def holds(client: EmbeddedClient, pattern: str) -> bool:
    prologue = sparql_prologue(client.prefixes)
    if pattern.lstrip().startswith("SELECT"):
        return len(client.execute(prologue + pattern, {})) > 0
    return client.execute(prologue + "ASK { " + pattern + " }", {}).askAnswer


@pytest.mark.parametrize("fact", sorted(SEED_000))
def test_seed_000_fact_is_in_the_graph(fact: str, client: EmbeddedClient) -> None:
    assert holds(client, SEED_000[fact]), f"seed 000: {fact}"


@pytest.mark.parametrize("fact", sorted(SEED_004))
def test_seed_004_fact_is_in_the_graph(fact: str, client: EmbeddedClient) -> None:
    assert holds(client, SEED_004[fact]), f"seed 004: {fact}"


@pytest.mark.parametrize("key", sorted(CRITERIA_004), ids=lambda k: f"{k[1]}-{k[0]}")
def test_seed_004_criterion_is_its_own_node_with_its_wording(key, client: EmbeddedClient) -> None:
    position, kind = key
    cls = "cartkg:InclusionCriterion" if kind == "inclusion" else "cartkg:ExclusionCriterion"
    text = CRITERIA_004[key].replace("\\", "\\\\").replace('"', '\\"')
    pattern = (
        f"trial:NCT06414135 cartkg:eligibilityCriterion ?c . ?c a {cls} ; "
        f'cartkg:position {position} ; cartkg:verbatimText "{text}" ; cartkg:topic ?topic .'
    )
    assert holds(client, pattern), f"{kind} criterion {position}"


def test_seed_004_has_exactly_its_criteria(client: EmbeddedClient) -> None:
    rows = client.execute(
        sparql_prologue(client.prefixes)
        + "SELECT ?c WHERE { trial:NCT06414135 cartkg:eligibilityCriterion ?c }",
        {},
    )
    assert len(rows) == len(CRITERIA_004)


def test_every_seed_fact_carries_a_source(client: EmbeddedClient) -> None:
    """Every node of the two seed trials and programs cites a source."""
    query = """
        SELECT ?node WHERE {
          VALUES ?root { trial:NCT06328777 trial:NCT06414135 program:rese-cel program:relma-cel }
          ?root (!rdf:type)+ ?node .
          ?node a ?class .
          FILTER (STRSTARTS(STR(?node), "https://w3id.org/cartkg/id/"))
          FILTER NOT EXISTS { ?node dcterms:source ?source }
          FILTER NOT EXISTS { ?node a cartkg:Source }
        }
    """
    missing = [str(r[0]) for r in client.execute(sparql_prologue(client.prefixes) + query, {})]
    assert not missing, missing
