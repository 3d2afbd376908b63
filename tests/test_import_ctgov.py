"""`cartkg import ctgov`: ClinicalTrials.gov API v2 records into shape-valid, canonical trial files."""  # noqa: E501

from __future__ import annotations

import copy
import csv
import json
import re

import httpx
import pytest
from helpers.project import REPO, TEST_DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartkg.ctgov import Importer, criteria, import_paths, read_paths
from cartkg.ctgov.criteria import split
from cartkg.ctgov.fetch import Fetcher, FetchError
from cartkg.ctgov.mapping import map_record
from cartkg.ctgov.record import RecordError
from cartkg.dataset import Dataset
from cartkg.fmt import canonical_turtle
from cartkg.importing.context import CONDITIONS_TABLE, Context
from cartkg.importing.turtle import PrefixMap, read_turtle, write_turtle
from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.shacl import validate

CTGOV = TEST_DATA / "ctgov"
STUDIES = CTGOV / "studies"
OLDER = CTGOV / "versions" / "NCT06414135-2024-05-09.json"
# three versions of Ntrust-1: June and July 2025 (phase 1) and the November 2025 one in studies/
NTRUST_JUNE = CTGOV / "versions" / "NCT06557265-2025-06-25.json"
NTRUST_JULY = CTGOV / "versions" / "NCT06557265-2025-07-22.json"
ID = "https://w3id.org/cartkg/id/"
V = "https://w3id.org/cartkg/vocab/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
FIXTURES = sorted(STUDIES.glob("*.json"))


