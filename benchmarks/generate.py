"""Generate a synthetic cartkg project of a given size, for speed benchmarks at scale.

    python benchmarks/generate.py --triples 100000 --out /tmp/bench-100k [--seed 1]

The output is a complete project folder: ``ontology/``, ``shapes/`` and ``queries/`` copied from
this repository unchanged, the curated core of the real ``data/`` (the hand-curated trials and
programs and the files they cite, so that the stored queries' examples, which name real trials
and products, give rows; ``--no-real-data`` leaves it out), and synthetic programs,
trials, organizations, people and sources, one Turtle file per entity, laid out like ``data/``.
``cartkg --root OUT build`` reads it exactly as it reads the real graph.

The synthetic entities use the ontology's terms only and take every value from the committed
value lists (``ontology/vocab``) and imports (``ontology/imports``). Their keys and labels say they
are synthetic: trials are ``NCT9xxxxxxx`` (no real NCT number starts with 9 yet), programs
``synthetic-program-00042``, labels start with "Synthetic", URLs are on example.org.

The same --triples and --seed give byte-identical files: one ``random.Random(seed)``, lists in a
fixed order, no clock. Turtle is written directly as text (no rdflib), and triples are counted as
they are written, so a million triples take seconds.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import ClassVar

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
COPIED = ("ontology", "shapes", "queries")
MARKER = "SYNTHETIC.json"  # written at the top of the output; a later run may replace the folder
AGENCIES = ("fda", "nmpa")  # real agency files, copied (with their sources) without real data

# A term is a Turtle token: a CURIE, a literal ("...", "..."^^xsd:x, "..."@en), a number or a
# boolean. A node is (subject, [(predicate, object or list of objects)]).
Pairs = list[tuple[str, "str | Sequence[str] | None"]]

PREFIXES = {
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "antigen": "https://w3id.org/cartkg/vocab/antigen/",
    "armtype": "https://w3id.org/cartkg/vocab/armtype/",
    "allocation": "https://w3id.org/cartkg/vocab/allocation/",
    "binder": "https://w3id.org/cartkg/vocab/binder/",
    "cartkg": "https://w3id.org/cartkg/vocab/",
    "cellsource": "https://w3id.org/cartkg/vocab/cellsource/",
    "celltype": "https://w3id.org/cartkg/vocab/celltype/",
    "change": "https://w3id.org/cartkg/vocab/change/",
    "claim": "https://w3id.org/cartkg/id/claim/",
    "cohort": "https://w3id.org/cartkg/id/cohort/",
    "comparator": "https://w3id.org/cartkg/vocab/comparator/",
    "construct": "https://w3id.org/cartkg/id/construct/",
    "country": "https://w3id.org/cartkg/vocab/country/",
    "criterion": "https://w3id.org/cartkg/id/criterion/",
    "datekind": "https://w3id.org/cartkg/vocab/datekind/",
    "dcterms": "http://purl.org/dc/terms/",
    "decision": "https://w3id.org/cartkg/vocab/decision/",
    "designation": "https://w3id.org/cartkg/id/designation/",
    "devstatus": "https://w3id.org/cartkg/vocab/devstatus/",
    "disease": "https://w3id.org/cartkg/vocab/disease/",
    "domain": "https://w3id.org/cartkg/vocab/domain/",
    "dose": "https://w3id.org/cartkg/id/dose/",
    "dosing": "https://w3id.org/cartkg/vocab/dosing/",
    "drug": "https://w3id.org/cartkg/vocab/drug/",
    "endpoint": "https://w3id.org/cartkg/id/endpoint/",
    "event": "https://w3id.org/cartkg/id/event/",
    "grading": "https://w3id.org/cartkg/vocab/grading/",
    "masking": "https://w3id.org/cartkg/vocab/masking/",
    "measure": "https://w3id.org/cartkg/vocab/measure/",
    "model": "https://w3id.org/cartkg/vocab/model/",
    "observation": "https://w3id.org/cartkg/id/observation/",
    "organ": "https://w3id.org/cartkg/vocab/organ/",
    "organization": "https://w3id.org/cartkg/id/organization/",
    "outcome": "https://w3id.org/cartkg/vocab/outcome/",
    "person": "https://w3id.org/cartkg/id/person/",
    "phase": "https://w3id.org/cartkg/vocab/phase/",
    "platform": "https://w3id.org/cartkg/vocab/platform/",
    "product": "https://w3id.org/cartkg/id/product/",
    "program": "https://w3id.org/cartkg/id/program/",
    "purpose": "https://w3id.org/cartkg/vocab/purpose/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "readout": "https://w3id.org/cartkg/id/readout/",
    "regimen": "https://w3id.org/cartkg/id/regimen/",
    "reliability": "https://w3id.org/cartkg/vocab/reliability/",
    "schema": "https://schema.org/",
    "sex": "https://w3id.org/cartkg/vocab/sex/",
    "site": "https://w3id.org/cartkg/id/site/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "source": "https://w3id.org/cartkg/id/source/",
    "sourcetype": "https://w3id.org/cartkg/vocab/sourcetype/",
    "studytype": "https://w3id.org/cartkg/vocab/studytype/",
    "timepoint": "https://w3id.org/cartkg/vocab/timepoint/",
    "topic": "https://w3id.org/cartkg/vocab/topic/",
    "trial": "https://w3id.org/cartkg/id/trial/",
    "trialstatus": "https://w3id.org/cartkg/vocab/trialstatus/",
    "unit": "https://w3id.org/cartkg/vocab/unit/",
    "verification": "https://w3id.org/cartkg/vocab/verification/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# prefixes of the value lists and imports whose terms the generator must not invent
VOCAB_PREFIXES = {
    "MONDO", "antigen", "armtype", "allocation", "binder", "cellsource", "celltype", "change",
    "comparator", "country", "datekind", "decision", "devstatus", "disease", "domain", "dosing",
    "drug", "grading", "masking", "measure", "model", "organ", "outcome", "phase", "platform",
    "purpose", "reliability", "sex", "sourcetype", "studytype", "timepoint", "topic",
    "trialstatus", "unit", "verification",
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Value lists: every CURIE below is checked against ontology/ before anything is written.


@dataclass(frozen=True)
class Area:
    """A disease area: its MONDO terms and what its trials measure."""

    name: str
    weight: int
    diseases: tuple[str, ...]  # the first is the main term, the others narrower or related
    activity: tuple[str, str, tuple[str, ...], str] | None  # measure, comparator, values, unit
    organs: tuple[str, ...]
    endpoints: tuple[str, ...]
    classification: str


AREAS = (
    Area("SLE", 6, ("MONDO:0007915", "MONDO:0005556"),
         ("measure:sledai-2k", "comparator:ge", ("6.0", "8.0", "10.0"), "unit:score-points"),
         ("organ:kidney", "organ:skin", "organ:joint"), ("measure:sledai-2k", "measure:doris"),
         "EULAR/ACR classification criteria for systemic lupus erythematosus"),
    Area("SSc", 4, ("MONDO:0005100", "MONDO:0016356", "MONDO:0016358"),
         ("measure:mrss", "comparator:ge", ("10.0", "15.0", "20.0"), "unit:score-points"),
         ("organ:skin", "organ:lung", "organ:heart", "organ:kidney"),
         ("measure:criss", "measure:mrss", "measure:fvc-percent-predicted"),
         "ACR/EULAR classification criteria for systemic sclerosis"),
    Area("IIM", 3, ("MONDO:0600023", "MONDO:0016367", "MONDO:0019127", "MONDO:0016098",
                    "MONDO:0019344"),
         None, ("organ:muscle", "organ:lung", "organ:skin"),
         ("measure:disease-specific-therapy", "measure:b-cell-count"),
         "EULAR/ACR classification criteria for idiopathic inflammatory myopathies"),
    Area("MG", 2, ("MONDO:0009688",),
         ("measure:mg-adl", "comparator:ge", ("5.0", "6.0", "8.0"), "unit:score-points"),
         ("organ:muscle",), ("measure:mg-adl",),
         "a confirmed diagnosis of generalized myasthenia gravis"),
    Area("MS", 2, ("MONDO:0005301", "MONDO:0005314"), None, (),
         ("measure:b-cell-count", "measure:pharmacodynamics"),
         "the 2017 McDonald criteria for multiple sclerosis"),
    Area("NMOSD", 1, ("MONDO:0019100",), None, (), ("measure:b-cell-count",),
         "the 2015 international consensus criteria for neuromyelitis optica spectrum disorder"),
    Area("AAV", 1, ("MONDO:0015492", "MONDO:0019124"), None, ("organ:kidney", "organ:lung"),
         ("measure:egfr", "measure:disease-specific-therapy"),
         "ACR/EULAR classification criteria for ANCA-associated vasculitis"),
    Area("PV", 1, ("MONDO:0008219",), None, ("organ:skin",), ("measure:skin-involvement",),
         "a histologically confirmed diagnosis of pemphigus vulgaris"),
    Area("RA", 1, ("MONDO:0008383",), None, ("organ:joint",),
         ("measure:disease-specific-therapy",),
         "ACR/EULAR classification criteria for rheumatoid arthritis"),
    Area("SjD", 1, ("MONDO:0010030",), None, ("organ:joint", "organ:lung"),
         ("measure:b-cell-count",), "ACR/EULAR classification criteria for Sjogren disease"),
    Area("other", 1, ("MONDO:0005376", "MONDO:8000010", "MONDO:0005147", "MONDO:0008491"),
         None, ("organ:kidney",), ("measure:b-cell-count",),
         "established diagnostic criteria for the disease"),
)  # fmt: skip
TUBERCULOSIS = "MONDO:0018076"
GILBERT = "MONDO:0007745"
LYMPHOMA = "disease:large-b-cell-lymphoma"

# (targets, weight, receptor kind, binder format); a CAAR presents its antigen
TARGETS = (
    (("antigen:CD19",), 40, "CAR", "binder:scfv"),
    (("antigen:BCMA",), 8, "CAR", "binder:scfv"),
    (("antigen:BCMA",), 3, "CAR", "binder:single-domain-antibody"),
    (("antigen:CD19", "antigen:BCMA"), 8, "CAR", "binder:scfv"),
    (("antigen:CD19", "antigen:CD20"), 6, "CAR", "binder:scfv"),
    (("antigen:CD20",), 4, "CAR", "binder:scfv"),
    (("antigen:CD70",), 2, "CAR", "binder:scfv"),
    (("antigen:CD7",), 2, "CAR", "binder:scfv"),
    (("antigen:citrullinated-proteins",), 1, "CAR", "binder:scfv"),
    (("antigen:DSG3",), 2, "CAAR", "binder:autoantigen"),
    (("antigen:MuSK",), 2, "CAAR", "binder:autoantigen"),
)
# (cell source, cell type, platforms, weight); in vivo products have no cell source or type
CELLS = (
    ("cellsource:autologous", "celltype:t-cell", ("platform:lentiviral-vector",), 40),
    ("cellsource:autologous", "celltype:t-cell", ("platform:retroviral-vector",), 6),
    ("cellsource:autologous", "celltype:t-cell", ("platform:rapid-manufacturing",), 6),
    ("cellsource:autologous", "celltype:t-cell", ("platform:point-of-care-manufacturing",), 3),
    ("cellsource:autologous", "celltype:cd8-t-cell", ("platform:lentiviral-vector",), 2),
    ("cellsource:autologous", "celltype:regulatory-t-cell", ("platform:lentiviral-vector",), 2),
    ("cellsource:allogeneic", "celltype:t-cell", ("platform:crispr-edited",), 8),
    ("cellsource:allogeneic", "celltype:nk-cell", ("platform:retroviral-vector",), 3),
    ("cellsource:allogeneic", "celltype:ipsc-derived-nk-cell", ("platform:crispr-edited",), 2),
    ("cellsource:allogeneic", "celltype:ipsc-derived-t-cell", ("platform:crispr-edited",), 1),
    ("cellsource:allogeneic", "celltype:double-negative-t-cell", (), 1),
    (None, None, ("platform:in-vivo", "platform:lipid-nanoparticle", "platform:mrna"), 3),
    (None, None, ("platform:in-vivo", "platform:lentiviral-vector"), 2),
)
BINDER_ORIGINS = ("binder:murine", "binder:humanized", "binder:fully-human")
COSTIMS = (("domain:4-1BB",), ("domain:4-1BB",), ("domain:CD28",), ("domain:CD28", "domain:4-1BB"))
DEVSTATUS = (
    "devstatus:preclinical", "devstatus:ind-cleared", "devstatus:phase-1",
    "devstatus:phase-1", "devstatus:phase-1-2", "devstatus:phase-1-2", "devstatus:phase-2",
    "devstatus:registrational", "devstatus:paused", "devstatus:discontinued",
)  # fmt: skip
PHASES = (
    ("phase:1",),
    ("phase:1",),
    ("phase:1",),
    ("phase:1", "phase:2"),
    ("phase:1", "phase:2"),
    ("phase:2",),
    ("phase:early-1",),
    ("phase:3",),
)
PHASE_WORDS = {
    ("phase:1",): "Phase 1", ("phase:1", "phase:2"): "Phase 1/2", ("phase:2",): "Phase 2",
    ("phase:early-1",): "Early Phase 1", ("phase:3",): "Phase 3",
}  # fmt: skip
COUNTRIES = (
    ("country:US", 10), ("country:CN", 10), ("country:DE", 4), ("country:FR", 2),
    ("country:GB", 2), ("country:IT", 2), ("country:ES", 2), ("country:AU", 1),
    ("country:AT", 1), ("country:BE", 1), ("country:BR", 1), ("country:IL", 1),
)  # fmt: skip
IMMUNOSUPPRESSANTS = (
    "drug:azathioprine", "drug:belimumab", "drug:ciclosporin", "drug:cyclophosphamide",
    "drug:hydroxychloroquine", "drug:leflunomide", "drug:methotrexate",
    "drug:mycophenolate-mofetil", "drug:rituximab", "drug:tacrolimus", "drug:telitacicept",
    "drug:tocilizumab", "drug:antimalarial", "drug:biologic", "drug:glucocorticoid",
)  # fmt: skip
# (class, label, grading scale, grades, onset days, treatments)
SAFETY_KINDS = (
    ("cartkg:CytokineReleaseSyndrome", "cytokine release syndrome", "grading:astct-2019",
     (1, 1, 1, 2, 2, 3), (0, 10), (("drug:tocilizumab",), ("drug:tocilizumab",
     "drug:dexamethasone"), ())),
    ("cartkg:ICANS", "ICANS", "grading:astct-2019", (1, 1, 2, 3), (3, 14),
     (("drug:dexamethasone",), ("drug:methylprednisolone",), ("drug:anakinra",
     "drug:dexamethasone"))),
    ("cartkg:InfectionEvent", "infection", "grading:ctcae-5", (2, 2, 3, 4), (7, 180), ((),)),
    ("cartkg:CytopeniaEvent", "prolonged cytopenia", "grading:ctcae-5", (3, 3, 4), (0, 60),
     ((),)),
    ("cartkg:HypogammaglobulinemiaEvent", "hypogammaglobulinemia", "grading:ctcae-5",
     (1, 2, 2, 3), (30, 240), ((),)),
    ("cartkg:OtherAdverseEvent", "adverse event", "grading:unstated", (1, 2, 3), (0, 90),
     ((), ("drug:corticosteroid",))),
    ("cartkg:LICATS", "LICATS", "grading:unstated", (1, 2), (5, 30), ((),)),
)  # fmt: skip
OUTCOMES = ("outcome:resolved",) * 6 + (
    "outcome:ongoing",
    "outcome:resolved-with-sequelae",
    "outcome:unknown",
)
# (class, agency, legal basis, weight, needs a trial)
DESIGNATIONS = (
    ("cartkg:FDAOrphanDrugDesignation", "fda", "21 USC 360bb", 6, False),
    ("cartkg:FastTrackDesignation", "fda", "21 USC 356(b)", 5, False),
    ("cartkg:RMATDesignation", "fda", "21 USC 356(g)", 2, False),
    ("cartkg:BreakthroughTherapyDesignation", "fda", "21 USC 356(a)", 1, False),
    ("cartkg:INDClearance", "fda", None, 5, True),
    ("cartkg:INDClearance", "nmpa", None, 3, True),
    ("cartkg:NMPABreakthroughTherapyDesignation", "nmpa", None, 1, False),
    ("cartkg:SpecialProtocolAssessment", "fda", None, 1, True),
)
DESIGNATION_WORDS = {
    "cartkg:FDAOrphanDrugDesignation": "FDA orphan drug designation",
    "cartkg:FastTrackDesignation": "FDA fast track designation",
    "cartkg:RMATDesignation": "FDA RMAT designation",
    "cartkg:BreakthroughTherapyDesignation": "FDA breakthrough therapy designation",
    "cartkg:INDClearance": "IND clearance",
    "cartkg:NMPABreakthroughTherapyDesignation": "NMPA breakthrough therapy designation",
    "cartkg:SpecialProtocolAssessment": "FDA special protocol assessment",
}
SOURCE_KINDS = {  # source type: (reliability, what the title calls it)
    "sourcetype:registry-record": ("reliability:primary", "Registry record"),
    "sourcetype:registry-mirror": ("reliability:secondary", "Registry mirror"),
    "sourcetype:press-release": ("reliability:primary", "Press release"),
    "sourcetype:congress-abstract": ("reliability:primary", "Congress abstract"),
    "sourcetype:journal-article": ("reliability:primary", "Journal article"),
    "sourcetype:news-article": ("reliability:secondary", "News article"),
    "sourcetype:company-website": ("reliability:primary", "Company website"),
    "sourcetype:regulatory-filing": ("reliability:primary", "Regulatory filing"),
}
STATUS_PATHS = (
    ("trialstatus:not-yet-recruiting", "trialstatus:recruiting"),
    ("trialstatus:recruiting",),
    (
        "trialstatus:not-yet-recruiting",
        "trialstatus:recruiting",
        "trialstatus:active-not-recruiting",
    ),
    ("trialstatus:recruiting", "trialstatus:completed"),
    ("trialstatus:recruiting", "trialstatus:suspended"),
    ("trialstatus:not-yet-recruiting", "trialstatus:withdrawn"),
    ("trialstatus:recruiting", "trialstatus:terminated"),
    ("trialstatus:enrolling-by-invitation",),
)
STATUS_WORDS = {
    "trialstatus:not-yet-recruiting": "not yet recruiting",
    "trialstatus:recruiting": "recruiting",
    "trialstatus:active-not-recruiting": "active, not recruiting",
    "trialstatus:completed": "completed",
    "trialstatus:suspended": "suspended",
    "trialstatus:withdrawn": "withdrawn",
    "trialstatus:terminated": "terminated",
    "trialstatus:enrolling-by-invitation": "enrolling by invitation",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Turtle as text


def lit(text: str, lang: str | None = None) -> str:
    """A string literal, escaped for Turtle (optionally language-tagged)."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def en(text: str) -> str:
    return lit(text, "en")


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def boolean(value: bool) -> str:
    return "true" if value else "false"


