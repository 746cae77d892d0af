"""An asset is also known by its relation: renamed projects and models keep their history.

Pure. Renaming the dbt project (or a model, keeping its alias) changes every ``unique_id``,
so without this the registry would see new assets on the same relations and never report
the old ones, with their consumers, as removed. A new asset (no published history) that
builds the relation of a live registered asset the project no longer has continues that
asset: its history, its registrations and its open proposals carry over, so a breaking
change blocks exactly as it would have under the old name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from tessera_dbt.core.extract import Project
from tessera_dbt.core.gate import RegistryView
from tessera_dbt.core.versions import KnownAsset, Succession


def relation_key(name: str | None) -> str | None:
    """A relation name compared without quotes or case (``"db"."main"."orders"``)."""
    return name.replace('"', "").replace("`", "").lower() if name else None


def relation_successions(
    project: Project, known: Mapping[str, KnownAsset], taken: Iterable[str] = ()
) -> dict[str, Succession]:
    """Old asset id -> the project's new asset that builds its relation.

    ``taken``: asset ids (old or new) already in another succession (model versions).
    Only unambiguous pairs count: one old asset and one new asset on the relation.
    """
    skip = set(taken)
    olds: dict[str, list[KnownAsset]] = {}
    for record in known.values():
        key = relation_key(record.relation_name)
        if key is None or not record.has_history or record.asset_id in skip:
            continue
        if record.asset_id in project.assets or record.asset_id in project.disabled:
            continue  # still in the project (or disabled in it): not a rename
        olds.setdefault(key, []).append(record)
    news: dict[str, list[str]] = {}
    for asset in project.assets.values():
        mine = known.get(asset.asset_id)
        if (mine is not None and mine.has_history) or asset.asset_id in skip:
            continue
        key = relation_key(asset.relation_name)
        if key is not None and key in olds:
            news.setdefault(key, []).append(asset.asset_id)
    out: dict[str, Succession] = {}
    for key, new_ids in sorted(news.items()):
        if len(new_ids) != 1 or len(olds[key]) != 1:
            continue
        old = olds[key][0]
        reason = f"builds the same relation {key}"
        if old.project_name and project.project_name and old.project_name != project.project_name:
            reason += f" (project {old.project_name} is now {project.project_name})"
        out[old.asset_id] = Succession(old.asset_id, new_ids[0], reason)
    return out


def renamed_projects(
    succession: Mapping[str, Succession], known: Mapping[str, KnownAsset], project: Project
) -> set[str]:
    """Projects this one continues (its assets took over their relations)."""
    out: set[str] = set()
    for old_id in succession:
        record = known.get(old_id)
        if record and record.project_name and record.project_name != project.project_name:
            out.add(record.project_name)
    return out


def with_relation_successions(
    view: RegistryView, succession: Mapping[str, Succession]
) -> RegistryView:
    """The registry as the gate sees it once renamed assets continue their old ones."""
    if not succession:
        return view
    versions = dict(view.versions)
    registrations = {k: list(v) for k, v in view.registrations.items()}
    proposals = {k: list(v) for k, v in view.proposals.items()}
    for s in succession.values():
        if not versions.get(s.new_asset_id) and versions.get(s.old_asset_id):
            versions[s.new_asset_id] = versions[s.old_asset_id]
        registrations.setdefault(s.new_asset_id, []).extend(
            view.registrations.get(s.old_asset_id, ())
        )
        proposals.setdefault(s.new_asset_id, []).extend(
            replace(p, asset_id=s.new_asset_id) for p in view.proposals.get(s.old_asset_id, ())
        )
    known_assets = {k: v for k, v in view.known_assets.items() if k not in succession}
    return replace(
        view,
        versions=versions,
        registrations=registrations,
        proposals=proposals,
        known_assets=known_assets,
    )