def load(name: str) -> dict:
    return json.loads((STUDIES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.load(Project(REPO))


def objects(graph, s: str, p: str) -> set:
    return set(graph.get(s, {}).get(p, set()))


def values(graph, s: str, p: str) -> set[str]:
    return {getattr(o, "lex", o) for o in objects(graph, s, p)}


# output is valid and canonical ------------------------------------------------------------
def test_six_fixtures_and_both_versions_are_there() -> None:
    assert {p.stem for p in FIXTURES} == {
        "NCT06328777", "NCT06414135", "NCT05869955", "NCT06799247", "NCT05938725", "NCT06557265",
    }  # fmt: skip
    assert OLDER.is_file() and NTRUST_JUNE.is_file() and NTRUST_JULY.is_file()


def test_imported_fixtures_validate_without_violations(project: Project) -> None:
    report = import_paths(project, [OLDER])
    report = import_paths(project, [STUDIES])
    assert report.ok, report.skipped
    assert len(report.imported) == 6
    result = validate(Dataset.load(project), converter(project.ontology_file))
    violations = [r for r in result.results if r.severity == "Violation"]
    assert violations == [], violations[:5]
    for path in (project.root / "data").rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        assert canonical_turtle(text, prefix_map(project.ontology_file)) == text, path


def test_references_become_publication_nodes_with_pmid_type_and_citation(
    project: Project,
) -> None:
    record = load("NCT05938725")  # the references are made up for this test
    record["protocolSection"]["referencesModule"] = {"references": [
        {"pmid": "012345678", "type": "RESULT", "citation": "Doe J. Made-up results. 2025."},
        {"type": "BACKGROUND", "citation": "Roe R.  A made-up\nbackground paper."},
        {"pmid": "12345678", "type": "DERIVED"},  # the same publication again: one node
        {"type": "BACKGROUND"},  # nothing to point at: left out
    ]}  # fmt: skip
    path = project.root / "in.json"
    path.write_text(json.dumps(record))
    assert import_paths(project, [path]).ok
    g = read_turtle(project.root / "data" / "trials" / "NCT05938725.ttl")
    trial = f"{ID}trial/NCT05938725"
    by_pmid = f"{ID}reference/NCT05938725-ctgov-pmid-12345678"
    by_citation = f"{ID}reference/NCT05938725-ctgov-citation-2"
    assert objects(g, trial, f"{V}publication") == {by_pmid, by_citation}
    assert values(g, by_pmid, f"{V}pmid") == {"12345678"}
    assert objects(g, by_pmid, f"{V}referenceType") == {f"{V}referencetype/result"}
    assert objects(g, by_pmid, RDFS + "seeAlso") == {"https://pubmed.ncbi.nlm.nih.gov/12345678/"}
    assert values(g, by_citation, f"{DCT}bibliographicCitation") == {
        "Roe R.  A made-up\nbackground paper."
    }
    assert not objects(g, by_citation, f"{V}pmid")
    result = validate(Dataset.load(project), converter(project.ontology_file))
    assert [r for r in result.results if r.severity == "Violation"] == []


def test_sites_in_any_iso_country_are_kept_whatever_the_registry_spelling(ctx: Context) -> None:
    record = load("NCT05938725")
    record["protocolSection"]["contactsLocationsModule"] = {"locations": [
        {"city": city, "country": country}
        for city, country in [
            ("Seoul", "Korea, Republic of"), ("Taipei", "Taiwan"), ("Ankara", "Turkey"),
            ("Toronto", "Canada"), ("Hanoi", "Vietnam"), ("Boston", "USA"),
            ("Nowhere", "Atlantis"),
        ]
    ]}  # fmt: skip
    m = map_record(ctx, record)
    sites = objects(m.trial, f"{ID}trial/NCT05938725", f"{V}site")
    assert {next(iter(objects(m.trial, s, f"{V}country"))).rsplit("/", 1)[-1] for s in sites} == {
        "KR", "TW", "TR", "CA", "VN", "US",
    }  # fmt: skip
    assert any("'Atlantis' is not in ontology/vocab/country.ttl" in n for n in m.notes)


def test_fast_writer_matches_cartkg_fmt_on_every_data_file() -> None:
    prefixes = prefix_map(REPO / "ontology" / "cartkg.ttl")
    writer = PrefixMap(prefixes)
    for path in sorted((REPO / "data").rglob("*.ttl")):
        assert write_turtle(read_turtle(path), writer) == path.read_text(encoding="utf-8"), path


# mapping ------------------------------------------------------------------------------------
def test_phase_1_2_gives_both_phases(ctx: Context) -> None:
    m = map_record(ctx, load("NCT06328777"))
    assert objects(m.trial, f"{ID}trial/NCT06328777", f"{V}phase") == {f"{V}phase/1", f"{V}phase/2"}


def test_partial_dates_keep_their_precision(ctx: Context) -> None:
    m = map_record(ctx, json.loads(OLDER.read_text(encoding="utf-8")))
    dates = {o for s in m.trial for o in objects(m.trial, s, f"{V}date")}
    assert ("2025-05", XSD + "gYearMonth", None) in dates
    assert ("2027-04", XSD + "gYearMonth", None) in dates
    assert not any(d.lex.startswith("2025-05-") for d in dates)


def test_status_observation_is_dated_by_the_snapshot_when_nothing_else_dates_it(ctx) -> None:
    m = map_record(ctx, load("NCT06414135"))
    obs = f"{ID}observation/NCT06414135-ctgov-status-2025-11-14"
    assert objects(m.trial, obs, f"{V}status") == {f"{V}trialstatus/recruiting"}
    record = load("NCT06414135")
    record["protocolSection"]["statusModule"]["statusVerifiedDate"] = "2025-10"
    m = map_record(ctx, record)
    assert f"{ID}observation/NCT06414135-ctgov-status-2025-10" in m.trial


def test_interventions_link_known_products_by_code_name_and_other_name(ctx: Context) -> None:
    reset = map_record(ctx, load("NCT06328777"))
    trial = f"{ID}trial/NCT06328777"
    assert objects(reset.trial, trial, f"{V}studiesProduct") == {f"{ID}product/rese-cel"}
    regimen = f"{ID}regimen/NCT06328777-ctgov"
    drugs = {
        o
        for c in objects(reset.trial, regimen, f"{V}component")
        for o in objects(reset.trial, c, f"{V}drug")
    }
    assert drugs == {f"{V}drug/fludarabine", f"{V}drug/cyclophosphamide"}
    relma = map_record(ctx, load("NCT06414135"))
    assert objects(relma.trial, f"{ID}trial/NCT06414135", f"{V}studiesProduct") == {
        f"{ID}product/relma-cel"
    }
    kysa = map_record(ctx, load("NCT05938725"))  # KYV-101: a product of the monitor's table
    assert objects(kysa.trial, f"{ID}trial/NCT05938725", f"{V}studiesProduct") == {
        f"{ID}product/kyv-101"
    }
    ntrust = map_record(ctx, load("NCT06557265"))  # NKX019, by its code name
    assert objects(ntrust.trial, f"{ID}trial/NCT06557265", f"{V}studiesProduct") == {
        f"{ID}product/nkx019"
    }
    unknown = json.loads(json.dumps(load("NCT06557265")).replace("NKX019", "QZX-777"))
    unknown = map_record(ctx, unknown)  # a code name no product of the graph has
    assert not objects(unknown.trial, f"{ID}trial/NCT06557265", f"{V}studiesProduct")
    assert any("not linked" in n and "QZX-777" in n for n in unknown.notes)


def test_the_arms_own_intervention_list_wins(ctx: Context) -> None:
    m = map_record(ctx, load("NCT06799247"))
    placebo = f"{ID}cohort/NCT06799247-ctgov-placebo"
    assert objects(m.trial, placebo, f"{V}armType") == {f"{V}armtype/placebo-comparator"}
    assert any("'Placebo'" in n and "arm's list wins" in n for n in m.notes)
    record = load("NCT06328777")
    arms = record["protocolSection"]["armsInterventionsModule"]
    for arm in arms["armGroups"]:
        arm.pop("interventionNames")  # then the interventions' armGroupLabels fill the arm in
    m = map_record(ctx, record)
    cohort = f"{ID}cohort/NCT06328777-ctgov-cohort-a-severe-skin-involvement"
    assert objects(m.trial, cohort, f"{V}studiesProduct") == {f"{ID}product/rese-cel"}


def test_conditions_keep_their_text_and_map_only_through_the_table(ctx: Context) -> None:
    m = map_record(ctx, load("NCT06557265"))
    trial = f"{ID}trial/NCT06557265"
    assert values(m.trial, trial, f"{V}conditionText") == {
        "Lupus Nephritis",
        "Primary Membranous Nephropathy",
    }
    assert objects(m.trial, trial, f"{V}indication") == {
        "http://purl.obolibrary.org/obo/MONDO_0005556"
    }


def test_condition_table_uses_only_imported_mondo_terms_with_their_labels() -> None:
    labels = {}
    for s, p, o in (
        (s, p, o)
        for s, props in read_turtle(REPO / "ontology/imports/mondo.ttl").items()
        for p, objs in props.items()
        for o in objs
    ):
        if p.endswith("#label"):
            labels[s] = o.lex
    with (REPO / CONDITIONS_TABLE).open(encoding="utf-8") as f:
        rows = list(csv.DictReader((x for x in f if not x.startswith("#")), delimiter="\t"))
    assert len(rows) > 20
    for row in rows:
        iri = "http://purl.obolibrary.org/obo/MONDO_" + row["object_id"].split(":")[1]
        assert labels.get(iri) == row["object_label"], row


def test_eligibility_ages_and_thresholds_are_structured(ctx: Context) -> None:
    m = map_record(ctx, load("NCT06414135"))
    age_min = f"{ID}criterion/NCT06414135-ctgov-age-min"
    assert objects(m.trial, age_min, f"{V}unit") == {f"{V}unit/year"}
    assert values(m.trial, age_min, f"{V}quantityValue") == {"18.0"}
    assert objects(m.trial, age_min, f"{V}comparator") == {f"{V}comparator/ge"}
    clauses = [
        s
        for s in m.trial
        if objects(m.trial, s, f"{V}measure") == {f"{V}measure/absolute-neutrophil-count"}
    ]
    assert len(clauses) == 1
    anc = clauses[0]
    assert values(m.trial, anc, f"{V}quantityValue") == {"1000.0"}
    assert objects(m.trial, anc, f"{V}unit") == {f"{V}unit/per-ul"}
    lung = f"{ID}criterion/NCT06414135-ctgov-exc-2"
    assert len(objects(m.trial, lung, f"{V}anyOf")) == 2
    assert f"{ID}criterion/NCT06414135-ctgov-exc-2" in objects(
        m.trial, f"{ID}trial/NCT06414135", f"{V}eligibilityCriterion"
    )


def test_eligibility_split_keeps_sub_bullets_with_their_parent() -> None:
    items, headed = split(
        "Inclusion Criteria:\n\n* a\n  * ALT ≤ 3 x ULN\n* b\n\nExclusion Criteria:\n\n* c"
    )
    assert headed
    assert [(i.kind, i.position, i.text) for i in items] == [
        ("inclusion", 1, "a\nALT ≤ 3 x ULN"), ("inclusion", 2, "b"), ("exclusion", 1, "c"),
    ]  # fmt: skip
    assert [(c.measure, c.comparator, str(c.value), c.unit) for c in items[0].clauses] == [
        ("alt", "le", "3", "times-uln")
    ]


def test_mixed_and_or_is_not_guessed() -> None:
    items, _ = split(
        "Inclusion Criteria:\n* FVC decreases by > 10% or FVC decreases by > 5% and DLCO decreases by > 15%"  # noqa: E501
    )
    assert items[0].clauses == []


def _item(line: str):
    """The one item of an inclusion list holding `line`."""
    items, _ = split(f"Inclusion Criteria:\n* {line}")
    assert len(items) == 1
    return items[0]


def _clauses(line: str) -> list[tuple[str, str, str, str, str | None]]:
    return [(c.measure, c.comparator, str(c.value), c.unit, c.change) for c in _item(line).clauses]


@pytest.mark.parametrize(
    "words, direction",
    [("decreased by", "decrease"), ("Decline of", "decrease"), ("dropped by", "decrease"),
     ("falls by", "decrease"), ("Fall of", "decrease"), ("↓", "decrease"),
     ("increased by", "increase"), ("Rise of", "increase"), ("↑", "increase")],
)  # fmt: skip
def test_a_change_from_baseline_keeps_its_direction_and_the_plain_measure(words, direction):
    # a change is of the FVC itself, not a level of percent predicted
    assert _clauses(f"FVC {words} ≥ 10%") == [("fvc", "ge", "10", "percent", direction)]


def test_a_lung_volume_in_percent_is_percent_predicted_and_in_litres_is_left_out() -> None:
    assert _clauses("FVC ≥ 50%") == [("fvc-percent-predicted", "ge", "50", "percent", None)]
    # the litres are skipped, and the reading goes on to the next measure
    assert _clauses("FVC ≥ 2 L, DLCO ≥ 40%") == [
        ("dlco-percent-predicted", "ge", "40", "percent", None)
    ]


def test_a_score_needs_no_unit_and_a_lab_value_does() -> None:
    assert _clauses("mRSS ≥ 15") == [("mrss", "ge", "15", "score-points", None)]
    assert _clauses("platelet count ≥ 100") == []
    assert _clauses("platelet count ≥ 100, ALT ≤ 3 x ULN") == [
        ("alt", "le", "3", "times-uln", None)
    ]


@pytest.mark.parametrize("unit", ["years", "months", "weeks", "days"])
def test_a_number_of_years_months_weeks_or_days_is_not_a_lab_level(unit: str) -> None:
    assert _clauses(f"ALT ≥ 2 {unit}, AST ≤ 3 x ULN") == [("ast", "le", "3", "times-uln", None)]
    # nor a dose: "prednisone ≥ 4 weeks" is how long, not how much
    assert _clauses(f"prednisone ≥ 4 {unit}") == []


def test_a_dose_per_day_and_a_comparator_in_words_are_read() -> None:
    assert _clauses("prednisone ≤ 10 mg/day") == [
        ("prednisone-equivalent-dose", "le", "10", "mg-per-day", None)
    ]
    assert _clauses("platelet count at least 100 x 10^9/L") == [
        ("platelet-count", "ge", "100", "10e9-per-l", None)
    ]
    assert _clauses("ANC ≥ 1,500/µL") == [
        ("absolute-neutrophil-count", "ge", "1500", "per-ul", None)
    ]
    # "neutrophil" inside "absolute neutrophil count" is the same mention, and the next is read
    assert _clauses("absolute neutrophil count ≥ 1000/µL and platelet count ≥ 100 x 10^9/L") == [
        ("absolute-neutrophil-count", "ge", "1000", "per-ul", None),
        ("platelet-count", "ge", "100", "10e9-per-l", None),
    ]
    # a measure named without a threshold does not stop the reading of the next one
    assert _clauses("ALT and AST ≤ 3 x ULN") == [("ast", "le", "3", "times-uln", None)]


def test_or_and_and_are_read_between_clauses_not_inside_a_comparator() -> None:
    both = _item("ALT less than or equal to 3 x ULN and AST less than or equal to 3 x ULN")
    assert [c.measure for c in both.clauses] == ["alt", "ast"]
    assert not both.any_of
    assert not _item("ALT less than or equal to 3 x ULN").any_of
    either = _item("ALT ≤ 3 x ULN or AST ≤ 3 x ULN")
    assert [c.measure for c in either.clauses] == ["alt", "ast"]
    assert either.any_of


def test_organ_function_is_a_topic_of_a_lab_level_only() -> None:
    assert "organ-function" in _item("ALT ≤ 3 x ULN").topics
    assert "organ-function" not in _item("mRSS ≥ 15").topics
    # a fall in FVC is disease progression, not organ function at entry
    assert "organ-function" not in _item("FVC decreased by ≥ 10%").topics


def test_split_reads_headings_loose_text_continuations_and_sub_bullets() -> None:
    def shown(text: str):
        items, headed = split(text)
        return headed, [(i.kind, i.position, i.text) for i in items]

    # no headings: the loose lines are one inclusion item
    assert shown("Patients aged 18 or more\nwith active SLE") == (
        False, [("inclusion", 1, "Patients aged 18 or more with active SLE")]
    )  # fmt: skip
    # text after a heading is an item; a line that is not a bullet continues the item before it
    assert shown(
        "Inclusion Criteria: aged 18 or more\n  with SLE\nExclusion Criteria:\npregnancy\n"
        "* b\ncontinued"
    ) == (True, [("inclusion", 1, "aged 18 or more with SLE"), ("exclusion", 1, "pregnancy"),
                 ("exclusion", 2, "b continued")])  # fmt: skip
    # bullets before any heading are inclusion items
    assert shown("* first\n* second\nExclusion Criteria:\n* c") == (
        True, [("inclusion", 1, "first"), ("inclusion", 2, "second"), ("exclusion", 1, "c")]
    )  # fmt: skip
    # a deeper bullet belongs to the item above it; a numbered list is a list
    assert shown("Inclusion Criteria:\n1. a\n   * sub\n2. b\n    continued\n") == (
        True, [("inclusion", 1, "a\nsub"), ("inclusion", 2, "b continued")]
    )  # fmt: skip
    # loose lines before bullets are dropped as a preamble, not made an item
    assert shown("Key criteria follow\n* one") == (False, [("inclusion", 1, "one")])
    # the first bullet sets the list's level: a shallower bullet does not lower it, and a bullet
    # after a heading's own text starts the list
    assert shown("Inclusion Criteria:\n  * a\n* b\n  * c") == (
        True, [("inclusion", 1, "a"), ("inclusion", 2, "b"), ("inclusion", 3, "c")]
    )  # fmt: skip
    assert shown("Inclusion Criteria: adults\n* a\n  * sub") == (
        True, [("inclusion", 1, "adults"), ("inclusion", 2, "a\nsub")]
    )  # fmt: skip
    # an empty bullet is no item, and the items after it keep their places
    assert shown("Inclusion Criteria:\n*  \n* a") == (True, [("inclusion", 1, "a")])


# words of the measure and topic patterns, in several cases, among other words and symbols
_CRITERIA_WORDS = sorted(
    {
        w
        for _, pat in criteria.MEASURES + criteria.TOPICS
        for w in re.findall(r"[A-Za-z][A-Za-z -]+", re.sub(r"\\[a-zA-Z]", "|", pat.pattern))
    }
    | {"at least", "least", "except", "health", "cart", "≥", "<=", "x ULN", "10^9/L", "ſ", "K", "İ"}
)  # fmt: skip


def _prefilters() -> tuple[criteria._Prefilter, criteria._Prefilter]:
    """The prefilters of the measures and the topics, built anew at each call (2 ms) rather than
    taken from the module or cached: under `make mutate-python`, mutmut forks its workers from a
    process that has imported the module and run every test once, so only a prefilter built
    inside the test runs a mutant of its construction."""
    return criteria._Prefilter(criteria.MEASURES), criteria._Prefilter(criteria.TOPICS)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_CRITERIA_WORDS).flatmap(
                lambda w: st.sampled_from([w, w.lower(), w.upper(), w.title(), w[:-1], w[1:]])
            ),
            st.text(max_size=4),
            st.sampled_from([" ", "-", "/", "(", ")", ",", "\n", "1500", "3"]),
        ),
        max_size=12,
    ).map("".join)
)
def test_prefilter_never_drops_a_pattern_that_matches(text: str) -> None:
    # the anchor-word shortcut must only skip patterns that cannot match the text
    for patterns, prefilter in zip(
        (criteria.MEASURES, criteria.TOPICS), _prefilters(), strict=True
    ):
        matching = [k for k, pattern in patterns if pattern.search(text)]
        kept = {k for k, _ in prefilter.candidates(text)}
        assert set(matching) <= kept, (text, set(matching) - kept)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(
        [(kp, 0) for kp in criteria.MEASURES] + [(kp, 1) for kp in criteria.TOPICS]
    ).flatmap(lambda x: st.tuples(st.just(x), st.from_regex(x[0][1])))
)
def test_prefilter_keeps_a_pattern_for_any_text_it_matches(case) -> None:
    ((key, _), which), text = case
    assert key in {k for k, _ in _prefilters()[which].candidates(text)}, text


