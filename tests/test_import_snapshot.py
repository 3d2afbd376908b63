"""`cartkg import snapshot`: a monitor's daily registry captures into trial and program files."""

from __future__ import annotations

import csv
import html
import json
import random
import shutil
from pathlib import Path

import pytest
from helpers.project import CliRun, copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartkg.ctgov import import_paths
from cartkg.dataset import Dataset
from cartkg.importing.turtle import Lit, read_turtle
from cartkg.namespaces import converter
from cartkg.paths import Project
from cartkg.shacl import validate
from cartkg.snapshot import import_snapshot
from cartkg.snapshot.tables import TRIAL_COLUMNS

ID = "https://w3id.org/cartkg/id/"
V = "https://w3id.org/cartkg/vocab/"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
CTGOV_STUDIES = Path(__file__).parent / "data" / "ctgov" / "studies"


def monitor(project: Project) -> Path:
    return project.root / "registry" / "monitor"


def rows(project: Project, name: str) -> list[dict[str, str]]:
    with (monitor(project) / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def trial_graph(project: Project, nct: str):
    return read_turtle(project.root / "data" / "trials" / f"{nct}.ttl")


def objects(graph, s: str, p: str) -> set:
    return set(graph.get(s, {}).get(p, set()))


def lexes(graph, s: str, p: str) -> set[str]:
    return {getattr(o, "lex", o) for o in objects(graph, s, p)}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, object]:
    """The curated core of the project with the repository's snapshot imported once."""
    project = copy_project(tmp_path_factory.mktemp("snapshot") / "project")
    return project, import_snapshot(project)


# the whole snapshot ---------------------------------------------------------------------------
def test_every_trial_of_the_snapshot_is_imported_but_the_excluded(imported) -> None:
    project, report = imported
    listed = {r["NCTId"] for r in rows(project, "trials.csv")}
    with (project.root / "registry" / "scope.tsv").open(encoding="utf-8") as f:
        excluded = {
            r["nct_id"] for r in csv.DictReader(f, delimiter="\t") if r["decision"] == "exclude"
        }
    files = {p.stem for p in (project.root / "data" / "trials").glob("NCT*.ttl")}
    assert excluded and excluded <= listed
    assert listed - excluded <= files
    assert not excluded & files
    assert {nct for nct, _ in report.excluded} == excluded
    assert len(files) >= 300


def test_the_only_skipped_row_is_the_monitors_malformed_id(imported) -> None:
    _, report = imported
    assert [(p.file, p.record, p.field) for p in report.skipped] == [
        ("registry/monitor/excluded.csv", "line 16 (NCT0594912)", "NCTId")
    ]


def test_imported_graph_validates_without_violations(imported) -> None:
    project, _ = imported
    result = validate(Dataset.load(project), converter(project.ontology_file))
    violations = [r for r in result.results if r.severity == "Violation"]
    assert violations == [], violations[:5]


def test_status_history_is_dated_by_the_first_capture_that_showed_it(imported) -> None:
    project, _ = imported
    g = trial_graph(project, "NCT05869955")
    trial = f"{ID}trial/NCT05869955"
    seen = {
        (lexes(g, o, f"{V}asOf").pop(), objects(g, o, f"{V}status").pop())
        for o in objects(g, trial, f"{V}statusObservation")
    }
    assert seen == {
        ("2026-04-25", f"{V}trialstatus/recruiting"),
        ("2026-08-04", f"{V}trialstatus/active-not-recruiting"),
    }
    later = f"{ID}observation/NCT05869955-ctgov-capture-2026-08-04-status"
    assert objects(g, later, f"{DCT}source") == {
        f"{ID}source/ctgov-nct05869955-captured-2026-08-04"
    }


