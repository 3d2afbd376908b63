"""The OWL 2 DL profile check: the OWL API inside owlready2's HermiT.jar, run on the N-Triples
by ``java/ProfileCheck.java`` as a single-file Java program (which needs a JDK)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import owlready2

from cartkg.reason.report import ReasonReport

PROFILE_CHECKER = Path(__file__).parents[1] / "java" / "ProfileCheck.java"


def check_profile(lines: Sequence[str], workdir: Path, report: ReasonReport) -> None:
    """Check the N-Triples against OWL 2 DL with the OWL API inside HermiT.jar (needs a JDK)."""
    if shutil.which("javac") is None:
        report.profile_note = "OWL 2 DL profile not checked: it needs a JDK (javac), not only a JRE"
        return
    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    path = workdir / "profile.nt"
    path.write_text("".join(lines), encoding="utf-8")
    proc = subprocess.run(
        ["java", "-cp", str(jar), str(PROFILE_CHECKER), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode not in (0, 1):
        report.profile_note = f"OWL 2 DL profile check failed to run: {proc.stderr.strip()[:300]}"
        return
    report.profile_checked = True
    report.profile_violations = [v for v in proc.stdout.splitlines() if v.strip()]