def test_prefilter_keeps_every_pattern_for_letters_that_fold_to_ascii() -> None:
    # re.IGNORECASE matches "ſ" to "s" and the Kelvin sign to "k": lower() does not
    assert re.search(r"\bAST\b", "aſt", re.I)
    measures, topics = _prefilters()
    assert "ast" in {k for k, _ in measures.candidates("aſt ≥ 3 x ULN")}
    assert len(topics.candidates("\u212a")) == len(criteria.TOPICS)
    assert measures.candidates("≥ 3 x ULN") == []  # other non-ASCII: filtered


def test_prefilter_skips_patterns_on_plain_text() -> None:
    measures, topics = _prefilters()
    assert [k for k, _ in topics.candidates("Signed informed consent")] == ["consent"]
    assert measures.candidates("Signed informed consent") == []


def test_source_node_records_where_and_when(ctx: Context) -> None:
    m = map_record(ctx, load("NCT06557265"), access_date=None)
    s = f"{ID}source/ctgov-nct06557265-2025-11-12"
    assert m.source_key == "ctgov-nct06557265-2025-11-12"
    assert values(m.source, s, "https://schema.org/url") == {
        "https://clinicaltrials.gov/study/NCT06557265"
    }
    assert values(m.source, s, "http://purl.org/dc/terms/publisher") == {"ClinicalTrials.gov"}
    assert values(m.source, s, f"{V}accessDate") == {"2025-11-12"}
    assert objects(m.source, s, f"{V}sourceType") == {f"{V}sourcetype/registry-record"}
    every = {
        o for props in m.trial.values() for o in props.get("http://purl.org/dc/terms/source", set())
    }
    assert every == {s}


