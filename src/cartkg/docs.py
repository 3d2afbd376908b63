"""The generated reference pages: docs/ontology.md from the ontology files, docs/queries.md
from the stored queries' headers.

They are written from the files every time (``cartkg docs``) and checked in tests
(``cartkg docs --check``), so the documentation cannot drift from what it describes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import curies
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from cartkg.dataset import Dataset
from cartkg.namespaces import CARTKG, DCTERMS, SH, show_term
from cartkg.paths import Project

DOCS_FILE = Path("docs") / "ontology.md"
QUERIES_FILE = Path("docs") / "queries.md"
_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
_PROPERTY_KINDS = (
    (OWL.ObjectProperty, "Object properties"),
    (OWL.DatatypeProperty, "Datatype properties"),
    (OWL.AnnotationProperty, "Annotation properties"),
)


def render(project: Project) -> str:
    """The Markdown reference of the project's ontology, vocabularies and imports."""
    dataset = Dataset.load(project, roles=("ontology",))
    graph = dataset.rdflib_graph("ontology")
    conv = curies.Converter.from_prefix_map(
        {p: str(ns) for p, ns in graph.namespaces()} | _declared_prefixes(graph)
    )
    doc = _Doc(graph, conv)
    return doc.render()


def write(project: Project) -> list[Path]:
    """Write every generated page; returns their paths."""
    written = []
    for relpath, make in GENERATED.items():
        path = project.root / relpath
        path.parent.mkdir(exist_ok=True)
        path.write_text(make(project), encoding="utf-8")
        written.append(path)
    return written


def stale(project: Project) -> list[Path]:
    """The generated pages that are missing or differ from what the files give now."""
    return [
        relpath
        for relpath, make in GENERATED.items()
        if not (project.root / relpath).is_file()
        or (project.root / relpath).read_text(encoding="utf-8") != make(project)
    ]


def is_current(project: Project) -> bool:
    return not stale(project)


