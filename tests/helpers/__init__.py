"""What the tests share, apart from the fixtures in conftest.py:

- :mod:`helpers.project`: the repository's paths, scratch copies of the project, files
  written into them;
- :mod:`helpers.servers`: Oxigraph and small HTTP servers on 127.0.0.1, and result order;
- :mod:`helpers.virtuoso`: a Virtuoso server of the test's own;
- :mod:`helpers.golden`: the fixture graph and the golden cases of the stored queries;
- :mod:`helpers.synthetic`: the benchmark generator and the size the tests use;
- :mod:`helpers.builds`: a trial that breaks a build, and the trial rows of a store.
"""
