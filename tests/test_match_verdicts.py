"""The matcher's decisions on their own, without a graph: how the parts of a criterion combine,
what a criterion's outcome means for inclusion and exclusion, the sex and condition checks, a
trial's verdict, and each kind of clause. Every outcome is pinned whole (value, reasons, what
was checked), since the reasons are what a reader of `cartkg match` is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cartkg.matching.engine import (
    AGE,
    FAILS,
    HOLDS,
    REVIEW,
    SEX,
    TOPIC_DIAGNOSIS,
    ULN_DIMENSION,
    UNKNOWN,
    Criterion,
    CriterionResult,
    Evaluator,
    Facts,
    Node,
    Outcome,
    V,
    _all,
    _any,
    _condition_result,
    _sex_result,
    _trial_verdict,
    criterion_verdict,
)
from cartkg.matching.profile import (
    Patient,
    ProfileError,
    Value,
    check,
    profile_from_turtle,
    read_profile,
)
from cartkg.matching.units import Unit, Units

LVEF = V + "measure/lvef"
SSC, DCSSC = "mondo:ssc", "mondo:dcssc"
PREGNANCY = V + "topic/pregnancy"


def out(value: str, reason: str, *checked: str) -> Outcome:
    return Outcome(value, [reason], set(checked))


def as_tuple(o: Outcome | None) -> tuple[str, list[str], set[str]]:
    assert o is not None
    return (o.value, o.reasons, o.checked)


# -- combining parts -------------------------------------------------------------------------

PARTS = {
    "T": out(HOLDS, "t", "a"),
    "F": out(FAILS, "f", "b"),
    "U": out(UNKNOWN, "u", "c"),
    "R": out(REVIEW, "r", "d"),
}


@pytest.mark.parametrize(
    ("combine", "values", "expected", "reasons"),
    [
        # all of: fails first, then unknown, then review
        (_all, "TT", HOLDS, ["t", "t"]),
        (_all, "TF", FAILS, ["f"]),
        (_all, "FU", FAILS, ["f"]),
        (_all, "TU", UNKNOWN, ["u"]),
        (_all, "UR", UNKNOWN, ["u"]),
        (_all, "TR", REVIEW, ["r"]),
        (_all, "RR", REVIEW, ["r", "r"]),
        (_all, "TFUR", FAILS, ["f"]),
        # any of: holds first, then unknown, then review
        (_any, "FF", FAILS, ["f", "f"]),
        (_any, "FT", HOLDS, ["t"]),
        (_any, "TU", HOLDS, ["t"]),
        (_any, "FU", UNKNOWN, ["u"]),
        (_any, "UR", UNKNOWN, ["u"]),
        (_any, "FR", REVIEW, ["r"]),
        (_any, "RR", REVIEW, ["r", "r"]),
        (_any, "TFUR", HOLDS, ["t"]),
    ],
)
def test_all_of_and_any_of_combine_parts(
    combine: object, values: str, expected: str, reasons: list[str]
) -> None:
    parts = [PARTS[v] for v in values]
    combined = combine(parts)  # type: ignore[operator]
    assert combined.value == expected
    assert combined.reasons == reasons  # only the deciding parts say why
    assert combined.checked == set().union(*(p.checked for p in parts))  # every part's


def test_no_parts_hold_all_of_and_fail_any_of() -> None:
    assert as_tuple(_all([])) == (HOLDS, [], set())
    assert as_tuple(_any([])) == (FAILS, [], set())


# -- a criterion's verdict -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "verdict"),
    [
        ("inclusion", HOLDS, "met"),
        ("inclusion", FAILS, "not met"),
        ("exclusion", HOLDS, "not met"),  # the patient has what excludes them
        ("exclusion", FAILS, "met"),
        ("inclusion", UNKNOWN, "unknown"),
        ("exclusion", UNKNOWN, "unknown"),
        ("inclusion", REVIEW, "needs review"),
        ("exclusion", REVIEW, "needs review"),
    ],
)
def test_a_criterion_verdict_reads_an_exclusion_the_other_way(
    kind: str, value: str, verdict: str
) -> None:
    assert criterion_verdict(kind, Outcome(value)) == verdict


# -- sexes, the condition studied, the trial ---------------------------------------------------


@pytest.mark.parametrize(
    ("trial_sex", "sex", "verdict", "reason"),
    [
        (None, "female", "needs review", "the graph does not record which sexes this trial enrols"),
        (None, None, "needs review", "the graph does not record which sexes this trial enrols"),
        (SEX["all"], None, "met", "enrols all; the profile gives no sex"),
        (SEX["female"], None, "unknown", "enrols female; the profile gives no sex"),
        (SEX["all"], "male", "met", "enrols all; the patient is male"),
        (SEX["female"], "female", "met", "enrols female; the patient is female"),
        (SEX["female"], "male", "not met", "enrols female; the patient is male"),
        (SEX["male"], "female", "not met", "enrols male; the patient is female"),
    ],
)
def test_the_sexes_a_trial_enrols(
    trial_sex: str | None, sex: str | None, verdict: str, reason: str
) -> None:
    r = _sex_result(trial_sex, sex)
    assert (r.criterion, r.kind, r.label, r.text) == ("sex", "inclusion", "Sexes enrolled", None)
    assert (r.verdict, r.reasons) == (verdict, [reason])


def patient(**diagnoses: str) -> Patient:
    return Patient(label="p", sex="female", diagnoses=dict(diagnoses))


def facts(p: Patient, diagnoses: dict | None = None, thresholds: dict | None = None) -> Facts:
    return Facts(p, thresholds or {}, diagnoses or {})


STUDIED = {"trial": ["systemic sclerosis", "lupus nephritis"]}


@pytest.mark.parametrize(
    ("p", "relations", "studied", "verdict", "reason"),
    [
        (
            patient(**{SSC: "SSc"}),
            {"same": {SSC}},
            STUDIED,
            "met",
            "the trial studies lupus nephritis, systemic sclerosis; the profile says SSc",
        ),
        (
            patient(**{SSC: "SSc", DCSSC: "dcSSc"}),
            {"same": {SSC, DCSSC}},
            STUDIED,
            "met",
            "the trial studies lupus nephritis, systemic sclerosis; the profile says dcSSc, SSc",
        ),
        (
            patient(**{SSC: "SSc", DCSSC: "dcSSc"}),
            {"broader": {SSC, DCSSC}},
            STUDIED,
            "unknown",
            "the trial studies lupus nephritis, systemic sclerosis; the profile says dcSSc, SSc,"
            " which is broader",
        ),
        (
            # a diagnosis the trial names as its own criterion, though no indication is recorded
            patient(**{SSC: "SSc"}),
            {"same": {SSC}},
            {},
            "met",
            "the profile says SSc",
        ),
        (
            patient(),
            {},
            STUDIED,
            "unknown",
            "the trial studies lupus nephritis, systemic sclerosis; the profile gives no diagnoses",
        ),
        (
            patient(**{SSC: "SSc"}),
            {"broader": {SSC}},
            STUDIED,
            "unknown",
            "the trial studies lupus nephritis, systemic sclerosis; the profile says SSc, which"
            " is broader",
        ),
        (
            patient(**{SSC: "SSc", DCSSC: "dcSSc"}),
            {},
            STUDIED,
            "not met",
            "the trial studies lupus nephritis, systemic sclerosis; the profile's diagnoses"
            " (SSc, dcSSc) are none of them",
        ),
    ],
)
def test_the_condition_studied(
    p: Patient, relations: dict, studied: dict, verdict: str, reason: str
) -> None:
    r = _condition_result("trial", facts(p, {"trial": relations}), studied)
    assert r is not None
    assert (r.criterion, r.kind, r.label) == ("condition", "inclusion", "Condition studied")
    assert (r.verdict, r.reasons) == (verdict, [reason])


def test_no_condition_check_for_a_trial_without_indications() -> None:
    assert _condition_result("trial", facts(patient(**{SSC: "SSc"})), {}) is None
    assert _condition_result("trial", facts(patient()), {"other": ["x"]}) is None


def result(verdict: str, reason: str) -> CriterionResult:
    return CriterionResult("c", "inclusion", None, None, verdict, [reason])


@pytest.mark.parametrize(
    ("verdicts", "checked", "expected"),
    [
        (
            [("not met", "a"), ("unknown", "b"), ("not met", "c")],
            {"threshold"},
            ("not eligible", "a; c"),
        ),
        ([("met", "a"), ("unknown", "b"), ("unknown", "c")], {"threshold"}, ("unknown", "b; c")),
        (
            [("met", "a"), ("needs review", "b"), ("needs review", "c")],
            {"threshold"},
            ("eligible", "every structured criterion met; 2 for review"),
        ),
        (
            [("met", "a")],
            {"diagnosis"},
            ("eligible", "every structured criterion met; 0 for review"),
        ),
        (
            [("met", "a"), ("needs review", "b")],
            {"age"},
            (
                "unknown",
                "no structured criteria beyond age and sex: the registered criteria need"
                " reading (1 for review)",
            ),
        ),
        (
            [("met", "a")],
            set(),
            (
                "unknown",
                "no structured criteria beyond age and sex: the registered criteria need"
                " reading (0 for review)",
            ),
        ),
    ],
)
def test_a_trial_verdict(
    verdicts: list[tuple[str, str]], checked: set[str], expected: tuple[str, str]
) -> None:
    assert _trial_verdict([result(v, r) for v, r in verdicts], checked) == expected


# -- one clause ----------------------------------------------------------------------------------


def lvef(**kw: object) -> Node:
    base = dict(
        iri="n",
        label="Heart",
        text="LVEF >= 45%",
        measure=LVEF,
        measure_label="LVEF",
        comparator=">=",
        limit="45",
        unit_notation="%",
        dimension="percent",
    )
    return Node(**{**base, **kw})  # type: ignore[arg-type]


def own(n: Node, p: Patient | None = None, kind: str = "inclusion", **kw: dict) -> Outcome | None:
    return Evaluator(facts(p or patient(), **kw), kind).own(n)


def test_a_change_or_a_measure_without_a_threshold_is_for_review() -> None:
    assert as_tuple(own(lvef(change=True))) == (
        REVIEW,
        ["Heart: a change of LVEF, not a level"],
        set(),
    )
    assert as_tuple(own(lvef(comparator=None))) == (
        REVIEW,
        ["Heart: LVEF without a threshold"],
        set(),
    )


@pytest.mark.parametrize("holds", [True, False])
def test_a_threshold_the_graph_compared(holds: bool) -> None:
    value = Value("percent", 60.0, "60 %")
    o = own(lvef(), thresholds={"n": (holds, value)})
    word = "meets" if holds else "does not meet"
    assert as_tuple(o) == (
        HOLDS if holds else FAILS,
        [f'Heart ("LVEF >= 45%"), threshold LVEF >= 45 %: patient 60 % {word} it'],
        {"threshold"},
    )


def test_an_age_limit_is_checked_as_age_and_a_clause_without_text_by_its_label() -> None:
    n = lvef(measure=AGE, measure_label="Age", text=None, limit="18", unit_notation="years")
    o = own(n, thresholds={"n": (True, Value("time", 16436.25, "45 years"))})
    assert as_tuple(o) == (
        HOLDS,
        ["Heart, threshold Age >= 18 years: patient 45 years meets it"],
        {"age"},
    )


def test_a_value_given_that_cannot_be_compared_says_why() -> None:
    p = patient()
    p.given[LVEF] = "60 %"
    assert as_tuple(own(lvef(unit_notation="mL"), p)) == (
        UNKNOWN,
        ['Heart ("LVEF >= 45%"), threshold LVEF >= 45 mL: patient 60 % cannot be had in mL'],
        {"threshold"},
    )
    uln = lvef(dimension=ULN_DIMENSION, unit_notation="x ULN")
    assert as_tuple(own(uln, p)) == (
        UNKNOWN,
        [
            'Heart ("LVEF >= 45%"), threshold LVEF >= 45 x ULN: patient 60 % needs the'
            " laboratory's upper limit of normal (uln)"
        ],
        {"threshold"},
    )


def test_a_value_not_given_is_unknown() -> None:
    assert as_tuple(own(lvef())) == (
        UNKNOWN,
        ['Heart ("LVEF >= 45%"), threshold LVEF >= 45 %: the profile gives no LVEF'],
        {"threshold"},
    )


def flagged(**flags: bool) -> Patient:
    p = patient()
    p.flags = dict(flags)
    return p


def test_a_condition_the_profile_states_proves_an_exclusion() -> None:
    n = Node("n", label="Pregnancy", text="Pregnant or breastfeeding", topics={PREGNANCY})
    p = flagged(pregnant=False, lactating=True)
    assert as_tuple(own(n, p, "exclusion")) == (
        HOLDS,
        ["Pregnancy: the profile says lactating"],
        {"condition"},
    )
    assert own(n, flagged(pregnant=True, lactating=True), "exclusion").reasons == [  # type: ignore[union-attr]
        "Pregnancy: the profile says pregnant, lactating"
    ]
    car_t = Node("n", label="CAR-T", text="Prior CAR-T", topics={V + "topic/prior-car-t"})
    assert own(car_t, flagged(prior_car_t=True), "exclusion").reasons == [  # type: ignore[union-attr]
        "CAR-T: the profile says prior car t"
    ]
    assert own(car_t, flagged(prior_car_t=False), "exclusion").reasons == [  # type: ignore[union-attr]
        "held only as text: Prior CAR-T (profile: prior car t: no)"
    ]
    assert own(n, flagged(pregnant=False, lactating=False), "exclusion").reasons == [  # type: ignore[union-attr]
        "held only as text: Pregnant or breastfeeding (profile: pregnant: no, lactating: no)"
    ]
    # a stated "no" does not prove the exclusion false: the text may say more
    assert as_tuple(own(n, flagged(pregnant=False), "exclusion")) == (
        REVIEW,
        ["held only as text: Pregnant or breastfeeding (profile: pregnant: no)"],
        set(),
    )
    # nor does a "yes" decide an inclusion
    assert as_tuple(own(n, flagged(pregnant=True))) == (
        REVIEW,
        ["held only as text: Pregnant or breastfeeding (profile: pregnant: yes)"],
        set(),
    )
    assert as_tuple(own(n, patient(), "exclusion")) == (
        REVIEW,
        ["held only as text: Pregnant or breastfeeding"],
        set(),
    )


def test_a_flag_topic_with_parts_or_without_text_is_left_to_its_parts() -> None:
    assert own(Node("n", label="P", topics={PREGNANCY}), flagged(pregnant=False)) is None
    with_parts = Node("n", label="P", text="t", topics={PREGNANCY}, any_of=["m"])
    assert own(with_parts, flagged(pregnant=False)) is None
    assert own(Node("n", label="P", text="t")) is None  # no topic, measure, disease or drug


def test_prior_therapies_are_for_review_naming_those_the_profile_lists() -> None:
    n = Node("n", label="Prior", drugs={"d:rtx": "rituximab", "d:cyc": "cyclophosphamide"})
    p = patient()
    p.therapies = {"d:rtx": "Rituxan", "d:mmf": "MMF", "d:cyc": "Cytoxan"}
    assert as_tuple(own(n, p)) == (
        REVIEW,
        ["Prior: about prior therapies; the profile lists Rituxan, Cytoxan"],
        set(),
    )
    assert as_tuple(own(n)) == (REVIEW, ["Prior: about prior therapies"], set())


def disease_node(positive: bool = True) -> Node:
    topics = {TOPIC_DIAGNOSIS} if positive else set()
    return Node("n", label="Dx", text="dcSSc", diseases={DCSSC: "dcSSc", "m:x": "X"}, topics=topics)


@pytest.mark.parametrize(
    ("kind", "positive", "p", "relations", "expected"),
    [
        (
            "inclusion",
            True,
            patient(**{DCSSC: "diffuse SSc"}),
            {"same": {DCSSC}},
            (HOLDS, ["Dx: the profile's diagnosis diffuse SSc is dcSSc, X"], {"diagnosis"}),
        ),
        (
            "inclusion",
            True,
            patient(**{DCSSC: "diffuse SSc", "m:x": "X-dx"}),
            {"same": {DCSSC, "m:x"}},
            (HOLDS, ["Dx: the profile's diagnosis X-dx, diffuse SSc is dcSSc, X"], {"diagnosis"}),
        ),
        (
            "exclusion",
            False,
            patient(**{SSC: "SSc", "m:y": "Y"}),
            {"broader": {SSC, "m:y"}},
            (
                UNKNOWN,
                ["Dx: the profile says Y, SSc, broader than dcSSc, X; which form it is decides"],
                {"diagnosis"},
            ),
        ),
        (
            "inclusion",
            False,  # a disease in an inclusion that is not about the diagnosis: only text
            patient(**{SSC: "SSc"}),
            {"broader": {SSC}},
            (REVIEW, ["held only as text: dcSSc"], set()),
        ),
        (
            "exclusion",
            False,
            patient(**{SSC: "SSc"}),
            {"broader": {SSC}},
            (
                UNKNOWN,
                ["Dx: the profile says SSc, broader than dcSSc, X; which form it is decides"],
                {"diagnosis"},
            ),
        ),
        (
            "exclusion",
            False,
            patient(**{SSC: "SSc"}),
            {},
            (REVIEW, ["Dx: dcSSc, X is not among the profile's diagnoses"], set()),
        ),
        (
            "inclusion",
            True,
            patient(),
            {},
            (UNKNOWN, ["Dx: the profile gives no diagnoses"], {"diagnosis"}),
        ),
        (
            "inclusion",
            True,
            patient(**{SSC: "SSc", "m:y": "Y"}),
            {},
            (FAILS, ["Dx: none of the profile's diagnoses (SSc, Y) is dcSSc, X"], {"diagnosis"}),
        ),
    ],
)
def test_a_disease_clause(
    kind: str, positive: bool, p: Patient, relations: dict, expected: tuple
) -> None:
    o = own(disease_node(positive), p, kind, diagnoses={"n": relations})
    assert as_tuple(o) == expected


# -- a criterion's tree --------------------------------------------------------------------------


def tree(*nodes: Node) -> Criterion:
    return Criterion(nodes[0].iri, "inclusion", 1, {n.iri: n for n in nodes})


def test_a_tree_combines_its_own_clause_with_all_of_and_any_of() -> None:
    p = patient()
    p.given[LVEF] = "60 %"
    ok = (True, Value("percent", 60.0, "60 %"))
    no = (False, Value("percent", 60.0, "60 %"))
    root = Node("root", label="Root", all_of=["a", "b"], any_of=["c", "d"])
    c = tree(
        root,
        lvef(iri="a", label="A"),
        lvef(iri="b", label="B"),
        lvef(iri="c", label="C"),
        lvef(iri="d", label="D"),
    )
    e = Evaluator(facts(p, thresholds={"a": ok, "b": ok, "c": no, "d": ok}), "inclusion")
    o = e.node(c, "root")
    assert o.value == HOLDS
    assert [r.split(",")[0] for r in o.reasons] == [
        'A ("LVEF >= 45%")',
        'B ("LVEF >= 45%")',
        'D ("LVEF >= 45%")',
    ]
    e = Evaluator(facts(p, thresholds={"a": ok, "b": no, "c": ok, "d": ok}), "inclusion")
    o = e.node(c, "root")
    assert (o.value, [r.split(",")[0] for r in o.reasons]) == (FAILS, ['B ("LVEF >= 45%")'])
    assert o.checked == {"threshold"}


def test_a_tree_without_any_structure_or_with_a_cycle_is_for_review() -> None:
    bare = Node("root", label="Root", text="Any other condition")
    assert as_tuple(Evaluator(facts(patient()), "inclusion").node(tree(bare), "root")) == (
        REVIEW,
        ["held only as text: Any other condition"],
        set(),
    )
    unlabelled = Node("root", label="Root")
    assert Evaluator(facts(patient()), "inclusion").node(tree(unlabelled), "root").reasons == [
        "held only as text: Root"
    ]
    for parts in ("all_of", "any_of"):
        root = Node("root", label="Root", **{parts: ["x"]})  # type: ignore[arg-type]
        loop = tree(root, Node("x", label="X", **{parts: ["root"]}))  # type: ignore[arg-type]
        assert as_tuple(Evaluator(facts(patient()), "inclusion").node(loop, "root")) == (
            REVIEW,
            ["Root: its parts refer back to it"],
            set(),
        )


# -- a value in a dimension's canonical unit -----------------------------------------------------

G_L = Unit("u:g-per-l", "g/L", "g/L", "mass-concentration", 1.0)
G_DL = Unit("u:g-per-dl", "g/dL", "g/dL", "mass-concentration", 10.0)
DAY = Unit("u:day", "d", "d", "time", 1.0)
SCORE = Unit("u:score", "points", None, "score-points", 1.0)
TENTHS = Unit("u:tenths", "tenths", None, "score-points", 0.1)  # an annotation unit of the graph
WEEK_NO_UCUM = Unit("u:week", "wk", None, "time", 7.0)
PERCENT = Unit("u:percent", "%", "%", "percent", 1.0)
UNITS = Units([G_L, G_DL, DAY, SCORE, TENTHS, WEEK_NO_UCUM, PERCENT], {})


def test_a_unit_without_a_ucum_code_converts_by_the_graphs_factor() -> None:
    assert UNITS.to_canonical(50, TENTHS, "score-points") == pytest.approx(5.0)
    assert UNITS.to_canonical(2, WEEK_NO_UCUM, "time") == pytest.approx(14.0)
    # only into its own dimension: no factor leads out of it, and no UCUM code either
    assert UNITS.to_canonical(3, SCORE, "percent") is None
    assert UNITS.to_canonical(3, SCORE, "time") is None


def test_units_with_ucum_codes_are_converted_by_pint_not_by_the_factor() -> None:
    wrong_factor = Unit("u:g-per-dl", "g/dL", "g/dL", "mass-concentration", 99.0)
    assert UNITS.to_canonical(1.1, wrong_factor, "mass-concentration") == pytest.approx(11.0)
    assert UNITS.to_canonical(1.1, G_DL, "mass-concentration") == pytest.approx(11.0)


def test_a_ucum_code_the_graph_does_not_list_converts_into_any_dimension_pint_allows() -> None:
    mg_ul = Unit(None, "mg/uL", "mg/uL", None, None)
    assert UNITS.to_canonical(0.011, mg_ul, "mass-concentration") == pytest.approx(11.0)
    assert UNITS.to_canonical(0.011, mg_ul, "time") is None  # pint: not a time


def test_a_unit_of_another_dimension_is_not_converted_even_where_pint_could() -> None:
    # the graph's dimensions decide: a unit it files under another dimension is not this one's
    elsewhere = Unit("u:odd", "g/dL", "g/dL", "ratio", 1.0)
    assert UNITS.to_canonical(1.0, elsewhere, "mass-concentration") is None
    assert UNITS.to_canonical(1.0, G_DL, "nothing-canonical") is None


# -- a profile in Turtle, and profile files ------------------------------------------------------

FULL_TURTLE = """
@prefix cartkg: <https://w3id.org/cartkg/vocab/> .
@prefix sex: <https://w3id.org/cartkg/vocab/sex/> .
@prefix MONDO: <http://purl.obolibrary.org/obo/MONDO_> .

