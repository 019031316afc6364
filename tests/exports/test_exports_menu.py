"""The export menu on a page: download buttons appear for exporters, not for viewers."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = '''
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.charts.style import ChartSpec
from metrics.scope import Filters
from store.connection import data_version
from ui.connection import cursor
from ui.export_menu import briefing_pack, export_chart, export_table
from ui.auth import User
from ui.shell import PageContext


con = cursor()
role = "viewer" if st.query_params.get("viewer") else "briefing"
person = User(name="someone", role=role, operations=frozenset({"OA2025"}))
ctx = PageContext(con=con, filters=Filters(operation="OA2025", as_at=date(2026, 3, 2)),
                  version=data_version(con), illustrative=True,
                  operation_name="Operation Alliances 2025", user=person)
spec = ChartSpec(go.Figure(go.Bar(x=["a"], y=[1])), "T", "S", "Source", "Alt",
                 pd.DataFrame({"a": [1]}), name="test-chart")
export_chart(spec, ctx, key="c")
export_table(pd.DataFrame({"note": ["=1"]}), ctx, "Notes", key="t")
briefing_pack(ctx, key="b")
'''


def _app(tmp_path: Path) -> AppTest:
    page = tmp_path / "export_page.py"
    page.write_text(PAGE)
    return AppTest.from_file(str(page), default_timeout=60)


def test_exporter_sees_every_download(demo_db: Path, tmp_path: Path) -> None:
    """Five chart files, two table files, two pack formats and the ministerial note are
    offered, without error."""
    at = _app(tmp_path).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 10
    names = [b.proto.label for b in buttons]
    assert "Briefing pack (PowerPoint)" in names and "Table (Excel)" in names
    assert "Ministerial note (Word)" in names


def test_viewer_without_export_role_gets_no_buttons(demo_db: Path, tmp_path: Path) -> None:
    """A context that may not export shows why, and offers nothing to download."""
    at = _app(tmp_path)
    at.query_params["viewer"] = "1"
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) == 0
    assert any("needs the briefing (export) role" in c.value for c in at.caption)
