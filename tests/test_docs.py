"""The README a newcomer reads agrees with the code: the two commands, the pages, the metrics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metrics.registry import METRICS, markdown_table
from ui.shell import PAGES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def metrics_table_names(text: str) -> set[str]:
    """Metric names in the first column of the README's metrics table (``| `name` | …``),
    which is the table under the '## Metrics' heading (other tables name roles and so on)."""
    section = text.split("\n## Metrics", 1)[-1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


@pytest.mark.parametrize("command", ["make run", "make test"])
def test_readme_gives_the_two_commands(command: str) -> None:
    """The README tells a newcomer how to run the app and the tests."""
    assert f"`{command}`" in README or f"{command} " in README


@pytest.mark.parametrize("command", ["run", "test"])
def test_makefile_has_the_readme_commands(command: str) -> None:
    """Each command the README gives is a target in the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{command}:", makefile, flags=re.MULTILINE)


@pytest.mark.parametrize("path", [p for p, _, _ in PAGES], ids=[label for _, label, _ in PAGES])
def test_every_menu_page_exists(path: str) -> None:
    """Every page in the shell's menu is a file in the repository."""
    assert (ROOT / path).is_file(), f"{path} is in ui/shell.PAGES but not in the repository"


def test_readme_lists_every_metric() -> None:
    """Every metric in the registry has a row in the README's metrics table."""
    missing = sorted(set(METRICS) - metrics_table_names(README))
    assert not missing, (f"README.md's metrics table lacks {missing}: paste the output of "
                         "`python -m metrics list --markdown` into it")


def test_readme_lists_no_unknown_metric() -> None:
    """The README's metrics table names no metric the registry has dropped."""
    extra = sorted(metrics_table_names(README) - set(METRICS))
    assert not extra, f"README.md lists metrics the registry does not have: {extra}"


def test_metrics_table_reader_finds_the_registry_table() -> None:
    """The table reader above finds every name in the registry's own Markdown table."""
    assert metrics_table_names(markdown_table()) == set(METRICS)
    with_roles = f"Intro\n## Metrics\n{markdown_table()}\n## Roles\n| `admin` | Admin |\n"
    assert metrics_table_names(with_roles) == set(METRICS)