def test_every_capture_source_is_the_registry_record_read_second_hand(imported) -> None:
    project, _ = imported
    sources = sorted((project.root / "data" / "sources").glob("ctgov-nct*-captured-*.ttl"))
    assert len(sources) > 600
    for path in random.Random(15).sample(sources, 40):
        g = read_turtle(path)
        (s,) = list(g)
        nct, day = path.stem.split("-captured-")
        assert lexes(g, s, f"{SCHEMA}url") == {
            f"https://clinicaltrials.gov/study/{nct[6:].upper()}"
        }
        assert lexes(g, s, f"{DCT}publisher") == {"ClinicalTrials.gov"}
        assert lexes(g, s, f"{V}accessDate") == {day}
        assert objects(g, s, f"{V}reliability") == {f"{V}reliability/secondary"}
        assert objects(g, s, f"{V}capturedBy") == {f"{ID}source/rheum-car-t-trials-monitor"}


def test_every_node_of_an_imported_trial_cites_a_capture_of_that_trial(imported) -> None:
    project, _ = imported
    for nct in ("NCT05869955", "NCT04146051", "NCT07778446"):
        g = trial_graph(project, nct)
        for s, props in g.items():
            cited = props.get(f"{DCT}source", set())
            assert cited, s
            assert all(f"source/ctgov-{nct.lower()}-captured-" in c for c in cited), (s, cited)


def _values_of_statement(project: Project, nct: str, s: str, p: str, o, g) -> bool:
    """Whether one imported statement agrees with the snapshot row it came from."""
    trial = next(r for r in rows(project, "trials.csv") if r["NCTId"] == nct)
    lex = getattr(o, "lex", o)
    if p == f"{V}briefTitle":
        return lex == html.unescape(trial["BriefTitle"]).strip()
    if p == f"{V}phase":
        keys = {
            "PHASE1": "1",
            "PHASE2": "2",
            "PHASE3": "3",
            "PHASE4": "4",
            "EARLY_PHASE1": "early-1",
            "NA": "na",
        }
        return lex.rsplit("/", 1)[-1] in {keys[x] for x in trial["Phase"].split("|")}
    if p == f"{V}conditionText":
        return lex in {html.unescape(x).strip() for x in trial["Conditions"].split("|")}
    if p == f"{V}country":  # of the trial, or of one of its sites
        labels = read_turtle(project.root / "ontology/vocab/country.ttl")
        names = lexes(labels, o, f"{RDFS}label") | lexes(
            labels, o, "http://www.w3.org/2004/02/skos/core#altLabel"
        )
        if s == f"{ID}trial/{nct}":
            return bool(names & set(trial["Countries"].split("|")))
        return any(r["Country"] in names for r in rows(project, "sites.csv") if r["NCTId"] == nct)
    if p in (f"{SCHEMA}latitude", f"{SCHEMA}longitude"):
        column = "Latitude" if p.endswith("latitude") else "Longitude"
        facility = lexes(g, s, f"{V}facilityName")
        return any(
            float(r[column]) == float(lex)
            and (not facility or html.unescape(r["Facility"]).strip() in facility)
            for r in rows(project, "sites.csv")
            if r["NCTId"] == nct and r[column]
        )
    if p == f"{V}quantityValue":  # an age limit
        measure = "MinAge" if s.endswith("-age-min") else "MaxAge"
        return trial[measure].split()[0] == lex.removesuffix(".0")
    if p == f"{V}count":
        return any(
            r["EnrollmentCount"] == lex
            for r in [*rows(project, "history.csv"), trial]
            if r["NCTId"] == nct
        )
    if p == f"{V}date":  # a start date: a month when the capture says the 1st
        starts = {r["StartDate"] for r in rows(project, "history.csv") if r["NCTId"] == nct}
        return any(x == lex or (x.endswith("-01") and x[:7] == lex) for x in starts)
    raise AssertionError(p)