def test_organisations_get_one_iri_across_records_and_reuse_existing_files(
    project: Project,
) -> None:
    a = load("NCT05938725")
    b = load("NCT06557265")
    b["protocolSection"]["sponsorCollaboratorsModule"]["collaborators"] = [
        {"name": "Kyverna Therapeutics", "class": "INDUSTRY"}, {"name": "Cabaletta Bio"},
    ]  # fmt: skip
    folder = project.root / "in"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(a))
    (folder / "b.json").write_text(json.dumps(b))
    report = import_paths(project, [folder])
    assert report.ok
    orgs = project.root / "data" / "organizations"
    assert (orgs / "kyverna-therapeutics.ttl").is_file()
    assert not list(orgs.glob("kyverna-therapeutics-*.ttl"))
    g = read_turtle(project.root / "data" / "trials" / "NCT06557265.ttl")
    assert objects(g, f"{ID}trial/NCT06557265", f"{V}collaborator") == {
        f"{ID}organization/kyverna-therapeutics", f"{ID}organization/cabaletta-bio",
    }  # fmt: skip
    assert (project.root / "data/trials/raw/NCT06557265.json").is_file()


# re-import --------------------------------------------------------------------------------
def test_reimport_adds_a_status_observation_reports_changes_and_keeps_curated_statements(
    project: Project,
) -> None:
    path = project.root / "data" / "trials" / "NCT06414135.ttl"
    curated = read_turtle(path)
    first = import_paths(project, [OLDER])
    assert first.imported[0].action == "updated"
    second = import_paths(project, [STUDIES / "NCT06414135.json"])
    outcome = second.imported[0]
    assert outcome.action == "updated"
    assert "status: not yet recruiting (2024-05-09) -> recruiting (2025-11-14)" in outcome.changes
    assert any(
        c.startswith("- inclusion criterion: diagnosed with systemic sclerosis associated")
        for c in outcome.changes
    )
    assert any(c.startswith("+ exclusion criterion: NYHA class IV") for c in outcome.changes)
    assert "primary-completion date: 2025-05 (estimated) -> (none)" in outcome.changes
    after = read_turtle(path)
    trial = f"{ID}trial/NCT06414135"
    status = objects(after, trial, f"{V}statusObservation")
    assert f"{ID}observation/NCT06414135-ctgov-status-2024-05-09" in status
    assert f"{ID}observation/NCT06414135-ctgov-status-2025-11-14" in status
    for s, props in curated.items():  # every hand-curated statement is still there
        for p, objs in props.items():
            if s == trial and p in (f"{V}officialTitle", f"{V}briefTitle", f"{V}phase"):
                continue
            assert objs <= after[s][p], (s, p)
    assert not any("/NCT06414135-ctgov-inc-5" in s for s in after if "2024" in s)


