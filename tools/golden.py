"""Write the golden result of stored-query cases again, from the fixture graph, and show the diff.

    python tools/golden.py            # every case of tests/data/golden/cases.yaml
    python tools/golden.py SLUG ...   # only these queries' cases

A case whose file does not exist yet is written; a case whose result changed is rewritten and
its diff printed, for review before it is committed (check new results by hand against
tests/data/fixture.trig, as the comment of cases.yaml asks).
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from rdflib.query import Result

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers.golden import CASES, fixture_client, normalized  # noqa: E402


def main(slugs: list[str]) -> int:
    client = fixture_client()
    changed = 0
    for case in CASES:
        if slugs and case["query"] not in slugs:
            continue
        result = client.run_query(case["query"], **case.get("params", {}))
        text = _pretty(result)
        path = REPO / "tests" / "data" / "golden" / case["expected"]
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if old and _same(case, result, path):
            continue  # equal as the test compares them (order, concatenated cells)
        if old != text:
            changed += 1
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    str(path.relative_to(REPO)),
                    f"{case['expected']} (new)",
                )
            )
            path.write_text(text, encoding="utf-8")
    print(f"{changed} golden file(s) written", file=sys.stderr)
    return 0


def _same(case: dict, result: Result, path: Path) -> bool:
    with open(path, "rb") as f:
        expected = Result.parse(f, format="json")
    ordered, concatenated = case.get("ordered", False), case.get("concatenated", [])
    return [str(v) for v in result.vars] == [str(v) for v in expected.vars] and normalized(
        result, ordered, concatenated
    ) == normalized(expected, ordered, concatenated)


def _pretty(result: Result) -> str:
    data = json.loads(result.serialize(format="json"))
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
