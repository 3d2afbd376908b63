"""From what people type to the entity they mean: one resolver for every iri parameter.

A value is taken, in this order, as a full IRI; as a name the graph holds for an entity in the
parameter's scope (looked up with the stored query ``resolve`` in the name index, so an endpoint
holding the pushed graph answers as the embedded store does); as a CURIE; or, for a parameter
with a ``prefix``, as a key of that prefix. A name that fits several entities equally well is an
:class:`AmbiguousName`, one that fits none an :class:`UnknownName` with the closest names the
graph holds (from the stored query ``search``). A value that cannot be an IRI is never pasted into
a query: it is bound as a literal key or refused.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import OWL, Literal, URIRef

from cartkg.errors import InputError
from cartkg.names import key
from cartkg.namespaces import CARTKG, ID, W3ID

if TYPE_CHECKING:
    from cartkg.queries import Param, QueryClient

_OWN = W3ID  # the graph's own entities, as against imported terms
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^<>\"{}|^`\\\s]+$")
_FULL_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^<>\"{}|^`\\\s]+$")
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):([^\s<>\"{}|^`\\]*)$")
# what a type is called where it differs from its prefix
KIND_NAMES = {"MONDO": "disease", "HGNC": "gene", "CHEBI": "chemical", "cartkg": "term"}
# the --type names that stand for several prefixes
TYPE_ALIASES = {"disease": ("MONDO", "disease"), "gene": ("HGNC",), "chemical": ("CHEBI",)}


@dataclass(frozen=True)
class Match:
    """An entity a name matched: how well (0 own name, 1 through an aligned term, 2 prefix,
    3 contained), with the name that matched."""

    iri: str
    label: str | None
    name: str
    rank: int
    cls: str | None
    kind: str
    curie: str


class AmbiguousName(InputError):
    def __init__(self, text: str, what: str, candidates: list[Match]):
        self.candidates = candidates
        lines = "\n".join(f"  {_describe(m)}" for m in candidates)
        super().__init__(
            f"{text!r} names {len(candidates)} {_plural(what)}; give one of them by its CURIE "
            f"or IRI:\n{lines}"
        )


class UnknownName(InputError):
    """A name the graph does not hold, with the closest names it does."""

    def __init__(self, text: str, what: str, closest: list[Match]):
        self.closest = closest
        self._args = (text, what, closest)
        message = f"no {what} is named {text!r}"
        if closest:
            lines = "\n".join(f"  {_describe(m)}" for m in closest)
            message += f"; the closest names the graph holds:\n{lines}"
        else:
            message += "; the graph holds no name near it"
        super().__init__(message)

    def __reduce__(self) -> tuple[type, tuple[str, str, list[Match]]]:
        return (type(self), self._args)  # picklable: it crosses process pools


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _describe(m: Match) -> str:
    label = f" ({m.label})" if m.label and m.label != m.name else ""
    return f"{m.kind:<12} {m.curie:<40} {m.name}{label}"


def xpath_escape(text: str) -> str:
    """``text`` as a literal part of an XPath regular expression (SPARQL's REGEX)."""
    return re.sub(r"([.?*+(){}\[\]^$|\\-])", r"\\\1", text)


class Resolver:
    """Names to IRIs over a query client's graph (the embedded store or an endpoint)."""

    def __init__(self, client: QueryClient):
        self.client = client
        self.converter = client.converter
        self._indexed: bool | None = None

    # -- scopes -------------------------------------------------------------------------
    def namespaces(self, type_name: str) -> list[str]:
        """The namespaces a type name (a prefix such as product, or an alias such as disease)
        stands for."""
        prefixes = TYPE_ALIASES.get(type_name, (type_name,))
        known = self.client.prefixes
        found = [known[p] for p in prefixes if p in known]
        if not found:
            lowered = {p.lower(): ns for p, ns in known.items()}
            found = [lowered[p.lower()] for p in prefixes if p.lower() in lowered]
        if not found:
            raise InputError(
                f"unknown type {type_name!r}; use one of: {', '.join(self.type_names())}"
            )
        return found

    def type_names(self) -> list[str]:
        names = set(TYPE_ALIASES)
        for prefix, ns in self.client.prefixes.items():
            if ns.startswith((str(ID), str(CARTKG))):
                names.add(prefix)
        return sorted(names - {"cartkg"}, key=str.lower)

    def scope(self, types: list[str] | None) -> str | None:
        if not types:
            return None
        namespaces = [ns for t in types for ns in self.namespaces(t)]
        return "^(" + "|".join(xpath_escape(ns) for ns in namespaces) + ")"

    def kind(self, iri: str) -> tuple[str, str]:
        """The type name and CURIE of an IRI."""
        curie = self.converter.compress(iri)
        if curie is None:
            return "", f"<{iri}>"
        prefix = curie.split(":", 1)[0]
        return KIND_NAMES.get(prefix, prefix), curie

    # -- lookups ------------------------------------------------------------------------
    def _run(self, slug: str, text: str | None, scope: str | None) -> list[Match]:
        """The rows of one of the name queries (resolve, search, names) as matches."""
        params: dict[str, object] = {} if text is None else {"text": Literal(key(text))}
        if scope:
            params["scope"] = Literal(scope)
        matches = []
        for row in self.client.run_query(slug, **params):
            iri = str(row.entity)
            kind, curie = self.kind(iri)
            found = row.asdict()
            cls = found.get("class")
            cls = None if cls in (None, OWL.Thing) else str(cls)
            matches.append(
                Match(
                    iri=iri,
                    label=None if row.label is None else str(row.label),
                    name=str(row.name),
                    rank=int(row.rank),
                    cls=cls,
                    kind=kind or (self.kind(cls)[1] if cls else ""),
                    curie=curie,
                )
            )
        return matches

    def search(self, text: str, types: list[str] | None = None) -> list[Match]:
        """Every entity whose names match ``text``, best first."""
        if not key(text):
            raise InputError(f"{text!r} has no letter or digit to search for")
        found = self._run("search", text, self.scope(types))
        # the query orders by rank; within a rank, the shortest name is the likeliest meant
        return sorted(found, key=lambda m: (m.rank, len(m.name), m.name.lower(), m.iri))

    def exact(self, text: str, scope: str | None) -> list[Match]:
        """The entities ``text`` names exactly, at the best rank found."""
        if not key(text):
            return []
        found = self._run("resolve", text, scope)
        if not found:
            return []
        best = min(m.rank for m in found)
        found = [m for m in found if m.rank == best]
        if len(found) > 1:
            found = self._prefer(found, scope)
        return found

    def _prefer(self, found: list[Match], scope: str | None) -> list[Match]:
        """Of entities that share a name and point to one another, the one meant: the graph's
        own entity over the imported term it is aligned to (an antigen over its HGNC gene, a
        drug over its ChEBI chemical), and a product over the program that develops it."""
        iris = {m.iri for m in found}
        pointing = {
            m.iri: {a.iri for a in self._run("resolve", m.curie, scope) if a.rank == 1} & iris
            for m in found
        }
        kept = []
        for m in found:
            own = m.iri.startswith(_OWN)
            if not own and pointing[m.iri] and any(p.startswith(_OWN) for p in pointing[m.iri]):
                continue  # an imported term the graph's own entity stands for
            if own and any(m.iri in pointing[o.iri] for o in found if o.iri.startswith(_OWN)):
                continue  # it points to another candidate, which is the thing named
            kept.append(m)
        return kept or found

    def closest(self, text: str, scope: str | None, limit: int = 5) -> list[Match]:
        """The names nearest to ``text``: those that start with or contain it, else the most
        similar names in the scope."""
        if key(text):
            near = [m for m in self._run("search", text, scope) if m.rank >= 2]
            if near:
                return near[:limit]
        names = self._run("names", None, scope)
        target = key(text)
        keys = {key(m.name): m for m in names}
        picked = difflib.get_close_matches(target, list(keys), n=4 * limit, cutoff=0.5)
        closest = {}  # one name per entity, the closest
        for k in picked:
            closest.setdefault(keys[k].iri, keys[k])
        return list(closest.values())[:limit]

    # -- parameters -----------------------------------------------------------------------
    def resolve(self, raw: str, param: Param | None = None, what: str | None = None) -> URIRef:
        """The IRI a parameter value stands for, or an error naming the candidates."""
        text = raw.strip()
        prefix = param.prefix if param is not None else None
        namespace = self.client.prefixes.get(prefix) if prefix else None
        what = what or (KIND_NAMES.get(prefix, prefix) if prefix else "entity")
        scope = "^" + xpath_escape(namespace) if namespace else None
        if text.startswith("<") and text.endswith(">") and _IRI.match(text[1:-1]):
            return URIRef(text[1:-1])
        if _FULL_IRI.match(text):
            return URIRef(text)
        if not key(text):
            # before the prefix is put in front: "disease:" + "---" is the disease scheme's CURIE
            raise InputError(f"{param.name if param else 'the value'}: {text!r} names nothing")
        found = self.exact(text, scope)
        if not found and prefix and _CURIE.match(f"{prefix}:{text}"):
            found = self.exact(f"{prefix}:{text}", scope)
        if len({m.iri for m in found}) == 1:
            return URIRef(found[0].iri)
        if found:
            raise AmbiguousName(text, what, found)
        curie = _CURIE.match(text)
        if curie:
            expanded = self._expand(curie.group(1), curie.group(2))
            if expanded and (namespace is None or expanded.startswith(namespace)):
                return URIRef(expanded)
        if prefix and not self.indexed and _CURIE.match(f"{prefix}:{text}"):
            expanded = self._expand(prefix, text)
            if expanded:  # a graph built without the name index: a key is all it can take
                return URIRef(expanded)
        raise UnknownName(text, what, self.closest(text, scope))

    @property
    def indexed(self) -> bool:
        """Whether the graph holds the name index (a graph not built by cartkg may not)."""
        if self._indexed is None:
            answer = self.client.execute(f"ASK {{ ?entry <{CARTKG}lookupKey> ?key }}", {})
            self._indexed = bool(answer.askAnswer)
        return self._indexed

    def _expand(self, prefix: str, local: str) -> str | None:
        known = self.client.prefixes
        if prefix not in known:
            lowered = {p.lower(): p for p in known}
            prefix = lowered.get(prefix.lower(), prefix)
        expanded = self.converter.expand(f"{prefix}:{local}")
        return expanded if expanded and _IRI.match(expanded) else None
