"""cartkg validate: pySHACL over ontology + data, a report grouped by file and focus node."""

from __future__ import annotations

import json

import pytest
from helpers.project import CliRun, write
from rdflib import RDF, Graph, Namespace

from cartkg.dataset import Dataset
from cartkg.paths import Project

SH = Namespace("http://www.w3.org/ns/shacl#")

WARNING_SHAPE = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix shape: <https://w3id.org/cartkg/shapes/> .
shape:TrialAcronymShape a sh:NodeShape ;
    sh:targetClass cartkg:ClinicalTrial ;
    sh:property shape:ClinicalTrial-acronym-test .
shape:ClinicalTrial-acronym-test a sh:PropertyShape ;
    sh:name "acronym" ;
    sh:path cartkg:acronym ;
    sh:minCount 1 ;
    sh:severity sh:Warning ;
    sh:message "A trial should have an acronym." .
"""

BAD_TRIAL = """\
trial:NCT00000001 a cartkg:ClinicalTrial ;
    cartkg:nctId "NCT1" ;
    cartkg:sponsor source:clinconnect-nct06414135 ;
    dcterms:source source:clinconnect-nct06414135 .
"""


def test_real_graph_conforms(project: Project, cli: CliRun) -> None:
    result = cli(project, "validate")
    assert result.exit_code == 0, result.stdout
    assert "0 violation(s)" in result.stdout


def test_warnings_are_only_the_known_gaps(project: Project, cli: CliRun) -> None:
    """Every warning on the real graph is a gap a source leaves open, named in the notes."""
    report = json.loads(cli(project, "validate", "--format", "json").stdout)
    shapes = {r["shape"] for r in report["results"]}
    assert shapes <= {
        "shape:Source-issued-missing",
        "shape:Endpoint-timeFrame",
        "shape:ChimericReceptor-costimulatoryDomain-missing",
    }, shapes


def test_violations_are_grouped_by_file_and_focus_node(project: Project, cli: CliRun) -> None:
    write(project, "data/trials/NCT00000001.ttl", BAD_TRIAL)
    result = cli(project, "validate")
    assert result.exit_code == 1
    text = result.stdout
    assert text.index("data/trials/NCT00000001.ttl") < text.index("trial:NCT00000001")
    assert "Violation NCT number (cartkg:nctId)" in text
    assert "[value: NCT1]" in text
    assert "Violation sponsor (cartkg:sponsor)" in text
    assert "Violation label (rdfs:label)" in text
    assert "3 violation(s)" in text


def test_json_report_names_shape_path_severity_and_file(project: Project, cli: CliRun) -> None:
    write(project, "data/trials/NCT00000001.ttl", BAD_TRIAL)
    result = cli(project, "validate", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    by_shape = {r["shape"]: r for r in report["results"]}
    nct = by_shape["shape:ClinicalTrial-nctId"]
    assert nct["focus_node"] == "trial:NCT00000001"
    assert nct["path"] == "cartkg:nctId"
    assert nct["severity"] == "Violation"
    assert nct["files"] == ["data/trials/NCT00000001.ttl"]
    sponsor = by_shape["shape:ClinicalTrial-sponsor"]
    assert sponsor["constraint"] == "sh:ClassConstraintComponent"
    assert sponsor["value"] == "source:clinconnect-nct06414135"


def test_turtle_report_is_a_shacl_validation_report(project: Project, cli: CliRun) -> None:
    write(project, "data/trials/NCT00000001.ttl", BAD_TRIAL)
    result = cli(project, "validate", "--format", "turtle")
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(list(graph.subjects(SH.resultSeverity, SH.Violation))) == 3


def test_warnings_are_shown_but_do_not_fail(project: Project, cli: CliRun) -> None:
    write(project, "shapes/comment.ttl", WARNING_SHAPE)
    result = cli(project, "validate")
    assert result.exit_code == 0, result.stdout
    # NCT06414135 has no acronym; RESET-SSc has one
    assert "Warning acronym (cartkg:acronym): A trial should have an acronym." in result.stdout
    vocab = Namespace("https://w3id.org/cartkg/vocab/")
    trials = Graph()
    for path in (project.root / "data" / "trials").glob("*.ttl"):
        trials.parse(path)
    bare = {
        t
        for t in trials.subjects(RDF.type, vocab.ClinicalTrial)
        if not trials.value(t, vocab.acronym)
    }
    assert bare
    assert result.stdout.count("A trial should have an acronym.") == len(bare)


def test_validate_paths_reports_only_those_files(project: Project, cli: CliRun) -> None:
    write(project, "data/trials/NCT00000001.ttl", BAD_TRIAL)
    ok = cli(project, "validate", str(project.root / "data/trials/NCT06414135.ttl"))
    assert ok.exit_code == 0, ok.stdout
    bad = cli(project, "validate", str(project.root / "data/trials/NCT00000001.ttl"))
    assert bad.exit_code == 1


def test_validate_a_draft_outside_the_project_against_the_graph(
    project: Project, cli: CliRun
) -> None:
    draft = (
        'trial:NCT00000003 a cartkg:ClinicalTrial ; rdfs:label "A draft" ;\n'
        '  cartkg:nctId "NCT00000003" ; cartkg:sponsor organization:renji-hospital ;\n'
        "  cartkg:studiesProduct product:relma-cel ; cartkg:statusObservation observation:x ;\n"
        "  dcterms:source source:clinconnect-nct06414135 .\n"
        "observation:x a cartkg:StatusObservation ; cartkg:status trialstatus:recruiting ;\n"
        '  cartkg:asOf "2025"^^xsd:gYear ; dcterms:source source:clinconnect-nct06414135 .\n'
    )
    path = write(project, "../draft/NCT00000003.ttl", draft)
    # sponsor, product and source live in the project's files: sh:class checks must see them
    result = cli(project, "validate", str(path))
    assert result.exit_code == 0, result.stdout
    assert "0 violation(s), 0 warning(s)" in result.stdout


def test_validate_paths_catches_a_malformed_date(project: Project, cli: CliRun) -> None:
    """Regression: with pySHACL focus nodes, sh:or datatype checks were skipped."""
    path = write(
        project,
        "data/sources/undated.ttl",
        (
            "@prefix schema: <https://schema.org/> .\n"
            'source:undated a cartkg:Source ; dcterms:title "t" ; dcterms:publisher "p" ;\n'
            '  dcterms:issued "November 2024" ; schema:url "https://example.org"^^xsd:anyURI .\n'
        ),
    )
    result = cli(project, "validate", "--format", "json", str(path))
    shapes = {r["shape"] for r in json.loads(result.stdout)["results"]}
    assert "shape:Source-issued" in shapes
    assert result.exit_code == 1


def test_invalid_shapes_are_an_input_error(project: Project, cli: CliRun) -> None:
    write(
        project,
        "shapes/broken.ttl",
        (
            "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "@prefix shape: <https://w3id.org/cartkg/shapes/> .\n"
            "shape:Broken a sh:NodeShape ; sh:targetClass cartkg:ClinicalTrial ;\n"
            '  sh:minCount "x" .\n'
        ),
    )
    result = cli(project, "validate")
    assert result.exit_code == 2
    assert "shapes" in result.stderr


def test_unknown_format_is_a_usage_error(project: Project, cli: CliRun) -> None:
    result = cli(project, "validate", "--format", "xml")
    assert result.exit_code == 2
    assert "unknown format" in result.stderr


def test_shapes_that_passed_shacl_shacl_are_not_checked_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cartkg.shacl import pyshacl_engine as validation

    dataset = Dataset.load(project)
    shapes = dataset.rdflib_graph("shapes")
    validation._SHAPES_CHECKED.clear()
    validation.check_shapes(dataset, shapes)  # checks, and keeps the result in .cartkg/cache
    validation._SHAPES_CHECKED.clear()  # as in a new process

    def fail(*args, **kwargs):
        raise AssertionError("SHACL-SHACL ran again on the same shapes")

    monkeypatch.setattr(validation, "meta_validate", fail)
    validation.check_shapes(dataset, shapes)
    (project.root / "shapes" / "trial.ttl").write_text(
        (project.root / "shapes" / "trial.ttl").read_text() + "\n", encoding="utf-8"
    )
    validation._SHAPES_CHECKED.clear()
    with pytest.raises(AssertionError, match="ran again"):
        validation.check_shapes(Dataset.load(project), shapes)
