"""cartkg report: the static site, checked as files and in a real browser (Debian's chromium).

The browser tests save screenshots into .cartkg/screenshots/ (the README names the folder).
"""

from __future__ import annotations

import csv
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.project import REPO, CliRun
from helpers.servers import oxigraph_read_write

import cartkg
from cartkg.namespaces import CARTKG
from cartkg.paths import Project
from cartkg.report import ReportSummary, write_report
from cartkg.store import open_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = REPO / ".cartkg" / "screenshots"
# as the machine's notes advise: no background traffic, which a closed network refuses
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportSummary]:
    out = tmp_path_factory.mktemp("report") / "site"
    summary = write_report(cartkg.open_client(REPO, real_store), out, REPO)
    return out, summary


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# -- the files


def test_every_trial_program_and_organization_has_its_page(
    site: tuple[Path, ReportSummary], real_store: Path
) -> None:
    out, summary = site
    client = cartkg.open_client(REPO, real_store)
    trials = [str(r.trial).rsplit("/", 1)[1] for r in client.run_query("trials")]
    programs = [str(r.program).rsplit("/", 1)[1] for r in client.run_query("programs")]
    organizations = {
        str(r.organization).rsplit("/", 1)[1] for r in client.run_query("organization-roles")
    }
    assert len(trials) > 300 and len(programs) > 40 and len(organizations) > 100
    assert sorted(p.stem for p in (out / "trials").glob("*.html") if p.stem != "index") == sorted(
        trials
    )
    assert {p.stem for p in (out / "programs").glob("*.html")} - {"index"} == set(programs)
    assert {p.stem for p in (out / "organizations").glob("*.html")} - {"index"} == organizations
    assert summary.trials == len(trials)
    seed = read(out / "trials" / "NCT06328777.html")
    assert "Recruiting" in seed and "CRISS" in seed  # status, and the endpoint's measure
    assert 'href="../programs/rese-cel.html"' in seed


def test_a_chart_bar_counts_the_trials_its_list_shows(site: tuple[Path, ReportSummary]) -> None:
    out, _ = site
    with open(out / "data" / "trials-by-antigen.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Target antigen", "trials"]
    counts = {label: int(n) for label, n in rows[1:]}
    assert counts["CD19"] > 50
    index = read(out / "index.html")
    for label in ("CD19", "BCMA"):
        page = out / "lists" / "antigen" / f"{label}.html"
        shown = re.search(r'class="list-count"><strong>(\d+)</strong>', read(page))
        assert shown is not None and int(shown.group(1)) == counts[label], label
        assert read(page).count('<td><a href="../../trials/') == counts[label]
        assert f'href="lists/antigen/{label}.html"' in index


def test_every_page_loads_only_what_the_site_holds(site: tuple[Path, ReportSummary]) -> None:
    out, _ = site
    pages = list(out.rglob("*.html"))
    assert len(pages) > 500
    outside = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//')
    for page in pages:
        text = read(page)
        assert not outside.search(text), page
        for ref in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"#]+)"', text):
            assert ref.startswith("data:") or (page.parent / ref).resolve().is_file(), (page, ref)


def test_every_link_inside_the_site_reaches_a_page(site: tuple[Path, ReportSummary]) -> None:
    out, _ = site
    broken = []
    for page in out.rglob("*.html"):
        for ref in re.findall(r'<a [^>]*href="([^"#:]+)(?:#[^"]*)?"', read(page)):
            if not (page.parent / ref).resolve().is_file():
                broken.append(f"{page.relative_to(out)} -> {ref}")
    assert broken == []


def test_the_overview_names_the_query_behind_each_chart(site: tuple[Path, ReportSummary]) -> None:
    out, _ = site
    index = read(out / "index.html")
    figures = re.findall(r'<figure class="chart[^"]*" id="([^"]+)"', index)
    assert len(figures) >= 10
    for figure in figures:
        part = index.split(f'id="{figure}"', 1)[1].split("</figure>", 1)[0]
        assert "Query: <code>cartkg query " in part, figure
        assert (out / "data" / f"{figure}.csv").is_file(), figure


