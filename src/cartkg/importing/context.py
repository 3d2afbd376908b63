"""What importers look names up in: vocabulary concepts, countries, drugs, products,
organisations and people, and the curated MONDO table of registry condition texts.

Names are matched after :func:`norm` (case, accents, punctuation and spaces dropped), and
organisation names also without their legal form (``Inc.``, ``Co., Ltd.``, ``GmbH``), so that
``CRISPR Therapeutics AG`` and ``CRISPR Therapeutics`` are one organisation.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from cartkg.importing.terms import DCT, ID, MONDO, SKOS, C
from cartkg.importing.turtle import RDF_TYPE, RDFS_LABEL, Graph, Lit, PrefixMap, add, new_graph
from cartkg.namespaces import prefix_map
from cartkg.paths import Project

CONDITIONS_TABLE = Path("ontology") / "mappings" / "ctgov-conditions.sssom.tsv"
NAME_PROPERTIES = frozenset(
    {
        RDFS_LABEL,
        SKOS + "altLabel",
        SKOS + "prefLabel",
        SKOS + "hiddenLabel",
        C + "codeName",
        C + "formerName",
        C + "inn",
    }
)
_LEGAL_FORM = re.compile(
    r"[,.]?\s*\b(?:inc|incorporated|ltd|limited|llc|gmbh|ag|plc|corp|corporation|co|company|"
    r"s\.?a|b\.?v|n\.?v|pty)\b\.?",
    re.I,
)
# a person's degrees after their name ("Ting Chang, MD"); only after a comma, so that "M.D.
# Anderson Cancer Center" stays an organisation
_DEGREE = re.compile(
    r",\s*(?:M\.?D\.?|Ph\.?D\.?|MBBS|MSc|MS|MPH|DO|PharmD|RN|MBChB|FRCP)\b.*$", re.I
)
# words that make a sponsor's name an organisation's rather than a person's
_ORG_WORDS = re.compile(
    r"universit|hospital|clinic|institut|college|school|center|centre|therapeutic|pharma|bio|"
    r"medic|health|research|cancer|foundation|group|society|network|consortium|laborator|"
    r"\blab\b|scien|cell|gene|valley|company|\binc\b|\bltd\b|\bco\b|trust|council|agency|"
    r"people|children|general|affiliated|army|force|military|national|provincial|city|"
    r"campus|immun|care|tech|\bsa\b|\bag\b",
    re.I,
)
_PERSON_NAME = re.compile(r"^[A-Z][A-Za-z'\-]*\.?(?: [A-Z][A-Za-z'\-]*\.?){1,3}$")


# the same sponsors, countries and drug names come back record after record
@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """A matching key: accents and case dropped, punctuation and spaces removed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"'s\b", "", text)
    return re.sub(r"[^a-z0-9]+", "", text)


@lru_cache(maxsize=8192)
def agent_norm(name: str) -> str:
    """An organisation's or person's matching key: :func:`norm` without the legal form or a
    person's degrees (``Nkarta, Inc.`` and ``Nkarta`` match; ``Ting Chang, MD`` and ``Ting
    Chang`` too)."""
    plain = _DEGREE.sub("", name).strip() or name
    return norm(_LEGAL_FORM.sub(" ", plain)) or norm(name)


@lru_cache(maxsize=8192)  # facility and organisation names recur across records
def slug(text: str, limit: int = 60) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0] or text[:limit]
    return text or "x"


