"""Write ontology/vocab/country.ttl: every ISO 3166-1 country, from pycountry's copy of ISO.

The label is the country's common English name where ISO gives one (Taiwan, South Korea, Iran),
else its ISO short name; the other ISO names become alternative labels, as do a few spellings
ClinicalTrials.gov records use that ISO does not (USA, Turkey, Russia, Macedonia). The importer
matches a record's country against all of them (accents, case and punctuation ignored).

    pip install pycountry==24.6.1
    python tools/countries.py && cartkg fmt ontology/vocab/country.ttl
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "ontology" / "vocab" / "country.ttl"
# registry spellings that are not ISO names, by alpha-2 code
EXTRA = {"US": ["USA"], "TR": ["Turkey"], "RU": ["Russia"], "MK": ["Macedonia"]}


def key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def main() -> None:
    blocks = []
    seen: dict[str, str] = {}
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        label = getattr(c, "common_name", None) or c.name
        alts = [n for n in (c.name, getattr(c, "official_name", None), *EXTRA.get(c.alpha_2, []))]
        alts = sorted({n for n in alts if n and n != label})
        for name in (label, *alts):
            other = seen.setdefault(key(name), c.alpha_2)
            assert other == c.alpha_2, f"{name!r} names both {other} and {c.alpha_2}"
        lines = [
            f"country:{c.alpha_2}",
            "    a skos:Concept , cartkg:Country ;",
            f"    rdfs:label {literal(label)} ;",
        ]
        lines += [f"    skos:altLabel {literal(a)} ;" for a in alts]
        lines += ["    skos:inScheme country: ;", f'    skos:notation "{c.alpha_2}" ;', "."]
        blocks.append("\n".join(lines))
    head = """PREFIX cartkg: <https://w3id.org/cartkg/vocab/>
PREFIX country: <https://w3id.org/cartkg/vocab/country/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

country:
    a skos:ConceptScheme ;
    rdfs:label "countries"@en ;
    skos:definition "Countries, with their ISO 3166-1 alpha-2 codes as notation (all of ISO \
3166-1, written by tools/countries.py from pycountry)."@en ;
.
"""
    OUT.write_text(head + "\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    print(f"{len(blocks)} countries written to {OUT}")


if __name__ == "__main__":
    main()