def test_the_search_index_finds_rese_cel_by_its_code_name(
    site: tuple[Path, ReportSummary],
) -> None:
    out, _ = site
    names = read(out / "assets" / "names.js")
    assert '"caba201","CABA-201"' in names
    entry = re.search(r'\["rese-cel \(Cabaletta Bio\)","programs/rese-cel\.html"', names)
    assert entry is not None


def test_methods_page_gives_the_flow_and_the_exclusions(site: tuple[Path, ReportSummary]) -> None:
    out, _ = site
    methods = read(out / "methods.html")
    with open(REPO / "registry" / "scope.tsv", encoding="utf-8") as f:
        excluded = [r for r in csv.DictReader(f, delimiter="\t") if r["decision"] == "exclude"]
    assert excluded
    for row in excluded:
        assert row["nct_id"] in methods
    assert "Rheumatology CAR-T Trials Monitor" in methods
    assert 'id="sources-by-kind"' in methods


def test_a_failed_report_leaves_the_folder_as_it_was(
    cli: CliRun, tmp_path: Path, real_store: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    result = cli(Project(REPO), "report", "-o", str(folder), "--store", str(real_store))
    assert result.exit_code == 2
    assert "not a cartkg report" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["mine.txt"]


def test_an_empty_graph_gives_a_clear_error(cli: CliRun, tmp_path: Path) -> None:
    import pyoxigraph as ox

    ox.Store(str(tmp_path / "empty")).flush()
    result = cli(
        Project(REPO), "report", "-o", str(tmp_path / "site"), "--store", str(tmp_path / "empty")
    )
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "build it first" in result.stderr
    assert not (tmp_path / "site").exists()


def test_conflicting_unverified_and_weakly_sourced_facts_are_marked(
    site: tuple[Path, ReportSummary], real_store: Path
) -> None:
    out, _ = site
    store = open_store(real_store)
    about = {
        row["entity"].value
        for row in store.query(
            f"SELECT DISTINCT ?entity WHERE {{ ?claim <{CARTKG}claimAbout> ?entity }}",
            use_default_graph_as_union=True,
        )
    }
    client = cartkg.open_client(REPO, real_store)
    pages = {
        str(r.trial): f"trials/{str(r.trial).rsplit('/', 1)[1]}.html"
        for r in client.run_query("trials")
    }
    pages |= {
        str(r["product"]): f"programs/{str(r.program).rsplit('/', 1)[1]}.html"
        for r in client.run_query("programs")
    }
    marked = sorted(e for e in about if e in pages)
    assert len(marked) >= 5
    for entity in marked:
        assert "conflicting claim from another source" in read(out / pages[entity]), entity
    rese = read(out / "programs" / "rese-cel.html")
    rmat = rese.split("regenerative medicine advanced therapy (RMAT) designation", 1)[1]
    assert rmat.split("</tr>", 1)[0].endswith(
        '<span class="doubt" title="Marked: unverified">unverified</span></td>'
    )
    assert "weak sources only" in rese  # the IND read through an AI-written filing summary
    odd = rese.split("<td>FDA orphan drug designation</td>", 1)[1].split("</tr>", 1)[0]
    assert 'class="doubt"' not in odd  # the company's own release: not marked


@pytest.mark.server
def test_the_same_site_from_an_oxigraph_server(
    site: tuple[Path, ReportSummary], real_store: Path, tmp_path: Path
) -> None:
    with oxigraph_read_write(tmp_path / "oxigraph") as base:
        cartkg.push(f"{base}/query", graph_store=f"{base}/store", root=REPO, store=real_store)
        remote = tmp_path / "remote"
        write_report(cartkg.connect(f"{base}/query", REPO), remote, REPO)
    local = site[0]
    files = sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(remote) for p in remote.rglob("*") if p.is_file())
    differ = [f for f in files if (local / f).read_bytes() != (remote / f).read_bytes()]
    assert differ == []


