"""What every importer shares: the triple model and canonical Turtle writer, the look-up context
(vocabularies, products, organisations, the MONDO condition table), the merge of imported with
hand-curated statements and the ownership mark of imported nodes, atomic file writes, and the
report of what was imported and skipped.

- :mod:`cartkg.importing.turtle`: a small triple model and the fast canonical Turtle writer;
- :mod:`cartkg.importing.terms`: the namespaces importers write, and literal helpers;
- :mod:`cartkg.importing.context`: names to IRIs (concepts, countries, drugs, products,
  organisations, conditions);
- :mod:`cartkg.importing.merge`: which nodes an import owns, how a new import meets the file
  already there, and what changed between two imports;
- :mod:`cartkg.importing.files`: reading and atomically writing the files of a data folder;
- :mod:`cartkg.importing.report`: problems, outcomes and the run's report;
- :mod:`cartkg.importing.trials`: the trial-record importer, which runs a source's records
  through its mapper, merges them with the files there and writes what changed.

The importers themselves: :mod:`cartkg.ctgov` (API v2 records) and :mod:`cartkg.snapshot`
(daily registry captures of a third-party monitor).
"""
