"""The monitor's table of named products as program files.

Each row of ``products.csv`` names a product (its key and aliases), its target, whether it is
autologous, allogeneic or in vivo, its platform and its sponsor, as the monitor reads them. That
reading is a third party's opinion: every statement made from it cites the table as a weak
source and carries ``verification:unverified``, and a curator checks it against the sponsor's
own documents (issue 16).

A row whose names match a product the graph already has (rese-cel is CABA-201) does not make a
second product: the file that holds it wins. The importer adds the names it lacks (spelling
variants as ``skos:hiddenLabel``, so that search finds them and pages do not show them) and,
where the table disagrees with the file (another target, cell source, cell type or platform),
a ``cartkg:Claim`` node keeps the table's value beside the file's, marked ``-monitor-`` in its
IRI so that the next import rewrites it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cartkg.importing.context import Agent, Context, mint_agent, norm, slug, words
from cartkg.importing.report import Problem
from cartkg.importing.terms import DCT, ID, RDFS, SKOS, C, V
from cartkg.importing.turtle import RDF_TYPE, RDFS_LABEL, Graph, Lit, add, new_graph
from cartkg.snapshot.tables import Row

CLAIM_MARK = "-monitor-"
NOT_A_PRODUCT = re.compile(r"\bdual\b|pattern-based", re.I)
# the table's Target: antigens, or nothing the graph can state
TARGET_WORDS = {
    "CD19": "CD19", "BCMA": "BCMA", "CD20": "CD20", "CD22": "CD22", "CD7": "CD7",
    "CD70": "CD70", "BAFF-R": "BAFF-R",
}  # fmt: skip
UNKNOWN_TARGETS = ("CAR-T_unspecified", "Other_or_unknown", "CAR-Treg")
TYPES = {
    "Autologous": "autologous",
    "Allogeneic/Off-the-shelf": "allogeneic",
    "In vivo": "in-vivo",
    "Unclear": None,
}
# the table's Platform: a cell type, or the in vivo platform's parts
PLATFORMS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "CAR-T": ("t-cell", ()),
    "CAR-T_γδ": ("gamma-delta-t-cell", ()),
    "CAR-NK": ("nk-cell", ()),
    "CAR-iNKT": ("inkt-cell", ()),
    "CAR-Treg": ("regulatory-t-cell", ()),
    "In-vivo_mRNA-LNP": (None, ("in-vivo", "mrna", "lipid-nanoparticle")),
}
GENERIC_SPONSOR = re.compile(r"academic|unknown|pattern-based|consortium", re.I)
INN = re.compile(r"(?:leucel|cabtagene|autotemcel)\b", re.I)


@dataclass
class Product:
    """One row of the table, read."""

    row: Row
    key: str
    names: list[str]
    antigens: list[str]
    cell_source: str | None  # autologous | allogeneic | in-vivo | None
    cell_type: str | None
    platforms: tuple[str, ...]
    sponsors: list[str]
    iri: str = ""
    existing: bool = False  # the graph already has it
    notes: list[str] = field(default_factory=list)


class RowProblem(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def read_product(row: Row) -> Product | None:
    """A product from its row; None for a row that names a target pattern, not a product;
    RowProblem for a value the table should not hold."""
    key = row.get("Key")
    if not key:
        raise RowProblem("Key", "missing or empty")
    if NOT_A_PRODUCT.search(row.get("Sponsor")) and "/" in key:
        return None
    names = [key]
    for alias in row.get("Aliases").split("|"):
        alias = alias.strip()
        if alias and alias not in names:
            names.append(alias)
    target = row.get("Target")
    antigens: list[str] = []
    if target and target not in UNKNOWN_TARGETS:
        for part in re.sub(r"\s+(dual|triple)$", "", target).split("/"):
            if part.strip() not in TARGET_WORDS:
                raise RowProblem("Target", f"unknown target {part.strip()[:40]!r}")
            antigens.append(TARGET_WORDS[part.strip()])
    kind = row.get("Type")
    if kind not in TYPES:
        raise RowProblem("Type", f"unknown type {kind[:40]!r} (expected {', '.join(TYPES)})")
    platform = row.get("Platform")
    if platform not in PLATFORMS:
        raise RowProblem("Platform", f"unknown platform {platform[:40]!r}")
    cell_type, platforms = PLATFORMS[platform]
    sponsors = []
    for part in row.get("Sponsor").split("/"):
        head = part.split("(")[0].strip()  # "LegendBio (Union Hospital)": the qualifier goes
        if head and not GENERIC_SPONSOR.search(head):
            sponsors.append(head)
    return Product(row, key, names, antigens, TYPES[kind], cell_type, platforms, sponsors)


def display_names(product: Product, registry_names: dict[str, str]) -> list[str]:
    """The product's names as people write them: the registry's own casing when an intervention
    name is one of them, else upper case for code names (KYV-101) and the table's text for
    the others (azer-cel, obecabtagene autoleucel)."""
    out: list[str] = []
    for name in product.names:
        shown = registry_names.get(norm(name))
        if shown is None and re.search(r"\d", name) and not INN.search(name):
            shown = name.upper()  # a code name
        elif shown is None and re.fullmatch(r"[a-z]+", name):
            shown = name.capitalize()  # a brand name (aucatzyl)
        elif shown is None:
            shown = name
        if shown not in out:
            out.append(shown)
    return out


def classify(names: list[str]) -> tuple[str, dict[str, list[str]]]:
    """The label and the other names by property: INNs, code names, other names, and spelling
    variants (the same name with other punctuation, or one letter off) as hidden labels."""
    inns = [n for n in names if INN.search(n) and " " in n]
    short = [n for n in names if re.search(r"-cel$", n, re.I)]
    codes = [n for n in names if re.search(r"\d", n) and n not in inns]
    label = (short or codes or inns or names)[0]
    kinds: dict[str, list[str]] = {"inn": [], "codeName": [], "altLabel": [], "hiddenLabel": []}
    seen = {norm(label)}
    kept = [label]
    for name in names:
        if name == label:
            continue
        if norm(name) in seen or any(_one_off(name, k) for k in kept):
            kinds["hiddenLabel"].append(name)
            continue
        seen.add(norm(name))
        kept.append(name)
        kinds["inn" if name in inns else "codeName" if name in codes else "altLabel"].append(name)
    if label in codes:
        kinds["codeName"].insert(0, label)
    elif label in inns:
        kinds["inn"].insert(0, label)
    return label, kinds


def _one_off(a: str, b: str) -> bool:
    """A misspelling: the same digits, and one letter added, dropped or changed."""
    x, y = norm(a), norm(b)
    if x == y or re.sub(r"\D", "", x) != re.sub(r"\D", "", y) or abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y, strict=True)) == 1
    short, long_ = sorted((x, y), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def program_graph(
    product: Product,
    names: list[str],
    source: str,
    developers: list[str],
    ctx: Context,
    note: str | None = None,
) -> tuple[str, Graph]:
    """The program file of a product the graph does not have yet: program, product, construct."""
    key = slug(product.key)
    label, kinds = classify(names)
    g = new_graph()
    program = f"{ID}program/{key}"
    iri = f"{ID}product/{key}"
    construct = f"{ID}construct/{key}"
    developer_names = [ctx.label(d) for d in developers]
    # a program is never named as its product is, so that a name finds one entity
    shown = f"{label} ({', '.join(developer_names)})" if developer_names else f"{label} program"
    for s, cls, text in (
        (program, "TherapyProgram", shown),
        (iri, "InVivoCARTherapy" if product.cell_source == "in-vivo" else
              "EngineeredCellTherapyProduct", label),
    ):  # fmt: skip
        add(g, s, RDF_TYPE, C + cls)
        add(g, s, RDFS_LABEL, Lit(text))
        add(g, s, DCT + "source", source)
        add(g, s, C + "verification", f"{V}verification/unverified")
    add(g, program, C + "product", iri)
    for d in developers:
        add(g, program, C + "developer", d)
    add(g, program, SKOS + "editorialNote", Lit(
        "Made from the Rheumatology CAR-T Trials Monitor's table of named products: its names, "
        "target, cell source, platform and sponsor are the monitor's reading and are not yet "
        "checked against the developer's own documents.", None, "en"))  # fmt: skip
    add(g, program, SKOS + "editorialNote", Lit(note, None, "en") if note else None)
    for prop, values in kinds.items():
        ns = SKOS if prop in ("altLabel", "hiddenLabel") else C
        for value in values:
            add(g, iri, ns + prop, Lit(value))
    if product.cell_source in ("autologous", "allogeneic"):
        add(g, iri, C + "cellSource", f"{V}cellsource/{product.cell_source}")
    if product.cell_type:
        add(g, iri, C + "cellType", f"{V}celltype/{product.cell_type}")
    for platform in product.platforms:
        add(g, iri, C + "platform", f"{V}platform/{platform}")
    if product.antigens:
        add(g, iri, C + "hasConstruct", construct)
        add(g, construct, RDF_TYPE, C + "CARConstruct")
        add(g, construct, RDFS_LABEL, Lit(f"{label} CAR construct"))
        add(g, construct, DCT + "source", source)
        add(g, construct, C + "verification", f"{V}verification/unverified")
        for antigen in product.antigens:
            add(g, construct, C + "targetAntigen", f"{V}antigen/{antigen}")
        if len(product.antigens) > 1:
            add(g, construct, RDFS + "comment", Lit(
                "The monitor's table lists the targets together; whether one CAR binds both or "
                "two CARs are given is not stated there.", None, "en"))  # fmt: skip
    return key, g


def find_developers(
    product: Product,
    ctx: Context,
    pending: dict[str, tuple[Agent, Graph]],
    source: str,
    trial_sponsors: list[str],
) -> tuple[list[str], str | None]:
    """The organisations the table's sponsor names, and a note on how they were found.

    A name is matched to an organisation the graph holds under that name or another of its
    names; else to the sponsor of the product's own trials that shares a distinctive word with
    it (``Adicet Bio`` and ``Adicet Therapeutics``); else to the only known organisation whose
    name holds all its words (``Kite`` in ``Kite, A Gilead Company``); else a new organisation
    cited to the table. Where the table names no developer (academic, unknown), the lead
    sponsors of the product's trials are taken, and the note says so."""
    out: list[str] = []
    known = {iri: ctx.label(iri) for iri in set(ctx.agents.values())}
    known.update({a.iri: a.label for a, _ in pending.values()})
    sponsors = [s for s in dict.fromkeys(trial_sponsors) if s.startswith(f"{ID}organization/")]
    ambiguous: list[str] = []
    for name in product.sponsors:
        iri = ctx.find_agent(name)
        if iri is None:
            distinctive = _distinctive(name)
            hits = [s for s in sponsors if distinctive & _distinctive(known.get(s, ""))]
            if len(hits) > 1:  # "Tongji": Tongji Hospital, or Union Hospital, Tongji Medical ...
                ambiguous.append(name)
                continue
            iri = hits[0] if hits else None
        if iri is None:
            wanted = set(words(name))
            found = {
                i for i, label in known.items()
                if wanted <= set(words(label)) and i.startswith(f"{ID}organization/")
            }  # fmt: skip
            iri = next(iter(found)) if len(found) == 1 else None
        if iri is None:
            iri = mint_agent(ctx, pending, name, "INDUSTRY" if _company(name) else None, source)
        if iri not in out and iri.startswith(f"{ID}organization/"):
            out.append(iri)
    note = (
        f"The monitor's table names {', '.join(ambiguous)} as a developer, which fits more than "
        "one sponsor of the product's trials; left out."
        if ambiguous
        else None
    )
    if out or not sponsors:
        return out, note
    return sponsors[:3], (
        "The monitor's table names no developer for this product (it says "
        f"{product.row.get('Sponsor')!r}); the developer given is the lead sponsor of the "
        "product's registered trials."
    )


