"""cartkg match: a patient's profile against every trial, with a verdict per criterion."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.project import REPO, CliRun
from helpers.servers import oxigraph_read_write

import cartkg
from cartkg.matching import ProfileError, check, match_patient
from cartkg.matching.engine import TrialResult
from cartkg.matching.profile import profile_from_turtle
from cartkg.matching.units import Unit, quantity, registry
from cartkg.namespaces import CARTKG, converter, prefix_map
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient, EndpointClient, QueryClient
from cartkg.store import open_store

ONTOLOGY = REPO / "ontology" / "cartkg.ttl"
SEED = "NCT06414135"
CRITERION = "https://w3id.org/cartkg/id/criterion/"

# a patient who meets every structured threshold of the seed trial, in the units a lab prints
MEETS_ALL: dict[str, Any] = {
    "age": 45,
    "sex": "female",
    "diagnoses": ["diffuse cutaneous systemic sclerosis"],
    "measurements": [
        {"measure": "LVEF", "value": 60, "unit": "%"},
        {"measure": "Hb", "value": 11, "unit": "g/dL"},
        {"measure": "ANC", "value": 2.5, "unit": "10^9/L"},
        {"measure": "absolute lymphocyte count", "value": 800, "unit": "/uL"},
        {"measure": "platelets", "value": 200, "unit": "10^9/L"},
        {"measure": "ALT", "value": 30, "unit": "U/L", "uln": 40},
        {"measure": "AST", "value": 1, "unit": "x ULN"},
        {"measure": "total bilirubin", "value": 12, "unit": "umol/L", "uln": 21},
        {"measure": "INR", "value": 1.0, "unit": "x ULN"},
        {"measure": "prothrombin time", "value": 1.1, "unit": "x ULN"},
        {"measure": "CrCl", "value": 90, "unit": "mL/min"},
        {"measure": "FVC % predicted", "value": 80, "unit": "%"},
        {"measure": "DLCO % predicted", "value": 70, "unit": "%"},
        {"measure": "NYHA class", "value": 1, "unit": "{NYHA_class}"},
        {"measure": "prednisone equivalent dose", "value": 10, "unit": "mg"},
    ],
    "prior_therapies": ["rituximab", "mycophenolate mofetil"],
    "conditions": {"pregnant": False, "prior_car_t": False},
}


LAST = f"measurements[{len(MEETS_ALL['measurements']) - 1}]"  # where with_measure puts one


def with_measure(profile: dict[str, Any], measure: str, entry: dict[str, Any] | None) -> dict:
    """The profile with one measurement replaced (or left out when ``entry`` is None)."""
    out = copy.deepcopy(profile)
    out["measurements"] = [m for m in out["measurements"] if m["measure"] != measure]
    if entry is not None:
        out["measurements"].append({"measure": measure, **entry})
    return out


@pytest.fixture(scope="module")
def client(real_store: Path) -> QueryClient:
    return EmbeddedClient(
        open_store(real_store), REPO / "queries", converter(ONTOLOGY), prefix_map(ONTOLOGY)
    )


@pytest.fixture(scope="module")
def remote(real_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryClient]:
    with oxigraph_read_write(tmp_path_factory.mktemp("oxigraph-match")) as base:
        cartkg.push(f"{base}/query", graph_store=f"{base}/store", root=REPO, store=real_store)
        yield EndpointClient(
            f"{base}/query", REPO / "queries", converter(ONTOLOGY), prefix_map(ONTOLOGY)
        )


def seed(client: QueryClient, profile: dict[str, Any]) -> TrialResult:
    _, results = match_patient(client, check(profile, "test"), trial=SEED)
    assert [r.nct_id for r in results] == [SEED]
    return results[0]


def verdicts(result: TrialResult) -> dict[str, str]:
    return {c.criterion.removeprefix(CRITERION): c.verdict for c in result.criteria}


def test_a_patient_meeting_every_threshold_is_eligible(client: QueryClient) -> None:
    result = seed(client, MEETS_ALL)
    assert result.verdict == "eligible", result.summary
    v = verdicts(result)
    for criterion in (
        "inc-age",
        "inc-diagnosis",
        "exc-lung-function",
        "exc-nyha-iv",
        "condition",
        "sex",
    ):
        assert (
            v[f"{SEED}-{criterion}" if criterion not in ("condition", "sex") else criterion]
            == "met"
        ), criterion
    # every threshold of organ function is met; the transfusion clause is text, so for review
    organ = next(c for c in result.criteria if c.criterion.endswith("inc-organ-function"))
    assert organ.verdict == "needs review"
    assert organ.reasons and all("transfusion" in r for r in organ.reasons)
    # what only text holds is never met
    assert v[f"{SEED}-inc-consent"] == "needs review"
    assert v[f"{SEED}-exc-malignancy"] == "needs review"


def test_lvef_50_is_not_eligible_with_the_lvef_criterion_as_the_reason(client: QueryClient) -> None:
    result = seed(client, with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "%"}))
    assert result.verdict == "not eligible"
    failing = [c for c in result.criteria if c.verdict == "not met"]
    assert [c.criterion for c in failing] == [f"{CRITERION}{SEED}-inc-organ-function"]
    reason = " ".join(failing[0].reasons)
    assert "LVEF ≥ 55%" in reason  # the registered wording
    assert ">= 55 %" in reason and "50 %" in reason  # the threshold and the patient's value
    assert "LVEF" in result.summary


def test_lvef_exactly_at_the_threshold_meets_it(client: QueryClient) -> None:
    result = seed(client, with_measure(MEETS_ALL, "LVEF", {"value": 55, "unit": "%"}))
    assert result.verdict == "eligible", result.summary


def test_hb_in_g_per_dl_is_compared_with_a_threshold_in_g_per_l(client: QueryClient) -> None:
    result = seed(client, with_measure(MEETS_ALL, "Hb", {"value": 8.5, "unit": "g/dL"}))
    assert result.verdict == "not eligible"
    reason = " ".join(c for x in result.criteria if x.verdict == "not met" for c in x.reasons)
    assert ">= 90 g/L" in reason and "8.5 g/dL" in reason
    assert (
        seed(client, with_measure(MEETS_ALL, "Hb", {"value": 9.0, "unit": "g/dL"})).verdict
        == "eligible"
    )


def test_aged_70_is_not_eligible(client: QueryClient) -> None:
    result = seed(client, {**MEETS_ALL, "age": 70})
    assert result.verdict == "not eligible"
    assert verdicts(result)[f"{SEED}-inc-age"] == "not met"
    assert "<= 65" in result.summary


def test_no_lvef_is_unknown_and_names_what_is_missing(client: QueryClient) -> None:
    result = seed(client, with_measure(MEETS_ALL, "LVEF", None))
    assert result.verdict == "unknown"
    assert verdicts(result)[f"{SEED}-inc-organ-function"] == "unknown"
    assert "gives no Left ventricular ejection fraction" in result.summary


def test_creatinine_and_weight_give_crcl_by_cockcroft_gault(client: QueryClient) -> None:
    profile = with_measure(MEETS_ALL, "CrCl", None)
    profile["measurements"].append({"measure": "creatinine", "value": 0.9, "unit": "mg/dL"})
    profile["weight"] = {"value": 62, "unit": "kg"}
    patient, results = match_patient(client, check(profile, "test"), trial=SEED)
    # (140 - 45) x 62 / (72 x 0.9) x 0.85 = 77.26 mL/min
    assert len(patient.derived) == 1 and "Cockcroft-Gault" in patient.derived[0]
    assert "77.26 mL/min" in patient.derived[0]
    assert results[0].verdict == "eligible", results[0].summary
    # the same creatinine in umol/L, converted with creatinine's molar mass
    profile["measurements"][-1] = {"measure": "creatinine", "value": 79.6, "unit": "µmol/L"}
    patient, results = match_patient(client, check(profile, "test"), trial=SEED)
    assert "77.2" in patient.derived[0] and results[0].verdict == "eligible"
    # a high creatinine fails the CrCl >= 50 mL/min criterion
    profile["measurements"][-1] = {"measure": "creatinine", "value": 2.0, "unit": "mg/dL"}
    patient, results = match_patient(client, check(profile, "test"), trial=SEED)
    assert results[0].verdict == "not eligible"
    assert "Cockcroft-Gault" in results[0].summary


def test_without_weight_no_crcl_is_derived_and_renal_function_is_unknown(
    client: QueryClient,
) -> None:
    profile = with_measure(MEETS_ALL, "CrCl", None)
    profile["measurements"].append({"measure": "creatinine", "value": 0.9, "unit": "mg/dL"})
    patient, results = match_patient(client, check(profile, "test"), trial=SEED)
    assert patient.derived == []
    assert results[0].verdict == "unknown"
    assert "Creatinine clearance" in results[0].summary


@pytest.mark.parametrize("left_out", ["age", "sex", "creatinine"])
def test_crcl_is_derived_only_from_age_sex_weight_and_creatinine_together(
    client: QueryClient, left_out: str
) -> None:
    profile = with_measure(MEETS_ALL, "CrCl", None)
    profile["weight"] = {"value": 62, "unit": "kg"}
    if left_out != "creatinine":
        profile["measurements"].append({"measure": "creatinine", "value": 0.9, "unit": "mg/dL"})
    profile.pop(left_out, None)
    patient, _ = match_patient(client, check(profile, "test"), trial=SEED)
    assert patient.derived == []


def test_crcl_for_a_man_has_no_female_factor(client: QueryClient) -> None:
    profile = with_measure({**MEETS_ALL, "sex": "male"}, "CrCl", None)
    profile["measurements"].append({"measure": "creatinine", "value": 0.9, "unit": "mg/dL"})
    profile["weight"] = {"value": 62, "unit": "kg"}
    patient, _ = match_patient(client, check(profile, "test"), trial=SEED)
    # (140 - 45) x 62 / (72 x 0.9) = 90.90 mL/min
    assert len(patient.derived) == 1 and "90.9" in patient.derived[0]


def test_uln_multiples_need_the_uln(client: QueryClient) -> None:
    result = seed(client, with_measure(MEETS_ALL, "ALT", {"value": 30, "unit": "U/L"}))
    assert result.verdict == "unknown"
    assert "upper limit of normal" in result.summary
    result = seed(client, with_measure(MEETS_ALL, "ALT", {"value": 130, "unit": "U/L", "uln": 40}))
    assert result.verdict == "not eligible"


def test_a_pregnant_patient_is_excluded_and_a_wrong_sex_or_disease_is_not_eligible(
    client: QueryClient,
) -> None:
    result = seed(client, {**MEETS_ALL, "conditions": {"pregnant": True}})
    assert verdicts(result)[f"{SEED}-exc-pregnancy"] == "not met"
    result = seed(client, {**MEETS_ALL, "diagnoses": ["systemic lupus erythematosus"]})
    assert result.verdict == "not eligible"
    assert verdicts(result)["condition"] == "not met"
    # a broader diagnosis than the trial's leaves the subtype to decide
    result = seed(client, {**MEETS_ALL, "diagnoses": ["systemic sclerosis"]})
    assert result.verdict == "unknown"


def test_registry_trials_with_only_age_limits_are_at_best_unknown(client: QueryClient) -> None:
    _, results = match_patient(client, check(MEETS_ALL, "test"))
    assert len(results) > 300
    order = [r.verdict for r in results]
    assert order == sorted(order, key=["eligible", "unknown", "not eligible"].index)
    age_only = [
        r for r in results if r.verdict != "not eligible" and "beyond age and sex" in r.summary
    ]
    assert age_only, "no registry trial of systemic sclerosis was matched"
    assert all(r.verdict == "unknown" for r in age_only)
    assert any(r.nct_id == SEED and r.verdict == "eligible" for r in results)


def test_filters_by_status_and_country(client: QueryClient) -> None:
    _, everything = match_patient(client, check(MEETS_ALL, "test"))
    _, recruiting = match_patient(client, check(MEETS_ALL, "test"), status="recruiting")
    assert 0 < len(recruiting) < len(everything)
    assert {r.status for r in recruiting} == {"Recruiting"}
    _, china = match_patient(client, check(MEETS_ALL, "test"), country="China")
    assert 0 < len(china) < len(everything) and SEED in {r.nct_id for r in china}


def test_thresholds_at_just_inside_and_just_outside_give_the_comparators_verdict(
    client: QueryClient,
) -> None:
    """Every structured threshold of the graph, through the stored query the matcher uses."""
    rows = client.execute(
        """PREFIX cartkg: <https://w3id.org/cartkg/vocab/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?node ?measure ?cmp ?bound ?dimension WHERE {
          ?trial cartkg:eligibilityCriterion/(cartkg:allOf|cartkg:anyOf)* ?node .
          ?node cartkg:measure ?measure ; cartkg:comparator/skos:notation ?cmp ;
                cartkg:quantityValue ?limit ; cartkg:unit ?unit .
          ?unit cartkg:dimension ?dimension ; cartkg:conversionFactor ?factor .
          FILTER NOT EXISTS { ?node cartkg:change ?c }
          BIND (?limit * ?factor AS ?bound)
        }""",
        {},
    )
    cases: dict[tuple[str, str, float], dict[str, str]] = {}
    for r in rows:
        cases.setdefault((str(r.measure), str(r.dimension), float(r.bound)), {})[str(r.node)] = str(
            r.cmp
        )
    assert len(rows) > 400
    expect = {
        ">=": (True, True, False),
        ">": (False, True, False),
        "<=": (True, False, True),
        "<": (False, False, True),
        "=": (True, False, False),
    }
    checked = 0
    for (measure, dimension, bound), nodes in cases.items():
        step = max(abs(bound) * 1e-6, 1e-6)
        for i, value in enumerate((bound, bound + step, bound - step)):
            answer = client.run_query(
                "match-thresholds", measure=measure, dimension=dimension, value=repr(value)
            )
            holds = {str(r.node): int(r.holds) == 1 for r in answer}
            for node, cmp in nodes.items():
                assert holds[node] == expect[cmp][i], (node, cmp, bound, value)
                checked += 1
    assert checked >= 3 * len(rows)


def test_trials_excluding_keeps_a_value_at_a_greater_or_equal_threshold(
    client: QueryClient,
) -> None:
    # NCT06414135 asks LVEF >= 55 %: 55 is not excluded, 54.9 is
    at = client.run_query("trials-excluding", measure="lvef", value="55", unit="%")
    below = client.run_query("trials-excluding", measure="lvef", value="54.9", unit="%")
    cardiac = f"{CRITERION}{SEED}-inc-cardiac"
    assert cardiac not in {str(r.clause) for r in at}
    assert cardiac in {str(r.clause) for r in below}


def test_pint_agrees_with_the_graphs_conversion_factors(client: QueryClient) -> None:
    units = [r for r in client.run_query("match-units") if r.unit is not None]
    canonical = {
        str(r.dimension): str(r.ucum)
        for r in units
        if r.factor is not None and float(r.factor) == 1.0 and r.ucum is not None
    }
    compared = 0
    for r in units:
        code, target = _str(r.ucum), canonical.get(str(r.dimension))
        if code is None or target is None or quantity(code) is None or quantity(target) is None:
            continue
        factor = float(
            (1 * quantity(code)).to(quantity(target).units).magnitude / quantity(target).magnitude
        )
        assert factor == pytest.approx(float(r.factor), rel=1e-9), (str(r.unit), code, target)
        compared += 1
    assert compared >= 15


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def test_molar_conversion_of_creatinine() -> None:
    from cartkg.matching.units import Units

    mg_dl = Unit("mg-per-dl", "mg/dL", "mg/dL", "mass-concentration", 0.01)
    umol = Unit("umol-per-l", "umol/L", "umol/L", "substance-concentration", 1.0)
    g_l = Unit("g-per-l", "g/L", "g/L", "mass-concentration", 1.0)
    units = Units([mg_dl, umol, g_l], {"creatinine": 113.12})
    assert units.to_canonical(1.0, mg_dl, "substance-concentration", "creatinine") == pytest.approx(
        88.4, rel=1e-3
    )
    assert units.to_canonical(1.0, mg_dl, "substance-concentration", "albumin") is None
    assert registry() is registry()


def test_the_same_verdicts_on_the_oxigraph_server(client: QueryClient, remote: QueryClient) -> None:
    for profile in (MEETS_ALL, with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "%"})):
        _, local = match_patient(client, check(profile, "test"))
        _, served = match_patient(remote, check(profile, "test"))
        assert [r.as_json() for r in served] == [r.as_json() for r in local]


TURTLE = """
@prefix cartkg: <https://w3id.org/cartkg/vocab/> .
@prefix measure: <https://w3id.org/cartkg/vocab/measure/> .
@prefix sex: <https://w3id.org/cartkg/vocab/sex/> .
@prefix MONDO: <http://purl.obolibrary.org/obo/MONDO_> .

