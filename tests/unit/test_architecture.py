"""The rooms and their one-way doors (docs/architecture.md), checked on every import.

The core (`wijkveiligheid`) imports none of the rooms around it; `bot` (what Rasa loads),
`actions` (rasa-sdk adapters) and `staff` (the staff page) import the core and not each
other; `servers` (runner and demo website) starts them but imports none of their code;
and nothing outside `tests` imports `tests`.
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("wijkveiligheid", "bot", "actions", "staff", "servers", "scripts", "migrations",
         "rasa_sdk_plugins", "tests")

# Which rooms each room may import besides itself.
ALLOWED: Dict[str, Set[str]] = {
    "wijkveiligheid": set(),
    "bot": {"wijkveiligheid"},
    "actions": {"wijkveiligheid"},
    "staff": {"wijkveiligheid"},
    "servers": {"wijkveiligheid"},
    "rasa_sdk_plugins": {"actions"},
    "migrations": {"wijkveiligheid", "staff"},
    "scripts": {"wijkveiligheid", "bot", "servers", "scripts"},
    "tests": set(ROOMS),
}


def imported_rooms(path: Path) -> Set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in ROOMS)
    return found


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_through_its_doors(room):
    wrong = {}
    for path in sorted((ROOT / room).rglob("*.py")):
        if ".venv" in path.parts:
            continue
        bad = imported_rooms(path) - ALLOWED[room] - {room}
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert not wrong, f"imports against the architecture: {wrong}"


def test_the_check_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from staff.models import StaffUser\nimport tests.conftest\n")
    assert imported_rooms(sample) == {"staff", "tests"}
