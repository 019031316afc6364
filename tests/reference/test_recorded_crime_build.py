"""The committed recorded_crime.csv is what the maintenance script makes from the ONS file."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from store.settings import REFERENCE_DIR


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_recorded_crime", REFERENCE_DIR / "build_recorded_crime.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_file_matches_a_rebuild() -> None:
    """Rebuilding from the original ONS table gives exactly the committed rows."""
    script = _script()
    source = Path(script.DEFAULT_SOURCE)
    if not source.exists():
        pytest.skip(f"the original ONS table is not on this machine ({source})")
    committed = pd.read_csv(REFERENCE_DIR / "recorded_crime.csv")
    rebuilt = script.build(source)
    assert len(rebuilt) == 43
    pd.testing.assert_frame_equal(rebuilt, committed, check_dtype=False)
