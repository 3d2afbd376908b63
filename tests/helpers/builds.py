"""A trial file that breaks a build, and the trial rows of a built store."""

from __future__ import annotations

from pathlib import Path

from cartkg.namespaces import converter, prefix_map
from cartkg.paths import Project
from cartkg.queries import EmbeddedClient
from cartkg.store import open_store

BROKEN_TRIAL = (
    'trial:NCT00000009 a cartkg:ClinicalTrial ; cartkg:nctId "NCT00000009" ;\n'
    "  dcterms:source source:clinconnect-nct06414135 .\n"
)


def trial_rows(project: Project, store: Path) -> list[tuple[str, ...]]:
    client = EmbeddedClient(
        open_store(store),
        project.queries_dir,
        converter(project.ontology_file),
        prefix_map(project.ontology_file),
    )
    return [tuple(str(v) for v in row) for row in client.run_query("trials")]