def test_an_older_and_a_newer_version_around_the_imported_one(project: Project) -> None:
    # the July 2025 record is in the graph; the June one is older, the November one newer
    assert import_paths(project, [NTRUST_JULY]).imported[0].action == "new"
    path = project.root / "data" / "trials" / "NCT06557265.ttl"
    july = path.read_bytes()
    older = import_paths(project, [NTRUST_JUNE]).imported[0]
    assert older.action == "older" and older.notes[0].startswith("not imported")
    assert path.read_bytes() == july
    newer = import_paths(project, [STUDIES / "NCT06557265.json"]).imported[0]
    assert newer.action == "updated"
    assert "phases: phase1 -> phase1, phase2" in [c.lower() for c in newer.changes]
    assert any(c.startswith("enrollment: (none) -> 96") for c in newer.changes)
    assert "start date: (none) -> 2024-06-13" in newer.changes
    assert any(c.startswith("+ site: Emory") for c in newer.changes)
    assert not any(c.startswith("status:") for c in newer.changes)  # recruiting in both
    g = read_turtle(path)
    trial = f"{ID}trial/NCT06557265"
    assert objects(g, trial, f"{V}statusObservation") == {
        f"{ID}observation/NCT06557265-ctgov-status-2025-07-22",
        f"{ID}observation/NCT06557265-ctgov-status-2025-11-12",
    }
    assert objects(g, trial, f"{V}phase") == {f"{V}phase/1", f"{V}phase/2"}
    assert objects(g, trial, "http://purl.org/dc/terms/source") == {
        f"{ID}source/ctgov-nct06557265-2025-11-12"
    }
    sources = project.root / "data" / "sources"
    assert (sources / "ctgov-nct06557265-2025-07-22.ttl").is_file()  # still cited by history
    assert not (sources / "ctgov-nct06557265-2025-06-25.ttl").exists()


