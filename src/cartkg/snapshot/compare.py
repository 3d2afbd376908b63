"""The graph beside the monitor's own reading of each trial (``monitor-classification.csv``).

The monitor classifies every trial it lists: a target category (CD19, "CD19/BCMA dual",
CAAR-T, ...) and a product type (autologous, allogeneic, in vivo). That is another project's
opinion, never copied into the graph; it is a second reading to check the graph against. A
trial disagrees when the graph states target antigens (through the products the trial studies)
or cell sources and the monitor's reading differs. Each disagreement ends as a fix in the data
or as an explanation: a ``cartkg:Claim`` about the trial that keeps the monitor's value, cites
the monitor's classification as its source and says in ``skos:editorialNote`` why the graph
differs. ``cartkg compare monitor`` lists them; a test wants no unexplained one.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cartkg.importing.terms import ID
from cartkg.namespaces import sparql_prologue
from cartkg.queries import QueryClient

CLASSIFICATION = "monitor-classification.csv"
SOURCE = f"{ID}source/rheum-car-t-monitor-classification"
# the monitor's target categories as antigen keys; categories that name no antigen are None
TARGETS: dict[str, frozenset[str] | None] = {
    "CAR-T_unspecified": None, "Other_or_unknown": None, "CAR-Treg": None, "CAR-NK": None,
    "CAAR-T": frozenset({"(autoantigen)"}),
}  # fmt: skip
SOURCES = {
    "Autologous": "autologous",
    "Allogeneic/Off-the-shelf": "allogeneic",
    "In vivo": "in-vivo",
}

_GRAPH = """
SELECT ?trial ?kind ?value WHERE {
  ?trial a cartkg:ClinicalTrial ; cartkg:studiesProduct ?product .
  {
    ?product cartkg:hasConstruct/cartkg:targetAntigen ?antigen .
    BIND ("target" AS ?kind)
    BIND (STRAFTER(STR(?antigen), "/vocab/antigen/") AS ?value)
  }
  UNION
  {
    ?product cartkg:hasConstruct/cartkg:presentsAutoantigen ?autoantigen .
    BIND ("target" AS ?kind)
    BIND ("(autoantigen)" AS ?value)
  }
  UNION
  {
    ?product cartkg:cellSource ?source .
    BIND ("source" AS ?kind)
    BIND (STRAFTER(STR(?source), "/vocab/cellsource/") AS ?value)
  }
  UNION
  {
    ?product a cartkg:InVivoCARTherapy .
    BIND ("source" AS ?kind)
    BIND ("in-vivo" AS ?value)
  }
}
"""

_EXPLAINED = f"""
SELECT ?trial ?property WHERE {{
  ?claim a cartkg:Claim ; cartkg:claimAbout ?trial ; cartkg:claimProperty ?property ;
         dcterms:source <{SOURCE}> ; skos:editorialNote ?why .
}}
"""


@dataclass(frozen=True)
class Disagreement:
    nct: str
    what: str  # target antigens | cell source
    monitor: str
    graph: str
    explained: bool


def target_keys(category: str) -> frozenset[str] | None:
    """The antigen keys of a target category ("CD19/BCMA dual" is CD19 and BCMA)."""
    if category in TARGETS:
        return TARGETS[category]
    parts = category.replace(" dual", "").replace(" triple", "").split("/")
    return frozenset(p.strip() for p in parts if p.strip())


def disagreements(client: QueryClient, folder: Path) -> list[Disagreement]:
    """Every trial whose targets or cell sources in the graph differ from the monitor's reading."""
    graph: dict[tuple[str, str], set[str]] = {}
    for row in _select(client, _GRAPH):
        nct = str(row["trial"]).rsplit("/", 1)[-1]
        graph.setdefault((nct, str(row["kind"])), set()).add(str(row["value"]))
    explained = {
        (str(row["trial"]).rsplit("/", 1)[-1], str(row["property"]).rsplit("/", 1)[-1])
        for row in _select(client, _EXPLAINED)
    }
    out = []
    with (folder / CLASSIFICATION).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            nct = row["NCTId"]
            targets = target_keys(row["TargetCategory"])
            held = graph.get((nct, "target"))
            if targets and held and set(targets) != held:
                out.append(Disagreement(
                    nct, "target antigens", row["TargetCategory"], ", ".join(sorted(held)),
                    (nct, "targetAntigen") in explained))  # fmt: skip
            source = SOURCES.get(row["ProductType"])
            held = graph.get((nct, "source"))
            if source and held and held != {source}:
                out.append(Disagreement(
                    nct, "cell source", row["ProductType"], ", ".join(sorted(held)),
                    (nct, "cellSource") in explained))  # fmt: skip
    return out


def _select(client: QueryClient, text: str):
    return client.execute(sparql_prologue(client.prefixes) + text, {})
