"""Real return files for the ingest tests, made from the product's own templates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from loaders.reference import Reference
from loaders.template import Fill, MeasureFill, write_template

FIGURES = {"arrests": 32, "vehicles_recovered": 9, "value_recovered_gbp": 120000, "warrants": 7}


def force_return(path: Path, ref: Reference, figures: dict[str, Any] | None = None, *,
                 force: str = "south-yorkshire", operation: str = "OA2025",
                 as_of: date = date(2025, 10, 27), contact: str | None = None) -> Path:
    """A force return made from the template, with each figure given as its total."""
    figures = FIGURES if figures is None else figures
    fill = Fill(data_as_of=as_of, operation=operation, force=force, contact=contact,
                values={code: MeasureFill(total=value) for code, value in figures.items()})
    return write_template(path, "force-return", ref, fill=fill)
