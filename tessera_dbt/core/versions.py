"""dbt model versions: one model, one contract lineage per dbt version.

Pure: imports nothing from dbt. A versioned model's dbt versions are assets of their own
(``model.shop.orders.v1``, ``model.shop.orders.v2``: each its own contract history), under one
*model* whose id is the unique_id without the version (``model.shop.orders``, which is also
the asset id the model had before it was versioned). Three rules follow:

- **Continuation.** When a model becomes versioned, the version that stands where the old
  asset stood (it builds the same relation, or it is ``defined_in`` the model's old file)
  continues the old asset: it starts from the old asset's history and keeps its
  registrations. The old asset id is not "deleted or renamed".
- **Registrations on a model.** A manual registration on a versioned model is stored on the
  model id. It follows the model's ``latest_version``, unless it pins one dbt version
  (``model_version``); a registration derived from a ref is on the exact version dbt resolved.
- **Removing a version.** A dbt version that leaves the project is removed like a model:
  blocking while consumers use it (registrations on it, registrations pinned to it, and the
  model's unpinned registrations when it was the latest version), retired past its
  ``deprecation_date``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the gate imports this module for its messages
    from tessera_dbt.core.extract import Asset, Project
    from tessera_dbt.core.gate import Registration, RegistryView

__all__ = [
    "KnownAsset",
    "Succession",
    "model_id",
    "successions",
    "version_of",
    "versions_snippet",
    "with_model_versions",
]


def model_id(asset_id: str) -> str:
    """The model an asset belongs to: ``model.shop.orders.v2`` -> ``model.shop.orders``."""
    parts = asset_id.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 and parts[0] == "model" else asset_id


def version_of(asset_id: str) -> str | None:
    """The dbt version in an asset id (``model.shop.orders.v2`` -> ``2``), else None."""
    parts = asset_id.split(".")
    if len(parts) > 3 and parts[0] == "model":
        tail = ".".join(parts[3:])
        return tail[1:] if tail.startswith("v") else tail
    return None


@dataclass(frozen=True)
class KnownAsset:
    """What the registry remembers of an asset (a projection of its ``tessera_assets`` row)."""

    asset_id: str
    project_name: str | None = None
    relation_name: str | None = None
    model_version: str | None = None
    latest_version: str | None = None
    has_history: bool = False


@dataclass(frozen=True)
class Succession:
    """A dbt version continuing the asset its model was before it was versioned."""

    old_asset_id: str
    new_asset_id: str
    reason: str  # why this version is the one that continues

    def as_row(self) -> dict[str, str]:
        """The row handed to ``tessera.continue_assets``."""
        return {"old": self.old_asset_id, "new": self.new_asset_id, "reason": self.reason}


def _relation_key(name: str | None) -> str | None:
    return name.replace('"', "").replace("`", "").lower() if name else None


def _defined_in_model_file(asset: Asset) -> bool:
    path = asset.original_file_path or ""
    return PurePosixPath(path.replace("\\", "/")).stem == asset.name


def successions(project: Project, known: Mapping[str, KnownAsset]) -> dict[str, Succession]:
    """For each model that became versioned, the version continuing its old asset.

    Keyed by the old (unversioned) asset id. The old asset must be live in the registry,
    belong to this project, have a published history, and no longer be an asset of the
    project; the continuing version builds the old relation, else is defined in the
    model's old file (``defined_in``). A version that already has a history of its own
    continues nothing.
    """
    out: dict[str, Succession] = {}
    by_model: dict[str, list[Asset]] = {}
    for asset in project.assets.values():
        if asset.version is not None:
            by_model.setdefault(model_id(asset.asset_id), []).append(asset)
    for old_id, versions in by_model.items():
        old = known.get(old_id)
        if old is None or old.model_version is not None or not old.has_history:
            continue
        if old_id in project.assets:
            continue
        if old.project_name and project.project_name and old.project_name != project.project_name:
            continue
        fresh = [
            a for a in versions if not (known.get(a.asset_id) and known[a.asset_id].has_history)
        ]
        ordered = sorted(fresh, key=lambda a: a.asset_id)
        relation = _relation_key(old.relation_name)
        same_relation = [
            a for a in ordered if relation and _relation_key(a.relation_name) == relation
        ]
        if len(same_relation) == 1:
            out[old_id] = Succession(old_id, same_relation[0].asset_id, "builds the same relation")
            continue
        in_file = [a for a in ordered if _defined_in_model_file(a)]
        if len(in_file) == 1:
            out[old_id] = Succession(
                old_id, in_file[0].asset_id, "is defined in the model's file (defined_in)"
            )
    return out


def _uses(reg: Registration, version: str, latest: str | None) -> bool:
    if reg.model_version is not None:
        return str(reg.model_version) == version
    return latest is not None and version == latest


def with_model_versions(
    view: RegistryView,
    project: Project,
    known: Mapping[str, KnownAsset],
    succession: Mapping[str, Succession],
) -> RegistryView:
    """The registry as the gate must see it once model versions are taken into account.

    A continuing version starts from its old asset's history; each dbt version (of the
    project, or known to the registry and gone) also counts the registrations on its model
    that use it (pinned to it, or unpinned while it is the latest version: the project's
    ``latest_version`` for versions it has, the registry's for versions that left).
    """
    versions = dict(view.versions)
    for s in succession.values():
        if not versions.get(s.new_asset_id) and versions.get(s.old_asset_id):
            versions[s.new_asset_id] = versions[s.old_asset_id]
    latest: dict[str, str | None] = {}
    for asset_id, record in known.items():
        if record.model_version is not None:
            latest[asset_id] = record.latest_version
    for asset in project.assets.values():
        if asset.version is not None:
            latest[asset.asset_id] = asset.latest_version
    registrations: dict[str, list[Registration]] = {
        k: list(v) for k, v in view.registrations.items()
    }
    for asset_id, latest_version in latest.items():
        version = version_of(asset_id)
        if version is None:
            continue
        model_regs: Sequence[Registration] = view.registrations.get(model_id(asset_id), ())
        extra = [r for r in model_regs if _uses(r, version, latest_version)]
        if extra:
            registrations.setdefault(asset_id, []).extend(extra)
    known_assets = {k: v for k, v in view.known_assets.items() if k not in succession}
    return replace(view, versions=versions, registrations=registrations, known_assets=known_assets)


def versions_snippet(name: str, latest: str | None) -> str:
    """The ``versions:`` block that ships a breaking change as a new dbt version of ``name``.

    ``latest`` is the model's current latest version (None for an unversioned model, whose
    current definition becomes v1 on the same relation).
    """
    if latest is None:
        return (
            f"  - name: {name}\n"
            "    latest_version: 1\n"
            "    versions:\n"
            f"      - v: 1\n"
            f"        defined_in: {name}\n"
            f"        config: {{alias: {name}}}\n"
            "        deprecation_date: <the date consumers must have moved by>\n"
            "      - v: 2   # the new definition, in models/.../" + name + "_v2.sql\n"
        )
    try:
        nxt = str(int(latest) + 1)
    except ValueError:
        nxt = f"{latest}_next"
    return (
        f"  - name: {name}\n"
        f"    latest_version: {latest}\n"
        "    versions:\n"
        f"      - v: {latest}\n"
        "        deprecation_date: <the date consumers must have moved by>\n"
        f"      - v: {nxt}   # the new definition, in models/.../{name}_v{nxt}.sql\n"
    )
