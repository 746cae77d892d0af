"""dbt model versions in the pure core: which version continues a model, who uses which."""

from __future__ import annotations

from typing import Any

import pytest

from tessera_dbt.core.extract import Project, extract_project
from tessera_dbt.core.gate import PublishedVersion, Registration, RegistryView, decide
from tessera_dbt.core.versions import (
    KnownAsset,
    model_id,
    successions,
    version_of,
    versions_snippet,
    with_model_versions,
)


def _node(name: str, version: int | None, latest: int | None, **extra: Any) -> dict[str, Any]:
    uid = f"model.shop.{name}" + (f".v{version}" if version is not None else "")
    return {
        "unique_id": uid,
        "resource_type": "model",
        "name": name,
        "package_name": "shop",
        "version": version,
        "latest_version": latest,
        "config": {"contract": {"enforced": True}, "materialized": "table"},
        "columns": {"id": {"name": "id", "data_type": "integer"}},
        "relation_name": extra.pop("relation", f'"db"."main"."{name}_v{version}"'),
        "original_file_path": extra.pop("path", f"models/{name}_v{version}.sql"),
        **extra,
    }


def _project(*nodes: dict[str, Any]) -> Project:
    return extract_project(
        {"metadata": {"project_name": "shop"}, "nodes": {n["unique_id"]: n for n in nodes}}
    )


OLD = KnownAsset("model.shop.orders", "shop", '"db"."main"."orders"', None, None, has_history=True)


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        pytest.param(
            [
                _node("orders", 1, 1, relation='"db"."main"."orders"'),
                _node("orders", 2, 1),
            ],
            ("model.shop.orders.v1", "builds the same relation"),
            id="same-relation",
        ),
        pytest.param(
            [_node("orders", 1, 1, path="models/orders.sql"), _node("orders", 2, 1)],
            ("model.shop.orders.v1", "is defined in the model's file (defined_in)"),
            id="defined-in",
        ),
        pytest.param([_node("orders", 1, 1), _node("orders", 2, 1)], None, id="neither"),
    ],
)
def test_which_version_continues_the_model(
    nodes: list[dict[str, Any]], expected: tuple[str, str] | None
) -> None:
    found = successions(_project(*nodes), {OLD.asset_id: OLD})
    if expected is None:
        assert found == {}
    else:
        s = found["model.shop.orders"]
        assert (s.new_asset_id, s.reason) == expected


def test_no_continuation_without_history_or_while_unversioned() -> None:
    nodes = [_node("orders", 1, 1, relation='"db"."main"."orders"')]
    no_history = KnownAsset("model.shop.orders", "shop", '"db"."main"."orders"')
    assert successions(_project(*nodes), {no_history.asset_id: no_history}) == {}
    other = KnownAsset("model.shop.orders", "other", '"db"."main"."orders"', has_history=True)
    assert successions(_project(*nodes), {other.asset_id: other}) == {}


def test_ids() -> None:
    assert model_id("model.shop.orders.v2") == "model.shop.orders"
    assert model_id("model.shop.orders") == "model.shop.orders"
    assert version_of("model.shop.orders.v2") == "2"
    assert version_of("model.shop.orders") is None
    assert "defined_in: orders" in versions_snippet("orders", None)
    assert "- v: 3" in versions_snippet("orders", "2")


def _view(regs: list[Registration], **versions: list[PublishedVersion]) -> RegistryView:
    return RegistryView(
        versions={k.replace("_", "."): v for k, v in versions.items()},
        registrations={"model.shop.orders": regs},
    )


def test_registrations_on_the_model_follow_latest_unless_pinned() -> None:
    project = _project(_node("orders", 1, 2), _node("orders", 2, 2))
    regs = [
        Registration("growth"),
        Registration("finance", model_version="1"),
    ]
    view = with_model_versions(_view(regs), project, {}, {})
    assert [r.team for r in view.registrations["model.shop.orders.v2"]] == ["growth"]
    assert [r.team for r in view.registrations["model.shop.orders.v1"]] == ["finance"]


def test_removing_the_version_consumers_use_blocks_until_its_deprecation_date() -> None:
    project = _project(_node("orders", 2, 2))
    known = {
        "model.shop.orders.v1": KnownAsset(
            "model.shop.orders.v1", "shop", None, "1", "1", has_history=True
        )
    }
    published = [PublishedVersion("1.0.0", {}, {}, "fp")]
    view = RegistryView(
        versions={"model.shop.orders.v1": published},
        registrations={"model.shop.orders": [Registration("growth")]},
        known_assets={"model.shop.orders.v1": "2099-01-01"},
    )
    removed = {"model.shop.orders.v1": "deleted or renamed"}
    result = decide(
        [], with_model_versions(view, project, known, {}), removed=removed, today="2026-01-01"
    )
    assert [(d.name, d.verdict, d.pending_teams) for d in result.decisions] == [
        ("orders.v1", "blocked", ["growth"])
    ]
    past = RegistryView(
        versions=view.versions,
        registrations=view.registrations,
        known_assets={"model.shop.orders.v1": "2020-01-01"},
    )
    result = decide(
        [], with_model_versions(past, project, known, {}), removed=removed, today="2026-01-01"
    )
    assert [d.verdict for d in result.decisions] == ["retired"]


def test_a_changed_owner_is_told() -> None:
    from tessera_dbt.plugin.evaluation import owner_changes
    from tessera_dbt.plugin.registry import AssetRecord, RegistryState

    node = _node("orders", None, None)
    node["config"]["meta"] = {"tessera": {"owner": "payments"}}
    project = _project(node)
    state = RegistryState(
        assets={"model.shop.orders": AssetRecord("model.shop.orders", owner_team="core-data")}
    )
    [line] = owner_changes(project, state)
    assert "owner of orders changes from core-data to payments" in line
    same = RegistryState(
        assets={"model.shop.orders": AssetRecord("model.shop.orders", owner_team="payments")}
    )
    assert owner_changes(project, same) == []