_TYPED = re.compile(r"\^\^([A-Za-z]+):[A-Za-z]+$")


class TurtleFile:
    """One file's nodes, counted as they are added and written as Turtle text."""

    vocabulary: ClassVar[set[str]] = set()  # value-list terms used, checked after a run

    def __init__(self) -> None:
        self.nodes: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self.prefixes: set[str] = set()
        self.triples = 0

    def add(self, subject: str, pairs: Pairs) -> str:
        kept = []
        self._use(subject)
        for predicate, objects in pairs:
            if objects is None:
                continue
            values = [objects] if isinstance(objects, str) else sorted(set(objects))
            if not values:
                continue
            self._use(predicate)
            for value in values:
                self._use(value)
            kept.append((predicate, values))
            self.triples += len(values)
        self.nodes.append((subject, kept))
        return subject

    def append(self, subject: str, predicate: str, value: str) -> None:
        """Add one more object to a node already added."""
        for s, pairs in self.nodes:
            if s == subject:
                for p, values in pairs:
                    if p == predicate:
                        values.append(value)
                        break
                else:
                    pairs.append((predicate, [value]))
                    self._use(predicate)
                self._use(value)
                self.triples += 1
                return
        raise KeyError(subject)

    def _use(self, term: str) -> None:
        first = term[0]
        if first == '"':
            match = _TYPED.search(term)
            if match:
                self.prefixes.add(match.group(1))
        elif first.isalpha() and term not in ("a", "true", "false"):
            prefix = term.split(":", 1)[0]
            self.prefixes.add(prefix)
            if prefix in VOCAB_PREFIXES:
                TurtleFile.vocabulary.add(term)

    def text(self) -> str:
        out = [f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in sorted(self.prefixes)]
        for subject, pairs in self.nodes:
            out.append(f"\n{subject}\n")
            for predicate, values in pairs:
                if len(values) == 1:
                    out.append(f"    {predicate} {values[0]} ;\n")
                else:
                    joined = " ,\n        ".join(values)
                    out.append(f"    {predicate}\n        {joined} ;\n")
            out.append(".\n")
        return "".join(out)


# Criteria: (inclusion, slug, label, registered wording, topics, other statements)
P14D, P28D, P5Y, P6M, P1Y = (typed(d, "duration") for d in ("P14D", "P28D", "P5Y", "P6M", "P1Y"))
CONSENT = (True, "consent", "Signs the informed consent",
           "Voluntarily signs the informed consent form", "topic:consent", ())  # fmt: skip
