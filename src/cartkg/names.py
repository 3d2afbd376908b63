"""The name index: every name the graph holds for an entity, as a key people's spellings share.

The build writes it into its own graph (``graph:inferred/names``): for each entity and each of
its names, an entry with the name as written (``rdf:value``), its key (``cartkg:lookupKey``) and
its rank (0 for the entity's own name, 1 for a name it holds through an aligned term: its
Mondo, HGNC or ChEBI term, or for a program its product). The stored query ``search`` matches a
text's key against these entries, so resolution is SPARQL over the built graph and an endpoint
holding the pushed graph answers as the embedded store does.

A key is the name in lower case without spaces, hyphens, dashes, underscores, ``^`` or ``*``,
with µ and μ read as u, superscript digits as digits, accented Latin letters as plain ones and
``≥``/``≤``/``×`` as ``>=``/``<=``/``x``. The stored queries take their text already as a key
(the ``name`` parameter type binds ``key(text)``): computed in SPARQL, Oxigraph evaluated the
key's regular expressions again for every name it compared.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pyoxigraph as ox
from curies import Converter

from cartkg.namespaces import CARTKG, GRAPH, NAME_ENTRY, OWL, RDF, RDFS, SKOS, XSD

NAMES_GRAPH = f"{GRAPH}inferred/names"
ENTRY = str(NAME_ENTRY)

_SKOS = str(SKOS)
_RDFS = str(RDFS)
_RDF_VALUE = ox.NamedNode(str(RDF.value))

# the properties whose values name their subject
OWN_NAMES = (
    f"{_RDFS}label",
    f"{_SKOS}prefLabel",
    f"{_SKOS}altLabel",
    f"{_SKOS}hiddenLabel",
    f"{_SKOS}notation",
    f"{CARTKG}codeName",
    f"{CARTKG}inn",
    f"{CARTKG}formerName",
    f"{CARTKG}acronym",
    f"{CARTKG}ucumCode",
    f"{CARTKG}nctId",
    f"{CARTKG}nctIdAlias",
    f"{CARTKG}chiCtrId",
    f"{CARTKG}euCtNumber",
    f"{CARTKG}eudraCtNumber",
    f"{CARTKG}orgStudyId",
)
# the names of a related term that name the entity too (a construct's target is not its name)
RELATED_NAMES = (
    *OWN_NAMES[:4],
    f"{_SKOS}notation",
    f"{CARTKG}codeName",
    f"{CARTKG}inn",
    f"{CARTKG}formerName",
)
ALIGNMENTS = (
    f"{_SKOS}exactMatch",
    f"{_SKOS}closeMatch",
    f"{CARTKG}encodedBy",
    f"{CARTKG}product",
)

# (pattern, replacement) in the order key() applies them, after lower-casing
FOLDS = (
    ("[µμ]", "u"),
    ("≥", ">="),
    ("≤", "<="),
    ("×", "x"),
    ("[’‘`´]", "'"),
    ("[àáâäãå]", "a"),
    ("[éèêë]", "e"),
    ("[íìîï]", "i"),
    ("[óòôöõø]", "o"),
    ("[úùûü]", "u"),
    ("[⁰¹²³⁴⁵⁶⁷⁸⁹]", None),  # superscript digits: the digit
    (r"[\s_‐‑‒–—―−^*-]+", ""),
    ("ç", "c"),
)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_FOLDS = [(re.compile(p), r) for p, r in FOLDS]


def key(text: str) -> str:
    """The lookup key of a name: what spellings of one name have in common."""
    text = text.lower()
    for pattern, replacement in _FOLDS:
        if replacement is None:
            text = text.translate(_SUPERSCRIPTS)
        else:
            text = pattern.sub(replacement, text)
    return text


def _entry(entity: str, name: str) -> ox.NamedNode:
    digest = hashlib.sha1(f"{entity}\n{name}".encode()).hexdigest()[:20]
    return ox.NamedNode(ENTRY + digest)


def index_names(store: ox.Store, converter: Converter) -> int:
    """Write the name index of the store's graph into its graph; the number of its triples."""
    graph = ox.NamedNode(NAMES_GRAPH)
    store.remove_graph(graph)
    names: dict[tuple[str, str], int] = {}

    def add(entity: ox.NamedNode | ox.BlankNode, name: str, rank: int) -> None:
        if isinstance(entity, ox.NamedNode) and key(name):
            pair = (entity.value, name)
            names[pair] = min(rank, names.get(pair, rank))

    by_property = _names_by_property(store)
    own = _merged(by_property, OWN_NAMES)
    for subject, values in own.items():
        for value in values:
            add(subject, value, 0)
        curie = converter.compress(subject.value) if isinstance(subject, ox.NamedNode) else None
        if curie:
            add(subject, curie, 0)
    related = _merged(by_property, RELATED_NAMES)
    for alignment in map(ox.NamedNode, ALIGNMENTS):
        for quad in store.quads_for_pattern(None, alignment, None):
            target = quad.object
            for value in related.get(target, ()):
                add(quad.subject, value, 1)
            curie = converter.compress(target.value) if isinstance(target, ox.NamedNode) else None
            if curie:
                add(quad.subject, curie, 1)
    labels = _merged(by_property, OWN_NAMES[:2])
    classes = _asserted_classes(store)
    quads = []
    for (entity, name), rank in sorted(names.items()):
        entry = _entry(entity, name)
        node = ox.NamedNode(entity)
        statements = [
            (_NAME_OF, node),
            (_RDF_VALUE, ox.Literal(name)),
            (_LOOKUP_KEY, ox.Literal(key(name))),
            (_LOOKUP_RANK, ox.Literal(str(rank), datatype=_INTEGER)),
        ]
        # the entity's label and class on every entry: a query joining them from the entity
        # would read every label of the graph first, and with both always there a lookup needs
        # no OPTIONAL (see queries/resolve.rq)
        label = sorted(labels.get(node, ())) or sorted(own.get(node, ())) or [name]
        statements.append((_ENTITY_LABEL, ox.Literal(label[0])))
        statements.append((_ENTITY_CLASS, classes.get(node, _OWL_THING)))
        quads += [ox.Quad(entry, p, o, graph) for p, o in statements]
    store.bulk_extend(quads)
    return len(quads)


