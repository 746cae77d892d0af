"""An asset is also known by its relation (renamed projects and models)."""

from __future__ import annotations

from typing import Any

from tessera_dbt.core.extract import extract_project
from tessera_dbt.core.gate import ProposalView, PublishedVersion, Registration, RegistryView
from tessera_dbt.core.renames import (
    relation_successions,
    renamed_projects,
    with_relation_successions,
)
from tessera_dbt.core.versions import KnownAsset

REL = '"wh"."main"."orders"'


def _project(name: str, relation: str = REL) -> Any:
    node = {
        "unique_id": f"model.{name}.orders",
        "resource_type": "model",
        "name": "orders",
        "package_name": name,
        "config": {"contract": {"enforced": True}, "materialized": "table", "meta": {}},
        "columns": {"id": {"name": "id", "data_type": "integer"}},
        "relation_name": relation,
    }
    manifest = {"metadata": {"project_name": name}, "nodes": {node["unique_id"]: node}}
    return extract_project(manifest)


def test_a_new_asset_on_a_registered_relation_continues_it() -> None:
    known = {
        "model.gate.orders": KnownAsset("model.gate.orders", "gate", REL.upper(), None, None, True)
    }
    project = _project("shop")
    found = relation_successions(project, known)
    assert list(found) == ["model.gate.orders"]
    assert found["model.gate.orders"].new_asset_id == "model.shop.orders"
    assert "project gate is now shop" in found["model.gate.orders"].reason
    assert renamed_projects(found, known, project) == {"gate"}
    view = RegistryView(
        {"model.gate.orders": [PublishedVersion("1.0.0", {}, {}, "f")]},
        {"model.gate.orders": [Registration("growth")]},
        {"model.gate.orders": [ProposalView("p", "model.gate.orders", "pending", "x", "1.0.0")]},
        {"model.gate.orders": None},
    )
    moved = with_relation_successions(view, found)
    assert [r.team for r in moved.registrations["model.shop.orders"]] == ["growth"]
    assert moved.proposals["model.shop.orders"][0].asset_id == "model.shop.orders"
    assert moved.history("model.shop.orders")[0].version == "1.0.0"
    assert "model.gate.orders" not in moved.known_assets


def test_no_continuation_without_history_or_on_another_relation() -> None:
    known = {"model.gate.orders": KnownAsset("model.gate.orders", "gate", REL, None, None, False)}
    assert relation_successions(_project("shop"), known) == {}
    known = {"model.gate.orders": KnownAsset("model.gate.orders", "gate", REL, None, None, True)}
    assert relation_successions(_project("shop", '"wh"."main"."other"'), known) == {}