<#p> a cartkg:PatientProfile ;
  cartkg:patientAge 45.5 ;
  cartkg:patientSex sex:female ;
  cartkg:diagnosis "dcSSc" , MONDO:0005100 ;
  cartkg:diseaseDuration [ cartkg:quantityValue 3 ; cartkg:unit "a" ] ;
  # a datatype rdflib does not map reads as its text
  cartkg:organInvolvement "lung" , "skin"@en , "heart"^^<https://example.org/organ-name> ;
  cartkg:bodyWeight [ cartkg:quantityValue 62 ; cartkg:unit "kg" ] ;
  cartkg:priorTherapy "rituximab" , "cyclophosphamide" ;
  cartkg:measurement
    [ a cartkg:PatientMeasurement ; cartkg:measure "ALT" ; cartkg:quantityValue 30 ;
      cartkg:unit "U/L" ; cartkg:upperLimitOfNormal 40 ] ,
    [ a cartkg:PatientMeasurement ; cartkg:measure "total bilirubin" ; cartkg:quantityValue 12 ;
      cartkg:unit "umol/L" ; cartkg:upperLimitOfNormal 21 ] ;
  cartkg:pregnant false ;
  cartkg:priorCarT true .

# another node of the file, with the same properties: only the profile's own are read
<#relative> cartkg:patientAge 70 ; cartkg:patientSex sex:male ; cartkg:diagnosis "lupus" ;
  cartkg:bodyWeight [ cartkg:quantityValue 90 ; cartkg:unit "kg" ] ; cartkg:pregnant true ;
  cartkg:measurement [ cartkg:measure "Hb" ; cartkg:quantityValue 9 ; cartkg:unit "g/dL" ;
                       cartkg:upperLimitOfNormal 17 ] .