def test_reimporting_the_same_record_changes_nothing(project: Project) -> None:
    import_paths(project, [STUDIES / "NCT06557265.json"])
    path = project.root / "data" / "trials" / "NCT06557265.ttl"
    before = path.read_bytes()
    again = import_paths(project, [STUDIES / "NCT06557265.json"])
    assert again.imported[0].action == "unchanged"
    assert path.read_bytes() == before


def test_reimporting_the_same_record_rewrites_no_file(project: Project) -> None:
    import_paths(project, [STUDIES / "NCT06557265.json"])
    files = {p: p.stat().st_ino for p in (project.root / "data").rglob("*") if p.is_file()}
    again = import_paths(project, [STUDIES / "NCT06557265.json"])
    assert again.files == 0 and again.written == []  # not even the raw record
    assert {p: p.stat().st_ino for p in (project.root / "data").rglob("*") if p.is_file()} == files
    assert not list((project.root / "data").rglob("*.import-tmp"))


def test_an_older_record_does_not_overwrite_a_newer_import(project: Project) -> None:
    import_paths(project, [STUDIES / "NCT06414135.json"])
    path = project.root / "data" / "trials" / "NCT06414135.ttl"
    before = path.read_bytes()
    report = import_paths(project, [OLDER])
    assert report.imported[0].action == "older"
    assert path.read_bytes() == before


