"""Table-driven diff + policy cases from ``tests/unit/cases/*.yaml``.

Each case has ``name``, ``old``, ``new`` (bare JSON Schemas or contract documents),
``kinds`` (the expected change kinds, as a multiset) and a verdict, either:

- ``breaks: [backward, full]``: the base modes under which the change is breaking; the
  case then runs once per compatibility mode (the ``_transitive`` modes, given one pair,
  mean their base mode), or
- ``mode: forward`` with ``breaking: true``: one mode only.

Optional: ``guarantee_mode`` (default notify), ``bump`` (the bump when *not* breaking; a
breaking verdict always means major), ``paths`` (expected change paths, as a multiset),
``columns`` (expected top-level columns touched), ``effects`` (kind → effect), ``says``
(texts that some message contains), ``never_says`` (texts that no message contains).

The session summary prints how many cases the tables hold (``conftest.py``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tessera_dbt.core.contract import MODES
from tessera_dbt.core.diff import KINDS, diff_documents
from tessera_dbt.core.policy import base_mode, evaluate

CASES_DIR = Path(__file__).parent / "cases"
_CASE_KEYS = {
    "name",
    "old",
    "new",
    "kinds",
    "breaks",
    "mode",
    "breaking",
    "guarantee_mode",
    "bump",
    "paths",
    "columns",
    "effects",
    "says",
    "never_says",
}


def _load_cases() -> list[Any]:
    params: list[Any] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            unknown = set(case) - _CASE_KEYS
            assert not unknown, f"{path.name}: {case.get('name')}: unknown keys {unknown}"
            if "breaks" in case:
                for mode in MODES:
                    expected = base_mode(mode) in case["breaks"]
                    params.append(
                        pytest.param(case, mode, expected, id=f"{path.stem}:{case['name']}[{mode}]")
                    )
            else:
                params.append(
                    pytest.param(
                        case,
                        case["mode"],
                        bool(case["breaking"]),
                        id=f"{path.stem}:{case['name']}[{case['mode']}]",
                    )
                )
    return params


CASES = _load_cases()


def case_count() -> tuple[int, int]:
    """``(cases in the tables, parametrized runs)``."""
    return len({id(p.values[0]) for p in CASES}), len(CASES)


def test_there_are_enough_cases() -> None:
    cases, runs = case_count()
    assert cases >= 230 and runs >= 1600


def test_every_kind_is_covered() -> None:
    covered = {kind for param in CASES for kind in param.values[0]["kinds"]}
    assert set(KINDS) - covered == set()
    assert covered - set(KINDS) == set()


@pytest.mark.parametrize(("case", "mode", "breaking"), CASES)
def test_case(case: dict[str, Any], mode: str, breaking: bool) -> None:
    changes = diff_documents(case["old"], case["new"])
    assert Counter(c.kind for c in changes) == Counter(case["kinds"]), [c.message for c in changes]
    result = evaluate(changes, mode, case.get("guarantee_mode", "notify"))
    assert result.breaking is breaking, [(j.change.kind, j.severity) for j in result.changes]
    if "bump" in case:
        assert result.bump == ("major" if breaking else case["bump"])
    if "paths" in case:
        assert Counter(c.path for c in changes) == Counter(case["paths"])
    if "columns" in case:
        assert Counter(c.column for c in changes) == Counter(case["columns"])
    for kind, effect in (case.get("effects") or {}).items():
        assert {c.effect for c in changes if c.kind == kind} == {effect}
    messages = [c.message for c in changes]
    for text in case.get("says") or ():
        assert any(text in m for m in messages), (text, messages)
    for text in case.get("never_says") or ():
        assert not any(text in m for m in messages), (text, messages)
    for c in changes:
        # "" is the whole document (a root schema that became false)
        assert c.message and (c.path == "" or c.path.startswith("/")) and c.kind in KINDS


def test_every_kind_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "compatibility.md").read_text()
    assert [kind for kind in KINDS if f"`{kind}`" not in doc] == []
