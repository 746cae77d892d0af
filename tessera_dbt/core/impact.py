"""``tessera.impact``: who a change to an asset reaches. Pure: imports nothing from dbt.

The evaluation computes this document for the run-operation ``tessera.impact`` (the plugin
runs for it) and records it in the invocation's summary row of ``tessera_checks``; the macro
adds the registry's open proposals and prints it. The downstream graph, the owners and who
is affected are therefore the gate's own rules (``Project.downstream``,
``extract.resolve_owner``, ``gate.affected_teams``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tessera_dbt.core.extract import Project
from tessera_dbt.core.gate import Decision, Registration, affected_by_stored
from tessera_dbt.core.vocab import as_source

NOT_REGISTERED_NOTE = "registers on the next gated build (dbt build/run)"


def downstream(project: Project, asset_id: str) -> list[dict[str, Any]]:
    """Every node downstream of the asset in the project's graph, breadth first, with the
    team owning it (models: their owner; exposures: their team), its depth and the node it
    was reached through."""
    out: list[dict[str, Any]] = []
    for uid, depth, via in project.downstream(asset_id):
        rtype: str | None
        name: str
        package: str | None
        owner: str | None
        node = project.nodes.get(uid)
        exposure = project.exposures.get(uid)
        model = project.models.get(uid)
        if exposure is not None:
            rtype, name, package, owner = (
                "exposure",
                exposure.name,
                exposure.package_name,
                exposure.team,
            )
        elif model is not None:
            rtype, package, owner = "model", model.package_name, model.owner
            name = model.name + (f".v{model.version}" if model.version is not None else "")
        elif node is not None:
            rtype, name, package, owner = node.resource_type, node.name, node.package_name, None
        else:
            rtype, name, package, owner = None, uid, None, None
        out.append(
            {
                "unique_id": uid,
                "resource_type": rtype,
                "name": name,
                "package_name": package,
                "owner": owner,
                "depth": depth,
                "via": via,
                "type": exposure.type if exposure is not None else None,
                "url": exposure.url if exposure is not None else None,
            }
        )
    return out


def impact_report(
    project: Project,
    asset_id: str,
    model_name: str | None,
    owner: str | None,
    consumers: Sequence[Mapping[str, Any]],
    decision: Decision | None,
    proposals: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The ``tessera.impact`` document (without ``registry`` and ``open_proposals``, which
    the macro adds from the registry).

    ``consumers``: the asset's live registrations (team, source, columns, pinned_major,
    source_ref, note, created_at), sorted by team and source; ``decision``: this
    invocation's verdict for the asset, if the project has one; ``proposals``: its open
    proposals, oldest first (proposal_id, status, base_version, next_version, changes,
    answers: team -> latest response).
    """
    nodes = downstream(project, asset_id)
    exposures = [
        {
            "unique_id": d["unique_id"],
            "name": d["name"],
            "type": d["type"],
            "team": d["owner"],
            "url": d["url"],
            "direct": d["depth"] == 1,
        }
        for d in nodes
        if d["resource_type"] == "exposure"
    ]
    found = [{**dict(c), "registered": True} for c in consumers]
    for e in exposures:
        uid = str(e["unique_id"])
        if not (e["direct"] and e["team"] and e["team"] != owner):
            continue
        if uid.split(".")[1:2] != [project.project_name]:
            continue
        if any(c["team"] == e["team"] and c["source"] == "exposure" for c in found):
            continue
        found.append(
            {
                "team": e["team"],
                "source": "exposure",
                "columns": None,
                "pinned_major": None,
                "source_ref": uid,
                "note": NOT_REGISTERED_NOTE,
                "registered": False,
                "created_at": None,
            }
        )
    return {
        "asset_id": asset_id,
        "model": model_name,
        "owner": owner,
        "consumers": found,
        "downstream": nodes,
        "exposures": exposures,
        "change": _change(decision, proposals, found, owner),
    }


def _change(
    decision: Decision | None,
    proposals: Sequence[Mapping[str, Any]],
    consumers: Sequence[Mapping[str, Any]],
    owner: str | None,
) -> dict[str, Any] | None:
    """The project's change now (this invocation's decision), else the newest open proposal."""
    if decision is not None:
        change: dict[str, Any] = {
            "origin": "project",
            "verdict": decision.verdict,
            "base_version": decision.base_version,
            "next_version": decision.next_version if decision.publishable else None,
            "proposal_id": decision.proposal_id,
        }
        changes: Sequence[Mapping[str, Any]] = decision.changes
    elif proposals:
        p = proposals[-1]
        change = {
            "origin": "proposal",
            "verdict": p.get("status"),
            "base_version": p.get("base_version"),
            "next_version": p.get("next_version"),
            "proposal_id": p.get("proposal_id"),
        }
        changes = list(p.get("changes") or [])
    else:
        return None
    breaking = [
        {"kind": c.get("kind"), "column": c.get("column"), "message": c.get("message")}
        for c in changes
        if isinstance(c, Mapping) and c.get("breaking")
    ]
    touched: list[str] = []
    for b in breaking:
        if b["column"] and b["column"] not in touched:
            touched.append(str(b["column"]))
    answers: dict[str, Any] = {}
    for p in proposals:
        if p.get("proposal_id") == change["proposal_id"]:
            answers.update(p.get("answers") or {})
    base = change["base_version"]
    affected, not_affected = [], []
    for c in consumers:
        columns = c.get("columns")
        reg = Registration(
            team=str(c["team"]),
            source=as_source(c["source"]),
            columns=tuple(columns) if columns else None,
            pinned_major=c.get("pinned_major"),
        )
        reason = affected_by_stored(reg, None, changes, base) if breaking else None
        entry = {"team": c["team"], "source": c["source"]}
        if c["team"] == owner:
            not_affected.append({**entry, "why": "owns the model (the owner never has to answer)"})
        elif reason is not None:
            affected.append({**entry, "reason": reason, "response": answers.get(str(c["team"]))})
        elif not breaking:
            not_affected.append({**entry, "why": "the change is not breaking"})
        elif (
            reg.pinned_major is not None
            and base
            and str(base).split(".")[0] != str(reg.pinned_major)
        ):
            not_affected.append(
                {**entry, "why": f"pinned to major {reg.pinned_major}; the change is on {base}"}
            )
        else:
            reads = ", ".join(columns or [])
            why = f"reads {reads}; the change touches {', '.join(touched) or 'no column it reads'}"
            not_affected.append({**entry, "why": why})
    return {
        **change,
        "breaking_changes": breaking,
        "changed_columns": touched,
        "affected": affected,
        "not_affected": not_affected,
    }