SIMPLE_CRITERIA = (
    (True, "vascular-access", "Vascular access for leukapheresis",
     "Adequate vascular access for leukapheresis", "topic:vascular-access",
     (("cartkg:referenceTimepoint", "timepoint:leukapheresis"),)),
    (True, "no-active-infection", "No active infection before leukapheresis",
     "No active systemic infection within 2 weeks of leukapheresis", "topic:infection",
     (("cartkg:concernsDisease", TUBERCULOSIS), ("cartkg:windowBefore", P14D),
      ("cartkg:referenceTimepoint", "timepoint:leukapheresis"))),
    (False, "active-tb", "Active tuberculosis at screening", "Active tuberculosis at screening",
     "topic:infection", (("cartkg:concernsDisease", TUBERCULOSIS),
                         ("cartkg:referenceTimepoint", "timepoint:screening"))),
    (False, "viral-infection", "Active hepatitis B, hepatitis C or HIV infection",
     "Active hepatitis B or C, or HIV infection", "topic:infection", ()),
    (False, "autoimmune-comorbidity", "Another autoimmune disease needing systemic treatment",
     "Other autoimmune disease that needs systemic treatment", "topic:autoimmune-comorbidity", ()),
    (False, "transplant", "Prior stem cell or solid organ transplantation",
     "History of stem cell or solid organ transplantation", "topic:transplant", ()),
    (False, "drug-allergy", "Severe drug allergy", "History of severe allergy to any study drug",
     "topic:allergy", ()),
    (False, "imaging", "Lung imaging abnormalities not due to the disease",
     "Abnormalities on HRCT not due to the disease under study", "topic:imaging-finding",
     (("cartkg:concernsOrgan", "organ:lung"),)),
    (False, "immunodeficiency", "Congenital immunodeficiency",
     "Congenital or acquired immunodeficiency", "topic:immunodeficiency", ()),
    (False, "investigational-product", "Another investigational product within 28 days",
     "Another investigational product within 28 days or five half-lives",
     "topic:investigational-product",
     (("cartkg:referenceTimepoint", "timepoint:last-investigational-dose"),
      ("cartkg:windowBefore", P28D))),
    (False, "investigator-judgement", "Unsuitable in the investigator's judgement",
     "Any condition that makes the patient unsuitable in the investigator's judgement",
     "topic:investigator-judgement", ()),
    (False, "malignancy", "Malignancy within 5 years",
     "Malignancy within the past 5 years, except treated non-melanoma skin cancer",
     "topic:malignancy", (("cartkg:windowBefore", P5Y),)),
    (False, "pregnancy", "Pregnant, breastfeeding or planning pregnancy",
     "Pregnant, breastfeeding, or planning pregnancy within one year", "topic:pregnancy",
     (("cartkg:windowAfter", P1Y),)),
    (False, "prior-car-t", "Prior CAR-T or gene-modified cell therapy",
     "Any prior CAR-T or other gene-modified cell therapy", "topic:prior-car-t", ()),
    (False, "psychiatric", "Psychiatric disease or severe cognitive dysfunction",
     "Psychiatric disease or severe cognitive dysfunction", "topic:psychiatric-disorder", ()),
    (False, "b-cell-depletion", "B-cell depleting therapy within 6 months",
     "Rituximab or another B-cell depleting therapy within 6 months of leukapheresis",
     "topic:prior-therapy",
     (("cartkg:drug", "drug:rituximab"), ("cartkg:windowBefore", P6M),
      ("cartkg:referenceTimepoint", "timepoint:leukapheresis"))),
)  # fmt: skip
# Organ-function thresholds, one picked per line: (slug, label, measure, comparator, values, unit)
RENAL = (
    ("crcl", "Creatinine clearance at least {} mL/min", "measure:creatinine-clearance",
     "comparator:ge", ("30.0", "50.0", "60.0"), "unit:ml-per-min"),
    ("egfr", "eGFR at least {} mL/min/1.73 m2", "measure:egfr", "comparator:ge",
     ("30.0", "45.0", "60.0"), "unit:ml-per-min-per-1-73m2"),
)  # fmt: skip
MARROW = (
    (("anc", "ANC at least {}/uL", "measure:absolute-neutrophil-count", "comparator:ge",
      ("500.0", "1000.0"), "unit:per-ul"),
     ("anc", "ANC at least {} x 10^9/L", "measure:absolute-neutrophil-count", "comparator:ge",
      ("0.5", "1.0"), "unit:10e9-per-l")),
    (("alc", "Absolute lymphocyte count at least {}/uL", "measure:absolute-lymphocyte-count",
      "comparator:ge", ("100.0", "300.0", "500.0"), "unit:per-ul"),),
    (("hb", "Haemoglobin at least {} g/L", "measure:hemoglobin", "comparator:ge",
      ("80.0", "90.0"), "unit:g-per-l"),
     ("hb", "Haemoglobin at least {} g/dL", "measure:hemoglobin", "comparator:ge",
      ("8.0", "9.0"), "unit:g-per-dl")),
    (("platelets", "Platelets at least {} x 10^9/L", "measure:platelet-count", "comparator:ge",
      ("50.0", "75.0", "100.0"), "unit:10e9-per-l"),
     ("platelets", "Platelets at least {} x 10^3/uL", "measure:platelet-count", "comparator:ge",
      ("50.0", "75.0", "100.0"), "unit:10e3-per-ul")),
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Dates


@dataclass(frozen=True, order=True)
class Day:
    year: int
    month: int
    day: int

    def date(self) -> str:
        return typed(f"{self.year:04d}-{self.month:02d}-{self.day:02d}", "date")

    def year_month(self) -> str:
        return typed(f"{self.year:04d}-{self.month:02d}", "gYearMonth")

    def only_year(self) -> str:
        return typed(f"{self.year:04d}", "gYear")

    def words(self) -> str:
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def plus_months(self, months: int) -> Day:
        index = self.year * 12 + self.month - 1 + months
        return Day(index // 12, index % 12 + 1, self.day)


def random_day(rng: Random, first_year: int, last_year: int) -> Day:
    return Day(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def weighted(rng: Random, items: Sequence, weights: Sequence[int]):
    return rng.choices(items, weights=weights)[0]


def decimal(value: float) -> str:
    """A Turtle decimal literal (always with a point, never an exponent)."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


# ---------------------------------------------------------------------------------------------
# The generator


@dataclass
class Counts:
    files: int = 0
    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)

    def entity(self, kind: str, n: int = 1) -> None:
        self.entities[kind] = self.entities.get(kind, 0) + n


@dataclass
class Program:
    """What a program's trials need to know about it."""

    index: int
    key: str
    product: str
    product_label: str
    developer: str
    areas: tuple[Area, ...]
    in_vivo: bool
    file: TurtleFile
    sources: list[str]
    trials: list[str] = field(default_factory=list)


class Generator:
    # size model: a program file is ~75 triples, a trial file ~400 (criteria and their clauses
    # are most of it), a source ~9, an organization or person ~6
    TRIAL_BUDGET = (300, 520)
    TRIAL_MIN = 60  # a trial is never smaller than ~110 triples: start one for 60 or more
    UNIT_MIN = 330  # the smallest program unit worth starting: program, its sources, a trial

    def __init__(self, out: Path, target: int, seed: int):
        self.out = out
        self.target = target
        self.rng = Random(seed)
        self.counts = Counts()
        self.synthetic_triples = 0
        self.total = 0  # every data triple written so far, real and synthetic
        self.n_program = 0
        self.n_trial = 0
        self.n_source = 0
        estimated_trials = max(3, target // 480)
        self.companies = [f"synthetic-company-{i:04d}" for i in range(1, estimated_trials // 3 + 5)]
        self.hospitals = [
            f"synthetic-hospital-{i:04d}" for i in range(1, estimated_trials // 2 + 7)
        ]
        self.investigators = [
            f"synthetic-investigator-{i:04d}" for i in range(1, estimated_trials // 6 + 4)
        ]
        self.written_agents: set[str] = set()
        self.agent_country: dict[str, str] = {}
        self.agent_place: dict[str, tuple[str, str]] = {}  # hospital key: its label and city

    # -- files ------------------------------------------------------------------------------

    def write(self, folder: str, key: str, file: TurtleFile) -> None:
        path = self.out / "data" / folder / f"{key}.ttl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file.text(), encoding="utf-8")
        self.counts.files += 1
        self.synthetic_triples += file.triples
        self.total += file.triples

    def source(self, kind: str, about: str, year_range: tuple[int, int] = (2020, 2026)) -> str:
        """Write a synthetic source document and return its CURIE."""
        rng = self.rng
        self.n_source += 1
        key = f"synthetic-source-{self.n_source:06d}"
        reliability, what = SOURCE_KINDS[kind]
        issued = random_day(rng, *year_range)
        precision = rng.random()
        f = TurtleFile()
        f.add(
            f"source:{key}",
            [
                ("a", "cartkg:Source"),
                (
                    "dcterms:issued",
                    issued.date()
                    if precision < 0.8
                    else issued.year_month()
                    if precision < 0.93
                    else issued.only_year(),
                ),
                ("dcterms:publisher", lit(f"Synthetic publisher {rng.randint(1, 40)}")),
                ("dcterms:title", en(f"[Synthetic] {what} {self.n_source} on {about}")),
                (
                    "skos:editorialNote",
                    en("A synthetic document made up for benchmarks; it does not exist."),
                ),
                ("schema:url", typed(f"https://example.org/synthetic/{key}", "anyURI")),
                ("cartkg:accessDate", Day(2026, rng.randint(1, 11), rng.randint(1, 28)).date()),
                ("cartkg:reliability", reliability),
                ("cartkg:sourceType", kind),
            ],
        )
        self.write("sources", key, f)
        self.counts.entity("sources")
        return f"source:{key}"

    def company(self, key: str, cite: str) -> str:
        if key not in self.written_agents:
            rng = self.rng
            number = int(key.rsplit("-", 1)[1])
            country = weighted(rng, *zip(*COUNTRIES, strict=True))
            f = TurtleFile()
            f.add(
                f"organization:{key}",
                [
                    ("a", "cartkg:Company"),
                    ("rdfs:label", lit(f"Synthetic company {number}")),
                    ("dcterms:source", cite),
                    (
                        "rdfs:comment",
                        en(
                            f"Synthetic company {number}, made up for benchmarks, develops "
                            "engineered cell therapies for autoimmune diseases."
                        ),
                    ),
                    ("cartkg:city", lit(f"Synthetic city {rng.randint(1, 60)}")),
                    ("cartkg:country", country),
                ],
            )
            self.write("organizations", key, f)
            self.written_agents.add(key)
            self.agent_country[key] = country
            self.counts.entity("organizations")
        return f"organization:{key}"

    def hospital(self, key: str, cite: str) -> str:
        if key not in self.written_agents:
            rng = self.rng
            number = int(key.rsplit("-", 1)[1])
            country = weighted(rng, *zip(*COUNTRIES, strict=True))
            academic = rng.random() < 0.3
            label = f"Synthetic {'university' if academic else 'hospital'} {number}"
            city = f"Synthetic city {rng.randint(1, 60)}"
            f = TurtleFile()
            f.add(
                f"organization:{key}",
                [
                    (
                        "a",
                        "cartkg:AcademicInstitution"
                        if academic
                        else "cartkg:HealthcareOrganization",
                    ),
                    ("rdfs:label", lit(label)),
                    ("dcterms:source", cite),
                    ("cartkg:city", lit(city)),
                    ("cartkg:country", country),
                ],
            )
            self.write("organizations", key, f)
            self.written_agents.add(key)
            self.agent_country[key] = country
            self.agent_place[key] = (label, city)
            self.counts.entity("organizations")
        return f"organization:{key}"

    def investigator(self, key: str, cite: str) -> tuple[str, str]:
        """An investigator (written in data/organizations/ as the real people are) and employer."""
        number = int(key.rsplit("-", 1)[1])
        employer_key = self.hospitals[(number * 7) % len(self.hospitals)]
        employer = self.hospital(employer_key, cite)
        if key not in self.written_agents:
            f = TurtleFile()
            f.add(
                f"person:{key}",
                [
                    ("a", "cartkg:Person"),
                    ("rdfs:label", lit(f"Synthetic investigator {number}")),
                    ("dcterms:source", cite),
                    ("rdfs:comment", en("A made-up investigator of synthetic trials.")),
                    ("cartkg:affiliation", employer),
                ],
            )
            self.write("organizations", key, f)
            self.written_agents.add(key)
            self.counts.entity("people")
        return f"person:{key}", employer_key

    # -- the main loop ------------------------------------------------------------------------

    def run(self) -> None:
        while self.target - self.total >= self.UNIT_MIN:
            program = self.start_program()
            planned = self.rng.choice((1, 1, 2, 2, 2, 3, 4))
            while True:
                remaining = self.target - self.total - program.file.triples - 1
                made = len(program.trials)
                if made and remaining < self.TRIAL_MIN:
                    break
                if made >= planned and remaining >= self.UNIT_MIN + 100:
                    break
                budget = self.rng.randint(*self.TRIAL_BUDGET)
                # what would be too little for another unit goes to this trial, or to this and
                # the next when it is more than one trial holds
                if remaining - budget < self.UNIT_MIN + 100:
                    budget = (
                        remaining if remaining <= self.TRIAL_BUDGET[1] + 100 else remaining // 2
                    )
                self.trial(program, budget)
            self.finish_program(program)

    # -- programs -----------------------------------------------------------------------------

    def start_program(self) -> Program:
        rng = self.rng
        self.n_program += 1
        n = self.n_program
        key = f"synthetic-program-{n:05d}"
        product_key = f"synthetic-product-{n:05d}"
        product_label = f"Synthetic product {n}"
        targets, _, receptor, binder_format = weighted(rng, TARGETS, [t[1] for t in TARGETS])
        if receptor == "CAAR":
            area = next(a for a in AREAS if a.name == ("PV" if "DSG3" in targets[0] else "MG"))
            areas: tuple[Area, ...] = (area,)
        else:
            count = rng.choice((1, 1, 2, 3))
            picked: list[Area] = []
            while len(picked) < count:
                area = weighted(rng, AREAS, [a.weight for a in AREAS])
                if area not in picked:
                    picked.append(area)
            areas = tuple(picked)
        cell_source, cell_type, platforms, _ = weighted(rng, CELLS, [c[3] for c in CELLS])
        if receptor == "CAAR" or cell_type == "celltype:regulatory-t-cell":
            cell_source, cell_type, platforms = CELLS[0][:3]
        developer_key = self.companies[rng.randrange(len(self.companies))]
        about = f"Synthetic program {n}"
        sources = [self.source("sourcetype:company-website", about)]
        if rng.random() < 0.7:
            sources.append(self.source("sourcetype:journal-article", about))
        if rng.random() < 0.3:
            sources.append(self.source("sourcetype:news-article", about))
        developer = self.company(developer_key, sources[0])
        company_number = int(developer_key.rsplit("-", 1)[1])
        licensor = None
        if rng.random() < 0.2:
            other = self.companies[rng.randrange(len(self.companies))]
            if other != developer_key:
                licensor = self.company(other, sources[0])

        f = TurtleFile()
        indications = sorted({d for a in areas for d in a.diseases[: rng.randint(2, 3)]})
        if rng.random() < 0.1 and receptor == "CAR" and "antigen:CD19" in targets:
            indications.append(LYMPHOMA)
        f.add(
            f"program:{key}",
            [
                ("a", "cartkg:TherapyProgram"),
                ("rdfs:label", lit(f"Synthetic program {n} (Synthetic company {company_number})")),
                ("dcterms:source", sources),
                (
                    "rdfs:comment",
                    en(
                        f"A synthetic program, made up for benchmarks: {product_label} in "
                        + ", ".join(a.name for a in areas)
                        + "."
                    ),
                ),
                ("cartkg:developer", developer),
                ("cartkg:developmentStatus", rng.choice(DEVSTATUS)),
                ("cartkg:indication", indications),
                ("cartkg:licensor", licensor),
                ("cartkg:product", f"product:{product_key}"),
            ],
        )
        in_vivo = cell_source is None
        names = [f"SYN-{n:05d}"]
        f.add(
            f"product:{product_key}",
            [
                (
                    "a",
                    "cartkg:InVivoCARTherapy" if in_vivo else "cartkg:EngineeredCellTherapyProduct",
                ),
                ("rdfs:label", lit(product_label)),
                ("dcterms:source", sources),
                (
                    "rdfs:comment",
                    en(
                        f"A synthetic {'in vivo CAR therapy' if in_vivo else 'cell therapy'} "
                        f"directed at {' and '.join(t.split(':')[1] for t in targets)}."
                    ),
                ),
                ("cartkg:cellSource", cell_source),
                ("cartkg:cellType", cell_type),
                ("cartkg:codeName", [lit(x) for x in names]),
                ("cartkg:formerName", lit(f"SYN-{n:05d}-A") if rng.random() < 0.2 else None),
                ("cartkg:hasConstruct", f"construct:{product_key}"),
                (
                    "cartkg:inn",
                    lit(f"synthecabtagene autoleucel {n}") if rng.random() < 0.3 else None,
                ),
                ("cartkg:platform", list(platforms)),
            ],
        )
        costims = rng.choice(COSTIMS)
        generation = "3" if len(costims) == 2 else "2"
        f.add(
            f"construct:{product_key}",
            [
                (
                    "a",
                    "cartkg:CARConstruct"
                    if receptor == "CAR"
                    else "cartkg:ChimericAutoantibodyReceptor",
                ),
                ("rdfs:label", lit(f"{product_label} receptor construct")),
                ("dcterms:source", sources),
                (
                    "rdfs:comment",
                    en(f"A synthetic generation-{generation} receptor; no such construct exists."),
                ),
                ("cartkg:binderFormat", binder_format),
                ("cartkg:binderOrigin", rng.choice(BINDER_ORIGINS) if receptor == "CAR" else None),
                ("cartkg:costimulatoryDomain", list(costims)),
                ("cartkg:generation", generation),
                ("cartkg:signallingDomain", "domain:CD3z"),
                (
                    "cartkg:targetAntigen" if receptor == "CAR" else "cartkg:presentsAutoantigen",
                    list(targets),
                ),
                (
                    "cartkg:verification",
                    rng.choice(("verification:single-source", "verification:verified")),
                ),
            ],
        )
        self.counts.entity("programs")
        self.counts.entity("products")
        program = Program(
            n, key, f"product:{product_key}", product_label, developer_key, areas, in_vivo, f,
            sources,
        )  # fmt: skip
        # near the end, a lean program leaves room for its trial
        self.designations_and_readouts(
            program, indications, lean=self.target - self.total < 2 * self.UNIT_MIN
        )
        return program

    def finish_program(self, program: Program) -> None:
        for trial in program.trials:
            program.file.append(f"program:{program.key}", "cartkg:trial", trial)
        self.write("programs", program.key, program.file)

    def designations_and_readouts(
        self, program: Program, indications: list[str], lean: bool
    ) -> None:
        """Regulatory events and readouts; an IND clearance names the program's first trial."""
        rng = self.rng
        f = program.file
        first_trial = f"trial:NCT9{self.n_trial + 1:07d}"  # every program gets at least one
        n_designations = rng.choice((0, 1) if lean else (0, 1, 1, 2, 2, 3, 3, 4))
        used: set[str] = set()
        for i in range(1, n_designations + 1):
            kind, agency, basis, _, needs_trial = weighted(
                rng, DESIGNATIONS, [d[3] for d in DESIGNATIONS]
            )
            indication = rng.choice([d for d in indications if d != LYMPHOMA])
            slug = f"{kind.split(':')[1].lower()}-{agency}-{indication.split(':')[1]}"
            if slug in used:
                continue
            used.add(slug)
            announced = random_day(rng, 2021, 2026)
            granted = announced.plus_months(-1) if rng.random() < 0.3 else None
            note = None if granted else en("Synthetic: announced without the date of the grant.")
            words = DESIGNATION_WORDS[kind]
            if kind == "cartkg:INDClearance":
                words = f"{agency.upper()} {words}"
            cite = self.source(
                "sourcetype:press-release", f"the {words} of {program.product_label}"
            )
            f.add(
                f"designation:synthetic-product-{program.index:05d}-{i}",
                [
                    ("a", kind),
                    ("rdfs:label", lit(f"Synthetic: {words} of {program.product_label}")),
                    ("dcterms:source", cite),
                    ("skos:editorialNote", note),
                    ("cartkg:agency", f"organization:{agency}"),
                    ("cartkg:dateAnnounced", announced.date()),
                    ("cartkg:dateGranted", granted.date() if granted else None),
                    ("cartkg:designationFor", program.product),
                    ("cartkg:forTrial", first_trial if needs_trial else None),
                    ("cartkg:indication", indication),
                    ("cartkg:legalBasis", lit(basis) if basis else None),
                ],
            )
            self.counts.entity("designations")
        if LYMPHOMA in indications and not lean and rng.random() < 0.5:
            cite = self.source(
                "sourcetype:press-release", f"the approval of {program.product_label}"
            )
            f.add(
                f"designation:synthetic-product-{program.index:05d}-approval",
                [
                    ("a", "cartkg:MarketingApproval"),
                    ("rdfs:label", lit(f"Synthetic: NMPA approval of {program.product_label}")),
                    ("dcterms:source", cite),
                    ("cartkg:agency", "organization:nmpa"),
                    ("cartkg:dateAnnounced", random_day(rng, 2021, 2025).date()),
                    ("cartkg:designationFor", program.product),
                    ("cartkg:indication", LYMPHOMA),
                ],
            )
            self.counts.entity("designations")
        company = f"organization:{program.developer}"
        measures = sorted({m for a in program.areas for m in a.endpoints})
        for i in range(1, rng.choice((0,) if lean else (0, 1, 1, 2, 2)) + 1):
            f.add(
                f"readout:synthetic-program-{program.index:05d}-efficacy-{i}",
                [
                    ("a", "cartkg:EfficacyReadout"),
                    ("rdfs:label", lit(f"Synthetic: patients on {program.product_label}, {i}")),
                    ("dcterms:source", program.sources[0]),
                    ("cartkg:afterProduct", program.product),
                    (
                        "cartkg:finding",
                        en("Synthetic finding: deep B-cell depletion and drug-free responses."),
                    ),
                    ("cartkg:measure", ["measure:b-cell-count", rng.choice(measures)]),
                    ("cartkg:patientCount", str(rng.randint(2, 40))),
                    ("cartkg:reportedOn", random_day(rng, 2023, 2026).date()),
                    ("cartkg:statedBy", company),
                    ("cartkg:verification", "verification:single-source"),
                ],
            )
            self.counts.entity("readouts")
        if not lean and rng.random() < 0.5:
            f.add(
                f"readout:synthetic-program-{program.index:05d}-safety",
                [
                    ("a", "cartkg:SafetySummary"),
                    ("rdfs:label", lit(f"Synthetic: safety of {program.product_label}")),
                    ("dcterms:source", program.sources[0]),
                    ("cartkg:afterProduct", program.product),
                    ("cartkg:finding", en("Synthetic finding: a manageable safety profile.")),
                    ("cartkg:maximumGrade", str(rng.randint(0, 3))),
                    ("cartkg:patientCount", str(rng.randint(2, 40))),
                    ("cartkg:reportedOn", random_day(rng, 2023, 2026).year_month()),
                    ("cartkg:statedBy", company),
                ],
            )
            self.counts.entity("readouts")

    # -- trials -------------------------------------------------------------------------------

    def trial(self, program: Program, budget: int) -> None:
        Trial(self, program, budget).make()


class Trial:
    """One synthetic trial file, modelled on data/trials/NCT06328777.ttl and NCT06414135.ttl."""

    def __init__(self, gen: Generator, program: Program, budget: int):
        self.gen = gen
        self.rng = gen.rng
        self.program = program
        self.budget = budget
        gen.n_trial += 1
        self.number = gen.n_trial
        self.nct = f"NCT9{self.number:07d}"
        self.trial = f"trial:{self.nct}"
        self.f = TurtleFile()
        self.inclusion = 0
        self.exclusion = 0
        self.criteria: list[str] = []
        self.area = self.rng.choice(program.areas)
        self.disease = self.rng.choice(self.area.diseases)
        self.small = budget < 300

    # criteria helpers

    def clause(self, slug: str, label: str, pairs: Pairs = ()) -> str:
        key = f"criterion:{self.nct}-{slug}"
        self.f.add(
            key,
            [
                ("a", "cartkg:CriterionClause"),
                ("rdfs:label", lit(f"Synthetic: {label}")),
                ("dcterms:source", self.registry),
                *pairs,
            ],
        )
        return key

    def threshold(
        self, slug: str, label: str, measure: str, comparator: str, value: str, unit: str,
        pairs: Pairs = (),
    ) -> str:  # fmt: skip
        return self.clause(
            slug,
            label,
            [
                ("cartkg:comparator", comparator),
                ("cartkg:measure", measure),
                ("cartkg:quantityValue", value),
                ("cartkg:unit", unit),
                *pairs,
            ],
        )

    def criterion(
        self, inclusion: bool, slug: str, label: str, text: str, topics: str | Sequence[str],
        pairs: Pairs = (),
    ) -> str:  # fmt: skip
        if inclusion:
            self.inclusion += 1
            position, cls, prefix = self.inclusion, "cartkg:InclusionCriterion", "inc"
        else:
            self.exclusion += 1
            position, cls, prefix = self.exclusion, "cartkg:ExclusionCriterion", "exc"
        key = f"criterion:{self.nct}-{prefix}-{slug}"
        self.f.add(
            key,
            [
                ("a", cls),
                ("rdfs:label", lit(f"Synthetic: {label}")),
                ("dcterms:source", self.registry),
                ("cartkg:position", str(position)),
                ("cartkg:topic", topics),
                ("cartkg:verbatimText", lit(text)),
                *pairs,
            ],
        )
        self.criteria.append(key)
        return key

    # the trial

    def make(self) -> None:
        gen, rng, program = self.gen, self.rng, self.program
        started = gen.total
        about = f"synthetic trial {self.nct}"
        self.registry = gen.source("sourcetype:registry-record", about)
        sources = [self.registry]
        if not self.small:
            sources.append(gen.source("sourcetype:registry-mirror", about))
            if rng.random() < 0.4:
                sources.append(gen.source("sourcetype:congress-abstract", about))
        investigator_sponsored = rng.random() < 0.2
        if investigator_sponsored:
            key = gen.investigators[rng.randrange(len(gen.investigators))]
            sponsor, home = gen.investigator(key, self.registry)
            chair = sponsor
        else:
            sponsor = gen.company(program.developer, self.registry)
            home, chair = None, None
        sites = self.sites(home)
        self.endpoints = []
        phases = rng.choice(PHASES)
        first = random_day(rng, 2020, 2025)
        f = self.f

        status_obs, enrollment, dates = self.timeline(first)
        cohorts = [] if self.small else self.cohorts()
        dose, regimen = (None, None) if self.small else self.dose_and_regimen()
        self.make_endpoints()
        events, dmc = ([], None) if self.small else self.safety_events(sources)
        readouts = [] if self.small else self.readouts(cohorts)

        acronym = f"SYN-{self.area.name.upper()}-{self.number}" if rng.random() < 0.5 else None
        phase_words = PHASE_WORDS[phases]
        disease_label = self.area.classification.split(" for ")[-1]
        self.trial_pairs: Pairs = [
            ("a", "cartkg:ClinicalTrial"),
            (
                "rdfs:label",
                lit(f"Synthetic trial {self.nct}: {program.product_label} in {self.area.name}"),
            ),
            ("dcterms:source", sources),
            (
                "rdfs:comment",
                en(
                    f"A synthetic {phase_words} trial, made up for benchmarks, of "
                    f"{program.product_label} in {self.area.name}."
                ),
            ),
            ("rdfs:seeAlso", f"<https://example.org/synthetic/registry/{self.nct}>"),
            ("cartkg:acronym", lit(acronym) if acronym else None),
            ("cartkg:allocation", None if self.small else "allocation:non-randomized"),
            ("cartkg:briefTitle", lit(f"{program.product_label} for {disease_label} (synthetic)")),
            ("cartkg:cohort", cohorts),
            ("cartkg:dataMonitoringCommittee", dmc),
            ("cartkg:dose", dose),
            ("cartkg:eligibleSex", "sex:all"),
            ("cartkg:endpoint", self.endpoints),
            ("cartkg:enrollment", enrollment),
            ("cartkg:indication", self.disease),
            ("cartkg:interventionModel", None if self.small else "model:single-group"),
            ("cartkg:keyword", [lit("Synthetic"), lit("CAR T Cell Therapy")]),
            ("cartkg:lymphodepletion", regimen),
            ("cartkg:masking", "masking:none"),
            ("cartkg:nctId", lit(self.nct)),
            (
                "cartkg:officialTitle",
                lit(
                    f"A synthetic {phase_words} open-label study of {program.product_label} "
                    f"in {disease_label}"
                ),
            ),
            ("cartkg:phase", list(phases)),
            ("cartkg:primaryPurpose", None if self.small else "purpose:treatment"),
            ("cartkg:route", None if program.in_vivo else "dosing:intravenous"),
            ("cartkg:site", sites),
            ("cartkg:sponsor", sponsor),
            ("cartkg:statusObservation", status_obs),
            ("cartkg:studiesProduct", program.product),
            ("cartkg:studyChair", chair),
            ("cartkg:studyType", "studytype:interventional"),
            ("cartkg:trialDate", dates),
        ]
        # the trial node's triples, counted before it is added (its criteria come last)
        base = sum(
            0 if v is None else 1 if isinstance(v, str) else len(set(v))
            for _, v in self.trial_pairs
        )
        extra = gen.total - started  # sources and organizations written for this trial

        def room() -> int:
            return self.budget - (extra + f.triples + base + len(self.criteria))

        self.eligibility(room)
        f.add(self.trial, [*self.trial_pairs, ("cartkg:eligibilityCriterion", self.criteria)])
        f.nodes.insert(0, f.nodes.pop())  # the trial first, as a reader expects
        program.trials.append(self.trial)
        gen.write("trials", self.nct, f)
        gen.counts.entity("trials")
        gen.counts.entity("criteria", len(self.criteria))
        gen.counts.entity("safety events", len(events))
        gen.counts.entity("readouts", len(readouts))

    def sites(self, home: str | None) -> list[str]:
        gen, rng = self.gen, self.rng
        keys = [home] if home else []
        wanted = 1 if self.small else rng.choice((1, 1, 2, 2, 3, 4, 6))
        while len(keys) < wanted:
            key = gen.hospitals[rng.randrange(len(gen.hospitals))]
            if key not in keys:
                keys.append(key)
        sites = []
        for key in keys:
            organization = gen.hospital(key, self.registry)
            name, city = gen.agent_place[key]
            site = f"site:{self.nct}-{key.removeprefix('synthetic-')}"
            self.f.add(
                site,
                [
                    ("a", "cartkg:TrialSite"),
                    ("rdfs:label", lit(f"Synthetic trial {self.nct} site: {name}")),
                    ("dcterms:source", self.registry),
                    ("cartkg:city", lit(city)),
                    ("cartkg:country", gen.agent_country[key]),
                    ("cartkg:facility", organization),
                ],
            )
            sites.append(site)
        return sites

    def timeline(self, first: Day) -> tuple[list[str], list[str], list[str]]:
        """Dated status observations, enrollment counts and trial dates."""
        rng, f, nct = self.rng, self.f, self.nct
        path = rng.choice(STATUS_PATHS)
        if self.small:
            path = path[:1]
        statuses = []
        day = first
        for status in path:
            words = STATUS_WORDS[status]
            precision = rng.random()
            as_of = (
                day.date()
                if precision < 0.85
                else day.year_month()
                if precision < 0.95
                else day.only_year()
            )
            key = f"observation:{nct}-status-{day.year:04d}-{day.month:02d}-{day.day:02d}"
            f.add(
                key,
                [
                    ("a", "cartkg:StatusObservation"),
                    ("rdfs:label", lit(f"Synthetic trial {nct} {words} ({day.words()})")),
                    ("dcterms:source", self.registry),
                    ("cartkg:asOf", as_of),
                    ("cartkg:status", status),
                ],
            )
            statuses.append(key)
            day = day.plus_months(rng.randint(3, 14))
        planned = rng.choice((6, 9, 12, 12, 15, 18, 20, 24, 30, 40))
        enrollment = [
            f.add(
                f"observation:{nct}-enrollment-planned",
                [
                    ("a", "cartkg:EnrollmentCount"),
                    ("rdfs:label", lit(f"Synthetic trial {nct} estimated enrollment: {planned}")),
                    ("dcterms:source", self.registry),
                    ("cartkg:asOf", first.date()),
                    ("cartkg:count", str(planned)),
                    ("cartkg:isEstimate", "true"),
                ],
            )
        ]
        if not self.small and len(path) > 1:
            actual = 0 if path[-1] == "trialstatus:withdrawn" else rng.randint(1, planned)
            enrollment.append(
                f.add(
                    f"observation:{nct}-enrollment-actual",
                    [
                        ("a", "cartkg:EnrollmentCount"),
                        ("rdfs:label", lit(f"Synthetic trial {nct} enrolled: {actual}")),
                        ("dcterms:source", self.registry),
                        ("cartkg:asOf", day.date()),
                        ("cartkg:count", str(actual)),
                        ("cartkg:isEstimate", "false"),
                    ],
                )
            )
        dates = []
        milestones = [("datekind:first-posted", first, False, "date")]
        if not self.small:
            start = first.plus_months(rng.randint(0, 4))
            milestones += [
                ("datekind:start", start, rng.random() < 0.5, "date"),
                (
                    "datekind:primary-completion",
                    start.plus_months(rng.randint(18, 36)),
                    True,
                    "month",
                ),
                ("datekind:completion", start.plus_months(rng.randint(36, 72)), True, "month"),
            ]
        for kind, when, estimate, precision in milestones:
            slug = kind.split(":")[1]
            date = when.date() if precision == "date" else when.year_month()
            dates.append(
                f.add(
                    f"observation:{nct}-{slug}",
                    [
                        ("a", "cartkg:TrialDate"),
                        ("rdfs:label", lit(f"Synthetic trial {nct} {slug.replace('-', ' ')}")),
                        ("dcterms:source", self.registry),
                        ("cartkg:asOf", first.date()),
                        ("cartkg:date", date),
                        ("cartkg:dateKind", kind),
                        ("cartkg:isEstimate", boolean(estimate)),
                    ],
                )
            )
        return statuses, enrollment, dates

    def cohorts(self) -> list[str]:
        rng, area = self.rng, self.area
        if not area.organs or rng.random() < 0.4:
            return []
        organs = list(area.organs)
        rng.shuffle(organs)
        cohorts = []
        for i, organ in enumerate(organs[: rng.randint(1, 3)], 1):
            name = organ.split(":")[1]
            allowed = [o for o in area.organs if o != organ][:1] if rng.random() < 0.4 else []
            cohorts.append(
                self.f.add(
                    f"cohort:{self.nct}-{name}",
                    [
                        ("a", "cartkg:Cohort"),
                        ("rdfs:label", lit(f"Synthetic cohort {i}: {name} involvement")),
                        ("dcterms:source", self.registry),
                        ("cartkg:allowedInvolvement", allowed),
                        ("cartkg:armType", "armtype:experimental"),
                        ("cartkg:definingInvolvement", organ),
                        (
                            "cartkg:indication",
                            self.area.diseases[1] if len(area.diseases) > 1 and i == 2 else None,
                        ),
                        ("cartkg:plannedSize", str(rng.choice((3, 6, 6, 9, 12)))),
                        (
                            "cartkg:population",
                            en(f"Synthetic population: adults with {name} involvement."),
                        ),
                    ],
                )
            )
        return cohorts

    def dose_and_regimen(self) -> tuple[str | None, str | None]:
        rng, f, nct = self.rng, self.f, self.nct
        if self.program.in_vivo:
            return None, None
        weight_based = rng.random() < 0.6
        amount = rng.choice((0.5, 1.0, 1.0, 2.0, 5.0))
        value, unit = (
            (amount * 1e6, "unit:cells-per-kg") if weight_based else (amount * 1e8, "unit:cells")
        )
        dose = f.add(
            f"dose:{nct}",
            [
                ("a", "cartkg:Dose"),
                ("rdfs:label", lit(f"Synthetic trial {nct} dose")),
                ("dcterms:source", self.registry),
                (
                    "cartkg:dosingScheme",
                    [
                        "dosing:intravenous",
                        "dosing:single-infusion",
                        "dosing:weight-based" if weight_based else "dosing:fixed-dose",
                    ]
                    + (["dosing:dose-escalation"] if rng.random() < 0.3 else []),
                ),
                ("cartkg:quantityValue", decimal(value)),
                ("cartkg:unit", unit),
            ],
        )
        if rng.random() < 0.85:
            drugs = [
                (
                    "fludarabine",
                    "drug:fludarabine",
                    rng.choice((25.0, 30.0)),
                    "unit:mg-per-m2-per-day",
                    -5,
                    -3,
                ),
                (
                    "cyclophosphamide",
                    "drug:cyclophosphamide",
                    rng.choice((250.0, 300.0, 500.0, 1000.0)),
                    "unit:mg-per-m2",
                    -3,
                    -3,
                ),
            ]
        else:
            drugs = [("bendamustine", "drug:bendamustine", 90.0, "unit:mg-per-m2-per-day", -4, -3)]
        components = []
        for name, drug, amount_mg, dose_unit, first, last in drugs:
            components.append(
                f.add(
                    f"regimen:{nct}-{name}",
                    [
                        ("a", "cartkg:RegimenComponent"),
                        (
                            "rdfs:label",
                            lit(f"Synthetic: {name} {decimal(amount_mg)}, days {first} to {last}"),
                        ),
                        ("dcterms:source", self.registry),
                        ("cartkg:drug", drug),
                        ("cartkg:fromDay", str(first)),
                        ("cartkg:quantityValue", decimal(amount_mg)),
                        ("cartkg:toDay", str(last)),
                        ("cartkg:unit", dose_unit),
                    ],
                )
            )
        regimen = f.add(
            f"regimen:{nct}",
            [
                ("a", "cartkg:LymphodepletionRegimen"),
                ("rdfs:label", lit(f"Synthetic trial {nct} lymphodepletion")),
                ("dcterms:source", self.registry),
                ("cartkg:component", components),
            ],
        )
        return dose, regimen

    def make_endpoints(self) -> None:
        rng = self.rng
        primary = [("adverse-events", "Occurrence and severity of adverse events")]
        if rng.random() < 0.5:
            primary.append(("dose-limiting-toxicity", "Dose-limiting toxicities"))
        secondary = [(m.split(":")[1], f"Change in {m.split(':')[1]}") for m in self.area.endpoints]
        secondary += [("pharmacokinetics", "CAR T cell expansion and persistence")]
        if rng.random() < 0.5:
            secondary.append(("vital-signs", "Changes in vital signs"))
        if self.small:
            secondary = secondary[:1]
        for kind, items in (("Primary", primary), ("Secondary", secondary)):
            for position, (measure, label) in enumerate(items, 1):
                months = rng.choice((1, 3, 6, 12, 24, 36)) if kind == "Secondary" else 1
                frame, duration = (
                    ("up to 28 days after infusion", "P28D")
                    if months == 1
                    else (f"up to {months} months after infusion", f"P{months}M")
                )
                self.endpoints.append(
                    self.f.add(
                        f"endpoint:{self.nct}-{measure}",
                        [
                            ("a", f"cartkg:{kind}Endpoint"),
                            ("rdfs:label", lit(f"Synthetic: {label}")),
                            ("dcterms:source", self.registry),
                            ("cartkg:measure", f"measure:{measure}"),
                            ("cartkg:position", str(position)),
                            ("cartkg:timeFrame", lit(frame)),
                            ("cartkg:timeFrameDuration", typed(duration, "duration")),
                        ],
                    )
                )

    def safety_events(self, sources: list[str]) -> tuple[list[str], str | None]:
        gen, rng, f, nct, product = self.gen, self.rng, self.f, self.nct, self.program.product
        n = rng.choice((0, 0, 1, 1, 2, 3))
        if n == 0:
            return [], None
        news = gen.source("sourcetype:news-article", f"safety in synthetic trial {nct}")
        dmc = None
        events = []
        kinds = list(SAFETY_KINDS)
        rng.shuffle(kinds)
        for i, (cls, words, scale, grades, onset, treatments) in enumerate(kinds[:n], 1):
            grade = rng.choice(grades)
            day = rng.randint(*onset)
            key = f"event:{nct}-{cls.split(':')[1].lower()}-{i}"
            context = review = None
            if i == 1 and rng.random() < 0.25:
                dmc_key = f"{nct.lower()}-dmc"
                dmc = f"organization:{dmc_key}"
                committee = TurtleFile()
                committee.add(
                    dmc,
                    [
                        ("a", "cartkg:DataMonitoringCommittee"),
                        ("rdfs:label", lit(f"Synthetic trial {nct} data monitoring committee")),
                        ("dcterms:source", news),
                        ("rdfs:comment", en(f"The made-up committee of synthetic trial {nct}.")),
                    ],
                )
                gen.write("organizations", dmc_key, committee)
                gen.counts.entity("organizations")
                context = f.add(
                    f"event:{nct}-deviation-{i}",
                    [
                        ("a", "cartkg:ProtocolDeviation"),
                        ("rdfs:label", lit(f"Synthetic trial {nct}: protocol deviation")),
                        ("dcterms:source", news),
                        (
                            "rdfs:comment",
                            en(
                                "Synthetic deviation: a fever before the infusion was not reported."
                            ),
                        ),
                        ("cartkg:dayRelativeToInfusion", str(-rng.randint(1, 5))),
                        ("cartkg:verification", "verification:single-source"),
                    ],
                )
                review = f.add(
                    f"event:{nct}-review-{i}",
                    [
                        ("a", "cartkg:OversightReview"),
                        ("rdfs:label", lit(f"Synthetic trial {nct}: committee review")),
                        ("dcterms:source", news),
                        (
                            "cartkg:addedRequirement",
                            en("Synthetic requirement: confirm no fever before the infusion."),
                        ),
                        (
                            "cartkg:decision",
                            rng.choice(
                                (
                                    "decision:continue-unchanged",
                                    "decision:continue-with-requirements",
                                    "decision:pause",
                                )
                            ),
                        ),
                        ("cartkg:reviewer", dmc),
                    ],
                )
            events.append(
                f.add(
                    key,
                    [
                        ("a", cls),
                        ("rdfs:label", lit(f"Synthetic trial {nct}: {words} on day {day}")),
                        ("dcterms:source", [news, sources[0]]),
                        ("cartkg:afterProduct", product),
                        ("cartkg:context", context),
                        ("cartkg:durationDays", str(rng.randint(1, 14))),
                        ("cartkg:forTrial", self.trial),
                        ("cartkg:grade", str(grade)),
                        ("cartkg:gradingScale", scale),
                        ("cartkg:lifeThreatening", boolean(grade >= 4)),
                        ("cartkg:manifestation", en(f"Synthetic manifestation of {words}.")),
                        ("cartkg:onsetDay", str(day)),
                        ("cartkg:outcome", rng.choice(OUTCOMES)),
                        ("cartkg:oversightResponse", review),
                        ("cartkg:patientCount", str(rng.choice((1, 1, 1, 2, 3)))),
                        ("cartkg:serious", boolean(grade >= 3)),
                        ("cartkg:treatment", list(rng.choice(treatments))),
                        ("cartkg:verification", "verification:single-source"),
                    ],
                )
            )
        return events, dmc

    def readouts(self, cohorts: list[str]) -> list[str]:
        rng = self.rng
        if rng.random() < 0.6:
            return []
        months = rng.choice((3, 6, 12))
        return [
            self.f.add(
                f"readout:{self.nct}-{months}-months",
                [
                    ("a", "cartkg:EfficacyReadout"),
                    ("rdfs:label", lit(f"Synthetic trial {self.nct}: readout at {months} months")),
                    ("dcterms:source", self.registry),
                    ("cartkg:afterProduct", self.program.product),
                    (
                        "cartkg:finding",
                        en("Synthetic finding: improvement after stopping immunosuppressants."),
                    ),
                    ("cartkg:forTrial", self.trial),
                    ("cartkg:inCohort", cohorts[0] if cohorts else None),
                    ("cartkg:indication", self.disease),
                    ("cartkg:measure", list(self.area.endpoints[:2])),
                    ("cartkg:patientCount", str(rng.randint(1, 12))),
                    ("cartkg:timePoint", typed(f"P{months}M", "duration")),
                    ("cartkg:verification", "verification:single-source"),
                ],
            )
        ]

    # eligibility

    def eligibility(self, room: Callable[[], int]) -> None:
        """Consent, age and diagnosis, then other criteria in random order until the budget."""
        rng = self.rng
        self.simple(CONSENT)
        self.inc_age()
        if room() > 0:
            self.inc_diagnosis()
        inclusions: list[Callable[[], None]] = [
            self.inc_activity, self.inc_refractory, self.inc_pregnancy_test,
            self.inc_contraception, self.inc_steroid_dose,
        ]  # fmt: skip
        exclusions: list[Callable[[], None]] = [
            self.exc_vaccine, self.exc_lung_function, self.exc_heart, self.exc_organ_crisis,
            self.exc_high_steroids,
        ]  # fmt: skip
        for spec in SIMPLE_CRITERIA:
            (inclusions if spec[0] else exclusions).append(lambda spec=spec: self.simple(spec))
        rng.shuffle(inclusions)
        rng.shuffle(exclusions)
        # organ function, the largest structured criterion, is in most trials and comes early
        inclusions.insert(0 if rng.random() < 0.8 else len(inclusions), self.inc_organ_function)
        while (inclusions or exclusions) and room() > 0:
            if inclusions and (not exclusions or rng.random() < 0.45):
                make = inclusions.pop(0)
                # organ function is ~60 to 130 triples: not for the last few
                if make != self.inc_organ_function or room() > 120:
                    make()
            else:
                exclusions.pop(0)()

    def simple(self, spec: tuple) -> None:
        inclusion, slug, label, text, topic, pairs = spec
        self.criterion(inclusion, slug, label, text, topic, list(pairs))

    def inc_age(self) -> None:
        rng = self.rng
        low = rng.choice((18, 18, 18, 16, 12))
        high = rng.choice((60, 65, 65, 70, 75, None))
        age = ("measure:age", "comparator:ge", f"{low}.0", "unit:year")
        parts = [self.threshold("age-min", f"Age at least {low} years", *age)]
        if high is not None:
            age = ("measure:age", "comparator:le", f"{high}.0", "unit:year")
            parts.append(self.threshold("age-max", f"Age at most {high} years", *age))
        label = f"Aged {low} or older" if high is None else f"Aged {low} to {high}"
        self.criterion(True, "age", label, f"{label} years", "topic:age", [("cartkg:allOf", parts)])
        if high is not None and rng.random() < 0.15:
            self.f.add(
                f"claim:{self.nct}-age-max-{high - 5}",
                [
                    ("a", "cartkg:Claim"),
                    (
                        "rdfs:label",
                        lit(f"Synthetic: upper age limit {high - 5} in an older listing"),
                    ),
                    ("dcterms:source", self.registry),
                    ("skos:editorialNote", en("A synthetic claim that conflicts with the record.")),
                    ("cartkg:claimAbout", parts[1]),
                    ("cartkg:claimProperty", "cartkg:quantityValue"),
                    ("cartkg:claimValue", f"{high - 5}.0"),
                ],
            )

    def inc_diagnosis(self) -> None:
        area = self.area
        self.criterion(
            True, "diagnosis", f"Diagnosis of {area.name}",
            f"Diagnosed according to {area.classification}", "topic:diagnosis",
            [("cartkg:classificationCriteria", lit(area.classification)),
             ("cartkg:concernsDisease", self.disease)],
        )  # fmt: skip

    def inc_activity(self) -> None:
        if self.area.activity is None:
            return
        measure, comparator, values, unit = self.area.activity
        value = self.rng.choice(values)
        name = measure.split(":")[1]
        self.criterion(
            True, "activity", f"Active disease: {name} at least {value}",
            f"Active disease with a {name} score of at least {value}", "topic:disease-activity",
            [("cartkg:comparator", comparator), ("cartkg:concernsDisease", self.disease),
             ("cartkg:measure", measure), ("cartkg:quantityValue", value), ("cartkg:unit", unit)],
        )  # fmt: skip

    def inc_refractory(self) -> None:
        rng = self.rng
        drugs = rng.sample(IMMUNOSUPPRESSANTS, rng.randint(2, 8))
        duration = typed(rng.choice(("P3M", "P6M", "P84D")), "duration")
        pairs: Pairs = [("cartkg:drug", drugs), ("cartkg:minimumDuration", duration)]
        text = "Refractory to at least two conventional therapies given for an adequate time"
        if self.area.activity is None or rng.random() < 0.5:
            self.criterion(
                True, "refractory", "Refractory disease", text, "topic:prior-therapy", pairs
            )
            return
        measure, _, _, unit = self.area.activity
        pairs.append(("cartkg:topic", "topic:prior-therapy"))
        refractory = self.clause("refractory", "Refractory to conventional therapy", pairs)
        progressive = self.threshold(
            "progressive", "Progressive: a rise of the disease score", measure, "comparator:ge",
            "3.0", unit,
            [("cartkg:change", "change:increase"), ("cartkg:windowBefore", P6M)],
        )  # fmt: skip
        self.criterion(
            True, "refractory-or-progressive", "Refractory or progressive disease",
            text + ", or progressive within 6 months", "topic:refractory-or-progressive-disease",
            [("cartkg:anyOf", [refractory, progressive])],
        )  # fmt: skip

    def inc_organ_function(self) -> None:
        """An all-of criterion of organ-function groups, each an all-of of thresholds."""
        rng, groups = self.rng, []

        def group(slug: str, label: str, organ: str | None, members: list[str]) -> None:
            groups.append(self.clause(slug, label, [
                ("cartkg:allOf", members), ("cartkg:concernsOrgan", organ),
                ("cartkg:position", str(len(groups) + 1)),
                ("cartkg:topic", "topic:organ-function"), ("cartkg:verbatimText", lit(label)),
            ]))  # fmt: skip

        def pick(options: tuple) -> str:
            slug, label, measure, comparator, values, unit = rng.choice(options)
            value = rng.choice(values)
            return self.threshold(slug, label.format(value), measure, comparator, value, unit)

        if rng.random() < 0.85:
            value = rng.choice(("45.0", "50.0", "55.0", "55.0"))
            groups.append(self.threshold(
                "lvef", f"LVEF at least {value}%", "measure:lvef", "comparator:ge", value,
                "unit:percent",
                [("cartkg:concernsOrgan", "organ:heart"), ("cartkg:position", str(len(groups) + 1)),
                 ("cartkg:topic", "topic:organ-function"),
                 ("cartkg:verbatimText", lit(f"Cardiac function: LVEF >= {value}%"))],
            ))  # fmt: skip
        if rng.random() < 0.8:
            group("renal", "Renal function", "organ:kidney", [pick(RENAL)])
        if rng.random() < 0.8:
            uln = rng.choice(("2.5", "3.0"))
            members = [
                self.threshold(slug, f"{name} at most {uln} x ULN", f"measure:{slug}",
                               "comparator:le", uln, "unit:times-uln")
                for slug, name in (("alt", "ALT"), ("ast", "AST"))
            ]  # fmt: skip
            bilirubin = ("measure:total-bilirubin", "comparator:le")
            if rng.random() < 0.5:
                plain = self.threshold(
                    "bilirubin-2uln",
                    "Total bilirubin at most 2 x ULN",
                    *bilirubin,
                    "2.0",
                    "unit:times-uln",
                )
                high = self.threshold(
                    "bilirubin-3uln",
                    "Total bilirubin at most 3 x ULN",
                    *bilirubin,
                    "3.0",
                    "unit:times-uln",
                )
                gilbert = self.clause(
                    "gilbert",
                    "Has Gilbert syndrome",
                    [("cartkg:concernsDisease", GILBERT), ("cartkg:topic", "topic:diagnosis")],
                )
                either = self.clause(
                    "bilirubin-gilbert",
                    "With Gilbert syndrome, at most 3 x ULN",
                    [("cartkg:allOf", [high, gilbert])],
                )
                members.append(
                    self.clause(
                        "bilirubin",
                        "Total bilirubin within limits",
                        [("cartkg:anyOf", [plain, either])],
                    )
                )
            else:
                members.append(
                    self.threshold(
                        "bilirubin",
                        "Total bilirubin at most 1.5 x ULN",
                        *bilirubin,
                        "1.5",
                        "unit:times-uln",
                    )
                )
            group("liver", f"Liver function: ALT and AST at most {uln} x ULN", None, members)
        if rng.random() < 0.8:
            members = [pick(options) for options in MARROW]
            if rng.random() < 0.4:
                members.append(
                    self.clause(
                        "no-transfusion",
                        "No transfusion within 7 days",
                        [
                            ("cartkg:referenceTimepoint", "timepoint:eligibility-assessment"),
                            ("cartkg:topic", "topic:blood-product-support"),
                            ("cartkg:windowBefore", typed("P7D", "duration")),
                        ],
                    )
                )
            group("marrow", "Bone marrow function within the listed limits", None, members)
        if rng.random() < 0.5:
            members = [
                self.threshold(slug, f"{name} at most 1.5 x ULN", measure, "comparator:le", "1.5",
                               "unit:times-uln")
                for slug, name, measure in (("inr", "INR", "measure:inr"),
                                            ("pt", "PT", "measure:prothrombin-time"))
            ]  # fmt: skip
            group("coagulation", "Coagulation: INR and PT at most 1.5 x ULN", None, members)
        if groups:
            self.criterion(
                True, "organ-function", "Adequate organ function",
                "Adequate function of the major organs", "topic:organ-function",
                [("cartkg:allOf", groups)],
            )  # fmt: skip

    def inc_pregnancy_test(self) -> None:
        window = typed(self.rng.choice(("P2D", "P3D", "P7D")), "duration")
        self.criterion(
            True, "pregnancy-test", "Negative pregnancy test before lymphodepletion",
            "Negative serum pregnancy test for women of childbearing potential", "topic:pregnancy",
            [("cartkg:measure", "measure:serum-hcg"), ("cartkg:windowBefore", window),
             ("cartkg:referenceTimepoint", "timepoint:first-lymphodepletion-dose")],
        )  # fmt: skip

    def inc_contraception(self) -> None:
        years = self.rng.choice((1, 2))
        window = self.clause(
            "contraception-window", f"Contraception until {years} years after the study",
            [("cartkg:referenceTimepoint", "timepoint:end-of-study"),
             ("cartkg:topic", "topic:contraception"),
             ("cartkg:windowAfter", typed(f"P{years}Y", "duration"))],
        )  # fmt: skip
        lactating = self.clause("not-lactating", "Not breastfeeding",
                                [("cartkg:topic", "topic:pregnancy")])  # fmt: skip
        self.criterion(
            True, "contraception", "Contraception and no breastfeeding",
            "Effective contraception and not breastfeeding",
            ["topic:contraception", "topic:pregnancy"], [("cartkg:allOf", [window, lactating])],
        )  # fmt: skip

    def steroids(self, inclusion: bool, comparator: str, value: str) -> None:
        words = "at most" if inclusion else "above"
        self.criterion(
            inclusion, "steroid-dose", f"Prednisone equivalent {words} {value} mg/day",
            f"Glucocorticoid dose {words} {value} mg/day prednisone equivalent",
            "topic:prior-therapy",
            [("cartkg:comparator", comparator), ("cartkg:drug", "drug:prednisone"),
             ("cartkg:measure", "measure:prednisone-equivalent-dose"),
             ("cartkg:quantityValue", value), ("cartkg:unit", "unit:mg-per-day")],
        )  # fmt: skip

    def inc_steroid_dose(self) -> None:
        self.steroids(True, "comparator:le", self.rng.choice(("10.0", "15.0", "20.0")))

    def exc_high_steroids(self) -> None:
        self.steroids(False, "comparator:gt", self.rng.choice(("20.0", "30.0")))

    def exc_vaccine(self) -> None:
        window = typed(self.rng.choice(("P1M", "P28D", "P6W")), "duration")
        self.criterion(
            False, "live-vaccine", "Live vaccine shortly before screening",
            "A live vaccine shortly before screening", "topic:vaccination",
            [("cartkg:referenceTimepoint", "timepoint:screening"),
             ("cartkg:windowBefore", window)],
        )  # fmt: skip

    def exc_lung_function(self) -> None:
        fvc = self.rng.choice(("45.0", "50.0"))
        dlco = self.rng.choice(("40.0", "45.0"))
        members = [
            self.threshold("exc-fvc", f"FVC below {fvc}% of predicted",
                           "measure:fvc-percent-predicted", "comparator:lt", fvc, "unit:percent"),
            self.threshold("exc-dlco", f"DLCO below {dlco}% of predicted",
                           "measure:dlco-percent-predicted", "comparator:lt", dlco, "unit:percent"),
        ]  # fmt: skip
        self.criterion(
            False, "lung-function", "Severely reduced lung function",
            f"FVC < {fvc}% or DLCO < {dlco}% of predicted", "topic:lung-disease",
            [("cartkg:anyOf", members), ("cartkg:concernsOrgan", "organ:lung")],
        )  # fmt: skip

    def exc_heart(self) -> None:
        """Heart failure (NYHA class) or a low ejection fraction, or both."""
        rng = self.rng
        heart = [("cartkg:concernsOrgan", "organ:heart")]
        if rng.random() < 0.6:
            comparator, value = rng.choice((("comparator:ge", "3.0"), ("comparator:eq", "4.0")))
            self.criterion(
                False, "nyha", f"Heart failure of NYHA class {value[0]} or worse",
                f"Heart failure, NYHA class {'III or IV' if value == '3.0' else 'IV'}",
                "topic:cardiac-disease",
                [*heart, ("cartkg:comparator", comparator),
                 ("cartkg:measure", "measure:nyha-class"), ("cartkg:quantityValue", value),
                 ("cartkg:unit", "unit:nyha-class")],
            )  # fmt: skip
        if rng.random() < 0.6:
            value = rng.choice(("40.0", "45.0", "50.0", "55.0"))
            self.criterion(
                False, "lvef", f"LVEF below {value}%",
                f"Left ventricular ejection fraction < {value}%", "topic:cardiac-disease",
                [*heart, ("cartkg:comparator", "comparator:lt"), ("cartkg:measure", "measure:lvef"),
                 ("cartkg:quantityValue", value), ("cartkg:unit", "unit:percent")],
            )  # fmt: skip

    def exc_organ_crisis(self) -> None:
        organ = self.rng.choice(("organ:kidney", "organ:heart", "organ:lung"))
        name = organ.split(":")[1]
        self.criterion(
            False, "organ-crisis", f"Acute {name} crisis", f"Acute {name} crisis at screening",
            "topic:organ-crisis",
            [("cartkg:concernsOrgan", organ), ("cartkg:referenceTimepoint", "timepoint:screening")],
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The project folder


def count_triples(path: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def prepare(out: Path) -> None:
    """Make ``out`` an empty folder; replace it only if this generator made it."""
    if out.exists():
        if not out.is_dir():
            raise ValueError(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                raise ValueError(
                    f"{out} is not empty and was not made by this generator (no {MARKER}); "
                    "choose another --out"
                )
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


# the hand-curated core of data/ (a few seconds to build, where every registry trial takes
# longer); core_files() adds, transitively, every data file whose subject they name
CORE = ("programs/rese-cel", "programs/relma-cel", "trials/NCT06328777", "trials/NCT06414135")
_FOLDER = {
    "source": "sources", "organization": "organizations", "person": "organizations",
    "program": "programs", "product": "programs", "trial": "trials",
}  # fmt: skip
_REFERENCE = re.compile(r"\b(" + "|".join(_FOLDER) + r"):([A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9])")


def core_files(data: Path = REPO / "data") -> list[str]:
    """The curated core of a data folder and every file it names, as paths relative to it."""
    wanted = {f"{c}.ttl" for c in CORE}
    todo = list(wanted)
    while todo:
        text = (data / todo.pop()).read_text(encoding="utf-8")
        for kind, key in _REFERENCE.findall(text):
            rel = f"{_FOLDER[kind]}/{key}.ttl"
            if rel not in wanted and (data / rel).is_file():
                wanted.add(rel)
                todo.append(rel)
    return sorted(wanted)


def real_files(core: bool) -> list[Path]:
    """The real data files to copy: the curated core of data/ (see core_files), or the agencies
    and the sources they cite."""
    data = REPO / "data"
    if core:
        return [data / rel for rel in core_files(data)]
    files = set()
    for key in AGENCIES:
        agency = data / "organizations" / f"{key}.ttl"
        files.add(agency)
        for triple in ox.parse(path=str(agency), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == "http://purl.org/dc/terms/source":
                files.add(data / "sources" / f"{triple.object.value.rsplit('/', 1)[1]}.ttl")
    return sorted(files)


def check_vocabulary(used: Iterable[str]) -> None:
    """Every value-list term the generator wrote, and every prefix, is the ontology's own."""
    from cartkg.namespaces import prefix_map

    declared = prefix_map(REPO / "ontology" / "cartkg.ttl")
    wrong = sorted(p for p, iri in PREFIXES.items() if declared.get(p) != iri)
    if wrong:
        raise ValueError(f"prefixes that differ from the ontology header: {wrong}")
    store = ox.Store()
    for path in sorted((REPO / "ontology").rglob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    missing = []
    for curie in sorted(used):
        prefix, local = curie.split(":", 1)
        node = ox.NamedNode(PREFIXES[prefix] + local)
        if next(iter(store.quads_for_pattern(node, None, None)), None) is None:
            missing.append(curie)
    if missing:
        raise ValueError(f"terms not in ontology/ (vocab or imports): {missing}")


def smallest_size(real_data: bool = True) -> int:
    """The fewest triples generate() accepts: the copied real files and one synthetic unit."""
    return sum(count_triples(p) for p in real_files(real_data)) + Generator.UNIT_MIN


def generate(out: Path, triples: int, seed: int = 1, real_data: bool = True) -> dict:
    """Write a synthetic project of about ``triples`` data triples into ``out``; its counts.

    ``real_data`` also copies the curated core of the real data/ (its triples count towards the
    total) so that the
    stored queries' examples, which name real trials and products, give rows.
    """
    out = Path(out)
    real = real_files(real_data)
    real_triples = sum(count_triples(p) for p in real)
    if triples - real_triples < Generator.UNIT_MIN:
        raise ValueError(
            f"--triples {triples} leaves no room for synthetic data beside the "
            f"{real_triples} copied triples: ask for at least {real_triples + Generator.UNIT_MIN}"
        )
    prepare(out)
    (out / MARKER).write_text('{"complete": false}\n', encoding="utf-8")
    for name in COPIED:
        shutil.copytree(REPO / name, out / name)
    for path in real:
        target = out / path.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    gen = Generator(out, triples, seed)
    gen.total = real_triples
    TurtleFile.vocabulary = set()
    gen.run()
    check_vocabulary(TurtleFile.vocabulary)
    result = {
        "complete": True,
        "target": triples,
        "seed": seed,
        "triples": gen.total,
        "files": gen.counts.files + len(real),
        "synthetic": {
            "triples": gen.synthetic_triples,
            "files": gen.counts.files,
            "entities": dict(sorted(gen.counts.entities.items())),
        },
        "real": {"triples": real_triples, "files": len(real)},
    }
    (out / MARKER).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="data triples to write")
    parser.add_argument("--out", type=Path, required=True, help="the project folder to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-real-data",
        action="store_true",
        help="leave out the real data/ (only the agencies are copied)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        result = generate(args.out, args.triples, args.seed, real_data=not args.no_real_data)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    print(json.dumps(result, indent=2))
    print(
        f"{result['triples']} data triples in {result['files']} files "
        f"({result['triples'] / args.triples - 1:+.1%} of the target) in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