def test_twenty_random_statements_match_their_snapshot_rows(imported) -> None:
    project, _ = imported
    checkable = (
        f"{V}briefTitle", f"{V}phase", f"{V}conditionText", f"{V}country", f"{SCHEMA}latitude",
        f"{SCHEMA}longitude", f"{V}quantityValue", f"{V}count", f"{V}date",
    )  # fmt: skip
    listed = sorted(r["NCTId"] for r in rows(project, "trials.csv"))
    curated = {"NCT06328777", "NCT06414135"}
    statements = []
    for nct in listed:
        path = project.root / "data" / "trials" / f"{nct}.ttl"
        if nct in curated or not path.is_file():
            continue
        g = read_turtle(path)
        for s, props in g.items():
            for p in checkable:
                for o in props.get(p, ()):
                    statements.append((nct, s, p, o, g))
    picked = random.Random(20).sample(statements, 20)
    assert len({p for _, _, p, _, _ in picked}) >= 4  # the sample covers several kinds
    for nct, s, p, o, g in picked:
        assert _values_of_statement(project, nct, s, p, o, g), (nct, s, p, o)


def test_a_start_date_on_the_first_of_a_month_is_a_month(imported) -> None:
    project, _ = imported
    g = trial_graph(project, "NCT05459870")  # captured 2022-07-31, later 2026-06-01
    dates = {
        (o.lex, o.dt.rsplit("#", 1)[-1])
        for s in g
        for o in objects(g, s, f"{V}date")
        if isinstance(o, Lit)
    }
    assert dates == {("2022-07-31", "date"), ("2026-06", "gYearMonth")}


def test_a_phase_1_2_trial_has_both_phases_and_an_unknown_phase_none(imported) -> None:
    project, _ = imported
    g = trial_graph(project, "NCT04422912")
    assert objects(g, f"{ID}trial/NCT04422912", f"{V}phase") == {f"{V}phase/1", f"{V}phase/2"}
    unknown = [r["NCTId"] for r in rows(project, "trials.csv") if r["Phase"] == "Unknown"]
    files = [n for n in unknown if (project.root / "data/trials" / f"{n}.ttl").is_file()]
    assert files
    for nct in files:
        assert not objects(trial_graph(project, nct), f"{ID}trial/{nct}", f"{V}phase")


def test_new_trials_and_tracking_events(imported) -> None:
    project, _ = imported
    first = trial_graph(project, "NCT04146051")  # there on the monitor's first day
    new = trial_graph(project, "NCT07778446")  # first seen on the last day
    kinds = {
        nct: {o for e in objects(g, f"{ID}trial/{nct}", f"{V}trackingEvent")
              for o in objects(g, e, f"{V}trackingKind")}
        for nct, g in (("NCT04146051", first), ("NCT07778446", new))
    }  # fmt: skip
    assert kinds == {
        "NCT04146051": {f"{V}tracking/present-at-start"},
        "NCT07778446": {f"{V}tracking/first-seen"},
    }


def test_a_sponsor_is_one_organisation_across_trials(imported) -> None:
    project, _ = imported
    trials = project.root / "data" / "trials"
    kyverna = [
        r["NCTId"] for r in rows(project, "trials.csv")
        if r["LeadSponsor"] == "Kyverna Therapeutics" and (trials / f"{r['NCTId']}.ttl").is_file()
    ]  # fmt: skip
    assert len(kyverna) > 2
    sponsors = {
        o
        for n in kyverna
        for o in objects(trial_graph(project, n), f"{ID}trial/{n}", f"{V}sponsor")
    }
    assert sponsors == {f"{ID}organization/kyverna-therapeutics"}
    crispr = {r["LeadSponsor"] for r in rows(project, "trials.csv") if "CRISPR" in r["LeadSponsor"]}
    assert crispr == {"CRISPR Therapeutics", "CRISPR Therapeutics AG"}  # one company, two spellings
    orgs = project.root / "data" / "organizations"
    assert [p.stem for p in orgs.glob("crispr*.ttl")] == ["crispr-therapeutics"]


