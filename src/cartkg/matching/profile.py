"""A patient's profile: read from JSON or Turtle, checked against the JSON Schema, and turned
into values in the graph's terms (measures, units, diseases as IRIs; quantities in the
canonical unit of each dimension the graph's thresholds use)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from cartkg.errors import InputError
from cartkg.namespaces import CARTKG

SCHEMA_FILE = "profile.schema.json"
CONDITION_FLAGS = {
    "pregnant": "pregnant",
    "lactating": "lactating",
    "prior_car_t": "priorCarT",
    "prior_transplant": "priorTransplant",
    "active_infection": "activeInfection",
    "malignancy": "malignancy",
}


class ProfileError(InputError):
    """A profile that cannot be read or does not fit the schema or the graph."""


@cache
def schema() -> dict[str, Any]:
    text = resources.files("cartkg.matching").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def _field(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the profile)"


def check(data: Any, where: str) -> dict[str, Any]:
    """The profile if it fits the schema, else one error naming the first bad field."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        e = errors[0]
        message = e.message
        if e.validator == "additionalProperties":
            message = message.replace("Additional properties are not allowed", "unknown field")
        raise ProfileError(f"{where}: {_field(e.absolute_path)}: {message}")
    return data


def read_profile(path: Path) -> dict[str, Any]:
    """A profile file: JSON, or Turtle (.ttl) in the terms of cartkg:PatientProfile."""
    if not path.is_file():
        raise ProfileError(f"{path}: no such file")
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".ttl", ".turtle"):
        return check(profile_from_turtle(text, str(path)), str(path))
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise ProfileError(f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}") from None
    except ValueError as e:
        raise ProfileError(f"{path}: {e}") from None
    return check(data, str(path))


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number a profile can hold")


def profile_from_turtle(text: str, where: str) -> dict[str, Any]:
    """The JSON form of a profile written in Turtle: one cartkg:PatientProfile node."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as e:  # rdflib raises several kinds; each says where
        raise ProfileError(f"{where}: not Turtle: {e}") from None
    nodes = list(graph.subjects(RDF.type, URIRef(CARTKG + "PatientProfile")))
    if len(nodes) != 1:
        raise ProfileError(f"{where}: needs exactly one cartkg:PatientProfile, found {len(nodes)}")
    node = nodes[0]

    def one(subject: Any, name: str) -> Any:
        values = list(graph.objects(subject, URIRef(CARTKG + name)))
        if len(values) > 1:
            raise ProfileError(f"{where}: cartkg:{name} has {len(values)} values; give one")
        return values[0] if values else None

    def term(value: Any) -> Any:
        if isinstance(value, Literal):
            return value.toPython() if not isinstance(value.toPython(), str) else str(value)
        return str(value)

    def quantity(subject: Any) -> dict[str, Any]:
        out = {"value": term(one(subject, "quantityValue")), "unit": term(one(subject, "unit"))}
        return {k: v for k, v in out.items() if v is not None}

    known = {
        CARTKG + p
        for p in (
            "patientAge",
            "patientSex",
            "diagnosis",
            "diseaseDuration",
            "organInvolvement",
            "measurement",
            "bodyWeight",
            "priorTherapy",
            *CONDITION_FLAGS.values(),
        )
    } | {str(RDF.type)}
    for p in graph.predicates(node, None):
        if str(p) not in known:
            raise ProfileError(f"{where}: unknown property <{p}> on the profile")
    data: dict[str, Any] = {}
    if (age := one(node, "patientAge")) is not None:
        data["age"] = float(age.toPython())
    if (sex := one(node, "patientSex")) is not None:
        data["sex"] = str(sex).rsplit("/", 1)[-1]
    for key, name in (
        ("diagnoses", "diagnosis"),
        ("organ_involvement", "organInvolvement"),
        ("prior_therapies", "priorTherapy"),
    ):
        values = sorted(term(v) for v in graph.objects(node, URIRef(CARTKG + name)))
        if values:
            data[key] = values
    for key, name in (("disease_duration", "diseaseDuration"), ("weight", "bodyWeight")):
        if (q := one(node, name)) is not None:
            data[key] = quantity(q)
    measurements = []
    for m in sorted(graph.objects(node, URIRef(CARTKG + "measurement")), key=str):
        if not isinstance(m, (BNode, URIRef)):
            raise ProfileError(f"{where}: cartkg:measurement takes a node, not {m!r}")
        entry = {"measure": term(one(m, "measure")), **quantity(m)}
        if (uln := one(m, "upperLimitOfNormal")) is not None:
            entry["uln"] = float(uln.toPython())
        measurements.append({k: v for k, v in entry.items() if v is not None})
    if measurements:
        data["measurements"] = measurements
    flags = {
        key: bool(v.toPython())
        for key, name in CONDITION_FLAGS.items()
        if (v := one(node, name)) is not None
    }
    if flags:
        data["conditions"] = flags
    return data


@dataclass
class Value:
    """A patient's value of a measure in the canonical unit of one dimension."""

    dimension: str
    canonical: float
    shown: str  # as the patient gave it, and how it was derived or converted


@dataclass
class Patient:
    """A profile in the graph's terms."""

    label: str | None
    sex: str | None
    diagnoses: dict[str, str] = field(default_factory=dict)  # IRI -> the name given
    values: dict[str, list[Value]] = field(default_factory=dict)  # measure IRI -> values
    given: dict[str, str] = field(default_factory=dict)  # measure IRI -> the value as given
    therapies: dict[str, str] = field(default_factory=dict)  # drug IRI -> the name given
    organs: dict[str, str] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    derived: list[str] = field(default_factory=list)
    disease_duration: str | None = None
    weight_kg: float | None = None

    def as_json(self) -> dict[str, Any]:
        """What the profile's names resolved to, for the output: a reader checks them."""
        return {
            "id": self.label,
            "sex": self.sex,
            "diagnoses": self.diagnoses,
            "measurements": self.given,
            "prior_therapies": self.therapies,
            "organ_involvement": self.organs,
            "conditions": self.flags,
            "disease_duration": self.disease_duration,
            "weight_kg": self.weight_kg,
            "derived": self.derived,
        }
