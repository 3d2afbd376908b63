"""Benchmark `cartkg import ctgov`: N synthetic API v2 records, streamed as JSON Lines.

Records have the modules, field sizes and list lengths of a real interventional CAR-T study
record (14 to 23 KB of JSON each: long descriptions, 20 to 32 eligibility items, 4 to 10
outcomes, 1 to 25 sites, the derived MeSH browse modules), with the benchmark's own filler
text. They are generated one at a time into a JSON Lines file, then imported into a scratch data
folder on one core; the importer reads the file line by line, so memory should stay flat as N
grows. Prints records per second, its ratio to a baseline measured in the same run (reading
each record and writing it back to a file of its own), and peak memory (tracemalloc for Python
objects, and the process's peak RSS).

The time is split into the importer's own CPU time and the kernel's (creating about three files
per record). On this machine's disk (ext4 without a journal) the kernel's part depends on what
the disk did before: for some minutes after many files were deleted (such as the scratch folder
of the previous run), creating a file costs up to ten times more, because ext4 skips recently
freed inodes one by one (``recently_deleted`` in ``find_inode_bit``). Leave a few minutes between
runs, or compare with ``--tmp /dev/shm``, which takes the disk out.

    python benchmarks/import_ctgov.py [--records 10000] [--keep DIR] [--tmp DIR] [--no-trace]

This machine's speed drifts by a third from hour to hour, so a change worth a few percent is lost
in the noise of seconds. ``--instructions`` counts instead: it runs the import and the baseline
under ``valgrind --tool=callgrind`` (which counts the same each run) on a few hundred records and
prints instructions per record for both and their ratio. Start-up is taken out by counting a
short run too and subtracting it. Only the process's own instructions count, not the kernel's
work of creating files.

    python benchmarks/import_ctgov.py --instructions [--records 200]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from cartkg.ctgov import Importer, map_record, read_paths
from cartkg.paths import Project

REPO = Path(__file__).resolve().parents[1]
GOAL = 500.0
# pools the synthetic records draw from (the benchmark's own wording, shaped like registry text)
CONDITIONS = [
    "Systemic Lupus Erythematosus",
    "Lupus Nephritis",
    "Systemic Sclerosis",
    "Myasthenia Gravis",
    "Idiopathic Inflammatory Myopathies",
    "Multiple Sclerosis",
    "ANCA-associated Vasculitis",
    "Neuromyelitis Optica Spectrum Disorder",
    "Sjogren Syndrome",
    "Autoimmune Hemolytic Anemia",
    "Immune Thrombocytopenia",
    "Pemphigus Vulgaris",
]
PRODUCTS = ["CABA-201", "KYV-101", "relma-cel", "BMS-986353", "Descartes-08", "NKX019"]
INCLUSION = [
    "Aged {lo} to {hi} years at the time of signing the informed consent form",
    "Diagnosis of the disease under study by the current classification criteria for at least "
    "{m} months before screening",
    "Active disease despite at least two prior standard therapies given at adequate doses "
    "for at least {m} months",
    "Positive for at least one disease-associated autoantibody at screening",
    "ANC ≥ {anc}/uL without growth factor support in the 7 days before screening",
    "Absolute lymphocyte count ≥ {alc}/uL",
    "Platelet count ≥ {plt} x 10^9/L",
    "Hemoglobin ≥ {hb} g/L",
    "ALT ≤ {k} x ULN and AST ≤ {k} x ULN",
    "Total bilirubin ≤ {b} x ULN (except participants with Gilbert syndrome)",
    "Creatinine clearance ≥ {crcl} mL/min (Cockcroft-Gault)",
    "LVEF ≥ {ef}% by echocardiogram or MUGA scan",
    "FVC ≥ {fvc}% of predicted and DLCO ≥ {fvc}% of predicted",
    "Adequate venous access for leukapheresis, or willingness to have a central line placed",
    "Women of childbearing potential must have a negative pregnancy test at screening and agree "
    "to use highly effective contraception",
    "Able to understand and willing to sign the written informed consent",
    "Stable doses of permitted background therapy for at least {w} weeks before enrolment",
    "Prednisone ≤ {pred} mg/day or equivalent, stable for 2 weeks before lymphodepletion",
]
EXCLUSION = [
    "Prior treatment with any CAR-T therapy or other gene-modified cell therapy",
    "Active infection requiring systemic treatment, or HIV, hepatitis B or hepatitis C infection",
    "History of malignancy within 5 years, except adequately treated skin cancer",
    "Pregnant or breastfeeding women",
    "Severe organ involvement that in the investigator's judgement makes the study unsafe",
    "Receipt of a live vaccine within 6 weeks before screening",
    "History of solid organ or hematopoietic stem cell transplantation",
    "Clinically significant cardiac disease, including NYHA class III or IV heart failure",
    "Known hypersensitivity to fludarabine, cyclophosphamide or any component of the product",
    "Participation in another interventional study within 30 days before screening",
    "Primary immunodeficiency or IgG below the lower limit of normal",
    "Central nervous system disorder such as seizure disorder or cerebrovascular ischemia",
    "FVC < {fvc}% of predicted or DLCO < {dl}% of predicted",
    "eGFR < {egfr} mL/min/1.73m2",
]
OUTCOMES = [
    ("Incidence of dose-limiting toxicities", "Day 28"),
    ("Number of participants with treatment-emergent adverse events", "Up to 2 years"),
    ("Incidence of cytokine release syndrome and ICANS by ASTCT grade", "Up to 28 days"),
    ("Pharmacokinetics: CAR-T expansion and persistence in blood", "Up to 12 months"),
    ("Change from baseline in disease activity score", "Week 24"),
    ("Proportion of participants in drug-free remission", "Month 12"),
    ("B-cell depletion and reconstitution in peripheral blood", "Up to 24 months"),
    ("Change from baseline in autoantibody titres", "Week 52"),
    ("Complete renal response rate", "Week 52"),
    ("Change from baseline in the modified Rodnan skin score", "Month 12"),
]
FILLER = (
    "participants receive a single infusion of autologous CD19-directed CAR T cells after "
    "lymphodepleting chemotherapy with fludarabine and cyclophosphamide and are followed for "
    "safety tolerability cellular kinetics B-cell depletion and disease activity the study has a "
    "dose escalation part and a dose expansion part with cohorts by indication and background "
    "immunosuppressive therapy is tapered after infusion according to the protocol"
)
WORDS = FILLER.split(" ")
SITES = [  # city, state, country, latitude, longitude
    ("Boston", "Massachusetts", "United States", 42.36, -71.06),
    ("Philadelphia", "Pennsylvania", "United States", 39.95, -75.17),
    ("Houston", "Texas", "United States", 29.76, -95.37),
    ("Palo Alto", "California", "United States", 37.44, -122.14),
    ("Shanghai", "Shanghai", "China", 31.23, 121.47),
    ("Beijing", "Beijing", "China", 39.90, 116.41),
    ("Erlangen", "Bavaria", "Germany", 49.59, 11.00),
    ("Paris", None, "France", 48.86, 2.35),
    ("Madrid", None, "Spain", 40.42, -3.70),
    ("Toronto", "Ontario", "Canada", 43.65, -79.38),
    ("Seoul", None, "Korea, Republic of", 37.57, 126.98),
    ("Tokyo", None, "Japan", 35.68, 139.69),
    ("Milan", None, "Italy", 45.46, 9.19),
    ("Leuven", None, "Belgium", 50.88, 4.70),
]


def _text(rng: random.Random, words: int) -> str:
    out = []
    while len(out) < words:
        n = rng.randint(12, 24)
        start = rng.randrange(len(WORDS))
        sentence = [WORDS[(start + k) % len(WORDS)] for k in range(n)]
        out.extend([sentence[0].capitalize(), *sentence[1:-1], sentence[-1] + "."])
    return " ".join(out)


def _browse(rng: random.Random, kind: str, n: int) -> dict:
    leaves = [
        {"id": f"M{rng.randint(1000, 99999)}", "name": f"{kind} term {rng.randint(1, 500)}",
         "asFound": f"{kind} {k}", "relevance": rng.choice(["HIGH", "LOW"])}
        for k in range(n)
    ]  # fmt: skip
    return {
        "meshes": [
            {"id": f"D{rng.randint(1000, 99999):06d}", "term": leaf["name"]} for leaf in leaves[:3]
        ],
        "ancestors": [
            {"id": f"D{rng.randint(1000, 99999):06d}", "term": f"{kind} ancestor {k}"}
            for k in range(n // 2)
        ],
        "browseLeaves": leaves,
        "browseBranches": [{"abbrev": "BC20", "name": "Immune System Diseases"}],
    }


def synthetic(i: int, rng: random.Random) -> dict:
    """One record with the modules, field sizes and list lengths of a real interventional CAR-T
    study record (14 to 23 KB of JSON): long descriptions, 20 to 32 eligibility items, 4 to 10
    outcomes, 1 to 25 sites and the derived MeSH browse modules."""
    nct = f"NCT9{i:07d}"
    product = rng.choice(PRODUCTS)
    conditions = rng.sample(CONDITIONS, rng.randint(1, 4))
    values = {
        "lo": 18, "hi": rng.choice([65, 70, 75]), "m": rng.choice([3, 6, 12]),
        "anc": rng.choice([500, 1000, 1500]), "alc": rng.choice([100, 200, 300]),
        "plt": rng.choice([50, 75, 100]), "hb": rng.choice([80, 90, 100]), "k": rng.choice([2, 3]),
        "b": rng.choice([1.5, 2]), "crcl": rng.choice([30, 45, 60]), "ef": rng.choice([45, 50]),
        "fvc": rng.choice([40, 45, 50]), "dl": rng.choice([30, 40]), "w": rng.choice([2, 4, 8]),
        "pred": rng.choice([10, 20, 40]), "egfr": rng.choice([30, 45]),
    }  # fmt: skip
    inclusion = [t.format(**values) for t in rng.sample(INCLUSION, rng.randint(12, 18))]
    exclusion = [t.format(**values) for t in rng.sample(EXCLUSION, rng.randint(8, 14))]
    criteria = (
        "Inclusion Criteria:\n\n" + "".join(f"* {c}\n" for c in inclusion)
        + "\nExclusion Criteria:\n\n" + "".join(f"* {c}\n" for c in exclusion)
    )  # fmt: skip
    outcomes = rng.sample(OUTCOMES, rng.randint(4, 10))
    n_primary = rng.randint(1, 3)
    arms = [
        {"label": f"Cohort {k}: {condition}", "type": "EXPERIMENTAL",
         "description": _text(rng, 40),
         "interventionNames": [f"Biological: {product}", "Drug: Fludarabine", "Drug: Cyclophosphamide"]}  # noqa: E501
        for k, condition in enumerate(conditions, start=1)
    ]  # fmt: skip
    labels = [a["label"] for a in arms]
    sites = rng.sample(SITES, rng.randint(1, len(SITES)))
    sites += rng.choices(SITES, k=max(0, rng.randint(-10, 11)))  # several sites in one city
    month = rng.randint(1, 12)
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct,
                "orgStudyIdInfo": {"id": f"{product}-{i % 1000:03d}"},
                "secondaryIdInfos": [
                    {
                        "id": f"2024-5{i % 100000:05d}-{i % 90 + 10}-00",
                        "type": "REGISTRY",
                        "domain": "CTIS",
                    }
                ],
                "organization": {"fullName": f"Sponsor {i % 300}", "class": "INDUSTRY"},
                "briefTitle": f"A Study of {product} in Participants With {' or '.join(conditions)}",  # noqa: E501
                "officialTitle": f"A Phase 1/2, Open-label, Multicenter Study to Evaluate the Safety and Efficacy of {product}, an Autologous CD19-directed CAR T Cell Therapy, in Participants With Refractory {', '.join(conditions)} ({i})",  # noqa: E501
                "acronym": f"SYN-{i}",
            },
            "statusModule": {
                "statusVerifiedDate": f"2025-{month:02d}",
                "overallStatus": rng.choice(
                    ["RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING"]
                ),
                "startDateStruct": {
                    "date": f"2024-{month:02d}-{rng.randint(1, 28):02d}",
                    "type": "ACTUAL",
                },
                "primaryCompletionDateStruct": {"date": "2027-06", "type": "ESTIMATED"},
                "completionDateStruct": {"date": "2029-12-31", "type": "ESTIMATED"},
                "studyFirstSubmitDate": "2024-01-15",
                "studyFirstPostDateStruct": {"date": "2024-01-22", "type": "ACTUAL"},
                "lastUpdateSubmitDate": f"2025-{month:02d}-10",
                "lastUpdatePostDateStruct": {"date": f"2025-{month:02d}-12", "type": "ACTUAL"},
            },
            "sponsorCollaboratorsModule": {
                "responsibleParty": {"type": "SPONSOR"},
                "leadSponsor": {"name": f"Sponsor {i % 300}", "class": "INDUSTRY"},
                "collaborators": [
                    {"name": f"University {(i + k) % 50}", "class": "OTHER"}
                    for k in range(rng.randint(0, 3))
                ],
            },
            "oversightModule": {
                "oversightHasDmc": True,
                "isFdaRegulatedDrug": True,
                "isFdaRegulatedDevice": False,
            },
            "descriptionModule": {
                "briefSummary": _text(rng, 80),
                "detailedDescription": _text(rng, 320),
            },
            "conditionsModule": {
                "conditions": conditions,
                "keywords": rng.sample(
                    [
                        "CAR-T",
                        "CD19",
                        "B cell",
                        "autoimmune",
                        "lymphodepletion",
                        "cell therapy",
                        "immune reset",
                        "refractory",
                    ],
                    rng.randint(3, 8),
                ),
            },
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE1", "PHASE2"],
                "designInfo": {
                    "allocation": "NON_RANDOMIZED",
                    "interventionModel": "PARALLEL",
                    "primaryPurpose": "TREATMENT",
                    "maskingInfo": {"masking": "NONE"},
                },
                "enrollmentInfo": {"count": rng.randint(6, 200), "type": "ESTIMATED"},
            },
            "armsInterventionsModule": {
                "armGroups": arms,
                "interventions": [
                    {
                        "type": "BIOLOGICAL",
                        "name": product,
                        "description": _text(rng, 50),
                        "armGroupLabels": labels,
                    },
                    {
                        "type": "DRUG",
                        "name": "Fludarabine",
                        "description": "Lymphodepleting chemotherapy.",
                        "armGroupLabels": labels,
                    },
                    {
                        "type": "DRUG",
                        "name": "Cyclophosphamide",
                        "description": "Lymphodepleting chemotherapy.",
                        "armGroupLabels": labels,
                    },
                ],
            },
            "outcomesModule": {
                "primaryOutcomes": [
                    {"measure": m, "description": _text(rng, 30), "timeFrame": t}
                    for m, t in outcomes[:n_primary]
                ],
                "secondaryOutcomes": [
                    {"measure": m, "description": _text(rng, 30), "timeFrame": t}
                    for m, t in outcomes[n_primary:]
                ],
            },
            "eligibilityModule": {
                "eligibilityCriteria": criteria,
                "healthyVolunteers": False,
                "sex": "ALL",
                "minimumAge": "18 Years",
                "maximumAge": f"{values['hi']} Years",
                "stdAges": ["ADULT", "OLDER_ADULT"],
            },
            "contactsLocationsModule": {
                "centralContacts": [
                    {
                        "name": "Study Contact",
                        "role": "CONTACT",
                        "phone": "555-0100",
                        "email": "trials@example.org",
                    }
                ],
                "overallOfficials": [
                    {
                        "name": f"Investigator {i % 700}",
                        "affiliation": f"University {i % 50}",
                        "role": "PRINCIPAL_INVESTIGATOR",
                    }
                ],
                "locations": [
                    {
                        "facility": f"{city} University Hospital {k}",
                        "status": "RECRUITING",
                        "city": city,
                        **({"state": state} if state else {}),
                        "zip": f"{rng.randint(10000, 99999)}",
                        "country": country,
                        "geoPoint": {"lat": lat, "lon": lon},
                    }
                    for k, (city, state, country, lat, lon) in enumerate(sites, start=1)
                ],
            },
            "referencesModule": {
                "references": [
                    {
                        "pmid": str(rng.randint(30_000_000, 39_999_999)),
                        "type": "BACKGROUND",
                        "citation": _text(rng, 25),
                    }
                    for _ in range(rng.randint(0, 2))
                ]
            },
        },
        "derivedSection": {
            "miscInfoModule": {"versionHolder": "2026-01-15"},
            "conditionBrowseModule": _browse(rng, "condition", rng.randint(8, 24)),
            "interventionBrowseModule": _browse(rng, "intervention", rng.randint(6, 16)),
        },
        "hasResults": False,
    }


def baseline(source: Path, folder: Path, count: int | None = None) -> float:
    """Seconds to do the least any importer does, measured in the same run as a reference: read
    each record, serialise it again and write it atomically (temporary file, rename) to a file of
    its own, as the importer does with the raw record."""
    folder.mkdir()
    start = time.perf_counter()
    with source.open(encoding="utf-8") as f:
        for i, line in enumerate(itertools.islice(f, count)):
            data = (json.dumps(json.loads(line), ensure_ascii=False) + "\n").encode("utf-8")
            tmp, path = folder / f".{i}.json.tmp", folder / f"{i}.json"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            os.write(fd, data)
            os.close(fd)
            os.replace(tmp, path)
    return time.perf_counter() - start


def write_records(source: Path, count: int) -> None:
    rng = random.Random(7)
    with source.open("w", encoding="utf-8") as f:
        for i in range(count):
            f.write(json.dumps(synthetic(i, rng), ensure_ascii=False) + "\n")


def child(mode: str, source: Path, count: int, folder: Path) -> None:
    """One counted run: import (or do the baseline for) the first ``count`` records."""
    if mode == "baseline":
        baseline(source, folder, count)
        return
    importer = Importer(
        Project(REPO), map_record, folder, access_date="2026-01-15", keep_outcomes=False
    )
    for item in itertools.islice(read_paths([source]), count):
        importer.one(*item)


WARM_UP = 50  # records in the short run whose count is subtracted (start-up, first-use caches)


def instructions(records: int, tmp: Path | None) -> None:
    """Instructions per record of the import and of the baseline, counted by callgrind."""
    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="cartkg-import-count-", dir=tmp))
    try:
        source = work / "records.jsonl"
        write_records(source, WARM_UP + records)
        per_record = {}
        for mode in ("import", "baseline"):
            counted = []
            for n, count in enumerate((WARM_UP, WARM_UP + records)):
                command = [
                    "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                    sys.executable, __file__, "--child", mode, "--source", str(source),
                    "--records", str(count), "--keep", str(work / f"{mode}-{n}"),
                ]  # fmt: skip
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
                if found is None:
                    sys.exit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
                counted.append(int(found.group(1)))
            per_record[mode] = (counted[1] - counted[0]) / records
            print(f"{mode}: {per_record[mode] / 1e6:.2f} million instructions per record")
        print(f"import / baseline: {per_record['import'] / per_record['baseline']:.1f}x "
              f"(records {WARM_UP + 1} to {WARM_UP + records}, start-up subtracted)")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, help="records to import (10000; 200 to count)")
    parser.add_argument("--keep", type=Path, help="write the imported files here and keep them")
    parser.add_argument("--tmp", type=Path, help="folder for the scratch files (e.g. /dev/shm)")
    parser.add_argument("--no-trace", action="store_true", help="time without tracemalloc")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions with callgrind"
    )
    parser.add_argument("--child", choices=["import", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.source, args.records, args.keep)
        return
    if args.instructions:
        instructions(args.records or 200, args.tmp)
        return
    args.records = args.records or 10_000
    work = Path(tempfile.mkdtemp(prefix="cartkg-import-bench-", dir=args.tmp))
    try:
        source = work / "records.jsonl"
        write_records(source, args.records)
        out = args.keep or work / "data"
        os.sync()  # the records file is written out now, not while the import is timed
        importer = Importer(
            Project(REPO), map_record, out, access_date="2026-01-15", keep_outcomes=False
        )
        if not args.no_trace:
            tracemalloc.start()
        marks = []
        start = time.perf_counter()
        times_start = os.times()
        for n, item in enumerate(read_paths([source]), start=1):
            importer.one(*item)
            if n % max(1, args.records // 4) == 0 and not args.no_trace:
                marks.append((n, tracemalloc.get_traced_memory()[0] / 2**20))
        seconds = time.perf_counter() - start
        times = os.times()
        user, system = times.user - times_start.user, times.system - times_start.system
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if not args.no_trace else float("nan")
        tracemalloc.stop()
        report = importer.report
        rate = args.records / seconds
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"records: {args.records} ({report.count} imported, {len(report.skipped)} skipped), "
            f"{report.files} files written under {out}"
            + (" (tracemalloc on: times are slower than without it)" if not args.no_trace else "")
        )
        print(f"time: {seconds:.1f} s, {rate:.0f} records/s (goal >= {GOAL:.0f} on one core)"
              f" [{'met' if rate >= GOAL else 'NOT met'}]")  # fmt: skip
        waiting = max(0.0, seconds - user - system)
        print(f"CPU: {user:.1f} s in the importer ({args.records / user:.0f} records/s of it), "
              f"{system:.1f} s in the kernel (file system); {waiting:.1f} s waiting")  # fmt: skip
        print(f"peak traced Python memory: {peak:.1f} MiB; process peak RSS: {rss:.0f} MiB")
        print("memory held while importing (records done: MiB): "
              + ", ".join(f"{n}: {mib:.1f}" for n, mib in marks))  # fmt: skip
        base = baseline(source, work / "baseline")
        ratio = seconds / base
        print(f"baseline (read each record, write it back to its own file): {base:.1f} s, "
              f"{args.records / base:.0f} records/s; import / baseline: {ratio:.1f}x")  # fmt: skip
        if report.skipped:
            print("first skipped:", report.skipped[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