_COMMON_WORDS = {
    "therapeutics", "therapeutic", "biotherapeutics", "bio", "biotech", "biotechnology",
    "biotechnologies", "biosciences", "bioscience", "biopharma", "biomedicine", "pharma",
    "pharmaceuticals", "pharmaceutical", "medicine", "medical", "hospital", "university",
    "company", "limited", "group", "cell", "cells", "gene", "therapy", "science", "sciences",
    "technology", "research", "institute", "beijing", "shanghai", "nanjing", "chinese", "china",
    "people", "affiliated", "first", "second", "general", "center", "centre", "union",
}  # fmt: skip


def _distinctive(name: str) -> set[str]:
    return {w for w in words(name) if len(w) >= 4 and w not in _COMMON_WORDS}


def _company(name: str) -> bool:
    return not re.search(r"hospital|universit|institut|college|school", name, re.I)


def claims(
    product: Product, existing: Graph, iri: str, ctx: Context | None = None
) -> list[tuple[str, str, str, object, str]]:
    """Where the table disagrees with the product the graph holds: (claim key, the node the
    claim is about, property, the table's value, a note)."""
    props = existing.get(iri) or {}
    out: list[tuple[str, str, str, object, str]] = []
    programs = [s for s, p in existing.items() if iri in p.get(C + "product", ())]
    held = {d for s in programs for d in existing[s].get(C + "developer", ())}
    if ctx is not None and programs and held and product.sponsors:
        names = {ctx.label(d) for d in held}
        agrees = any(
            ctx.find_agent(name) in held
            or any(
                _distinctive(name) & _distinctive(n) or set(words(name)) <= set(words(n))
                for n in names
            )
            for name in product.sponsors
        )
        if not agrees:
            out.append(("developer", programs[0], "developer", Lit(product.row.get("Sponsor")),
                        "the monitor's table names another developer than the curated file"))  # fmt: skip  # noqa: E501
    constructs = [c for c in props.get(C + "hasConstruct", ()) if isinstance(c, str)]
    held_antigens = {
        a for c in constructs for a in (existing.get(c) or {}).get(C + "targetAntigen", ())
    }
    table_antigens = {f"{V}antigen/{a}" for a in product.antigens}
    if table_antigens and held_antigens and table_antigens != held_antigens:
        for a in sorted(table_antigens - held_antigens):
            out.append(("target-" + a.rsplit("/", 1)[-1].lower(), constructs[0], "targetAntigen", a,
                        "the monitor's table lists this target; the curated construct does not"))  # fmt: skip  # noqa: E501
    held_source = props.get(C + "cellSource", set())
    in_vivo = C + "InVivoCARTherapy" in props.get(RDF_TYPE, set())
    if product.cell_source == "in-vivo" and not in_vivo:
        out.append(("platform-in-vivo", iri, "platform", f"{V}platform/in-vivo",
                    "the monitor's table lists the product as in vivo; the curated file does not"))  # fmt: skip  # noqa: E501
    elif product.cell_source in ("autologous", "allogeneic"):
        value = f"{V}cellsource/{product.cell_source}"
        if (held_source and value not in held_source) or in_vivo:
            out.append(("cell-source", iri, "cellSource", value,
                        "the monitor's table gives another cell source than the curated file"))  # fmt: skip  # noqa: E501
    held_type = props.get(C + "cellType", set())
    if product.cell_type and held_type and f"{V}celltype/{product.cell_type}" not in held_type:
        out.append(("cell-type", iri, "cellType", f"{V}celltype/{product.cell_type}",
                    "the monitor's table gives another cell type than the curated file"))  # fmt: skip  # noqa: E501
    return out


