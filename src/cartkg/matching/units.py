"""Unit conversion for matching, with pint and the UCUM definitions (ucumvert).

The graph gives every unit a dimension and a factor to its dimension's canonical unit, and
the stored queries compare in canonical units. A patient's value is brought into a canonical
unit here, by pint from the UCUM codes, so a unit the graph does not list (U/L, [lb_av]) works
as well as one it does; units that are only an annotation ({score}, {NYHA_class}) have no UCUM
meaning and convert only to themselves, by the graph's factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

MOLAR = ("mass-concentration", "substance-concentration")


@cache
def registry() -> Any:
    """The UCUM-aware pint registry (built once: it takes about a second)."""
    from ucumvert import PintUcumRegistry

    return PintUcumRegistry()


@cache
def quantity(code: str) -> Any | None:
    """A pint quantity of 1 of a UCUM unit, or None if the code is not UCUM pint can read."""
    if not code or code.startswith("{"):
        return None
    try:
        q = registry().from_ucum(code)
    except Exception:  # ucumvert raises lark and pint errors alike for an unknown code
        return None
    return q if hasattr(q, "to") else None


@dataclass(frozen=True)
class Unit:
    iri: str | None
    notation: str
    ucum: str | None
    dimension: str | None
    factor: float | None


class Units:
    """The graph's unit scheme, and conversions of a value into a dimension's canonical unit."""

    def __init__(self, units: list[Unit], molar_masses: dict[str, float]):
        self.by_iri = {u.iri: u for u in units if u.iri}
        self.canonical = {u.dimension: u for u in units if u.dimension and u.factor == 1.0}
        self.molar_masses = molar_masses

    def to_canonical(
        self, value: float, unit: Unit, dimension: str, measure: str | None = None
    ) -> float | None:
        """``value`` in ``unit`` expressed in the canonical unit of ``dimension``, or None when
        it cannot be (another dimension, no molar mass, a unit pint does not know)."""
        target = self.canonical.get(dimension)
        if target is None:
            return None
        if (
            unit.dimension == dimension
            and unit.factor is not None
            and (quantity(unit.ucum or "") is None or quantity(target.ucum or "") is None)
        ):
            return value * unit.factor  # annotation units: only the graph knows them
        source, goal = quantity(unit.ucum or ""), quantity(target.ucum or "")
        if source is None or goal is None:
            return None
        q = value * source
        if unit.dimension != dimension and {unit.dimension, dimension} == set(MOLAR):
            mass = self.molar_masses.get(measure or "")
            if mass is None:
                return None
            per_mole = mass * registry().from_ucum("g/mol")
            q = q * per_mole if dimension == "mass-concentration" else q / per_mole
        elif unit.dimension is not None and unit.dimension != dimension:
            return None
        try:
            return float(q.to(goal.units).magnitude / goal.magnitude)
        except Exception:  # pint's DimensionalityError: the value cannot be had in this unit
            return None
