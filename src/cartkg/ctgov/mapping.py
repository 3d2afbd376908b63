"""One ClinicalTrials.gov API v2 study record to the graph's trial model.

The output follows the hand-curated trials (data/trials/NCT06328777.ttl): a ClinicalTrial with
its identifiers, titles, phases (a Phase 1/2 trial has both), design, sponsor, collaborators,
officials, conditions (text kept; MONDO only through the curated table
``ontology/mappings/ctgov-conditions.sssom.tsv``), products (linked when an intervention's name or
other name is a known product name or code name), a lymphodepletion regimen (fludarabine,
cyclophosphamide, bendamustine), arms as cohorts, dated StatusObservation, EnrollmentCount and
TrialDate nodes (partial dates keep their precision), eligibility criteria (text split into
inclusion and exclusion items, common thresholds structured), endpoints with time frames, sites
and the publications it lists (PMID, citation, reference type). Every node cites the record's
source node.

Arms and interventions: the registry links them in two directions (an arm's
``interventionNames`` and an intervention's ``armGroupLabels``) and the two can disagree. The
arm's own list wins, because it is what the registry shows as the arm's treatment; an
intervention's ``armGroupLabels`` only fill in an arm that lists no interventions at all. Every
disagreement is reported as a note.

Minted IRIs carry ``-ctgov-`` after the NCT id (``criterion:NCT06414135-ctgov-inc-3``): those
nodes belong to the importer, which rewrites them on every import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from cartkg.ctgov import capture
from cartkg.ctgov import criteria as crit
from cartkg.ctgov import record as rec
from cartkg.ctgov.record import RecordError
from cartkg.importing.context import (
    CONDITIONS_TABLE,
    Agent,
    Context,
    load_conditions,
    mint_agent,
    norm,
    slug,
)
from cartkg.importing.merge import MARK, UNLINKED_NOTE, shorten
from cartkg.importing.terms import (
    DCT,
    ID,
    MONDO,
    RDFS,
    REGISTRY_URL,
    SCHEMA,
    SKOS,
    C,
    V,
    date_literal,
)
from cartkg.importing.turtle import (
    RDF_TYPE,
    RDFS_LABEL,
    XSD,
    Graph,
    Lit,
    add,
    boolean,
    decimal,
    integer,
    new_graph,
)
from cartkg.namespaces import PUBMED

__all__ = [
    "CONDITIONS_TABLE", "MONDO", "Agent", "Context", "Mapped", "load_conditions", "map_record",
    "norm", "slug",
]  # fmt: skip

PUBMED_URL = PUBMED
_DCT_SOURCE = DCT + "source"
_NCT = re.compile(r"^NCT\d{8}$", re.ASCII)
_EU_CT = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}$", re.ASCII)
_EUDRACT = re.compile(r"^\d{4}-\d{6}-\d{2}$", re.ASCII)
_CHICTR = re.compile(r"^ChiCTR[0-9A-Za-z-]+$")
_PMID = re.compile(r"^\d{1,9}$", re.ASCII)
_TYPE_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z _]*?)\s*:\s+(.*)$")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*-?\s*(years?|months?|weeks?|days?)\b", re.I | re.ASCII)

LYMPHODEPLETION = ("fludarabine", "cyclophosphamide", "bendamustine")
PRODUCT_TYPES = ("BIOLOGICAL", "GENETIC", "COMBINATION_PRODUCT", "OTHER", "DRUG")
DATE_FIELDS = (
    ("startDateStruct", "start", True),
    ("primaryCompletionDateStruct", "primary-completion", True),
    ("completionDateStruct", "completion", True),
    ("studyFirstSubmitDate", "first-submitted", False),
    ("studyFirstPostDateStruct", "first-posted", True),
)
ROLE_PROPERTY = {
    "PRINCIPAL_INVESTIGATOR": "principalInvestigator",
    "STUDY_CHAIR": "studyChair",
    "STUDY_DIRECTOR": "studyDirector",
    "SUB_INVESTIGATOR": "overallOfficial",
}
ENDPOINT_LISTS = (
    ("primaryOutcomes", "PrimaryEndpoint", "primary"),
    ("secondaryOutcomes", "SecondaryEndpoint", "secondary"),
    ("otherOutcomes", "OtherEndpoint", "other"),
)
ENDPOINT_MEASURES = crit.keyed_patterns(
    [
        ("dose-limiting-toxicity", r"dose[- ]limiting toxicit|\bDLTs?\b"),
        ("adverse-events", r"adverse events?|\bAEs?\b|\bTEAEs?\b|safety"),
        ("pharmacokinetics", r"pharmacokinetic|\bPK\b|\bCmax\b|\bAUC\b|expansion and persistence"),
        ("pharmacodynamics", r"pharmacodynamic|\bPD\b"),
        ("criss", r"\bCRISS\b"),
        ("mrss", r"\bmRSS\b|modified Rodnan"),
        ("sledai-2k", r"\bSLEDAI"),
        ("doris", r"\bDORIS\b"),
        ("mg-adl", r"\bMG-ADL\b"),
        ("vital-signs", r"vital signs"),
    ]
)


def text_words(value: str) -> str:
    return value.replace("_", " ").lower()


@dataclass
class Mapped:
    """A record mapped to triples, with what the re-import report compares."""

    nct: str
    version: str | None
    version_holder: str | None
    trial: Graph
    source_key: str
    source: Graph
    new_agents: dict[str, tuple[Agent, Graph]]
    facts: dict
    notes: list[str] = field(default_factory=list)
    capture: bool = False  # a third party's capture of the record (``cartkgCapture``)
    more_sources: dict[str, Graph] = field(default_factory=dict)  # the captures of other days


class _Mapper:
    def __init__(self, ctx: Context, record: dict, access_date: str | None):
        self.ctx = ctx
        self.record = record
        self.access_date = access_date
        self.g = new_graph()
        self.notes: list[str] = []
        self.new_agents: dict[str, tuple[Agent, Graph]] = {}
        self.capture: capture.Capture | None = None
        self.facts: dict = {
            "status": None, "enrollment": None, "dates": {}, "sites": [],
            "inclusion": [], "exclusion": [], "phases": [],
        }  # fmt: skip

    # helpers -------------------------------------------------------------------------------
    def node(self, iri: str, cls: str, label: str) -> str:
        props = self.g[iri]
        props[RDF_TYPE].add(C + cls)
        props[RDFS_LABEL].add(Lit(label))
        props[_DCT_SOURCE].add(self.source_iri)
        return iri

    def vocab(self, scheme: str, notation: str | None, where: str) -> str | None:
        if notation is None:
            return None
        iri = self.ctx.concept(scheme, notation)
        if iri is None:
            self.notes.append(
                f"{where}: {notation} has no value in ontology/vocab/{scheme}.ttl; left out"
            )
        return iri

    def coded(
        self, s: str, prop: str, parent: dict, path: str, key: str, allowed: tuple, scheme: str
    ) -> None:
        """``s prop concept``: the enum value at ``path.key`` as a concept of ``scheme``."""
        value = rec.enum(parent, path, key, allowed)
        add(self.g, s, C + prop, self.vocab(scheme, value, f"{path}.{key}"))

    def key(self, *parts: str) -> str:
        return "-".join((self.nct + MARK, *parts))

    # the record ----------------------------------------------------------------------------
    def run(self) -> Mapped:
        r = self.record
        if not isinstance(r, dict):
            raise RecordError("(record)", f"expected a study object, got {rec._kind(r)}")
        ps = rec.obj(r, "", "protocolSection")
        if ps is None:
            raise RecordError("protocolSection", "missing")
        P = "protocolSection"
        ident = rec.obj(ps, P, "identificationModule")
        if ident is None:
            raise RecordError(f"{P}.identificationModule", "missing")
        IP = f"{P}.identificationModule"
        nct = rec.text(ident, IP, "nctId", required=True)
        if not _NCT.match(nct):
            raise RecordError(
                f"{IP}.nctId", f"not an NCT number (NCT and eight digits): {nct[:40]!r}"
            )
        self.nct = nct
        self.trial = f"{ID}trial/{nct}"
        status = rec.obj(ps, P, "statusModule") or {}
        SP = f"{P}.statusModule"
        derived = rec.obj(r, "", "derivedSection") or {}
        misc = rec.obj(derived, "derivedSection", "miscInfoModule") or {}
        holder = rec.date(misc, "derivedSection.miscInfoModule", "versionHolder")
        last_update = rec.date_struct(status, SP, "lastUpdatePostDateStruct")
        self.version = last_update[0] if last_update else holder
        self.version_holder = holder
        self.capture = capture.read(r)
        if self.capture is not None:
            self.source_key = self.capture.source_key(nct, self.capture.captured)
        else:
            self.source_key = f"ctgov-{nct.lower()}" + (f"-{self.version}" if self.version else "")
        self.source_iri = f"{ID}source/{self.source_key}"
        self.facts["version"] = self.version

        self.identification(ident, IP)
        self.status(status, SP)
        self.sponsors(
            rec.obj(ps, P, "sponsorCollaboratorsModule") or {}, f"{P}.sponsorCollaboratorsModule"
        )
        self.oversight(rec.obj(ps, P, "oversightModule") or {}, f"{P}.oversightModule")
        self.description(rec.obj(ps, P, "descriptionModule") or {}, f"{P}.descriptionModule")
        self.conditions(rec.obj(ps, P, "conditionsModule") or {}, f"{P}.conditionsModule")
        self.design(rec.obj(ps, P, "designModule") or {}, f"{P}.designModule")
        self.arms(rec.obj(ps, P, "armsInterventionsModule") or {}, f"{P}.armsInterventionsModule")
        self.outcomes(rec.obj(ps, P, "outcomesModule") or {}, f"{P}.outcomesModule")
        self.eligibility(rec.obj(ps, P, "eligibilityModule") or {}, f"{P}.eligibilityModule")
        self.locations(
            rec.obj(ps, P, "contactsLocationsModule") or {}, f"{P}.contactsLocationsModule"
        )
        self.references(rec.obj(ps, P, "referencesModule") or {}, f"{P}.referencesModule")
        more: dict[str, Graph] = {}
        if self.capture is not None:
            cap = self.capture
            source = capture.source_node(cap, nct, cap.captured, self.brief)
            days = capture.add_history(
                self.g, cap, nct, self.trial, self.ctx.label, self.ctx.concept
            )
            for day in sorted(days - {cap.captured}):
                more[cap.source_key(nct, day)] = capture.source_node(cap, nct, day, self.brief)
            for name in cap.countries:
                iri = self.ctx.countries.get(norm(name))
                if iri is None:
                    self.notes.append(
                        f"{capture.KEY}.countries: {name!r} is not in "
                        "ontology/vocab/country.ttl; left out"
                    )
                add(self.g, self.trial, C + "country", iri)
            if cap.left:
                add(self.g, self.trial, SKOS + "editorialNote", Lit(
                    f"The {cap.monitor} stopped listing this trial on {cap.left}; its values are "
                    "those of the last capture that listed it.", None, "en"))  # fmt: skip
            if cap.note:
                add(self.g, self.trial, SKOS + "editorialNote", Lit(cap.note, None, "en"))
        else:
            source = self.source_node(ident, IP)
        return Mapped(
            nct, self.version, holder, self.g, self.source_key, source, self.new_agents,
            self.facts, self.notes, self.capture is not None, more,
        )  # fmt: skip

    def identification(self, m: dict, path: str) -> None:
        t = self.trial
        brief = rec.text(m, path, "briefTitle")
        official = rec.text(m, path, "officialTitle")
        acronym = rec.text(m, path, "acronym")
        self.brief = brief or official or self.nct
        label = brief or official or self.nct
        if acronym and not label.startswith(acronym):
            label = f"{acronym}: {label}"
        self.node(t, "ClinicalTrial", label)
        add(self.g, t, RDFS + "seeAlso", REGISTRY_URL + self.nct)
        add(self.g, t, C + "nctId", Lit(self.nct))
        add(self.g, t, C + "briefTitle", Lit(brief) if brief else None)
        add(self.g, t, C + "officialTitle", Lit(official) if official else None)
        add(self.g, t, C + "acronym", Lit(acronym) if acronym else None)
        for i, alias in enumerate(rec.texts(m, path, "nctIdAliases")):
            if not _NCT.match(alias):
                raise RecordError(f"{path}.nctIdAliases[{i}]", f"not an NCT number: {alias[:40]!r}")
            add(self.g, t, C + "nctIdAlias", Lit(alias))
        org_id = rec.obj(m, path, "orgStudyIdInfo")
        if org_id is not None:
            value = rec.text(org_id, f"{path}.orgStudyIdInfo", "id")
            add(self.g, t, C + "orgStudyId", Lit(value) if value else None)
        for where, info in rec.items(m, path, "secondaryIdInfos"):
            value = rec.text(info, where, "id")
            rec.text(info, where, "type")
            if not value:
                continue
            if _EU_CT.match(value):
                add(self.g, t, C + "euCtNumber", Lit(value))
            elif _EUDRACT.match(value):
                add(self.g, t, C + "eudraCtNumber", Lit(value))
            elif _CHICTR.match(value):
                add(self.g, t, C + "chiCtrId", Lit(value))
            else:
                add(self.g, t, C + "secondaryId", Lit(value))
        org = rec.obj(m, path, "organization")
        if org is not None:
            rec.text(org, f"{path}.organization", "fullName")
            rec.enum(org, f"{path}.organization", "class", rec.AGENCY_CLASSES)

    def status(self, m: dict, path: str) -> None:
        overall = rec.enum(m, path, "overallStatus", rec.OVERALL_STATUS)
        rec.enum(m, path, "lastKnownStatus", rec.OVERALL_STATUS)
        verified = rec.date(m, path, "statusVerifiedDate")
        why = rec.text(m, path, "whyStopped")
        rec.date(m, path, "lastUpdateSubmitDate")
        as_of = verified or self.version
        if self.capture is not None:  # the capture's history dates the statuses
            as_of = None
        elif overall is not None:
            concept = self.vocab("trialstatus", overall, f"{path}.overallStatus")
            if concept and as_of:
                obs = f"{ID}observation/{self.key('status', as_of)}"
                label = f"{self.nct} {self.ctx.label(concept).lower()} ({as_of})"
                self.node(obs, "StatusObservation", label)
                add(self.g, obs, C + "status", concept)
                add(self.g, obs, C + "asOf", date_literal(as_of))
                add(
                    self.g,
                    obs,
                    RDFS + "comment",
                    Lit(f"Reason given for stopping: {why}") if why else None,
                )
                add(self.g, self.trial, C + "statusObservation", obs)
            elif concept:
                self.notes.append(
                    f"{path}.overallStatus: no statusVerifiedDate, lastUpdatePostDate or "
                    "versionHolder to date it by; no status observation made"
                )
        self.facts["status"] = (overall, as_of)
        for name, kind, is_struct in DATE_FIELDS:
            if is_struct:
                got = rec.date_struct(m, path, name)
            else:
                value = rec.date(m, path, name)
                got = (value, "ACTUAL") if value else None
            if got is None:
                continue
            value, dtype = got
            self.facts["dates"][kind] = (value, dtype)
            concept = self.ctx.concept("datekind", name.replace("Struct", ""))
            if concept is None or self.capture is not None:
                continue
            suffix = [kind] + ([self.version] if self.version else [])
            obs = f"{ID}observation/{self.key(*suffix)}"
            words = self.ctx.label(concept).lower()
            estimated = " (estimated)" if dtype == "ESTIMATED" else ""
            self.node(obs, "TrialDate", f"{self.nct} {words} {value}{estimated}")
            add(self.g, obs, C + "date", date_literal(value))
            add(self.g, obs, C + "dateKind", concept)
            add(self.g, obs, C + "isEstimate", boolean(dtype == "ESTIMATED") if dtype else None)
            add(self.g, obs, C + "asOf", date_literal(self.version) if self.version else None)
            add(self.g, self.trial, C + "trialDate", obs)

    def agent(
        self, name: str, agency_class: str | None, where: str, affiliation: str | None = None
    ) -> str:
        """The IRI of an organisation or person: an existing one with that name, else a new one."""
        return mint_agent(
            self.ctx, self.new_agents, name, agency_class, self.source_iri, affiliation
        )

    def sponsors(self, m: dict, path: str) -> None:
        lead = rec.obj(m, path, "leadSponsor")
        if lead is None and self.capture is not None:
            self.notes.append(f"{path}.leadSponsor: the capture does not give the sponsor")
            return
        if lead is None:
            raise RecordError(f"{path}.leadSponsor", "missing (a trial needs its sponsor)")
        where = f"{path}.leadSponsor"
        name = rec.text(lead, where, "name", required=True)
        sponsor = self.agent(name, rec.enum(lead, where, "class", rec.AGENCY_CLASSES), where)
        add(self.g, self.trial, C + "sponsor", sponsor)
        self.facts["sponsor"] = name
        for where, c in rec.items(m, path, "collaborators"):
            cname = rec.text(c, where, "name")
            ccls = rec.enum(c, where, "class", rec.AGENCY_CLASSES)
            if cname:
                add(self.g, self.trial, C + "collaborator", self.agent(cname, ccls, where))
        party = rec.obj(m, path, "responsibleParty")
        if party is not None:
            where = f"{path}.responsibleParty"
            ptype = rec.enum(party, where, "type", rec.PARTY_TYPES)
            person = rec.text(party, where, "investigatorFullName")
            rec.text(party, where, "investigatorTitle")
            affiliation = rec.text(party, where, "investigatorAffiliation")
            if ptype == "SPONSOR":
                add(self.g, self.trial, C + "responsibleParty", sponsor)
            elif ptype and person:
                add(
                    self.g,
                    self.trial,
                    C + "responsibleParty",
                    self.agent(person, "INDIV", where, affiliation),
                )

    def oversight(self, m: dict, path: str) -> None:
        dmc = rec.flag(m, path, "oversightHasDmc")
        drug = rec.flag(m, path, "isFdaRegulatedDrug")
        rec.flag(m, path, "isFdaRegulatedDevice")
        add(
            self.g,
            self.trial,
            C + "hasDataMonitoringCommittee",
            boolean(dmc) if dmc is not None else None,
        )
        add(self.g, self.trial, C + "fdaRegulatedDrug", boolean(drug) if drug is not None else None)

    def description(self, m: dict, path: str) -> None:
        summary = rec.text(m, path, "briefSummary")
        rec.text(m, path, "detailedDescription")
        add(self.g, self.trial, DCT + "description", Lit(summary) if summary else None)

    def conditions(self, m: dict, path: str) -> None:
        for text in rec.texts(m, path, "conditions"):
            add(self.g, self.trial, C + "conditionText", Lit(text))
            found = self.ctx.conditions.get(norm(text))
            if found:
                add(self.g, self.trial, C + "indication", found[0])
            else:
                self.notes.append(
                    f"{path}.conditions: {text!r} is not in the condition table; kept as text"
                )
        for text in rec.texts(m, path, "keywords"):
            add(self.g, self.trial, C + "keyword", Lit(text))

    def design(self, m: dict, path: str) -> None:
        t = self.trial
        self.coded(t, "studyType", m, path, "studyType", rec.STUDY_TYPES, "studytype")
        phases = rec.enums(m, path, "phases", rec.PHASES)
        for phase in phases:
            add(self.g, t, C + "phase", self.vocab("phase", phase, f"{path}.phases"))
        self.facts["phases"] = phases
        info = rec.obj(m, path, "designInfo")
        if info is not None:
            w = f"{path}.designInfo"
            self.coded(t, "allocation", info, w, "allocation", rec.ALLOCATIONS, "allocation")
            self.coded(t, "interventionModel", info, w, "interventionModel", rec.MODELS, "model")
            self.coded(t, "primaryPurpose", info, w, "primaryPurpose", rec.PURPOSES, "purpose")
            masking = rec.obj(info, w, "maskingInfo")
            if masking is not None:
                mw = f"{w}.maskingInfo"
                self.coded(t, "masking", masking, mw, "masking", rec.MASKINGS, "masking")
                rec.enums(masking, mw, "whoMasked", rec.WHO_MASKED)
        enrollment = rec.obj(m, path, "enrollmentInfo")
        if enrollment is not None:
            w = f"{path}.enrollmentInfo"
            n = rec.count(enrollment, w, "count")
            kind = rec.enum(enrollment, w, "type", rec.DATE_TYPES)
            if n is not None and kind is None:
                self.notes.append(
                    f"{w}.type: missing, so whether {n} is planned or actual is unknown; no enrollment count made"  # noqa: E501
                )
                self.facts["enrollment"] = (n, None)  # the change report still shows it
            elif n is not None and self.capture is not None:
                self.facts["enrollment"] = (n, kind)  # the capture's history dates the counts
            elif n is not None:
                suffix = ["enrollment"] + ([self.version] if self.version else [])
                obs = f"{ID}observation/{self.key(*suffix)}"
                words = "estimated" if kind == "ESTIMATED" else "actual"
                self.node(obs, "EnrollmentCount", f"{self.nct} {words} enrollment: {n}")
                add(self.g, obs, C + "count", integer(n))
                add(self.g, obs, C + "isEstimate", boolean(kind == "ESTIMATED"))
                add(self.g, obs, C + "asOf", date_literal(self.version) if self.version else None)
                add(self.g, t, C + "enrollment", obs)
                self.facts["enrollment"] = (n, kind)

    def arms(self, m: dict, path: str) -> None:
        interventions: dict[str, dict] = {}
        products: dict[str, list[str]] = {}
        drugs: dict[str, str] = {}
        unmatched: list[str] = []
        for where, iv in rec.items(m, path, "interventions"):
            itype = rec.enum(iv, where, "type", rec.INTERVENTION_TYPES)
            name = rec.text(iv, where, "name")
            rec.text(iv, where, "description")
            other = rec.texts(iv, where, "otherNames")
            labels = rec.texts(iv, where, "armGroupLabels")
            if not name:
                continue
            interventions[name] = {"type": itype, "arms": labels}
            names = [name, *other]
            found = self.match_product(names) if itype is None or itype in PRODUCT_TYPES else []
            drug = None
            if itype in ("DRUG", "OTHER", None) and not found:
                drug = self.match_drug(names)
            if found:
                products[name] = found
            elif drug:
                drugs[name] = drug
            else:
                unmatched.append(f"{text_words(itype)}: {name}" if itype else name)
        t = self.trial
        studied = {p for ps in products.values() for p in ps}
        if not studied:  # "A Study of S103 in ...": the title names a product no intervention does
            studied = set(self.ctx.match_products(self.brief))
            if studied:
                self.notes.append(
                    "product linked by its name in the title: "
                    + ", ".join(sorted(self.ctx.label(i) for i in studied))
                )
        for iri in sorted(studied):
            add(self.g, t, C + "studiesProduct", iri)
        regimen = None
        if drugs:
            regimen = f"{ID}regimen/{self.nct}{MARK}"
            names = sorted({self.ctx.label(d) for d in drugs.values()})
            label = f"{self.nct} lymphodepletion: {' and '.join(names)}"
            self.node(regimen, "LymphodepletionRegimen", label)
            for drug in sorted(set(drugs.values())):
                part = f"{ID}regimen/{self.nct}{MARK}-{drug.rsplit('/', 1)[-1]}"
                label = f"{self.ctx.label(drug)} (dose not structured from the registry)"
                self.node(part, "RegimenComponent", label)
                add(self.g, part, C + "drug", drug)
                add(self.g, regimen, C + "component", part)
            add(self.g, t, C + "lymphodepletion", regimen)
        unmatched = list(dict.fromkeys(unmatched))  # a name listed twice is named once
        if unmatched:
            add(self.g, t, SKOS + "editorialNote",
                Lit(UNLINKED_NOTE + "; ".join(unmatched) + ".", None, "en"))  # fmt: skip
            self.notes.append(
                f"{path}.interventions: not linked to a known product or drug: "
                + "; ".join(unmatched)
            )
        seen: set[str] = set()
        arms = rec.items(m, path, "armGroups")
        for where, arm in arms:
            label = rec.text(arm, where, "label")
            atype = rec.enum(arm, where, "type", rec.ARM_TYPES)
            description = rec.text(arm, where, "description")
            listed = []
            for _i, raw in enumerate(rec.texts(arm, where, "interventionNames")):
                pm = _TYPE_PREFIX.match(raw)
                listed.append(pm.group(2).strip() if pm else raw)
            if not label:
                continue
            from_interventions = sorted(n for n, iv in interventions.items() if label in iv["arms"])
            if listed:
                for name in sorted(set(listed) ^ set(from_interventions)):
                    side = (
                        "the arm lists it" if name in listed else "the intervention names the arm"
                    )
                    self.notes.append(
                        f"{where}: arm {label!r} and intervention {name!r} disagree ({side}, the other "  # noqa: E501
                        "direction does not); the arm's list wins"
                    )
                chosen = listed
            else:
                chosen = from_interventions
            key_ = _unique(slug(label, 40), seen)
            cohort = f"{ID}cohort/{self.key(key_)}"
            self.node(cohort, "Cohort", label)
            add(self.g, cohort, C + "armType", self.vocab("armtype", atype, f"{where}.type"))
            add(self.g, cohort, RDFS + "comment", Lit(description) if description else None)
            for name in chosen:
                for iri in products.get(name, []):
                    add(self.g, cohort, C + "studiesProduct", iri)
                if name in drugs and regimen:
                    add(self.g, cohort, C + "lymphodepletion", regimen)
            add(self.g, t, C + "cohort", cohort)

    def match_product(self, names: Iterable[str]) -> list[str]:
        found = []
        for name in names:
            for candidate in _variants(name):
                for iri in self.ctx.match_products(candidate):
                    if iri not in found:
                        found.append(iri)
        return found

    def match_drug(self, names: Iterable[str]) -> str | None:
        for name in names:
            for candidate in (*_variants(name), name.split()[0] if name.split() else name):
                iri = self.ctx.drugs.get(norm(candidate))
                if iri and iri.rsplit("/", 1)[-1] in LYMPHODEPLETION:
                    return iri
        return None

    def outcomes(self, m: dict, path: str) -> None:
        for key_, cls, word in ENDPOINT_LISTS:
            for i, (where, o) in enumerate(rec.items(m, path, key_), start=1):
                measure = rec.text(o, where, "measure")
                description = rec.text(o, where, "description")
                frame = rec.text(o, where, "timeFrame")
                if not measure:
                    continue
                iri = f"{ID}endpoint/{self.key(word, str(i))}"
                self.node(iri, cls, measure)
                add(self.g, iri, C + "position", integer(i))
                add(self.g, iri, RDFS + "comment", Lit(description) if description else None)
                if frame:
                    add(self.g, iri, C + "timeFrame", Lit(frame))
                    add(self.g, iri, C + "timeFrameDuration", _duration(frame))
                for mkey, pattern in ENDPOINT_MEASURES:
                    if pattern.search(measure):
                        add(self.g, iri, C + "measure", f"{V}measure/{mkey}")
                add(self.g, self.trial, C + "endpoint", iri)

    def eligibility(self, m: dict, path: str) -> None:
        t = self.trial
        text = rec.text(m, path, "eligibilityCriteria")
        healthy = rec.flag(m, path, "healthyVolunteers")
        sex = rec.enum(m, path, "sex", rec.SEXES)
        low = rec.age(m, path, "minimumAge")
        high = rec.age(m, path, "maximumAge")
        rec.texts(m, path, "stdAges")
        add(
            self.g,
            t,
            C + "acceptsHealthyVolunteers",
            boolean(healthy) if healthy is not None else None,
        )
        add(self.g, t, C + "eligibleSex", self.vocab("sex", sex, f"{path}.sex"))
        parts = []
        for bound, cmp, word, value in (
            ("min", "ge", "at least", low),
            ("max", "le", "at most", high),
        ):
            if value is None:
                continue
            number, unit_word = value
            unit = {"year": "year", "month": "month", "week": "week", "day": "day"}.get(unit_word)
            if unit is None:
                self.notes.append(
                    f"{path}.{bound}imumAge: no unit for {unit_word}s in the unit scheme; left out"
                )
                continue
            iri = f"{ID}criterion/{self.key('age', bound)}"
            shown = _show_number(number)
            self.node(iri, "CriterionClause", f"Age {word} {shown} {unit_word}s")
            add(self.g, iri, C + "comparator", f"{V}comparator/{cmp}")
            add(self.g, iri, C + "measure", f"{V}measure/age")
            add(self.g, iri, C + "quantityValue", decimal(Decimal(str(number))))
            add(self.g, iri, C + "unit", f"{V}unit/{unit}")
            parts.append((iri, f"{bound}imumAge: {shown} {unit_word.capitalize()}s"))
        if parts:
            iri = f"{ID}criterion/{self.key('age')}"
            self.node(iri, "InclusionCriterion", f"{self.nct} age limits")
            add(self.g, iri, C + "topic", f"{V}topic/age")
            add(self.g, iri, C + "verbatimText", Lit("; ".join(p[1] for p in parts)))
            for clause, _ in parts:
                add(self.g, iri, C + "allOf", clause)
            add(self.g, t, C + "eligibilityCriterion", iri)
            self.facts["ages"] = [p[1] for p in parts]
        if not text:
            return
        items, headed = crit.split(text)
        if not headed:
            self.notes.append(
                f"{path}.eligibilityCriteria: no 'Inclusion Criteria' or 'Exclusion Criteria' heading; items kept as inclusion criteria"  # noqa: E501
            )
        for item in items:
            word = "inc" if item.kind == "inclusion" else "exc"
            iri = f"{ID}criterion/{self.key(word, str(item.position))}"
            cls = "InclusionCriterion" if item.kind == "inclusion" else "ExclusionCriterion"
            self.node(iri, cls, f"{self.nct} {item.kind} criterion {item.position}")
            props = self.g[iri]
            props[C + "position"].add(integer(item.position))
            props[C + "verbatimText"].add(Lit(item.text))
            topics = props[C + "topic"]
            for topic in item.topics:
                topics.add(f"{V}topic/{topic}")
            if not topics:
                del props[C + "topic"]
            if len(item.clauses) == 1:
                self.clause(iri, item.clauses[0], label=False)
            else:
                for j, clause in enumerate(item.clauses, start=1):
                    part = f"{ID}criterion/{self.key(word, str(item.position), str(j))}"
                    add(self.g, part, RDF_TYPE, C + "CriterionClause")
                    add(self.g, part, DCT + "source", self.source_iri)
                    self.clause(part, clause, label=True)
                    add(self.g, iri, C + ("anyOf" if item.any_of else "allOf"), part)
            add(self.g, t, C + "eligibilityCriterion", iri)
            self.facts[item.kind].append(item.text)

    def clause(self, iri: str, c: crit.Clause, label: bool) -> None:
        measure = f"{V}measure/{c.measure}"
        unit = f"{V}unit/{c.unit}"
        comparator = f"{V}comparator/{c.comparator}"
        for concept in (measure, unit, comparator):
            if concept not in self.ctx.concepts:
                return
        add(self.g, iri, C + "measure", measure)
        add(self.g, iri, C + "comparator", comparator)
        add(self.g, iri, C + "quantityValue", decimal(c.value))
        add(self.g, iri, C + "unit", unit)
        if c.change:
            add(self.g, iri, C + "change", f"{V}change/{c.change}")
        if label:
            change = f" {c.change}" if c.change else ""
            symbol = self.ctx.symbols.get(comparator, c.comparator)
            unit_symbol = self.ctx.symbols.get(unit) or self.ctx.label(unit)
            text = (
                f"{self.ctx.label(measure)}{change} {symbol} {_show_number(c.value)} {unit_symbol}"
            )
            add(self.g, iri, RDFS_LABEL, Lit(text))

    def locations(self, m: dict, path: str) -> None:
        for where, o in rec.items(m, path, "overallOfficials"):
            name = rec.text(o, where, "name")
            affiliation = rec.text(o, where, "affiliation")
            role = rec.enum(o, where, "role", rec.OFFICIAL_ROLES)
            if name:
                person = self.agent(name, "INDIV", where, affiliation)
                add(
                    self.g, self.trial, C + ROLE_PROPERTY.get(role or "", "overallOfficial"), person
                )
        rec.items(m, path, "centralContacts")
        seen: set[str] = set()
        for where, loc in rec.items(m, path, "locations"):
            facility = rec.text(loc, where, "facility")
            status = rec.enum(loc, where, "status", rec.OVERALL_STATUS)
            city = rec.text(loc, where, "city")
            state = rec.text(loc, where, "state")
            postal = rec.text(loc, where, "zip")
            country = rec.text(loc, where, "country")
            geo = rec.obj(loc, where, "geoPoint")
            lat = lon = None
            if geo is not None:
                lat = rec.number(geo, f"{where}.geoPoint", "lat", -90, 90)
                lon = rec.number(geo, f"{where}.geoPoint", "lon", -180, 180)
            shown = ", ".join(x for x in (facility, city, country) if x)
            if not shown:
                continue
            country_iri = self.ctx.countries.get(norm(country)) if country else None
            if country_iri is None:
                self.notes.append(
                    f"{where}: site {shown!r} left out: country {country!r} is not in ontology/vocab/country.ttl"  # noqa: E501
                )
                continue
            key_ = _unique(slug(facility or city or country, 50), seen)
            iri = f"{ID}site/{self.key(key_)}"
            self.node(iri, "TrialSite", f"{self.nct} site: {shown}")
            add(self.g, iri, C + "facilityName", Lit(facility) if facility else None)
            if facility:
                org = self.ctx.agents.get(norm(facility))
                if org and org.startswith(f"{ID}organization/"):
                    add(self.g, iri, C + "facility", org)
            add(self.g, iri, C + "city", Lit(city) if city else None)
            add(self.g, iri, C + "stateOrProvince", Lit(state) if state else None)
            add(self.g, iri, C + "postalCode", Lit(postal) if postal else None)
            add(self.g, iri, C + "country", country_iri)
            add(self.g, iri, C + "status", self.vocab("trialstatus", status, f"{where}.status"))
            add(self.g, iri, SCHEMA + "latitude", decimal(lat) if lat is not None else None)
            add(self.g, iri, SCHEMA + "longitude", decimal(lon) if lon is not None else None)
            add(self.g, self.trial, C + "site", iri)
            self.facts["sites"].append(shown)

    def references(self, m: dict, path: str) -> None:
        """Each listed publication as a reference node: PMID, citation, and why it is listed."""
        seen: set[str] = set()
        for i, (where, ref) in enumerate(rec.items(m, path, "references"), start=1):
            pmid = rec.text(ref, where, "pmid")
            kind = rec.enum(ref, where, "type", rec.REFERENCE_TYPES)
            citation = rec.text(ref, where, "citation")
            if pmid is not None:
                if not _PMID.match(pmid) or not int(pmid):
                    raise RecordError(f"{where}.pmid", f"not a PubMed id: {pmid[:40]!r}")
                pmid = str(int(pmid))
            if pmid is None and citation is None:
                continue
            key = f"pmid-{pmid}" if pmid else f"citation-{i}"
            if key in seen:
                continue  # the same publication listed twice
            seen.add(key)
            iri = f"{ID}reference/{self.key(key)}"
            shown = f"PMID {pmid}" if pmid else shorten(citation or "", 80)
            self.node(iri, "PublicationReference", f"{self.nct} publication: {shown}")
            add(self.g, iri, C + "pmid", Lit(pmid) if pmid else None)
            add(self.g, iri, DCT + "bibliographicCitation", Lit(citation) if citation else None)
            add(
                self.g, iri, C + "referenceType", self.vocab("referencetype", kind, f"{where}.type")
            )
            add(self.g, iri, RDFS + "seeAlso", f"{PUBMED_URL}{pmid}/" if pmid else None)
            add(self.g, self.trial, C + "publication", iri)
        rec.items(m, path, "seeAlsoLinks")

    def source_node(self, ident: dict, path: str) -> Graph:
        g = new_graph()
        s = self.source_iri
        add(g, s, RDF_TYPE, C + "Source")
        add(g, s, DCT + "title", Lit(self.brief))
        add(g, s, DCT + "publisher", Lit("ClinicalTrials.gov"))
        if self.version:
            add(g, s, DCT + "issued", date_literal(self.version))
        add(g, s, SCHEMA + "url", Lit(REGISTRY_URL + self.nct, XSD + "anyURI"))
        accessed = self.access_date or (
            self.version_holder if self.version_holder and len(self.version_holder) == 10 else None
        )
        add(g, s, C + "accessDate", Lit(accessed, XSD + "date") if accessed else None)
        add(g, s, C + "sourceType", f"{V}sourcetype/registry-record")
        add(g, s, C + "reliability", f"{V}reliability/primary")
        holder = (
            f" The API's snapshot is dated {self.version_holder}." if self.version_holder else ""
        )
        add(g, s, SKOS + "editorialNote", Lit(
            f"The ClinicalTrials.gov record of {self.nct}, read through the registry's API (version 2) "  # noqa: E501
            f"and imported with `cartkg import ctgov`.{holder} The record as imported is kept in "
            f"data/trials/raw/{self.nct}.json; earlier imports are in the repository's history.",
            None, "en"))  # fmt: skip
        return g


def _variants(name: str) -> list[str]:
    """A name, and the parts of "A (B)" and "A / B"."""
    out = [name]
    m = re.match(r"^(.*?)\s*\((.*?)\)\s*$", name)
    if m:
        out.extend([m.group(1), m.group(2)])
    if "/" in name:
        out.extend(p.strip() for p in name.split("/"))
    return [x for x in out if x]


def _show_number(value: float | Decimal) -> str:
    d = Decimal(str(value))
    return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")


def _duration(frame: str) -> Lit | None:
    """The longest stretch of time a time frame names, as an xsd:duration (weeks as days)."""
    best = None
    for m in _DURATION.finditer(frame):
        number = Decimal(m.group(1))
        if number != number.to_integral() or number <= 0 or number > 10_000:
            continue
        n = int(number)
        unit = m.group(2).lower().rstrip("s")
        days = n * {"year": 365, "month": 30, "week": 7, "day": 1}[unit]
        text = {"year": f"P{n}Y", "month": f"P{n}M", "week": f"P{n * 7}D", "day": f"P{n}D"}[unit]
        if best is None or days > best[0]:
            best = (days, text)
    return Lit(best[1], XSD + "duration") if best else None


def map_record(ctx: Context, record: dict, access_date: str | None = None) -> Mapped:
    """Map one study record; raises RecordError naming the field that cannot be read."""
    return _Mapper(ctx, record, access_date).run()


def _unique(base: str, seen: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... if taken; the key returned is added to `seen`."""
    key, n = base, 2
    while key in seen:
        key, n = f"{base}-{n}", n + 1
    seen.add(key)
    return key
