"""Mutation check of the stored queries and the shapes: does some test fail when they are wrong?

    python tools/mutate.py                     # queries and shapes (make mutate)
    python tools/mutate.py queries --only trials-excluding
    python tools/mutate.py shapes --only trial.ttl
    python tools/mutate.py --pytest            # confirm each survivor against the test files

Each mutant changes one thing: a comparator flipped (>= to >, = to !=, && to ||), a FILTER
dropped, a negation removed, MIN swapped with MAX, DISTINCT or an OPTIONAL removed in a query;
a cardinality moved by one, a pattern loosened (anchors dropped, a repeat count widened), a
severity lowered, or a datatype, class or bound dropped in a shape. A mutant is killed when the
checks the tests make find it: for a query, its golden cases on the fixture graph (and, where
its example parameters give rows on the real graph, that they still do); for a shape, the
valid and invalid cases of the node shapes of its file. ``--pytest`` then runs, for each
survivor, the test files that name the query or shape, with the mutant in place, so that a
mutant only a slower test kills is not reported. The report lists every surviving mutant; each
gets a test or a written reason (tools/mutants.md).

Not run by CI: it takes minutes (with --pytest, much longer).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


@dataclass(frozen=True)
class Mutant:
    path: Path  # the file it changes
    line: int
    what: str
    text: str  # the whole mutated file

    def __str__(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}: {self.what}"


# -- making mutants


def _header_lines(lines: list[str]) -> int:
    n = 0
    while n < len(lines) and lines[n].startswith("#+"):
        n += 1
    return n


def _code(line: str) -> str:
    """The line without its comment and strings (so a '#' or '>' inside them is left alone)."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', lambda m: " " * len(m.group(0)), line)
    return line.split("#", 1)[0]


QUERY_SWAPS = [
    (r">=", ">", ">= to >"),
    (r"<=", "<", "<= to <"),
    (r"(?<![<>!=])>(?![=])", ">=", "> to >="),
    (r"(?<![<>!=])<(?![=a-zA-Z?_])", "<=", "< to <="),
    (r"!=", "=", "!= to ="),
    (r"(?<![<>!=])=(?!=)", "!=", "= to !="),
    (r"&&", "||", "&& to ||"),
    (r"\|\|", "&&", "|| to &&"),
    (r"!BOUND", "BOUND", "negation removed"),
    (r"\bMIN\(", "MAX(", "MIN to MAX"),
    (r"\bMAX\(", "MIN(", "MAX to MIN"),
    (r"\bDISTINCT\b ?", "", "DISTINCT removed"),
]


def query_mutants(path: Path) -> Iterator[Mutant]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i in range(_header_lines(lines), len(lines)):
        code = _code(lines[i])
        if not code.strip():
            continue
        is_expression = re.search(r"\b(FILTER|BIND|IF|HAVING|SELECT)\b|\(", code)
        for pattern, replacement, what in QUERY_SWAPS:
            if what.startswith(("<", ">", "=", "!=", "&&", "||")) and not is_expression:
                continue
            for m in re.finditer(pattern, code):
                mutated = lines[i][: m.start()] + replacement + lines[i][m.end() :]
                yield Mutant(path, i + 1, what, "".join([*lines[:i], mutated, *lines[i + 1 :]]))
        stripped = code.strip()
        if stripped.startswith("FILTER") and stripped.count("(") == stripped.count(")"):
            yield Mutant(path, i + 1, "FILTER dropped", "".join([*lines[:i], *lines[i + 1 :]]))
        m = re.match(r"(\s*)OPTIONAL\s*\{", lines[i])
        if m:
            mutated = lines[i][: m.start()] + m.group(1) + "{" + lines[i][m.end() :]
            yield Mutant(path, i + 1, "OPTIONAL made required",
                         "".join([*lines[:i], mutated, *lines[i + 1 :]]))  # fmt: skip


def _loosened_patterns(pattern: str) -> Iterator[tuple[str, str]]:
    if pattern.startswith("^"):
        yield pattern[1:], "pattern: ^ anchor dropped"
    if pattern.endswith("$"):
        yield pattern[:-1], "pattern: $ anchor dropped"
    for m in re.finditer(r"\{(\d+)\}", pattern):
        n = int(m.group(1))
        if n > 1:
            yield (
                pattern[: m.start()] + f"{{{n - 1},{n}}}" + pattern[m.end() :],
                (f"pattern: {{{n}}} widened to {{{n - 1},{n}}}"),
            )
    for m in re.finditer(r"\]\+", pattern):
        yield pattern[: m.start()] + "]*" + pattern[m.end() :], "pattern: + widened to *"


