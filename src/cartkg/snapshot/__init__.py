"""Import a monitor's daily captures of ClinicalTrials.gov (``cartkg import snapshot``).

- :mod:`cartkg.snapshot.tables`: the snapshot's CSV files, row by row, with errors that name
  the file, the line and the field;
- :mod:`cartkg.snapshot.records`: a trial's rows as an API v2 record with its capture history;
- :mod:`cartkg.snapshot.products`: the monitor's table of named products as program files;
- :mod:`cartkg.snapshot.importer`: the run.

The trials go through the ctgov importer (:mod:`cartkg.ctgov`): one model, one set of files,
one merge with curated statements (:mod:`cartkg.importing`).
"""

from cartkg.snapshot.importer import DEFAULT_FOLDER, SCOPE_FILE, SnapshotReport, import_snapshot

__all__ = ["DEFAULT_FOLDER", "SCOPE_FILE", "SnapshotReport", "import_snapshot"]
