"""Shared fixtures: the PostgreSQL server (session) and real dbt projects per adapter.

``new_project`` makes a project for one test; ``module_project`` one for a whole module (a
scenario whose numbered steps are separate tests). A module marked ``steps`` runs its tests
as the consecutive steps of one scenario: once a step fails, the later steps of the same
scenario (same module, same parameters) are skipped, naming the step that failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest

from tests.harness import (
    DbtProject,
    PostgresServer,
    PostgresUnavailable,
    make_project,
    postgres_server,
)

ADAPTERS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for the whole session.

    Without PostgreSQL binaries the tests skip with the reason, except under CI=true where
    that is a failure.
    """
    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required under CI=true: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on DuckDB and once on PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="module", params=ADAPTERS)
def module_adapter(request: pytest.FixtureRequest) -> str:
    """Like ``adapter``, for module-scoped fixtures: the module's tests run on DuckDB, then
    on PostgreSQL."""
    return str(request.param)


def _project_factory(base: Path, request: pytest.FixtureRequest) -> Callable[..., DbtProject]:
    def factory(adapter: str, template: str = "shop", deps: bool = True) -> DbtProject:
        server = request.getfixturevalue("pg") if adapter == "postgres" else None
        name = f"{adapter}-{template.replace('/', '-')}"
        root = base / name
        n = 0
        while root.exists():
            n += 1
            root = base / f"{name}-{n}"
        return make_project(root, adapter, template, server, deps=deps)

    return factory


@pytest.fixture
def new_project(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., DbtProject]:
    """Factory: ``new_project(adapter, template="shop")`` -> a deps-installed dbt project."""
    return _project_factory(tmp_path, request)


@pytest.fixture(scope="module")
def module_project(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Callable[..., DbtProject]:
    """``new_project`` for module-scoped fixtures (the projects live as long as the module)."""
    return _project_factory(tmp_path_factory.mktemp("module"), request)


# -- consecutive steps ----------------------------------------------------------------------
_FAILED_STEP = pytest.StashKey[dict[tuple[str, str], str]]()


def _scenario_key(item: pytest.Item) -> tuple[str, str]:
    callspec = getattr(item, "callspec", None)
    return (item.nodeid.split("::", 1)[0], callspec.id if callspec is not None else "")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a step whose scenario already failed, saying which step failed."""
    if item.get_closest_marker("steps") is None:
        return
    failed = item.session.stash.setdefault(_FAILED_STEP, {}).get(_scenario_key(item))
    if failed is not None:
        pytest.skip(f"not run: the earlier step {failed} failed, and this step builds on it")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember the first failing step of a scenario (its set-up or its body)."""
    report = yield
    if item.get_closest_marker("steps") is not None and report.failed:
        name = item.name.split("[", 1)[0]
        item.session.stash.setdefault(_FAILED_STEP, {}).setdefault(_scenario_key(item), name)
    return report