"""

FULL_JSON = {
    "age": 45.5,
    "sex": "female",
    "diagnoses": ["dcSSc", "http://purl.obolibrary.org/obo/MONDO_0005100"],
    "disease_duration": {"value": 3, "unit": "a"},
    "organ_involvement": ["heart", "lung", "skin"],
    "weight": {"value": 62, "unit": "kg"},
    "prior_therapies": ["cyclophosphamide", "rituximab"],
    "measurements": [
        {"measure": "ALT", "value": 30, "unit": "U/L", "uln": 40.0},
        {"measure": "total bilirubin", "value": 12, "unit": "umol/L", "uln": 21.0},
    ],
    "conditions": {"pregnant": False, "prior_car_t": True},
}


def by_measure(data: dict) -> dict:
    return {**data, "measurements": sorted(data["measurements"], key=lambda m: m["measure"])}


def test_every_field_of_a_turtle_profile_is_read_from_the_profile_node_only() -> None:
    data = profile_from_turtle(FULL_TURTLE, "p.ttl")
    assert by_measure(data) == FULL_JSON
    assert check(data, "p.ttl") is data


@pytest.mark.parametrize("suffix", [".ttl", ".TURTLE"])
def test_a_profile_file_in_turtle(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"p{suffix}"
    path.write_text(FULL_TURTLE, encoding="utf-8")
    assert by_measure(read_profile(path)) == FULL_JSON
    path.write_text(FULL_TURTLE.replace("patientAge 45.5", "patientAge 300"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    assert str(caught.value) == f"{path}: age: 300.0 is greater than the maximum of 130"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("patientAge 45.5 ;", "patientAge 45.5, 46 ;"),
            "p.ttl: cartkg:patientAge has 2 values; give one",
        ),
        (
            ("cartkg:measurement\n", 'cartkg:measurement "ALT 30",\n'),
            "p.ttl: cartkg:measurement takes a node, not ",
        ),
        (("<#p> a", "<#p> is"), "p.ttl: not Turtle: "),
    ],
)
def test_a_turtle_profile_error_names_the_file_and_the_property(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "p.ttl"
    path.write_text(FULL_TURTLE.replace(*change), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_a_json_profile_file_and_its_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(FULL_JSON), encoding="utf-8")
    assert read_profile(path) == FULL_JSON
    path.write_text(json.dumps({**FULL_JSON, "age": 300}), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        read_profile(path)
    assert str(caught.value) == f"{path}: age: 300 is greater than the maximum of 130"
    with pytest.raises(ProfileError) as caught:
        read_profile(tmp_path / "missing.json")
    assert str(caught.value) == f"{tmp_path / 'missing.json'}: no such file"


def test_of_several_schema_errors_the_shallowest_is_named_then_by_message() -> None:
    deep = {"measure": "ANC", "value": -1, "unit": "10^9/L"}
    with pytest.raises(ProfileError, match=r"^t: age: 300 is greater"):
        check({"measurements": [deep], "age": 300}, "t")
    # at one depth, by message: "'other' ..." sorts before "300 ..."
    with pytest.raises(ProfileError, match=r"^t: sex: 'other' is not one of"):
        check({"age": 300, "sex": "other"}, "t")


def test_the_profile_as_shown_with_the_match() -> None:
    p = Patient(
        label="p1",
        sex="male",
        diagnoses={"m:1": "SSc"},
        given={"m:lvef": "60 %"},
        therapies={"d:1": "RTX"},
        organs={"o:1": "lung"},
        flags={"pregnant": False},
        derived=["CrCl 90"],
        disease_duration="3 a (1096 days)",
        weight_kg=62.0,
    )
    assert p.as_json() == {
        "id": "p1",
        "sex": "male",
        "diagnoses": {"m:1": "SSc"},
        "measurements": {"m:lvef": "60 %"},
        "prior_therapies": {"d:1": "RTX"},
        "organ_involvement": {"o:1": "lung"},
        "conditions": {"pregnant": False},
        "disease_duration": "3 a (1096 days)",
        "weight_kg": 62.0,
        "derived": ["CrCl 90"],
    }
