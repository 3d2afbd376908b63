"""Import ClinicalTrials.gov API v2 study records into the graph (``cartkg import ctgov``).

- :mod:`cartkg.ctgov.record`: typed access to a record, errors that name the field;
- :mod:`cartkg.ctgov.criteria`: eligibility text into inclusion/exclusion items and thresholds;
- :mod:`cartkg.ctgov.mapping`: a record to the trial model (see its docstring for the rules);
- :mod:`cartkg.ctgov.importer`: reading saved records (files, folders, lines, standard input);
- :mod:`cartkg.ctgov.fetch`: the live API (httpx), with paging, timeouts and retries;
- :mod:`cartkg.ctgov.capture`: records a third party captured day by day (their history).

What every importer shares (the trial-record importer itself, the Turtle writer, the look-up
context, the merge with curated statements, file writes, the report) is in
:mod:`cartkg.importing`; this package is the ClinicalTrials.gov source on top of it.
"""

from cartkg.ctgov.importer import import_paths, read_paths
from cartkg.ctgov.mapping import map_record
from cartkg.ctgov.record import RecordError
from cartkg.importing.context import Context
from cartkg.importing.report import ImportReport, Outcome, Problem
from cartkg.importing.trials import Importer

__all__ = [
    "Context",
    "ImportReport",
    "Importer",
    "Outcome",
    "Problem",
    "RecordError",
    "import_paths",
    "map_record",
    "read_paths",
]