def test_products_come_once_with_their_names_and_link_the_trials(imported) -> None:
    project, report = imported
    programs = project.root / "data" / "programs"
    assert not (programs / "caba-201.ttl").exists()  # rese-cel is CABA-201: one product
    assert "rese-cel" not in report.products_new
    kyv = read_turtle(programs / "kyv-101.ttl")
    product = f"{ID}product/kyv-101"
    assert lexes(kyv, product, f"{RDFS}label") == {"KYV-101"}
    assert objects(kyv, product, f"{V}cellSource") == {f"{V}cellsource/autologous"}
    assert objects(kyv, f"{ID}construct/kyv-101", f"{V}targetAntigen") == {f"{V}antigen/CD19"}
    assert objects(kyv, product, f"{V}verification") == {f"{V}verification/unverified"}
    assert objects(kyv, product, f"{DCT}source") == {f"{ID}source/rheum-car-t-monitor-products"}
    descartes = read_turtle(programs / "descartes-08.ttl")
    hidden = "http://www.w3.org/2004/02/skos/core#hiddenLabel"
    assert lexes(descartes, f"{ID}product/descartes-08", hidden) == {"Decartes-08"}  # a misspelling
    g = trial_graph(project, "NCT04146051")  # "Descartes-08" in the registry
    assert f"{ID}product/descartes-08" in objects(g, f"{ID}trial/NCT04146051", f"{V}studiesProduct")


def test_importing_the_snapshot_again_changes_nothing(imported) -> None:
    project, _ = imported
    files = {p: p.read_bytes() for p in (project.root / "data").rglob("*") if p.is_file()}
    again = import_snapshot(project)
    assert again.trials.files == 0 and again.trials.written == []
    assert not again.products_new and not again.products_updated
    after = {p: p.read_bytes() for p in (project.root / "data").rglob("*") if p.is_file()}
    assert after == files


# with the ctgov importer and curated statements, in either order ------------------------------
def test_an_api_record_after_the_snapshot_replaces_values_and_keeps_history(
    project: Project,
) -> None:
    import_snapshot(project)
    trial = f"{ID}trial/NCT05869955"
    before = trial_graph(project, "NCT05869955")
    history = {s for s in before if "-ctgov-capture-" in s}
    report = import_paths(project, [CTGOV_STUDIES / "NCT05869955.json"])
    assert report.ok, report.skipped
    after = trial_graph(project, "NCT05869955")
    assert history <= set(after)  # every capture's observation is still there
    assert objects(after, trial, f"{V}statusObservation") == objects(
        before, trial, f"{V}statusObservation"
    )
    assert lexes(after, trial, f"{V}briefTitle") == {
        "BMS-986353 (CC-97540) in severe autoimmune diseases (Breakfree-1)"
    }
    # the capture's sites and trial-level values are gone with the capture's record
    assert not objects(after, trial, f"{V}site")
    assert not objects(after, trial, f"{V}country")
    raw = json.loads((project.root / "data/trials/raw/NCT05869955.json").read_text())
    assert "cartkgCapture" not in raw
    # and the snapshot again adds nothing but history it already has
    import_snapshot(project)
    assert trial_graph(project, "NCT05869955") == after


def test_the_snapshot_after_an_api_record_adds_only_its_history(project: Project) -> None:
    import_paths(project, [CTGOV_STUDIES / "NCT05869955.json"])
    before = trial_graph(project, "NCT05869955")
    import_snapshot(project)
    after = trial_graph(project, "NCT05869955")
    added = set(after) - set(before)
    assert added and all("-ctgov-capture-" in s for s in added)
    for s, props in before.items():
        for p, objs in props.items():
            assert objs <= after[s][p], (s, p)


