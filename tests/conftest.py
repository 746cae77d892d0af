"""Shared fixtures: the PostgreSQL server (session) and real dbt projects per adapter."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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


@pytest.fixture
def new_project(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., DbtProject]:
    """Factory: ``new_project(adapter, template="shop")`` -> a deps-installed dbt project."""

    def factory(adapter: str, template: str = "shop", deps: bool = True) -> DbtProject:
        server = request.getfixturevalue("pg") if adapter == "postgres" else None
        root = tmp_path / f"{adapter}-{template}"
        n = 0
        while root.exists():
            n += 1
            root = tmp_path / f"{adapter}-{template}-{n}"
        return make_project(root, adapter, template, server, deps=deps)

    return factory