# -- in the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page opened in the browser, with what it logged and asked for."""

    def __init__(self, browser: object, site_root: str, width: int = 1280) -> None:
        self.root = site_root
        self.page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str) -> None:
        self.page.goto(self.root + path)
        self.page.wait_for_load_state("load")
        charts = self.page.locator("figure.chart").count()
        if charts:
            self.page.wait_for_function(
                "() => [...document.querySelectorAll('figure.chart')].every(f => f.dataset.drawn)",
                timeout=30000,
            )

    def outside(self) -> list[str]:
        return [
            u
            for u in self.requests
            if not u.startswith(self.root) and not u.startswith(("data:", "blob:", "about:"))
        ]

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def visit(browser: object, site: tuple[Path, ReportSummary]) -> Iterator[Visit]:
    v = Visit(browser, site[0].as_uri() + "/")
    yield v
    v.close()


def test_the_overview_draws_every_chart_with_no_error_or_outside_request(visit: Visit) -> None:
    visit.open("index.html")
    drawn = visit.page.eval_on_selector_all(
        "figure.chart",
        "els => els.map(e => [e.id, e.dataset.drawn, "
        "e.querySelectorAll('.vis svg .mark-rect path, .vis svg .mark-symbol path').length])",
    )
    assert len(drawn) >= 10
    for chart_id, state, marks in drawn:
        assert state == "true", chart_id
        assert marks > 0, f"{chart_id} drew no bar or point"
    assert visit.errors == []
    assert visit.outside() == []
    visit.shot("overview")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("trials/NCT06328777.html", "Status history"),
        ("programs/rese-cel.html", "Regulatory designations"),
        ("organizations/cabaletta-bio.html", "Developer"),
        ("lists/antigen/CD19.html", "Target antigen: CD19"),
        ("changes.html", "Last 30 days"),
        ("methods.html", "How trials were found"),
        ("trials/index.html", "Trials ("),
    ],
)
def test_a_page_of_each_kind_loads_cleanly(visit: Visit, path: str, expected: str) -> None:
    visit.open(path)
    assert expected in visit.page.inner_text("main")
    assert visit.errors == []
    assert visit.outside() == []
    visit.shot(path.replace("/", "-").removesuffix(".html"))


def test_search_finds_rese_cel_by_its_code_name(visit: Visit) -> None:
    visit.open("trials/index.html")
    visit.page.fill("#search", "CABA-201")
    first = visit.page.locator("#search-results a").first
    first.wait_for()
    assert first.get_attribute("href") == "../programs/rese-cel.html"
    visit.page.press("#search", "Enter")
    visit.page.wait_for_url("**/programs/rese-cel.html")
    assert "rese-cel" in visit.page.inner_text("h1")
    assert visit.errors == []


def test_a_click_on_a_bar_reaches_the_list_of_its_trials(visit: Visit) -> None:
    visit.open("index.html")
    bars = visit.page.locator("#trials-by-antigen .mark-rect path")
    assert bars.count() > 3
    bars.first.click()
    visit.page.wait_for_url("**/lists/antigen/*.html")
    shown = visit.page.inner_text(".list-count")
    assert re.match(r"\d+ trials?", shown)
    assert visit.page.locator("table.trials tbody tr").count() == int(shown.split()[0])
    assert visit.errors == []


def test_a_chart_is_saved_as_svg(visit: Visit) -> None:
    visit.open("index.html")
    with visit.page.expect_download() as download:
        visit.page.click("#trials-by-antigen .save-svg")
    path = download.value.path()
    assert download.value.suggested_filename == "trials-by-antigen.svg"
    assert Path(path).read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_the_overview_fits_a_phone(browser: object, site: tuple[Path, ReportSummary]) -> None:
    v = Visit(browser, site[0].as_uri() + "/", width=390)
    try:
        v.open("index.html")
        overflow = v.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1
        assert v.errors == []
        v.shot("overview-phone")
    finally:
        v.close()


def test_the_site_works_from_a_web_server(
    browser: object, site: tuple[Path, ReportSummary]
) -> None:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site[0]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    v = Visit(browser, f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        v.open("index.html")
        v.open("programs/rese-cel.html")
        assert v.errors == []
        assert v.outside() == []
    finally:
        v.close()
        server.shutdown()
        server.server_close()