def test_curated_statements_survive_the_snapshot(project: Project) -> None:
    path = project.root / "data" / "trials" / "NCT06328777.ttl"
    curated = read_turtle(path)
    import_snapshot(project)
    after = read_turtle(path)
    for s, props in curated.items():
        for p, objs in props.items():
            assert objs <= after[s][p], (s, p)
    assert any("-ctgov-capture-" in s for s in after)
    assert not any(s.startswith(f"{ID}site/NCT06328777-ctgov") for s in after)  # no second sites


def test_a_product_the_table_disagrees_with_gets_a_claim(project: Project) -> None:
    path = project.root / "data" / "programs" / "rese-cel.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("cellsource:autologous", "cellsource:allogeneic"), "utf-8")
    report = import_snapshot(project)
    assert "rese-cel" in report.products_updated
    g = read_turtle(path)
    claim = f"{ID}claim/rese-cel-monitor-cell-source"
    assert objects(g, claim, f"{V}claimAbout") == {f"{ID}product/rese-cel"}
    assert objects(g, claim, f"{V}claimValue") == {f"{V}cellsource/autologous"}
    assert objects(g, f"{ID}product/rese-cel", f"{V}cellSource") == {f"{V}cellsource/allogeneic"}
    path.write_text(text, "utf-8")  # the file agrees again: the claim goes
    import_snapshot(project)
    assert claim not in read_turtle(path)


def test_a_trial_that_left_the_monitored_set_says_so(project: Project) -> None:
    nct = "NCT07053800"
    path = project.root / "data" / "trials" / f"{nct}.ttl"
    report = import_snapshot(project)
    if not path.exists():  # no title or sponsor in the snapshot: listed, not invented
        assert nct in {n for n, _ in report.not_imported}
        path.write_text(
            "PREFIX cartkg: <https://w3id.org/cartkg/vocab/>\n"
            "PREFIX trial: <https://w3id.org/cartkg/id/trial/>\n"
            f'trial:{nct} a cartkg:ClinicalTrial ; cartkg:nctId "{nct}" .\n',
            "utf-8",
        )
        import_snapshot(project)
    g = read_turtle(path)
    events = objects(g, f"{ID}trial/{nct}", f"{V}trackingEvent")
    kinds = {o for e in events for o in objects(g, e, f"{V}trackingKind")}
    assert f"{V}tracking/left-monitored-set" in kinds
    left = f"{ID}observation/{nct}-ctgov-capture-2026-06-24-left"
    assert lexes(g, left, f"{V}asOf") == {"2026-06-24"}


# bad input -------------------------------------------------------------------------------
def scratch_snapshot(tmp_path: Path, project: Project) -> Path:
    folder = tmp_path / "snap"
    shutil.copytree(monitor(project), folder)
    return folder


def edit_row(folder: Path, name: str, nct: str, column: str, value: str) -> int:
    """Set one field of the first row of a trial; the row's line number."""
    path = folder / name
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        data = list(reader)
    index = next(i for i, r in enumerate(data) if r["NCTId"] == nct)
    data[index][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header)  # type: ignore[arg-type]
        writer.writeheader()
        writer.writerows(data)
    return index + 2


