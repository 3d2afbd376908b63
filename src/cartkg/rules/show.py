"""Terms as the problems name them: ``cartkg:`` and ``xsd:`` names short, other IRIs in <>."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import XSD

from cartkg.namespaces import CARTKG


def show(term: object) -> str:
    text = getattr(term, "value", str(term))
    for ns, prefix in ((str(CARTKG), "cartkg:"), (str(XSD), "xsd:")):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return f"<{text}>" if isinstance(term, ox.NamedNode) else text


def show_all(nodes: Iterable[object]) -> str:
    return ", ".join(sorted(show(n) for n in nodes))
