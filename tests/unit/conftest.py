"""Unit-test session hooks: the summary says how large the diff case tables are."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the number of cases in ``tests/unit/cases/*.yaml`` when they were collected."""
    from tests.unit.test_cases import case_count

    if not any("test_cases.py" in str(i.nodeid) for i in terminalreporter.stats.get("passed", [])):
        return
    cases, runs = case_count()
    terminalreporter.write_line(f"diff case tables: {cases} cases, {runs} runs (one per mode)")