@pytest.mark.parametrize(
    ("name", "column", "value", "field"),
    [
        ("trials.csv", "NCTId", "NCT0586995", "NCTId"),
        ("trials.csv", "OverallStatus", "PAUSED", "OverallStatus"),
        ("trials.csv", "Phase", "PHASE5", "Phase"),
        ("trials.csv", "StartDate", "2023-13-40", "StartDate"),
        ("trials.csv", "EnrollmentCount", "many", "EnrollmentCount"),
        ("trials.csv", "EnrollmentCount", "inf", "EnrollmentCount"),  # regression: a crash
        ("sites.csv", "Longitude", "nan", "Longitude"),
        ("history.csv", "SnapshotDate", "yesterday", "SnapshotDate"),
        ("sites.csv", "Latitude", "123.4", "Latitude"),
    ],
)
def test_a_bad_value_skips_its_row_naming_file_line_and_field(
    project: Project, tmp_path: Path, cli: CliRun, name: str, column: str, value: str, field: str
) -> None:
    folder = scratch_snapshot(tmp_path, project)
    line = edit_row(folder, name, "NCT05869955", column, value)
    result = cli(project, "import", "snapshot", str(folder))
    assert result.exit_code == 1
    expected = f"snap/{name}: line {line}"
    found = [x for x in result.stderr.splitlines() if expected in x and f": {field}: " in x]
    assert found, result.stderr[-2000:]
    assert (project.root / "data" / "trials" / "NCT04146051.ttl").is_file()  # the others import
    if name == "trials.csv":  # the trial itself is skipped whole, nothing half-written
        assert not (project.root / "data" / "trials" / "NCT05869955.ttl").exists()
    if name == "sites.csv":  # only the site is left out
        g = trial_graph(project, "NCT05869955")
        assert (
            len(objects(g, f"{ID}trial/NCT05869955", f"{V}site"))
            == sum(1 for r in rows(project, "sites.csv") if r["NCTId"] == "NCT05869955") - 1
        )


def test_a_missing_column_skips_the_file_and_says_which(
    project: Project, tmp_path: Path, cli: CliRun
) -> None:
    folder = scratch_snapshot(tmp_path, project)
    text = (folder / "sites.csv").read_text(encoding="utf-8")
    (folder / "sites.csv").write_text(text.replace(",Latitude,", ",Lat,", 1), "utf-8")
    result = cli(project, "import", "snapshot", str(folder))
    assert result.exit_code == 1
    assert "snap/sites.csv: line 1: (header): missing column Latitude" in result.stderr
    g = trial_graph(project, "NCT05869955")
    assert not objects(g, f"{ID}trial/NCT05869955", f"{V}site")  # no sites read, trial kept


def test_a_missing_file_is_named_and_the_rest_imports(
    project: Project, tmp_path: Path, cli: CliRun
) -> None:
    folder = scratch_snapshot(tmp_path, project)
    (folder / "history.csv").unlink()
    result = cli(project, "import", "snapshot", str(folder))
    assert result.exit_code == 1
    assert "snap/history.csv: (file): (file): no such file" in result.stderr
    assert (project.root / "data" / "trials" / "NCT05869955.ttl").is_file()


def test_no_such_snapshot_folder_is_a_usage_error(project: Project, cli: CliRun) -> None:
    result = cli(project, "import", "snapshot", str(project.root / "nowhere"))
    assert result.exit_code == 2
    assert "no such folder" in result.stderr