def words(text: str) -> tuple[str, ...]:
    """The words of a name for containment matching: ASCII letters and digits, lower case."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return tuple(re.findall(r"[a-z0-9]+", text))


def looks_like_person(name: str, agency_class: str | None) -> bool:
    """A sponsor the registry classes INDIV, or a name with a degree, or a personal name (two
    to four capitalised words and none of an organisation's words) with class OTHER: sponsor-
    investigators are registered with class OTHER."""
    if agency_class == "INDIV":
        return True
    if agency_class not in (None, "OTHER"):
        return False
    if _DEGREE.search(name) and not _ORG_WORDS.search(_DEGREE.sub("", name)):
        return True
    return bool(_PERSON_NAME.match(name.strip())) and not _ORG_WORDS.search(name)


# words that say what a product is, not which one: an intervention name made only of them
# ("CD19 CAR-T cells", "universal BCMA CAR-T") names no particular product
GENERIC_WORDS = frozenset(
    """
    a an and or of for the in with by to car cart car-t t nk cell cells chimeric antigen
    receptor receptors anti targeted targeting directed specific universal autologous
    allogeneic allogenic ucar injection infusion infusions therapy therapies treatment dual
    bispecific tandem third second fourth generation cd19 cd20 cd22 cd7 cd70 cd6 cd38 bcma
    baff r cd3 cd28 4 1bb 41bb treg tregs regulatory lymphocytes derived umbilical cord
    blood vivo ex mrna lnp ipsc inkt gamma delta gd dnt double negative engineered modified
    product products group arm cohort dose level high low sequential combined
    """.split()  # noqa: SIM905 (a word list reads better than 100 quoted strings)
)


@dataclass
class Agent:
    iri: str
    kind: str  # "organization" or "person"
    label: str
    rdf_class: str
    affiliation: str | None = None


@dataclass
class Context:
    """What the importer looks names up in: vocabularies, products, organizations, MONDO table."""

    prefixes: PrefixMap
    concepts: set[str]
    notations: dict[tuple[str, str], str]
    labels: dict[str, str]
    countries: dict[str, str]
    drugs: dict[str, str]
    products: dict[str, str]
    agents: dict[str, str]
    agent_keys: set[str]
    conditions: dict[str, tuple[str, str]]
    # products by the words of their names, for names inside longer intervention names
    _product_words: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)

    @property
    def symbols(self) -> dict[str, str]:
        """Concept IRI -> notation (the comparator's ">=", a unit's UCUM code)."""
        if not hasattr(self, "_symbols"):
            self._symbols = {iri: n for (_, n), iri in self.notations.items()}
        return self._symbols

    @classmethod
    def load(cls, project: Project, data_dir: Path | None = None) -> Context:
        prefixes = PrefixMap(prefix_map(project.ontology_file))
        concepts: set[str] = set()
        notations: dict[tuple[str, str], str] = {}
        labels: dict[str, str] = {}
        countries: dict[str, str] = {}
        drugs: dict[str, str] = {}
        for path in sorted((project.root / "ontology" / "vocab").glob("*.ttl")):
            scheme = path.stem
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                s, p, o = t.subject, t.predicate.value, t.object
                if not isinstance(s, ox.NamedNode):
                    continue
                if p == RDF_TYPE and o.value == SKOS + "Concept":
                    concepts.add(s.value)
                elif p == SKOS + "notation":
                    notations[(scheme, o.value)] = s.value
                    if scheme == "country":
                        countries[norm(o.value)] = s.value
                elif p in (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel"):
                    if p == RDFS_LABEL:
                        labels[s.value] = o.value
                    elif p == SKOS + "prefLabel":
                        labels.setdefault(s.value, o.value)
                    if scheme == "country":
                        countries[norm(o.value)] = s.value
                    elif scheme == "drug":
                        drugs[norm(o.value)] = s.value
        folders = [project.root / "data"]
        if data_dir is not None and data_dir.resolve() != folders[0].resolve():
            folders.append(data_dir)
        products: dict[str, str] = {}
        agents: dict[str, str] = {}
        keys: set[str] = set()
        for folder in folders:
            for key, iri in _names(folder / "programs", "product/").items():
                products.setdefault(key, iri)
            org_names = _names(folder / "organizations", "organization/", "person/", labels)
            for name, iri in org_names.items():
                agents.setdefault(agent_norm(name), iri)
            keys.update(p.stem for p in (folder / "organizations").glob("*.ttl"))
        ctx = cls(
            prefixes, concepts, notations, labels, countries, drugs, {}, agents, keys,
            load_conditions(project.root / CONDITIONS_TABLE),
        )  # fmt: skip
        for name, iri in products.items():
            ctx.add_product_name(name, iri)
        return ctx

    def concept(self, scheme: str, notation: str) -> str | None:
        return self.notations.get((scheme, notation))

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("/", 1)[-1]

    def add_product_name(self, name: str, iri: str) -> None:
        """Make a product findable by ``name`` (a label, code name, INN or other name). A name
        made only of generic words ("anti-CD19 CAR-T cells") describes many products and
        matches none."""
        key = norm(name)
        if not key or all(w in GENERIC_WORDS for w in words(name)):
            return
        self.products.setdefault(key, iri)
        ws = words(name)
        # inside a longer intervention name only names that cannot be common words: with a
        # digit and a letter (KYV-101, CT103A) or of two words or more (obe-cel, azer-cel)
        if ws and (len(ws) > 1 or (re.search(r"\d", key) and re.search(r"[a-z]", key))):
            entries = self._product_words.setdefault(ws[0], [])
            if (ws, iri) not in entries:
                entries.append((ws, iri))

    def match_products(self, name: str) -> list[str]:
        """Products an intervention name names: the whole name, or a product's name as whole
        words inside it ("CT103A cells", "KYV-101 CAR T cells")."""
        found = self.products.get(norm(name))
        if found:
            return [found]
        ws = words(name)
        out: list[str] = []
        for i, w in enumerate(ws):
            for candidate, iri in self._product_words.get(w, ()):
                if ws[i : i + len(candidate)] == candidate and iri not in out:
                    out.append(iri)
        return out

    def find_agent(self, name: str) -> str | None:
        return self.agents.get(agent_norm(name))


def mint_agent(
    ctx: Context,
    pending: dict[str, tuple[Agent, Graph]],
    name: str,
    agency_class: str | None,
    source_iri: str,
    affiliation: str | None = None,
) -> str:
    """The IRI of an organisation or person named ``name``: one the graph holds under that name
    or another of its names, one minted earlier in this run (``pending``), else a new one, whose
    file's graph is added to ``pending`` under its key."""
    person = looks_like_person(name, agency_class)
    if person:
        name = _DEGREE.sub("", name).strip() or name
    found = ctx.find_agent(name)
    if found:
        return found
    key_norm = agent_norm(name)
    for agent, _ in pending.values():
        if agent_norm(agent.label) == key_norm:
            return agent.iri
    kind = "person" if person else "organization"
    base = slug(_LEGAL_FORM.sub(" ", name).strip(" ,.") or name)
    key = base
    n = 2
    while key in ctx.agent_keys or key in pending:
        key = f"{base}-{n}"
        n += 1
    iri = f"{ID}{kind}/{key}"
    if person:
        cls = "Person"
    elif agency_class == "INDUSTRY":
        cls = "Company"
    elif re.search(r"hospital|clinic|medical center|health", name, re.I):
        cls = "HealthcareOrganization"
    elif re.search(r"universit|institut|college|school of medicine", name, re.I):
        cls = "AcademicInstitution"
    else:
        cls = "Organization"
    g = new_graph()
    add(g, iri, RDF_TYPE, C + cls)
    add(g, iri, RDFS_LABEL, Lit(name))
    add(g, iri, DCT + "source", source_iri)
    if affiliation and person:
        add(g, iri, C + "affiliation", mint_agent(ctx, pending, affiliation, "OTHER", source_iri))
    pending[key] = (Agent(iri, kind, name, cls), g)
    ctx.labels[iri] = name
    return iri


def remember_agents(ctx: Context, written: Iterable[tuple[str, Agent]]) -> None:
    """Make agents written in this run findable by the records that follow."""
    for key, agent in written:
        ctx.agents.setdefault(agent_norm(agent.label), agent.iri)
        ctx.agent_keys.add(key)


def _names(folder: Path, *namespaces: str, labels: dict[str, str] | None = None) -> dict[str, str]:
    """Names (label, other names, code names, INN) of the subjects of a folder -> IRI; their
    labels go into ``labels`` when given."""
    out: dict[str, str] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.ttl")):
        try:
            parsed = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except (SyntaxError, OSError, ValueError):
            continue  # the build reports a broken file; the importer just cannot match its names
        for t in parsed:
            s = t.subject
            if (
                isinstance(s, ox.NamedNode)
                and t.predicate.value in NAME_PROPERTIES
                and any(s.value.startswith(ID + ns) for ns in namespaces)
            ):
                out.setdefault(t.object.value, s.value)
                if labels is not None and t.predicate.value == RDFS_LABEL:
                    labels.setdefault(s.value, t.object.value)
    return out


def load_conditions(path: Path) -> dict[str, tuple[str, str]]:
    """The curated condition table: normalised registry text -> (MONDO IRI, SKOS predicate)."""
    table: dict[str, tuple[str, str]] = {}
    if not path.is_file():
        return table
    with path.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            curie = row["object_id"].strip()
            if not curie.startswith("MONDO:"):
                continue
            predicate = row["predicate_id"].strip().replace("skos:", SKOS)
            table[norm(row["subject_label"])] = (MONDO + curie.split(":", 1)[1], predicate)
    return table