def render_queries(project: Project) -> str:
    """The catalogue of stored queries, grouped by their first tag, from their headers."""
    from cartkg.queries import load_queries

    queries = load_queries(project.queries_dir)
    groups: dict[str, list] = defaultdict(list)
    for query in queries.values():
        groups[query.tags[0] if query.tags else "other"].append(query)
    lines = [
        "# Stored queries",
        "",
        "<!-- Written by `cartkg docs` from the headers of queries/*.rq: do not edit by hand. -->",
        "",
        f"{len(queries)} stored queries. Run one with `cartkg query SLUG [-p NAME=VALUE ...]` on",
        "the built store, or with `--endpoint URL` on any SPARQL 1.1 endpoint; from Python,",
        "`cartkg.open_client().run_query(SLUG, NAME=VALUE)`. Every `iri` parameter also takes a",
        "name the graph holds (CABA-201, lupus nephritis, LVEF), resolved as `cartkg search`",
        "resolves it. How to add one: CONTRIBUTING.md.",
        "",
    ]
    for tag in sorted(groups):
        lines.append(f"- [{tag}](#{tag})")
    for tag in sorted(groups):
        lines += ["", f"## {tag}"]
        for query in sorted(groups[tag], key=lambda q: q.slug):
            lines += ["", f"### `{query.slug}`", "", query.summary + ".", ""]
            if query.description:
                lines += [" ".join(query.description.split()), ""]
            example = " ".join(
                f"-p {p.name}={_shell(p.example)}" for p in query.params if p.example is not None
            )
            command = f"$ cartkg query {query.slug}" + (f" {example}" if example else "")
            lines += ["```console", command, "```", ""]
            if query.params:
                lines += ["| parameter | type | required | what it takes | example |",
                          "|---|---|---|---|---|"]  # fmt: skip
                for p in query.params:
                    kind = p.type + (f" (prefix `{p.prefix}`)" if p.prefix else "")
                    lines.append(
                        f"| `{p.name}` | {kind} | {'yes' if p.required else 'no'} | "
                        f"{p.description.replace('|', '/')} | "
                        f"{'`' + p.example + '`' if p.example is not None else ''} |"
                    )
                lines.append("")
            tags = ", ".join(query.tags)
            lines += [f"Tags: {tags}. File: `queries/{query.slug}.rq`.", "",
                      "<details><summary>SPARQL</summary>", "", "```sparql",
                      query.body.rstrip(), "```", "", "</details>"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _shell(value: str) -> str:
    return value if all(c.isalnum() or c in "-_.:/^" for c in value) else f'"{value}"'


def _declared_prefixes(graph: Graph) -> dict[str, str]:
    sh = str(SH)
    pairs = {}
    for decl in graph.objects(None, URIRef(sh + "declare")):
        prefix = graph.value(decl, URIRef(sh + "prefix"))
        namespace = graph.value(decl, URIRef(sh + "namespace"))
        if prefix is not None and namespace is not None:
            pairs[str(prefix)] = str(namespace)
    return pairs


class _Doc:
    def __init__(self, graph: Graph, converter: curies.Converter):
        self.g = graph
        self.conv = converter

    def c(self, node: Node | None) -> str:
        if isinstance(node, BNode):
            return self.expression(node)
        return show_term(node, self.conv)

    def code(self, node: Node | None) -> str:
        return f"`{self.c(node)}`" if node is not None else ""

    def text(self, node: Node, prop: URIRef) -> str:
        values = sorted(str(v) for v in self.g.objects(node, prop))
        return " ".join(values).replace("|", "\\|").replace("\n", " ")

    def own(self, kind: URIRef) -> list[URIRef]:
        """cartkg's own terms of an RDF type, sorted."""
        return sorted(
            s
            for s in set(self.g.subjects(RDF.type, kind))
            if isinstance(s, URIRef)
            and str(s).startswith(str(CARTKG))
            and "/" not in str(s)[len(str(CARTKG)) :]
        )

    def expression(self, node: Node) -> str:
        """A class expression in Manchester-like syntax."""
        g = self.g
        if isinstance(node, URIRef):
            return self.c(node)
        members = g.value(node, OWL.intersectionOf)
        if members is not None:
            return " and ".join(self._paren(m) for m in Collection(g, members))
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(self._paren(m) for m in Collection(g, members))
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            inverse = g.value(prop, OWL.inverseOf) if isinstance(prop, BNode) else None
            p = f"inverse ({self.c(inverse)})" if inverse is not None else self.c(prop)
            for pred, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only")):
                filler = g.value(node, pred)
                if filler is not None:
                    return f"{p} {word} {self._paren(filler)}"
            value = g.value(node, OWL.hasValue)
            if value is not None:
                return f"{p} value {self.c(value)}"
            for pred, word in (
                (OWL.minQualifiedCardinality, "min"),
                (OWL.maxQualifiedCardinality, "max"),
                (OWL.qualifiedCardinality, "exactly"),
            ):
                n = g.value(node, pred)
                if n is not None:
                    return f"{p} {word} {n} {self._paren(g.value(node, OWL.onClass))}"
        datatype = g.value(node, OWL.onDatatype)
        if datatype is not None:
            facets = []
            for facet in Collection(g, g.value(node, OWL.withRestrictions)):
                for pred, value in g.predicate_objects(facet):
                    facets.append(f"{self.c(pred).split(':')[-1]} {value}")
            return f"{self.c(datatype)}[{', '.join(facets)}]"
        return "(anonymous)"

    def _paren(self, node: Node) -> str:
        text = self.expression(node)
        return text if isinstance(node, URIRef) else f"({text})"

    def mappings(self, node: URIRef) -> str:
        parts = []
        for prop in _MAPPINGS:
            for target in sorted(self.g.objects(node, prop)):
                parts.append(f"{self.c(prop).split(':')[1]} {self.code(target)}")
        return "; ".join(parts)

    def render(self) -> str:
        out = [
            "# cartkg ontology reference",
            "",
            "Generated from `ontology/` by `cartkg docs`; do not edit by hand.",
            "",
        ]
        ontology = next(self.g.subjects(RDF.type, OWL.Ontology), None)
        if ontology is not None:
            out += [self.text(ontology, DCTERMS.description), ""]
            comment = self.text(ontology, RDFS.comment)
            if comment:
                out += [comment, ""]
        out += self._prefixes() + self._classes() + self._properties() + self._schemes()
        return "\n".join(out).rstrip() + "\n"

    def _prefixes(self) -> list[str]:
        out = ["## Prefixes", "", "| prefix | namespace |", "|---|---|"]
        for prefix, ns in sorted(_declared_prefixes(self.g).items()):
            out.append(f"| `{prefix}:` | <{ns}> |")
        return [*out, ""]

    def _classes(self) -> list[str]:
        classes = self.own(OWL.Class)
        children: dict[URIRef | None, list[URIRef]] = defaultdict(list)
        for cls in classes:
            parents = [p for p in self.g.objects(cls, RDFS.subClassOf) if p in classes]
            children[parents[0] if parents else None].append(cls)
        out = ["## Classes", ""]
        out += self._tree(children, None, 0)
        out.append("")
        for cls in classes:
            out += self._class(cls)
        return out

    def _tree(self, children: dict, parent: URIRef | None, depth: int) -> list[str]:
        lines = []
        for cls in sorted(children.get(parent, [])):
            marks = self._marks(cls)
            label = self.text(cls, RDFS.label)
            anchor = self.c(cls).replace(":", "").lower()
            lines.append(f"{'  ' * depth}- [{self.c(cls)}](#{anchor}) {label}{marks}")
            lines += self._tree(children, cls, depth + 1)
        return lines

    def _marks(self, cls: URIRef) -> str:
        if (cls, CARTKG.isAbstract, None) in self.g:
            return " *(abstract)*"
        if (cls, OWL.equivalentClass, None) in self.g:
            return " *(defined: the reasoner fills it in)*"
        return ""

    def _class(self, cls: URIRef) -> list[str]:
        out = [
            f"### {self.c(cls)}",
            "",
            f"**{self.text(cls, RDFS.label)}**{self._marks(cls)}. "
            f"{self.text(cls, SKOS.definition)}",
            "",
        ]
        supers = [s for s in self.g.objects(cls, RDFS.subClassOf)]
        rows = []
        if supers:
            rows.append(("subclass of", ", ".join(sorted(self.code(s) for s in supers))))
        for eq in self.g.objects(cls, OWL.equivalentClass):
            rows.append(("equivalent to", f"`{self.expression(eq)}`"))
        disjoint = sorted(self.code(d) for d in self.g.objects(cls, OWL.disjointWith))
        if disjoint:
            rows.append(("disjoint with", ", ".join(disjoint)))
        alt = self.text(cls, SKOS.altLabel)
        if alt:
            rows.append(("also called", alt))
        if self.mappings(cls):
            rows.append(("mappings", self.mappings(cls)))
        used = sorted(self.code(p) for p in self.g.subjects(RDFS.domain, cls))
        if used:
            rows.append(("properties", ", ".join(used)))
        return out + self._rows(rows)

    def _rows(self, rows: Iterable[tuple[str, str]]) -> list[str]:
        rows = list(rows)
        if not rows:
            return []
        return ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows), ""]

    def _properties(self) -> list[str]:
        out = []
        for kind, title in _PROPERTY_KINDS:
            props = [
                p
                for p in sorted(set(self.g.subjects(RDF.type, kind)))
                if isinstance(p, URIRef) and (p, SKOS.definition, None) in self.g
            ]
            out += [
                f"## {title}",
                "",
                "| property | label | definition | domain | range | notes |",
                "|---|---|---|---|---|---|",
            ]
            for p in props:
                notes = []
                if (p, RDF.type, OWL.FunctionalProperty) in self.g:
                    notes.append("functional")
                notes += [
                    f"subproperty of {self.code(s)}" for s in self.g.objects(p, RDFS.subPropertyOf)
                ]
                if self.mappings(p):
                    notes.append(self.mappings(p))
                domain = ", ".join(sorted(self.code(d) for d in self.g.objects(p, RDFS.domain)))
                rng = ", ".join(
                    sorted(f"`{self.expression(r)}`" for r in self.g.objects(p, RDFS.range))
                )
                out.append(
                    f"| {self.code(p)} | {self.text(p, RDFS.label)} | "
                    f"{self.text(p, SKOS.definition)} | {domain} | {rng} | {'; '.join(notes)} |"
                )
            out.append("")
        return out

    def _schemes(self) -> list[str]:
        out = ["## Value lists and imported terms", ""]
        schemes = sorted(
            s for s in self.g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)
        )
        for scheme in schemes:
            concepts = sorted(self.g.subjects(SKOS.inScheme, scheme))
            out += [f"### {self.text(scheme, RDFS.label)}", "", f"<{scheme}>", ""]
            definition = self.text(scheme, SKOS.definition) or self.text(scheme, RDFS.comment)
            if definition:
                out += [definition, ""]
            out += [
                "| concept | label | notation | definition | mappings |",
                "|---|---|---|---|---|",
            ]
            for concept in concepts:
                cells = [
                    self.code(concept),
                    self.text(concept, RDFS.label),
                    self.text(concept, SKOS.notation),
                    self.text(concept, SKOS.definition),
                    self.mappings(concept),
                ]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        return out


# every generated page, by its path in the project, with the function that writes it
GENERATED: dict[Path, Callable[[Project], str]] = {DOCS_FILE: render, QUERIES_FILE: render_queries}
