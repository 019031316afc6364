"""loaders/ in rooms: each room imports only the rooms before it, so imports run one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADERS = ROOT / "loaders"
# Lowest first. A room may import itself and the rooms before it, never a room after it.
ROOMS = ("returns", "reference", "safety", "ingest", "templates", "demo")
# The command line sits above every room; the package's own __init__ holds nothing to import.
ABOVE_THE_ROOMS = ("__main__.py",)
# What loaders may import besides itself (DESIGN: loaders import the store, never the rooms
# downstream of it, and never Streamlit).
DOWNSTREAM = ("ui", "pages", "metrics", "exports", "dashboard", "serve", "streamlit")
MODULE_NAME = re.compile(r"loaders(\.\w+)+")


def _package_of(path: Path) -> str:
    return ".".join(path.parent.relative_to(ROOT).parts)


def imported_names(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module name) for every import in ``source``, a module of ``package``.

    ``from loaders.returns import cells`` counts as ``loaders.returns.cells``; relative imports
    are resolved; a string that is a whole ``loaders.…`` module name (an ``importlib`` name, the
    sandbox's preload list) counts as an import too.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and MODULE_NAME.fullmatch(node.value)):
            found.append((node.lineno, node.value))
    return found


def _room(name: str) -> str | None:
    """The room a ``loaders.…`` name belongs to; None for anything outside loaders."""
    parts = name.split(".")
    if parts[0] != "loaders":
        return None
    return parts[1] if len(parts) > 1 else ""


def wrong_way(source: str, package: str) -> list[str]:
    """Each import in ``source``, a module of ``package``, that breaks the order of rooms."""
    home = _room(package)
    problems = []
    for line, name in imported_names(source, package):
        room = _room(name)
        if room is None:
            if name.split(".")[0] in DOWNSTREAM:
                problems.append(f"line {line}: {name} is downstream of loaders")
            continue
        if home in ROOMS and room not in ROOMS:
            problems.append(f"line {line}: {name} is in no room (rooms: {', '.join(ROOMS)})")
        elif home in ROOMS and ROOMS.index(room) > ROOMS.index(home):
            problems.append(f"line {line}: {name} is in '{room}', which comes after '{home}'")
    return problems


def _sources() -> list[Path]:
    return sorted(LOADERS.rglob("*.py"))


def test_every_loaders_module_sits_in_a_declared_room() -> None:
    """A module straight in loaders/ (besides __init__ and __main__) or in an undeclared folder
    has no place in the order, so it must be put in a room or its room added to ROOMS."""
    astray = [str(p.relative_to(ROOT)) for p in _sources()
              if p.parent == LOADERS and p.name not in ("__init__.py", *ABOVE_THE_ROOMS)
              or p.parent != LOADERS and p.relative_to(LOADERS).parts[0] not in ROOMS]
    assert astray == []


def test_every_declared_room_is_a_package() -> None:
    """Each room named in ROOMS is a folder of loaders/ with an __init__.py."""
    assert [room for room in ROOMS if not (LOADERS / room / "__init__.py").is_file()] == []


def test_rooms_import_only_the_rooms_before_them() -> None:
    """No module of a room imports (or names for importlib) a module of a later room."""
    problems = []
    for path in _sources():
        problems += [f"{path.relative_to(ROOT)} {p}"
                     for p in wrong_way(path.read_text(encoding="utf-8"), _package_of(path))]
    assert problems == []


def test_the_order_check_catches_an_import_from_a_later_room() -> None:
    """A parser importing ingest, by any spelling, is reported: the check above can fail."""
    spellings = ("from loaders.ingest.upload import ingest_bytes\n",
                 "import loaders.templates.build\n",
                 "from loaders.demo import build\n",
                 "from ..ingest import changes\n",
                 "NAMES = ['loaders.ingest.upload']\n")
    for source in spellings:
        assert len(wrong_way(source, "loaders.returns")) == 1, source


def test_the_order_check_allows_the_same_and_earlier_rooms() -> None:
    """Ingest importing parsers, safety and itself is the order working as declared."""
    source = ("from loaders.returns.issues import Issue\nfrom loaders.safety import guards\n"
              "from .changes import removals\nimport store.audit\n")
    assert wrong_way(source, "loaders.ingest") == []


def test_the_order_check_refuses_downstream_imports() -> None:
    """A loaders module that imports Streamlit or a downstream room is reported."""
    assert len(wrong_way("import streamlit as st\nfrom metrics import registry\n",
                         "loaders.ingest")) == 2


def test_readme_names_the_rooms_in_order() -> None:
    """The README's "Inside loaders/" note lists the rooms in the order the check enforces."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    note = readme.split("## Inside loaders/", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `loaders/(\w+)/` \|", note, flags=re.M)
    assert rows == list(ROOMS)