def test_the_excluded_trials_are_printed_with_their_reasons(project: Project, cli: CliRun) -> None:
    result = cli(project, "import", "snapshot")
    assert result.exit_code == 1  # the monitor's own malformed id
    assert "excluded: NCT07682766: " in result.stdout
    assert "5 excluded by registry/scope.tsv" in result.stdout


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_VALUES = {
    "NCTId": st.one_of(st.from_regex(r"NCT\d{8}", fullmatch=True), _TEXT),
    "OverallStatus": st.sampled_from(["RECRUITING", "COMPLETED", "", "PAUSED", "recruiting"]),
    "Phase": st.sampled_from(["PHASE1", "PHASE1|PHASE2", "NA", "Unknown", "", "PHASE9"]),
    "StartDate": st.one_of(st.dates().map(str), _TEXT),
    "LastUpdatePostDate": st.one_of(st.dates().map(str), st.just("")),
    "EnrollmentCount": st.one_of(
        st.integers(-5, 500).map(str), st.sampled_from(["nan", "inf", "1e3", "12.0"]), _TEXT
    ),
    "EnrollmentType": st.sampled_from(["ESTIMATED", "ACTUAL", "", "GUESS"]),
    "MinAge": st.sampled_from(["18 Years", "6 Months", "", "eighteen"]),
    "MaxAge": st.sampled_from(["75 Years", "", "N/A years"]),
    "BriefTitle": _TEXT,
    "Conditions": _TEXT,
    "Interventions": _TEXT,
    "Countries": st.sampled_from(["United States", "China|Germany", "", "Atlantis"]),
    "LeadSponsor": _TEXT,
    "LeadSponsorClass": st.sampled_from(["INDUSTRY", "OTHER", "", "WHATEVER"]),
}


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(trial=st.fixed_dictionaries(_VALUES))
def test_generated_rows_import_or_are_skipped_naming_the_field(
    trial: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    folder = project.root / "registry" / "monitor"
    row = {c: "" for c in TRIAL_COLUMNS} | trial
    with (folder / "trials.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, TRIAL_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    for name in ("sites.csv", "history.csv"):
        head = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        (folder / name).write_text(head + "\n", "utf-8")
    report = import_snapshot(project)
    trials = [p for p in report.skipped if p.file.endswith("trials.csv")]
    written = list((project.root / "data" / "trials").glob("NCT*.ttl"))
    new = [p for p in written if p.stem not in ("NCT06328777", "NCT06414135")]
    if trials:
        assert all(p.record.startswith("line 2") for p in trials)
        assert all(
            p.field in TRIAL_COLUMNS or p.field.startswith("protocolSection") for p in trials
        )
    else:
        assert [p.stem for p in new] == [row["NCTId"]]
        result = validate(Dataset.load(project), converter(project.ontology_file))
        assert not [r for r in result.results if r.severity == "Violation"]


def test_an_nct_id_in_other_digits_is_refused(project: Project, tmp_path: Path) -> None:
    """Regression: ``\\d`` matched Arabic-Indic digits, so 'NCT0000000٠' passed as an NCT id."""
    folder = scratch_snapshot(tmp_path, project)
    line = edit_row(folder, "trials.csv", "NCT05869955", "NCTId", "NCT0586995\u0665")
    report = import_snapshot(project, folder)
    assert any(
        p.record == f"line {line} (NCT0586995\u0665)" and p.field == "NCTId" for p in report.skipped
    )


# the repository's own graph -------------------------------------------------------------------
def test_the_graph_holds_every_registry_trial_and_its_sites(cli: CliRun, real_store: Path) -> None:
    from helpers.project import REPO

    result = cli(Project(REPO), "stats", "-f", "csv", "--store", str(real_store))
    counts = {k: int(v) for k, v in (line.split(",") for line in result.stdout.splitlines()[1:])}
    assert counts["trials"] >= 300 and counts["sites"] >= 1000


def test_status_history_of_a_registry_trial_with_its_sources(cli: CliRun, real_store: Path) -> None:
    from helpers.project import REPO

    result = cli(
        Project(REPO), "query", "status-history", "-p", "trial=NCT05869955", "-f", "csv",
        "--store", str(real_store),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [(r["asOf"], r["status"]) for r in rows] == [
        ("2026-04-25", "Recruiting"),
        ("2026-08-04", "Active, not recruiting"),
    ]
    assert all(r["urls"] == "https://clinicaltrials.gov/study/NCT05869955" for r in rows)
    assert all(r["sources"] for r in rows)


def test_an_enrollment_type_the_early_captures_missed_comes_from_the_last(imported) -> None:
    """Regression: KYSA-1's only history row has no enrollment type (not captured), the last
    snapshot says 6 ACTUAL; no enrollment count was made (169 trials had none)."""
    project, _ = imported
    g = trial_graph(project, "NCT05938725")
    counts = objects(g, f"{ID}trial/NCT05938725", f"{V}enrollment")
    assert {
        (lexes(g, c, f"{V}count").pop(), lexes(g, c, f"{V}isEstimate").pop()) for c in counts
    } == {("6", "false")}
    trials = sorted((project.root / "data" / "trials").glob("NCT*.ttl"))
    without = [p.stem for p in trials if "cartkg:EnrollmentCount" not in p.read_text()]
    assert len(without) < 10, without
