"""Eligibility text: split into inclusion and exclusion items, and find the common thresholds.

The registry gives eligibility as one markdown text with "Inclusion Criteria:" and "Exclusion
Criteria:" headings over bullet lists. Each top-level bullet becomes one criterion; indented
sub-bullets and wrapped lines stay with their parent. Within an item, a measure the graph knows
(ANC, platelets, ALT, LVEF, FVC, CrCl, mRSS, ...) followed by a comparator (>=, <=, <, >, at
least, ...), a number and a unit (%, /uL, x ULN, g/L, mL/min, ...) becomes a structured clause,
as in the hand-curated trials. Anything else is kept as text only: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise


def keyed_patterns(table: list[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    """(key, pattern text) rows compiled case-insensitively, in their order."""
    return [(key, re.compile(pattern, re.IGNORECASE)) for key, pattern in table]


_WHOLE_WORD = re.compile(r"^\\b([A-Za-z0-9]+)\\b$")
_WORDS = re.compile(r"\w+")
# the only non-ASCII letters that re.IGNORECASE matches to ASCII ones (see the re docs): with none
# of them, a text's lower case holds every ASCII letter the patterns can match
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def _anchors(pattern: str) -> tuple[tuple[bool, str], ...] | None:
    """(whole word?, lower-case text) pairs, one of which is in any text the pattern matches.

    None if no such set is known. Each branch of the pattern's top-level alternation gives its
    longest run of plain letters, digits, spaces and hyphens that is neither inside a group, class
    or count nor quantified; a branch that is only a word between two \\b gives that word as a
    whole word. A text (compared in lower case) that holds none of them cannot match, and
    these tests are far cheaper than running the pattern (Python's re scans an IGNORECASE
    alternation starting with \\b position by position).
    """
    words: list[tuple[bool, str]] = []
    for branch in _top_level_branches(pattern):
        whole = _WHOLE_WORD.match(branch)
        if whole:
            words.append((True, whole.group(1).lower()))
            continue
        runs, run, depth, i = [], "", 0, 0
        while i < len(branch):
            ch = branch[i]
            nxt = branch[i + 1] if i + 1 < len(branch) else ""
            if ch == "\\":
                runs.append(run)
                run, i = "", i + 2
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            if depth == 0 and (ch.isalnum() or ch in " -") and nxt not in ("?", "*", "+", "{"):
                run += ch
            else:
                runs.append(run)
                run = ""
            i += 1
        runs.append(run)
        best = max(runs, key=len).lower()
        if len(best) < 2:
            return None
        words.append((False, best))
    return tuple(words)


def _top_level_branches(pattern: str) -> list[str]:
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


@dataclass(frozen=True)
class Clues:
    """What the prefilters look at in a text: its lower case and its words (computed once)."""

    lower: str | None  # None: the text has a letter that folds to ASCII, so no shortcut
    words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Clues:
        if not text.isascii() and _FOLDS_TO_ASCII.search(text):
            return cls(None)
        lower = text.lower()
        return cls(lower, frozenset(_WORDS.findall(lower)))


class _Prefilter:
    """Patterns with their anchor words (see :func:`_anchors`), to skip those that cannot match."""

    def __init__(self, patterns: list[tuple[str, re.Pattern[str]]]):
        self.patterns = patterns
        self.always: list[int] = []
        self.substrings: list[tuple[str, int]] = []
        self.whole_words: dict[str, list[int]] = {}
        for i, (_, pattern) in enumerate(patterns):
            anchors = _anchors(pattern.pattern)
            if anchors is None:
                self.always.append(i)
                continue
            for whole, word in anchors:
                if whole:
                    self.whole_words.setdefault(word, []).append(i)
                else:
                    self.substrings.append((word, i))

    def candidates(
        self, text: str, clues: Clues | None = None
    ) -> list[tuple[str, re.Pattern[str]]]:
        """The patterns that may match the text, in their order."""
        clues = clues or Clues.of(text)
        if clues.lower is None:
            return self.patterns  # a letter that IGNORECASE matches to an ASCII one: no shortcut
        lower = clues.lower
        hits = {i for w, i in self.substrings if w in lower}
        hits.update(self.always)
        whole_words = self.whole_words
        for word in clues.words & whole_words.keys():
            hits.update(whole_words[word])
        return [self.patterns[i] for i in sorted(hits)]


_HEADING = re.compile(
    r"^\s*[#*_\s]*(inclusion|exclusion)\s+criteria\b[*_\s]*:?[*_\s]*(.*)$", re.IGNORECASE
)
_BULLET = re.compile(r"^(\s*)(?:[*\-•+]|\d{1,3}[.)])\s+(.*)$")

# measure key, pattern; the first match at a position wins, so longer names come first
MEASURES = keyed_patterns(
    [
        ("absolute-neutrophil-count", r"\bANC\b|absolute neutrophil count|\bneutrophils?\b"),
        ("absolute-lymphocyte-count", r"\bALC\b|absolute lymphocyte count|\blymphocytes?\b"),
        ("platelet-count", r"\bPLT\b|\bplatelets?(?: count)?"),
        ("hemoglobin", r"\bHb\b|\bHgb\b|\bha?emoglobin\b"),
        ("alt", r"\bALT\b|alanine aminotransferase"),
        ("ast", r"\bAST\b|aspartate aminotransferase"),
        ("total-bilirubin", r"(?:total |serum )?bilirubin|\bT-?bili\b|\bTBIL\b"),
        ("lvef", r"\bLVEF\b|(?:left ventricular )?ejection fraction"),
        ("creatinine-clearance", r"\bCrCl\b|creatinine clearance"),
        ("egfr", r"\beGFR\b|estimated glomerular filtration rate"),
        ("inr", r"\bINR\b"),
        ("prothrombin-time", r"\bPT\b|prothrombin time"),
        ("fvc", r"\bFVC\b|forced vital capacity"),
        ("dlco", r"\bDLCO\b|diffusing capacity"),
        ("mrss", r"\bmRSS\b|modified Rodnan skin score"),
        ("sledai-2k", r"\bSLEDAI(?:-2K)?\b"),
        ("mg-adl", r"\bMG-ADL\b"),
        ("prednisone-equivalent-dose", r"\bprednisone(?: equivalent)?\b"),
    ]
)

_MEASURE_FILTER = _Prefilter(MEASURES)
# measures whose value is a score when no unit is written
_SCORES = {"mrss", "sledai-2k", "mg-adl"}
_PERCENT_PREDICTED = {"fvc": "fvc-percent-predicted", "dlco": "dlco-percent-predicted"}

_COMPARATOR = (
    r"(?P<cmp>≥|≤|>=|<=|=>|=<|>|<|at least|no (?:more|greater) than|not (?:more|greater) than|"
    r"no less than|not less than|greater than or equal to|less than or equal to|more than|"
    r"greater than|less than|above|below|over|under)"
)
_CMP = {
    "≥": "ge", ">=": "ge", "=>": "ge", "at least": "ge", "no less than": "ge",
    "not less than": "ge", "greater than or equal to": "ge",
    "≤": "le", "<=": "le", "=<": "le", "no more than": "le", "no greater than": "le",
    "not more than": "le", "not greater than": "le", "less than or equal to": "le",
    ">": "gt", "more than": "gt", "greater than": "gt", "above": "gt", "over": "gt",
    "<": "lt", "less than": "lt", "below": "lt", "under": "lt",
}  # fmt: skip
_UNITS: list[tuple[str, str]] = [
    ("times-uln", r"(?:[x×*]\s*|times\s+(?:the\s+)?)(?:ULN|upper limit of normal)"),
    ("10e9-per-l", r"[x×*]\s*10\s*\^?\s*9\s*/\s*L"),
    ("10e3-per-ul", r"[x×*]\s*10\s*\^?\s*3\s*/\s*(?:[uµμ]L|mm3|mm\^3|mm³)"),
    ("ml-per-min-per-1-73m2", r"m[lL]\s*/\s*min\s*/\s*1\.73\s*m(?:2|\^2|²)"),
    ("ml-per-min", r"m[lL]\s*/\s*min"),
    ("mg-per-day", r"mg\s*/\s*(?:day|d)\b"),
    ("mg-per-dl", r"mg\s*/\s*dL"),
    ("g-per-dl", r"g\s*/\s*dL"),
    ("g-per-l", r"g\s*/\s*L"),
    ("per-ul", r"(?:cells\s*)?/\s*(?:[uµμ]L|mm3|mm\^3|mm³)"),
    ("percent", r"%"),
    ("year", r"years?\b"),
    ("month", r"months?\b"),
    ("week", r"weeks?\b"),
    ("day", r"days?\b"),
]
_UNIT_RE = re.compile("|".join(f"(?P<u{i}>{p})" for i, (_, p) in enumerate(_UNITS)), re.I)
_THRESHOLD = re.compile(
    r"[\s:]*(?:(?P<change>increas\w*|ris\w*|decreas\w*|declin\w*|drop\w*|fall\w*|↑|↓)"
    r"(?:\s+(?:of|by))?\s*)?(?:(?:is|of|must be|should be|count|predicted|level|levels|value)\s+)*"
    + _COMPARATOR
    + r"\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*",
    re.IGNORECASE,
)
_OR = re.compile(r"\bor\b", re.IGNORECASE)
_AND = re.compile(r"\band\b|;", re.IGNORECASE)

TOPICS = keyed_patterns(
    [
        ("age", r"\baged?\b|years old"),
        ("consent", r"consent|\bICF\b"),
        ("pregnancy", r"pregnan|lactat|breast-?feed|\bhCG\b"),
        ("contraception", r"contracept|abstinen"),
        ("infection", r"infect|tuberculosis|hepatitis|\bHIV\b"),
        ("malignancy", r"malignan|cancer|tumou?r|neoplas"),
        ("prior-car-t", r"\bCAR[- ]?T\b|gene-modified|chimeric antigen"),
        ("transplant", r"transplant"),
        ("vaccination", r"vaccin"),
        ("allergy", r"allerg|hypersensitiv"),
        ("investigational-product", r"investigational"),
        ("psychiatric-disorder", r"psychiatr|cogniti"),
        ("cardiac-disease", r"cardiac|heart|\bNYHA\b|myocard|arrhythm"),
        ("lung-disease", r"\blung|pulmonary|interstitial|\bFVC\b|\bDLCO\b"),
        ("diagnosis", r"diagnos|classification criteri"),
        ("refractory-or-progressive-disease", r"refractory|progressi"),
        ("disease-activity", r"\bSLEDAI|\bMG-ADL\b|\bmRSS\b|disease activity|active disease"),
        ("investigator-judgement", r"investigator"),
        ("vascular-access", r"vascular access"),
        ("immunodeficiency", r"immunodeficien|immunoglobulin"),
        ("prior-therapy", r"\bprior\b|previous|treated with|\bfailed\b"),
    ]
)
_TOPIC_FILTER = _Prefilter(TOPICS)
_LAB_MEASURES = {
    "absolute-neutrophil-count", "absolute-lymphocyte-count", "platelet-count", "hemoglobin",
    "alt", "ast", "total-bilirubin", "lvef", "creatinine-clearance", "egfr", "inr",
    "prothrombin-time", "fvc-percent-predicted", "dlco-percent-predicted", "fvc", "dlco",
}  # fmt: skip


@dataclass
class Clause:
    measure: str
    comparator: str
    value: Decimal
    unit: str
    change: str | None = None


@dataclass
class Item:
    kind: str  # "inclusion" or "exclusion"
    position: int
    text: str
    clauses: list[Clause] = field(default_factory=list)
    any_of: bool = False
    topics: list[str] = field(default_factory=list)


def split(text: str) -> tuple[list[Item], bool]:
    """The items of an eligibility text, and whether it had inclusion/exclusion headings."""
    section = None
    found = False
    current: list[str] | None = None
    base_indent = None
    raw: dict[str, list[list[str]]] = {"inclusion": [], "exclusion": []}
    loose: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        heading = _HEADING.match(line)
        if heading:
            section = heading.group(1).lower()
            found = True
            current = None
            base_indent = None
            rest = heading.group(2).strip()
            if rest:
                current = [rest]
                raw[section].append(current)
            continue
        target = section or "inclusion"
        bullet = _BULLET.match(line)
        if bullet:
            indent = len(bullet.group(1).expandtabs(4))
            if base_indent is None or indent <= base_indent or current is None:
                base_indent = indent if base_indent is None or current is None else base_indent
                current = [bullet.group(2).strip()]
                raw[target].append(current)
            else:
                current.append(bullet.group(2).strip())
        elif current is not None:
            current[-1] = f"{current[-1]} {line.strip()}"
        elif section is None:
            loose.append(line.strip())
        else:
            current = [line.strip()]
            raw[target].append(current)
    if loose and not raw["inclusion"] and not raw["exclusion"]:
        raw["inclusion"] = [[" ".join(loose)]]
    out: list[Item] = []
    for kind in ("inclusion", "exclusion"):
        position = 0
        for lines in raw[kind]:
            body = "\n".join(x for x in lines if x)
            if not body:
                continue
            position += 1
            out.append(analyse(Item(kind, position, body)))
    return out, found


def analyse(item: Item) -> Item:
    """Find the thresholds and topics of one item."""
    text = item.text
    clues = Clues.of(text)
    spans: list[tuple[int, int]] = []
    for start, key, end in _measures(text, clues):
        m = _THRESHOLD.match(text, end)
        if not m:
            continue
        value = Decimal(m.group("num").replace(",", ""))  # the pattern only takes numbers
        unit_match = _UNIT_RE.match(text, m.end())
        unit = None
        if unit_match:
            unit = _UNITS[int(unit_match.lastgroup[1:])][0]
        change = m.group("change")
        if change:
            change = (
                "decrease" if change[0] in "dD↓" or change.lower().startswith("fa") else "increase"
            )
        measure = key
        if key in _PERCENT_PREDICTED:
            if unit != "percent":
                continue  # an absolute volume or a change in mL: not a level we structure
            if not change:
                measure = _PERCENT_PREDICTED[key]
        if unit is None and key in _SCORES:
            unit = "score-points"
        if unit is None:
            continue
        if unit in ("year", "month", "week", "day"):
            continue  # "ANC >= 1000 ... within 7 days": the number is not the measure's level
        item.clauses.append(Clause(measure, _CMP[m.group("cmp").lower()], value, unit, change))
        spans.append((start, unit_match.end() if unit_match else m.end()))
    if len(item.clauses) > 1:
        # only the words joining the clauses: "less than or equal to" is a comparator, not an "or"
        joins = " ".join(text[a[1] : b[0]] for a, b in pairwise(spans))
        item.any_of = bool(_OR.search(joins))
        if item.any_of and _AND.search(joins):
            item.clauses = []  # "a or b and c": the grouping is not written, so do not guess it
    topics = [k for k, pattern in _TOPIC_FILTER.candidates(text, clues) if pattern.search(text)]
    if any(c.measure in _LAB_MEASURES and not c.change for c in item.clauses):
        topics.append("organ-function")
    item.topics = topics
    return item


def _measures(text: str, clues: Clues | None = None) -> list[tuple[int, str, int]]:
    """(start, measure key, end) of every measure name in the text, left to right."""
    found: dict[int, tuple[str, int]] = {}
    for key, pattern in _MEASURE_FILTER.candidates(text, clues):
        for m in pattern.finditer(text):
            if m.start() not in found:
                found[m.start()] = (key, m.end())
    taken = -1
    out = []
    for start in sorted(found):
        if start < taken:
            continue
        key, end = found[start]
        out.append((start, key, end))
        taken = end
    return out