def update_existing(
    product: Product,
    names: list[str],
    existing: Graph,
    iri: str,
    key: str,
    source: str,
    ctx: Context | None = None,
) -> Graph:
    """The file of a product the graph has, with the names it lacks and the table's
    disagreements as claims (earlier claims from the table replaced)."""
    out = new_graph()
    for s, props in existing.items():
        if isinstance(s, str) and s.startswith(f"{ID}claim/{key}{CLAIM_MARK}"):
            continue
        for p, objs in props.items():
            out[s][p] |= objs
    held = {
        norm(o.lex)
        for p, objs in (existing.get(iri) or {}).items()
        if p in _NAME_PROPS
        for o in objs
        if isinstance(o, Lit)
    }
    held_names = [
        o.lex
        for p, objs in (existing.get(iri) or {}).items()
        if p in _NAME_PROPS
        for o in objs
        if isinstance(o, Lit)
    ]
    for name in names:
        if norm(name) in held:
            if not any(n == name for n in held_names) and name.lower() not in {
                n.lower() for n in held_names
            }:
                add(out, iri, SKOS + "hiddenLabel", Lit(name))
            continue
        variant = any(_one_off(name, n) for n in held_names)
        add(out, iri, SKOS + ("hiddenLabel" if variant else "altLabel"), Lit(name))
        held.add(norm(name))
        held_names.append(name)
    for claim_key, about, prop, value, note in claims(product, existing, iri, ctx):
        c = f"{ID}claim/{key}{CLAIM_MARK}{claim_key}"
        add(out, c, RDF_TYPE, C + "Claim")
        add(out, c, RDFS_LABEL, Lit(f"{ctx_label_of(existing, iri)}: {note}"))
        add(out, c, DCT + "source", source)
        add(out, c, C + "claimAbout", about)
        add(out, c, C + "claimProperty", C + prop)
        add(out, c, C + "claimValue", value)  # type: ignore[arg-type]
        add(out, c, C + "verification", f"{V}verification/unverified")
    return out


def ctx_label_of(graph: Graph, iri: str) -> str:
    for o in (graph.get(iri) or {}).get(RDFS_LABEL, ()):
        return getattr(o, "lex", str(o))
    return iri.rsplit("/", 1)[-1]


_NAME_PROPS = {
    RDFS_LABEL, SKOS + "altLabel", SKOS + "hiddenLabel", SKOS + "prefLabel", C + "codeName",
    C + "formerName", C + "inn",
}  # fmt: skip


def problem(row: Row, e: RowProblem) -> Problem:
    return Problem(row.file, row.where, e.field, e.message)