def test_dry_run_writes_nothing_and_prints_the_diff(project: Project, cli) -> None:
    before = {p: p.read_bytes() for p in (project.root / "data").rglob("*") if p.is_file()}
    result = cli(project, "import", "ctgov", str(STUDIES / "NCT06328777.json"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+++ b/data/trials/NCT06328777.ttl" in result.output
    assert "NCT06328777: updated" in result.output
    after = {p: p.read_bytes() for p in (project.root / "data").rglob("*") if p.is_file()}
    assert after == before


# reading and bad input ------------------------------------------------------------------------
def test_pages_lists_json_lines_and_stdin_are_read() -> None:
    a, b = load("NCT06328777"), load("NCT06557265")
    page = json.dumps({"studies": [a, b], "nextPageToken": "x"})
    lines = [json.dumps(a), "", json.dumps(b)]
    got_page = list(read_paths(["-"], stdin=[page]))
    got_lines = list(read_paths(["-"], stdin=["\n".join(lines)]))
    assert [s[1] for s in got_page] == ["record 1 (NCT06328777)", "record 2 (NCT06557265)"]
    assert [s[1] for s in got_lines] == [
        "record 1 (NCT06328777) on line 1",
        "record 2 (NCT06557265) on line 3",
    ]
    # a record alone on its line comes with that line's text; one of a page has no text of its own
    assert [s[3] for s in got_lines] == [lines[0], lines[2]]
    assert [s[3] for s in got_page] == [None, None]


def test_the_raw_record_is_the_input_text_when_the_input_held_it_alone(project: Project) -> None:
    """The kept raw record is the text that was read (a pretty-printed file stays so); a record
    that came in a search page is kept as its own JSON, which reads back as the same record."""
    folder = project.root / "in"
    folder.mkdir()
    pretty = json.dumps(load("NCT06557265"), indent=2, ensure_ascii=False)
    (folder / "one.json").write_text(pretty, encoding="utf-8")
    page = {"studies": [load("NCT06328777")], "nextPageToken": None}
    (folder / "page.json").write_text(json.dumps(page), encoding="utf-8")
    assert import_paths(project, [folder]).ok
    raw = project.root / "data" / "trials" / "raw"
    assert (raw / "NCT06557265.json").read_text(encoding="utf-8") == pretty + "\n"
    paged = (raw / "NCT06328777.json").read_text(encoding="utf-8")
    assert paged.count("\n") == 1 and json.loads(paged) == load("NCT06328777")


def test_bad_records_are_skipped_with_file_record_and_field_and_exit_1(
    project: Project, cli
) -> None:
    good = load("NCT06557265")
    unknown = load("NCT06799247")
    unknown["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED"
    wrong = load("NCT05938725")
    wrong["protocolSection"]["designModule"]["phases"] = "PHASE1"
    no_sponsor = load("NCT05869955")
    del no_sponsor["protocolSection"]["sponsorCollaboratorsModule"]
    folder = project.root / "in"
    folder.mkdir()
    (folder / "batch.jsonl").write_text(
        "\n".join(json.dumps(r) for r in (good, unknown, wrong, no_sponsor, good))
        + '\n{"protocolSection": '
    )
    (folder / "truncated.json").write_text(json.dumps(load("NCT06328777"))[:-40])
    result = cli(project, "import", "ctgov", str(folder))
    assert result.exit_code == 1
    text = result.output
    assert "Traceback" not in text
    assert (
        "batch.jsonl: record 2 (NCT06799247) on line 2: protocolSection.statusModule.overallStatus: unknown value 'PAUSED'"  # noqa: E501
        in text
    )
    assert (
        "record 3 (NCT05938725) on line 3: protocolSection.designModule.phases: expected a list"
        in text
    )
    assert (
        "record 4 (NCT05869955) on line 4: protocolSection.sponsorCollaboratorsModule.leadSponsor: missing"  # noqa: E501
        in text
    )
    assert (
        "record 5 (NCT06557265) on line 5: protocolSection.identificationModule.nctId: NCT06557265 was already imported"  # noqa: E501
        in text
    )
    assert "on line 6: (JSON): not valid JSON" in text
    assert "truncated.json: (file): (JSON): not valid JSON (line 1" in text
    assert "1 imported, 6 skipped" in text
    assert (project.root / "data" / "trials" / "NCT06557265.ttl").is_file()
    assert not (project.root / "data" / "trials" / "NCT06799247.ttl").exists()


def test_no_input_is_a_usage_error(project: Project, cli) -> None:
    assert cli(project, "import", "ctgov").exit_code == 2


# fuzz ---------------------------------------------------------------------------------------
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated(draw):
    """A fixture record with a few fields dropped, emptied or replaced by arbitrary JSON."""
    record = copy.deepcopy(json.loads(draw(st.sampled_from(FIXTURES)).read_text(encoding="utf-8")))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(record) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = record
        for k in path[:-1]:
            parent = parent[k]
        action = draw(st.sampled_from(["drop", "json", "empty", "unicode", "huge", "enum"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "json":
            parent[path[-1]] = draw(JSON)
        elif action == "empty":
            parent[path[-1]] = ""
        elif action == "unicode":
            parent[path[-1]] = draw(st.text(min_size=1, max_size=40))
        elif action == "huge":
            parent[path[-1]] = "Inclusion Criteria:\n* ANC ≥ 1000/uL\n" + "x " * 50_000
        else:
            parent[path[-1]] = "NOT_A_VALUE"
    return record


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(mutated(), min_size=1, max_size=3))
def test_fuzzed_records_import_or_are_skipped_naming_the_field(records, tmp_path_factory) -> None:
    project = Project(REPO)
    out = tmp_path_factory.mktemp("fuzz")
    importer = Importer(project, map_record, out, access_date="2026-01-01")
    lines = [json.dumps(r) for r in records]
    report = importer.run(read_paths(["-"], stdin=["\n".join(lines)]))
    assert len(report.imported) + len(report.skipped) == len(records)
    for problem in report.skipped:
        assert "internal error" not in problem.message, problem
        assert problem.field and problem.record.startswith("record ")
    prefixes = prefix_map(project.ontology_file)
    for path in out.rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        assert canonical_turtle(text, prefixes) == text, path


# fetch --------------------------------------------------------------------------------------
def _fetcher(handler) -> Fetcher:
    return Fetcher(
        httpx.Client(transport=httpx.MockTransport(handler)),
        base="https://ct.test/api/v2/studies",
        sleep=lambda s: None,
    )


def test_search_pages_until_a_short_page_even_with_a_token() -> None:
    studies = [load(p.stem) for p in FIXTURES]
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(dict(request.url.params))
        token = request.url.params.get("pageToken")
        if token is None:
            return httpx.Response(200, json={"studies": studies[:2], "nextPageToken": "p2"})
        return httpx.Response(200, json={"studies": studies[2:3], "nextPageToken": "p3"})

    got = list(_fetcher(handler).search("car-t lupus", page_size=2))
    assert [label for _, label, _, _ in got] == [
        "record 1 (NCT05869955)",
        "record 2 (NCT05938725)",
        "record 3 (NCT06328777)",
    ]
    assert len(calls) == 2 and calls[1]["pageToken"] == "p2"


def test_fetch_retries_server_errors_then_succeeds() -> None:
    answers = iter(
        [httpx.Response(503), httpx.Response(502), httpx.Response(200, json=load("NCT06557265"))]
    )
    got = list(_fetcher(lambda r: next(answers)).studies(["NCT06557265"]))
    assert got[0][1] == "record 1 (NCT06557265)"


def test_fetch_offline_says_so_clearly() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name resolution failed", request=request)

    with pytest.raises(FetchError, match="are you offline"):
        list(_fetcher(handler).studies(["NCT06557265"]))


def test_fetch_of_an_unknown_study_is_a_skipped_record() -> None:
    got = list(_fetcher(lambda r: httpx.Response(404)).studies(["NCT00000000"]))
    assert "404" in str(got[0][2])


def test_an_nct_id_in_other_digits_is_not_an_nct_id(ctx: Context) -> None:
    """Regression: the NCT pattern's ``\\d`` matched Arabic-Indic digits."""
    record = load("NCT05938725")
    record["protocolSection"]["identificationModule"]["nctId"] = "NCT0593872\u0665"
    with pytest.raises(RecordError, match="not an NCT number"):
        map_record(ctx, record)


def test_a_generic_product_name_matches_no_intervention(ctx: Context) -> None:
    """Regression: "CD19.CAR-T" and "anti-CD19 CAR-T cells", other names of two academic
    products, linked 40 trials whose interventions are CD19 CAR-T cells of other makers."""
    fresh = Context(ctx.prefixes, set(), {}, {}, {}, {}, {}, {}, set(), {})
    fresh.add_product_name("CD19.CAR-T", "https://w3id.org/cartkg/id/product/a")
    fresh.add_product_name("anti-CD19 CAR-T cells", "https://w3id.org/cartkg/id/product/a")
    fresh.add_product_name("KYV-101", "https://w3id.org/cartkg/id/product/kyv-101")
    assert fresh.match_products("anti-CD19 CAR-T cells") == []
    assert fresh.match_products("BCMA/CD19 CAR-T cells") == []
    assert fresh.match_products("KYV-101 CAR T cells") == [
        "https://w3id.org/cartkg/id/product/kyv-101"
    ]


def test_a_stale_unlinked_interventions_note_is_replaced_and_a_curated_note_kept() -> None:
    """Regression: the importer's note naming DSG3-CAART as unlinked outlived the product's
    curation, because the previous import is re-mapped with today's graph, which links it."""
    from cartkg.importing.merge import UNLINKED_NOTE, merge
    from cartkg.importing.turtle import Lit, add, new_graph

    trial, note = f"{ID}trial/NCT04422912", "http://www.w3.org/2004/02/skos/core#editorialNote"
    stale = Lit(UNLINKED_NOTE + "DSG3-CAART.", None, "en")
    curated = Lit("Linked by curation.", None, "en")
    existing, new = new_graph(), new_graph()
    add(existing, trial, note, stale)
    add(existing, trial, note, curated)
    add(new, trial, f"{V}studiesProduct", f"{ID}product/dsg3-caart")
    merged = merge(existing, new, new, "NCT04422912", [])
    assert objects(merged, trial, note) == {curated}
    add(new, trial, note, Lit(UNLINKED_NOTE + "Cyclophosphamide.", None, "en"))
    merged = merge(existing, new, new, "NCT04422912", [])
    assert objects(merged, trial, note) == {
        curated,
        Lit(UNLINKED_NOTE + "Cyclophosphamide.", None, "en"),
    }
