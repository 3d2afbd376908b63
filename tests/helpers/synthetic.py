"""The synthetic benchmark generator (benchmarks/generate.py) and the size the tests use."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from helpers.project import REPO

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def load_generator() -> ModuleType:
    path = REPO / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("cartkg_benchmark_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


generator = load_generator()
# the curated core copied into every synthetic project grows with curation: leave room beside it
TRIPLES = generator.smallest_size() + 2000