[] a cartkg:PatientProfile ;
  cartkg:patientAge 45 ;
  cartkg:patientSex sex:female ;
  cartkg:diagnosis "diffuse cutaneous systemic sclerosis" ;
  cartkg:measurement [ cartkg:measure measure:lvef ; cartkg:quantityValue 50 ; cartkg:unit "%" ] ,
                     [ cartkg:measure "Hb" ; cartkg:quantityValue 11 ; cartkg:unit "g/dL" ] ;
  cartkg:pregnant false .
"""


def test_a_turtle_profile_gives_the_json_profiles_verdicts(client: QueryClient) -> None:
    data = check(profile_from_turtle(TURTLE, "test.ttl"), "test.ttl")
    assert data["age"] == 45 and data["conditions"] == {"pregnant": False}
    as_json = {
        "age": 45,
        "sex": "female",
        "diagnoses": ["diffuse cutaneous systemic sclerosis"],
        "measurements": [
            {"measure": "https://w3id.org/cartkg/vocab/measure/lvef", "value": 50, "unit": "%"},
            {"measure": "Hb", "value": 11, "unit": "g/dL"},
        ],
        "conditions": {"pregnant": False},
    }
    _, from_turtle = match_patient(client, data, trial=SEED)
    _, from_json = match_patient(client, check(as_json, "test"), trial=SEED)
    assert [r.as_json() for r in from_turtle] == [r.as_json() for r in from_json]
    assert from_turtle[0].verdict == "not eligible"


# -- the command -------------------------------------------------------------------------


def write(tmp_path: Path, data: Any, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_cli_table_names_the_trial_and_the_reason(
    cli: CliRun, real_store: Path, tmp_path: Path
) -> None:
    profile = write(tmp_path, with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "%"}))
    result = cli(Project(REPO), "match", str(profile), "--trial", SEED, "--store", str(real_store))
    assert result.exit_code == 0, result.stderr
    assert "not eligible" in result.stdout and "LVEF" in result.stdout


def test_cli_json_has_every_trial_with_its_criteria(
    cli: CliRun, real_store: Path, tmp_path: Path
) -> None:
    profile = write(tmp_path, MEETS_ALL)
    result = cli(Project(REPO), "match", str(profile), "-f", "json", "--store", str(real_store))
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert len(payload["trials"]) > 300
    for trial in payload["trials"]:
        assert trial["verdict"] in ("eligible", "not eligible", "unknown")
        assert trial["criteria"] and {"verdict", "criterion", "reasons"} <= set(
            trial["criteria"][0]
        )
    assert payload["trials"][0]["verdict"] == "eligible"
    # what the names resolved to
    resolved = payload["profile"]
    assert resolved["diagnoses"] == {
        "http://purl.obolibrary.org/obo/MONDO_0016356": ("diffuse cutaneous systemic sclerosis")
    }
    assert resolved["measurements"]["https://w3id.org/cartkg/vocab/measure/lvef"] == "60 %"
    assert "https://w3id.org/cartkg/vocab/drug/rituximab" in resolved["prior_therapies"]


@pytest.mark.parametrize("micro", ["\u00b5", "\u03bc", "u"])  # the micro sign, Greek mu, ASCII
def test_a_ucum_unit_the_graph_does_not_name_is_converted(client: QueryClient, micro: str) -> None:
    given = with_measure(MEETS_ALL, "Hb", {"value": 0.11, "unit": f"mg/{micro}L"})
    patient, _ = match_patient(client, check(given, "t"), SEED)
    expected, _ = match_patient(client, check(MEETS_ALL, "t"), SEED)  # 11 g/dL
    hb = f"{CARTKG}measure/hemoglobin"
    assert [v.dimension for v in patient.values[hb]] == [v.dimension for v in expected.values[hb]]
    assert [v.canonical for v in patient.values[hb]] == pytest.approx(
        [v.canonical for v in expected.values[hb]]
    )
    assert patient.given[hb] == f"0.11 mg/{micro}L"


def test_disease_duration_is_read_in_any_time_unit(client: QueryClient) -> None:
    patient, _ = match_patient(
        client, check({**MEETS_ALL, "disease_duration": {"value": 2, "unit": "a"}}, "t"), SEED
    )
    assert patient.disease_duration == "2 a (730.5 days)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**MEETS_ALL, "favourite_colour": "blue"}, "unknown field"),
        ({**MEETS_ALL, "age": 300}, "age: 300 is greater than the maximum of 130"),
        (with_measure(MEETS_ALL, "ANC", {"value": -1, "unit": "10^9/L"}), "value: -1 is less"),
        (with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "g/dL"}), "does not fit 'LVEF'"),
        (
            with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "furlongs"}),
            f"error: {LAST}.unit: no unit is named 'furlongs'",
        ),
        (
            # the unit scheme's own CURIE names it, but it is no unit
            with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "unit:"}),
            f"error: {LAST}.unit: 'unit:' is not a unit the graph converts\n",
        ),
        (with_measure(MEETS_ALL, "nonsense measure", {"value": 5, "unit": "%"}), "measure"),
        ({**MEETS_ALL, "sex": "other"}, "sex"),
        ({**MEETS_ALL, "diagnoses": ["not a disease at all"]}, "diagnoses[0]"),
        # the field named once; not the disease scheme, whose CURIE "disease:" + "---" keys to
        ({**MEETS_ALL, "diagnoses": ["---"]}, "error: diagnoses[0]: '---' names nothing\n"),
        # MONDO's closest names, not only those of the graph's own few disease terms
        ({**MEETS_ALL, "diagnoses": ["lupus"]}, "MONDO:0007915"),
        (
            {**MEETS_ALL, "diagnoses": ["lupus"]},
            "error: diagnoses[0]: no disease is named 'lupus'; the closest names the graph holds:",
        ),
        (
            with_measure(MEETS_ALL, "LVEF", {"value": 50, "unit": "--"}),
            f"error: {LAST}.unit: '--' names nothing\n",
        ),
        ({**MEETS_ALL, "weight": {"value": 62, "unit": "%"}}, "weight.unit"),
        ({**MEETS_ALL, "disease_duration": {"value": 3, "unit": "kg"}}, "not a unit of time"),
        ('{"age": 45,\n "sex": "female",,}', "profile.json:2:"),
        ('{"age": NaN}', "NaN"),
    ],
)
def test_bad_profiles_name_the_field_and_exit_2(
    cli: CliRun, real_store: Path, tmp_path: Path, data: Any, message: str
) -> None:
    result = cli(Project(REPO), "match", str(write(tmp_path, data)), "--store", str(real_store))
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_turtle_profile_is_an_error() -> None:
    with pytest.raises(ProfileError, match="exactly one cartkg:PatientProfile"):
        profile_from_turtle("@prefix cartkg: <https://w3id.org/cartkg/vocab/> .", "p.ttl")
    with pytest.raises(ProfileError, match="unknown property"):
        profile_from_turtle(TURTLE.replace("cartkg:pregnant false", "cartkg:colour 3"), "p.ttl")


def test_the_readme_example_profile_fits_the_schema() -> None:
    example = REPO / "examples" / "patient-ssc.json"
    check(json.loads(example.read_text(encoding="utf-8")), str(example))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["measurements"][1].update(value="eleven"), "p.json: measurements[1].value: "),
        (lambda p: p.update(age=-1), "p.json: age: "),
        (lambda p: p.update(colour=3), "p.json: (the profile): unknown field"),
    ],
)
def test_a_bad_profile_field_is_named_by_its_path(change: Any, field: str) -> None:
    profile = copy.deepcopy(MEETS_ALL)
    change(profile)
    with pytest.raises(ProfileError) as caught:
        check(profile, "p.json")
    assert str(caught.value).startswith(field), str(caught.value)
