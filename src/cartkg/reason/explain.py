"""An inconsistency narrowed down to the individuals that take part in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyoxigraph as ox

from cartkg import namespaces
from cartkg.dataset import Dataset
from cartkg.reason.ntriples import plain
from cartkg.reason.report import Culprit

RDF = str(namespaces.RDF)
OWL = str(namespaces.OWL)

TRIVIAL = {OWL + "Thing", OWL + "NamedIndividual"}


def culprit(dataset: Dataset, node: ox.NamedNode | ox.BlankNode, why: str = "") -> Culprit:
    types = sorted(
        {
            q.object.value
            for q in dataset.store.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None)
            if isinstance(q.object, ox.NamedNode) and q.object.value not in TRIVIAL
        }
    )
    return Culprit(str(plain(node)), types, dataset.files_describing(node), why)


def quickxplain(
    background: list[str],
    groups: list[tuple[str, list[str]]],
    consistent: Callable[[list[str]], bool],
    budget: int,
) -> list[tuple[str, list[str]]] | None:
    """A minimal set of groups that is inconsistent with the background (QuickXplain).

    Junker 2004: O(k log(n/k)) consistency checks for a conflict of k out of n groups.
    Returns None when the budget of checks runs out.
    """
    runs = 0

    def check(extra: Sequence[tuple[str, list[str]]], base: list[str]) -> bool:
        nonlocal runs
        runs += 1
        if runs > budget:
            raise _OutOfBudget
        return consistent(base + [line for _, lines in extra for line in lines])

    def lines_of(gs: Sequence[tuple[str, list[str]]]) -> list[str]:
        return [line for _, lines in gs for line in lines]

    def qx(base: list[str], delta: bool, cs: list[tuple[str, list[str]]]):
        if delta and not check([], base):
            return []
        if len(cs) == 1:
            return cs
        half = len(cs) // 2
        c1, c2 = cs[:half], cs[half:]
        d2 = qx(base + lines_of(c1), bool(c1), c2)
        d1 = qx(base + lines_of(d2), bool(d2), c1)
        return d1 + d2

    try:
        if not groups:
            return None
        return qx(background, False, groups)
    except _OutOfBudget:
        return None


class _OutOfBudget(Exception):
    pass
