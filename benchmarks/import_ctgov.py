"""Benchmark `cartkg import ctgov`: N synthetic API v2 records, streamed as JSON Lines.

Records are made from the hand-built fixtures (tests/data/ctgov/studies/) with new NCT ids,
sponsors, sites, criteria and dates, so that they have the shape and size of real ones. They are
generated one at a time into a JSON Lines file, then imported into a scratch data folder on one
core; the importer reads the file line by line, so memory should stay flat as N grows. Prints
records per second and peak memory (tracemalloc for Python objects, and the process's peak RSS).

The time is split into the importer's own CPU time and the kernel's (creating about three files
per record). On this machine's disk (ext4 without a journal) the kernel's part depends on what
the disk did before: for some minutes after many files were deleted (such as the scratch folder
of the previous run), creating a file costs up to ten times more, because ext4 skips recently
freed inodes one by one (``recently_deleted`` in ``find_inode_bit``). Leave a few minutes between
runs, or compare with ``--tmp /dev/shm``, which takes the disk out.

    python benchmarks/import_ctgov.py [--records 10000] [--keep DIR] [--tmp DIR] [--no-trace]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from cartkg.ctgov import Importer, read_paths
from cartkg.paths import Project

REPO = Path(__file__).resolve().parents[1]
FIXTURES = sorted((REPO / "tests" / "data" / "ctgov" / "studies").glob("*.json"))
GOAL = 500.0
LABS = [
    "ANC ≥ {n}/uL", "Platelet count ≥ {n} x 10^9/L", "ALT ≤ {k} x ULN", "LVEF ≥ {p}%",
    "CrCl ≥ {p} mL/min", "Hb ≥ {h} g/L", "FVC predicted < {p}% or DLCO predicted < {p}%",
]  # fmt: skip
CITIES = ["Boston", "Houston", "Shanghai", "Beijing", "Berlin", "Paris", "Brussels", "Madrid"]
COUNTRIES = [
    "United States",
    "United States",
    "China",
    "China",
    "Germany",
    "France",
    "Belgium",
    "Spain",
]


def synthetic(i: int, rng: random.Random) -> dict:
    record = copy.deepcopy(json.loads(rng.choice(FIXTURES).read_text(encoding="utf-8")))
    ps = record["protocolSection"]
    ps["identificationModule"]["nctId"] = f"NCT9{i:07d}"
    ps["identificationModule"]["briefTitle"] = f"Synthetic CAR-T study {i}"
    ps["sponsorCollaboratorsModule"] = {
        "leadSponsor": {"name": f"Sponsor {i % 300}", "class": "INDUSTRY"},
        "collaborators": [{"name": f"University {i % 50}", "class": "OTHER"}],
    }
    status = ps.setdefault("statusModule", {})
    status["overallStatus"] = rng.choice(
        ["RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING"]
    )
    status["statusVerifiedDate"] = f"202{rng.randint(3, 5)}-{rng.randint(1, 12):02d}"
    status["startDateStruct"] = {"date": f"2024-{rng.randint(1, 12):02d}", "type": "ACTUAL"}
    status["primaryCompletionDateStruct"] = {"date": "2027-06-30", "type": "ESTIMATED"}
    ps.setdefault("designModule", {})["enrollmentInfo"] = {
        "count": rng.randint(6, 200),
        "type": "ESTIMATED",
    }
    labs = [rng.choice(LABS).format(n=rng.choice([500, 1000, 1500]), k=rng.choice([2, 3, 5]),
                                    p=rng.randint(30, 70), h=rng.randint(80, 100)) for _ in range(6)]  # fmt: skip  # noqa: E501
    ps.setdefault("eligibilityModule", {})["eligibilityCriteria"] = (
        "Inclusion Criteria:\n\n* Aged 18 to 70\n* Active disease despite at least two prior therapies\n"  # noqa: E501
        + "".join(f"* {lab}\n" for lab in labs)
        + "\nExclusion Criteria:\n\n* Prior CAR-T therapy\n* Active infection\n* Pregnancy or lactation\n"  # noqa: E501
    )
    ps["contactsLocationsModule"] = {"locations": [
        {"facility": f"Hospital {rng.randint(1, 400)}", "city": city, "country": country, "status": "RECRUITING",  # noqa: E501
         "geoPoint": {"lat": round(rng.uniform(-60, 60), 4), "lon": round(rng.uniform(-120, 120), 4)}}  # noqa: E501
        for city, country in rng.sample(list(zip(CITIES, COUNTRIES, strict=True)), rng.randint(1, 6))  # noqa: E501
    ]}  # fmt: skip
    record["derivedSection"] = {"miscInfoModule": {"versionHolder": "2026-01-15"}}
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write the imported files here and keep them")
    parser.add_argument("--tmp", type=Path, help="folder for the scratch files (e.g. /dev/shm)")
    parser.add_argument("--no-trace", action="store_true", help="time without tracemalloc")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cartkg-import-bench-", dir=args.tmp))
    try:
        source = work / "records.jsonl"
        rng = random.Random(7)
        with source.open("w", encoding="utf-8") as f:
            for i in range(args.records):
                f.write(json.dumps(synthetic(i, rng), ensure_ascii=False) + "\n")
        out = args.keep or work / "data"
        os.sync()  # the records file is written out now, not while the import is timed
        importer = Importer(Project(REPO), out, access_date="2026-01-15", keep_outcomes=False)
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
        if report.skipped:
            print("first skipped:", report.skipped[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