def shape_mutants(path: Path) -> Iterator[Mutant]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)

    def replaced(i: int, new_line: str | None) -> str:
        middle = [] if new_line is None else [new_line]
        return "".join([*lines[:i], *middle, *lines[i + 1 :]])

    for i, line in enumerate(lines):
        m = re.match(r"(\s*sh:(minCount|maxCount) )(\d+)( ;.*)?$", line.rstrip("\n"))
        if m:
            n = int(m.group(3))
            end = (m.group(4) or "") + "\n"
            if m.group(2) == "minCount" and n > 0:
                yield Mutant(path, i + 1, f"sh:minCount {n} to {n - 1}",
                             replaced(i, f"{m.group(1)}{n - 1}{end}"))  # fmt: skip
            if m.group(2) == "maxCount":
                yield Mutant(path, i + 1, f"sh:maxCount {n} to {n + 1}",
                             replaced(i, f"{m.group(1)}{n + 1}{end}"))  # fmt: skip
            continue
        m = re.match(r'(\s*sh:pattern ")(.*)(" ;.*)$', line.rstrip("\n"))
        if m:
            for loose, what in _loosened_patterns(m.group(2)):
                yield Mutant(path, i + 1, what, replaced(i, f"{m.group(1)}{loose}{m.group(3)}\n"))
            continue
        if re.match(r"\s*sh:severity sh:Violation ;", line):
            yield Mutant(path, i + 1, "severity Violation to Warning",
                         replaced(i, line.replace("sh:Violation", "sh:Warning")))  # fmt: skip
            continue
        m = re.match(r"\s*sh:(datatype|class|hasValue|minInclusive|maxInclusive|minExclusive) ",
                     line)  # fmt: skip
        if m and line.rstrip().endswith(";"):
            yield Mutant(path, i + 1, f"sh:{m.group(1)} dropped", replaced(i, None))


# -- killing them


class QueryJudge:
    """The checks tests/test_queries.py makes, run in this process."""

    def __init__(self, with_real: bool) -> None:
        import yaml
        from helpers.golden import CASES, fixture_client

        self.cases = CASES
        self.client = fixture_client()
        self.yaml = yaml
        self.real = None
        if with_real and (REPO / ".cartkg" / "store").exists():
            import cartkg

            self.real = cartkg.open_client(REPO)

    def expected(self) -> dict[tuple[str, int], object]:
        from helpers.golden import normalized
        from helpers.project import TEST_DATA
        from rdflib.query import Result

        out = {}
        for n, case in enumerate(self.cases):
            with open(TEST_DATA / "golden" / case["expected"], "rb") as f:
                result = Result.parse(f, format="json")
            out[(case["query"], n)] = (
                [str(v) for v in result.vars],
                normalized(result, case.get("ordered", False), case.get("concatenated", [])),
            )
        return out

    def kills(self, mutant: Mutant, expected: dict) -> str | None:
        from helpers.golden import normalized

        from cartkg.queries import parse_query

        slug = mutant.path.stem
        try:
            query = parse_query(mutant.text, slug, mutant.path)
        except Exception as e:
            return f"header: {e}"
        for n, case in enumerate(self.cases):
            if case["query"] != slug:
                continue
            try:
                got = self.client.run(query, case.get("params", {}))
            except Exception as e:
                return f"golden case {n}: {type(e).__name__}"
            variables, rows = expected[(slug, n)]
            ordered, concat = case.get("ordered", False), case.get("concatenated", [])
            if [str(v) for v in got.vars] != variables or normalized(got, ordered, concat) != rows:
                return f"golden case {case['expected']}"
        if self.real is not None:
            params = {p.name: p.example for p in query.params if p.example is not None}
            try:
                if len(self.real.run(query, params)) == 0:
                    return "no rows on the real graph"
            except Exception as e:
                return f"real graph: {type(e).__name__}"
        return None