def _asserted_classes(store: ox.Store) -> dict[ox.NamedNode, ox.NamedNode]:
    """Each entity's first cartkg class, as the data asserts it (not as a reasoner infers it)."""
    found: dict[ox.NamedNode, ox.NamedNode] = {}
    for quad in store.quads_for_pattern(None, _RDF_TYPE, None):
        graph = quad.graph_name
        if (
            isinstance(quad.subject, ox.NamedNode)
            and isinstance(quad.object, ox.NamedNode)
            and quad.object.value.startswith(str(CARTKG))
            and not (isinstance(graph, ox.NamedNode) and graph.value.startswith(_INFERRED))
        ):
            known = found.get(quad.subject)
            if known is None or quad.object.value < known.value:
                found[quad.subject] = quad.object
    return found


_INTEGER = ox.NamedNode(str(XSD.integer))
_OWL_THING = ox.NamedNode(str(OWL.Thing))
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_INFERRED = f"{GRAPH}inferred/"
_NAME_OF = ox.NamedNode(str(CARTKG.nameOf))
_LOOKUP_KEY = ox.NamedNode(str(CARTKG.lookupKey))
_LOOKUP_RANK = ox.NamedNode(str(CARTKG.lookupRank))
_ENTITY_LABEL = ox.NamedNode(str(CARTKG.entityLabel))
_ENTITY_CLASS = ox.NamedNode(str(CARTKG.entityClass))


def _names_by_property(store: ox.Store) -> dict[str, dict[ox.NamedNode | ox.BlankNode, set[str]]]:
    """Every literal value of each name property, by property and subject, read once."""
    index = ox.NamedNode(NAMES_GRAPH)
    found: dict[str, dict[ox.NamedNode | ox.BlankNode, set[str]]] = {}
    for prop in dict.fromkeys(OWN_NAMES + RELATED_NAMES):
        values = found.setdefault(prop, {})
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None):
            if isinstance(quad.object, ox.Literal) and quad.graph_name != index:
                values.setdefault(quad.subject, set()).add(quad.object.value)
    return found


def _merged(
    by_property: dict[str, dict[ox.NamedNode | ox.BlankNode, set[str]]], properties: Iterable[str]
) -> dict[ox.NamedNode | ox.BlankNode, set[str]]:
    merged: dict[ox.NamedNode | ox.BlankNode, set[str]] = {}
    for prop in properties:
        for subject, values in by_property[prop].items():
            merged.setdefault(subject, set()).update(values)
    return merged