class ShapeJudge:
    """The shape cases (tests/data_checks/test_shapes.py) of the node shapes of the mutated
    file, the cases of the shape the mutated line belongs to first.

    A mutant only loosens a shape, so it is nearly always killed by an invalid case of the node
    shape that holds (or points to) the changed line: those run first, and the run stops at the
    first case that kills it. Only a mutant that survives them goes through every case of the
    file, valid ones included.
    """

    def __init__(self) -> None:
        import shutil
        import tempfile

        self._folder = tempfile.TemporaryDirectory(prefix="cartkg-mutate-")
        self.root = Path(self._folder.name)
        for name in ("ontology", "shapes", "queries"):
            shutil.copytree(REPO / name, self.root / name)
        (self.root / "data").mkdir()
        shutil.copytree(REPO / "tests" / "data" / "shapes", self.root / "cases")
        self.blocks = {
            name: block
            for path in sorted((REPO / "shapes").glob("*.ttl"))
            for name, _, block in _shape_blocks(path.read_text(encoding="utf-8"))
        }

    def cases_of(self, path: Path) -> list[Path]:
        names = set(re.findall(r"^shape:(\w+Shape)\b", path.read_text(encoding="utf-8"), re.M))
        folders = (self.root / "cases" / n for n in sorted(names))
        return [f for f in folders if f.is_dir()]

    def cases_reaching(self, mutant: Mutant) -> list[Path]:
        """The case folders of the node shapes that hold the mutated line or point to the shape
        holding it (through sh:property, sh:node, sh:or, ... in any shapes file)."""
        owner = ""
        for name, start, _ in _shape_blocks(mutant.path.read_text(encoding="utf-8")):
            if start <= mutant.line:
                owner = name
        reaching, frontier = {owner}, [owner]
        while frontier:
            inner = re.compile(rf"\bshape:{re.escape(frontier.pop())}\b")
            for name, block in self.blocks.items():
                if name not in reaching and inner.search(block):
                    reaching.add(name)
                    frontier.append(name)
        folders = (self.root / "cases" / n for n in sorted(reaching))
        return [f for f in folders if f.is_dir()]

    def kills(self, mutant: Mutant) -> str | None:
        import yaml

        from cartkg.dataset import Dataset
        from cartkg.namespaces import converter
        from cartkg.paths import Project
        from cartkg.shacl import validate

        first = self.cases_reaching(mutant)
        rest = [c for c in self.cases_of(mutant.path) if c not in first]
        order = [(c, "invalid") for c in first]
        order += [(c, "invalid") for c in rest] + [(c, "valid") for c in first + rest]
        target = self.root / "shapes" / mutant.path.name
        original = target.read_text(encoding="utf-8")
        target.write_text(mutant.text, encoding="utf-8")
        try:
            project = Project(self.root)
            conv = converter(project.ontology_file)
            for case, kind in order:
                file = case / f"{kind}.ttl"
                try:
                    dataset = Dataset.load(project, roles=("ontology", "shapes"), extra=[file])
                    source = project.source_file(file)
                    report = validate(dataset, conv, only_files=[source], shapes_checked=True)
                except Exception as e:
                    return f"{case.name}/{kind}: {type(e).__name__}"
                got = {(r.focus_node, r.shape, r.path, r.severity) for r in report.results
                       if source.relpath in r.files}  # fmt: skip
                if kind == "valid" and got:
                    return f"{case.name}/valid.ttl"
                if kind == "invalid":
                    entries = yaml.safe_load((case / "expected.yaml").read_text()) or []
                    want = {(e["focus"], e["shape"], e.get("path", ""), e["severity"])
                            for e in entries}  # fmt: skip
                    if got != want:
                        return f"{case.name}/invalid.ttl"
            return None
        finally:
            target.write_text(original, encoding="utf-8")


def _shape_blocks(text: str) -> Iterator[tuple[str, int, str]]:
    """Each top-level ``shape:Name`` block of a shapes file: its name, first line (from 1) and
    text."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"shape:[\w-]+", line)]
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        name = re.match(r"shape:([\w-]+)", lines[i]).group(1)
        yield name, i + 1, "".join(lines[i:end])


def confirm_with_pytest(mutant: Mutant) -> str | None:
    """Run the test files that name the query or shape with the mutant in place."""
    name = mutant.path.stem
    words = (
        [name] if mutant.path.suffix == ".rq" else re.findall(r"^shape:(\w+)", mutant.text, re.M)
    )
    files = sorted(
        str(p) for p in (REPO / "tests").rglob("test_*.py")
        if any(w in p.read_text(encoding="utf-8") for w in words)
    )  # fmt: skip
    if mutant.path.suffix == ".rq":
        files = sorted({*files, str(REPO / "tests" / "test_queries.py")})
    else:
        files = sorted({*files, str(REPO / "tests" / "data_checks" / "test_shapes.py")})
    original = mutant.path.read_text(encoding="utf-8")
    mutant.path.write_text(mutant.text, encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *files],
            cwd=REPO, capture_output=True, text=True,
        )  # fmt: skip
        return None if done.returncode == 0 else f"pytest {' '.join(Path(f).name for f in files)}"
    finally:
        mutant.path.write_text(original, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", default="all", choices=["all", "queries", "shapes"])
    parser.add_argument("--only", help="one query slug or shapes file name")
    parser.add_argument("--pytest", action="store_true", help="confirm survivors with pytest")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    survivors: list[Mutant] = []
    total = 0
    if args.what in ("all", "queries"):
        judge = QueryJudge(with_real=True)
        expected = judge.expected()
        for path in sorted((REPO / "queries").glob("*.rq")):
            if args.only and path.stem != args.only:
                continue
            for mutant in query_mutants(path):
                total += 1
                if judge.kills(mutant, expected) is None:
                    survivors.append(mutant)
    if args.what in ("all", "shapes"):
        shapes = ShapeJudge()
        for path in sorted((REPO / "shapes").glob("*.ttl")):
            if args.only and path.name != args.only:
                continue
            for mutant in shape_mutants(path):
                total += 1
                if shapes.kills(mutant) is None:
                    survivors.append(mutant)
    if args.pytest:
        survivors = [m for m in survivors if confirm_with_pytest(m) is None]
    for mutant in survivors:
        print(f"survived  {mutant}")
    seconds = time.perf_counter() - started
    print(f"{total} mutants, {total - len(survivors)} killed, {len(survivors)} survived "
          f"({seconds:.0f} s)")  # fmt: skip
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
