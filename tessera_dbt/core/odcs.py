"""Open Data Contract Standard (ODCS) v3.1: an asset's latest contract as an ODCS document.

:func:`odcs_documents` turns the registry's rows (the tables of an export document, each row
a dict) into one ODCS ``DataContract`` per asset: the schema with logical and physical types
(from the contract's JSON Schema and its ``x-dbt-data-type``), quality rules from the
guarantees, the owner team with its members, version and status; Tessera's consumers and
open proposals go into ``customProperties``. The output validates against the official ODCS
v3.1.0 JSON Schema (tests/fixtures/odcs/). Pure: no dbt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tessera_dbt.core import vocab
from tessera_dbt.core.report import loads_json, version_key

API_VERSION = "v3.1.0"
OPEN: tuple[str, ...] = vocab.OPEN_STATUSES

Rows = Sequence[Mapping[str, Any]]

# JSON Schema format -> ODCS integer/number formats (Rust-style names).
_INT_FORMATS = {"int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64"}
_NUMBER_FORMATS = {"float": "f32", "double": "f64"}


def stable_id(text: str) -> str:
    """An ODCS StableId (letters, digits, ``-`` and ``_``) for any text."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "x"


def _logical(prop: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """ODCS logicalType and logicalTypeOptions of a column's JSON Schema."""
    kind = prop.get("type")
    if isinstance(kind, list):  # ["string", "null"]: nullability is `required` in ODCS
        kind = next((k for k in kind if k != "null"), "string")
    fmt = prop.get("format")
    options: dict[str, Any] = {}
    if kind == "string":
        if fmt == "date-time":
            return "timestamp", {}
        if fmt == "date":
            return "date", {}
        if fmt == "time":
            return "time", {}
        for key in ("minLength", "maxLength", "pattern"):
            if key in prop:
                options[key] = prop[key]
        if isinstance(fmt, str):
            options["format"] = fmt
        return "string", options
    if kind in ("integer", "number"):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
            if isinstance(prop.get(key), int | float) and not isinstance(prop.get(key), bool):
                options[key] = prop[key]
        formats = _INT_FORMATS if kind == "integer" else _NUMBER_FORMATS
        if fmt in formats:
            options["format"] = formats[fmt]
        return str(kind), options
    if kind in ("boolean", "object", "array"):
        return str(kind), {}
    return "string", {}


def _quality(
    guarantee: Mapping[str, Any], key: str
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """An ODCS quality rule for a guarantee (or None when a column attribute says it), and
    column attributes it sets (``unique``, ``primaryKey``…)."""
    kind = str(guarantee.get("kind") or "")
    raw = guarantee.get("args")
    args: dict[str, Any] = raw if isinstance(raw, dict) else {}
    name = stable_id(key)
    enforced = " (enforced constraint)" if guarantee.get("enforced") else ""
    if kind == "not_null":
        return None, {"required": True}
    if kind == "unique":
        rule = {
            "id": name,
            "name": key,
            "type": "library",
            "metric": "duplicateValues",
            "mustBe": 0,
            "dimension": "uniqueness",
            "description": f"values are unique{enforced}",
        }
        return rule, {"unique": True}
    if kind == "accepted_values":
        raw_values = args.get("values")
        values: list[Any] = raw_values if isinstance(raw_values, list) else []
        rule = {
            "id": name,
            "name": key,
            "type": "library",
            "metric": "invalidValues",
            "arguments": {"validValues": values},
            "mustBe": 0,
            "dimension": "conformity",
            "description": "values are one of: " + ", ".join(map(str, values)),
        }
        return rule, {}
    if kind == "volume" and isinstance(args.get("min_rows"), int):
        rule = {
            "id": name,
            "name": key,
            "type": "library",
            "metric": "rowCount",
            "mustBeGreaterOrEqualTo": args["min_rows"],
            "dimension": "completeness",
            "description": f"at least {args['min_rows']} rows",
        }
        return rule, {}
    description = {
        "check": f"check: {args.get('expression', '')}{enforced}",
        "relationships": f"references {args.get('to', '')}.{args.get('field', '')}",
        "freshness": "freshness " + json.dumps(args, sort_keys=True),
        "primary_key": f"primary key{enforced}",
        "foreign_key": f"foreign key{enforced}",
    }.get(kind, f"dbt test {guarantee.get('name') or kind}")
    rule = {
        "id": name,
        "name": key,
        "type": "custom",
        "engine": "dbt",
        "implementation": {k: v for k, v in sorted(guarantee.items()) if v is not None},
        "description": description,
    }
    if kind == "freshness":
        rule["dimension"] = "timeliness"
    return rule, {}


def contract_document(
    asset: Mapping[str, Any],
    contract: Mapping[str, Any],
    *,
    team: Mapping[str, Any] | None = None,
    members: Sequence[Mapping[str, Any]] = (),
    consumers: Sequence[Mapping[str, Any]] = (),
    proposals: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """One ODCS v3.1 DataContract for an asset's contract version."""
    schema = loads_json(contract.get("schema_json"), {})
    schema = schema if isinstance(schema, dict) else {}
    guarantees = loads_json(contract.get("guarantees_json"), {})
    guarantees = guarantees if isinstance(guarantees, dict) else {}
    raw_props = schema.get("properties")
    props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
    order = schema.get("x-tessera-column-order")
    names = [n for n in order if n in props] if isinstance(order, list) else []
    names += [n for n in props if n not in names]
    required = set(schema.get("required") or [])
    columns: dict[str, dict[str, Any]] = {}
    for n, column in enumerate(names):
        prop = props[column] if isinstance(props[column], dict) else {}
        logical, options = _logical(prop)
        item: dict[str, Any] = {
            "id": stable_id(f"{column}_{n}")
            if not re.fullmatch(r"[A-Za-z0-9_-]+", column)
            else column,
            "name": column,
            "physicalName": column,
            "logicalType": logical,
            "required": column in required,
        }
        if options:
            item["logicalTypeOptions"] = options
        if prop.get("x-dbt-data-type"):
            item["physicalType"] = str(prop["x-dbt-data-type"])
        if prop.get("description"):
            item["description"] = str(prop["description"])
        if isinstance(prop.get("enum"), list):
            item["examples"] = list(prop["enum"])
        columns[column] = item
    table_rules: list[dict[str, Any]] = []
    for key in sorted(guarantees):
        guarantee = guarantees[key] if isinstance(guarantees[key], dict) else {}
        rule, attributes = _quality(guarantee, key)
        column = guarantee.get("column")
        target = columns.get(str(column)) if column is not None else None
        if guarantee.get("kind") == "primary_key":
            for position, name in enumerate(guarantee.get("columns") or [], start=1):
                if name in columns:
                    columns[name].update({"primaryKey": True, "primaryKeyPosition": position})
        if target is not None:
            target.update(attributes)
            if rule is not None:
                target.setdefault("quality", []).append(rule)
        elif rule is not None:
            table_rules.append(rule)
    model = str(asset.get("model_name") or asset.get("asset_id"))
    version = asset.get("model_version")
    name = f"{model}_v{version}" if version not in (None, "") else model
    element: dict[str, Any] = {
        "id": stable_id(name),
        "name": name,
        "logicalType": "object",
        "physicalName": str(asset.get("relation_name") or name),
        "properties": list(columns.values()),
    }
    if asset.get("materialization") or schema.get("x-dbt-materialization"):
        element["physicalType"] = str(
            asset.get("materialization") or schema.get("x-dbt-materialization")
        )
    if schema.get("description"):
        element["description"] = str(schema["description"])
    if table_rules:
        element["quality"] = table_rules
    owner = str(asset.get("owner_team") or "")
    document: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": "DataContract",
        "id": str(asset.get("asset_id")),
        "name": name,
        "version": str(contract.get("version")),
        "status": "deprecated" if asset.get("deprecation_date") else "active",
        "schema": [element],
    }
    if schema.get("description"):
        document["description"] = {"purpose": str(schema["description"])}
    if owner:
        team_doc: dict[str, Any] = {"name": owner}
        if team and team.get("description"):
            team_doc["description"] = str(team["description"])
        if members:
            team_doc["members"] = [
                {"username": str(m.get("principal")), "role": str(m.get("role") or "member")}
                for m in members
            ]
        document["team"] = team_doc
    if contract.get("published_at"):
        document["contractCreatedTs"] = str(contract["published_at"])
    custom: list[dict[str, Any]] = [
        {"property": "tesseraAssetId", "value": str(asset.get("asset_id"))},
        {
            "property": "tesseraCompatibility",
            "value": str(asset.get("compatibility") or "backward"),
        },
        {"property": "tesseraGuaranteeMode", "value": str(asset.get("guarantee_mode") or "notify")},
        {"property": "tesseraFingerprint", "value": contract.get("fingerprint")},
        {
            "property": "tesseraConsumers",
            "value": [
                {
                    "team": c.get("team"),
                    "source": c.get("source"),
                    "columns": loads_json(c.get("columns_json"), None),
                    "pinnedMajor": c.get("pinned_major"),
                }
                for c in consumers
            ],
            "description": "Teams registered as consumers of this asset (Tessera).",
        },
        {
            "property": "tesseraOpenProposals",
            "value": [dict(p) for p in proposals],
            "description": "Breaking changes waiting for their consumers (Tessera).",
        },
    ]
    if asset.get("deprecation_date"):
        custom.append({"property": "deprecationDate", "value": str(asset["deprecation_date"])})
    document["customProperties"] = custom
    return document


def odcs_documents(tables: Mapping[str, Rows], model: str | None = None) -> list[dict[str, Any]]:
    """An ODCS document per asset with a published contract (its latest version), in asset
    order; ``model`` keeps only the asset whose unique id, name or ``name.vN`` it is."""

    def rows(name: str) -> Rows:
        return tables.get(name) or []

    latest: dict[str, Mapping[str, Any]] = {}
    for row in rows("tessera_contracts"):
        asset_id = str(row.get("asset_id"))
        if asset_id not in latest or version_key(row.get("version")) > version_key(
            latest[asset_id].get("version")
        ):
            latest[asset_id] = row
    teams = {str(t.get("name")): t for t in rows("tessera_teams")}
    members: dict[str, list[Mapping[str, Any]]] = {}
    for m in rows("tessera_team_members"):
        if m.get("deleted_at") is None:
            members.setdefault(str(m.get("team")), []).append(m)
    consumers: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows("tessera_registrations"):
        if r.get("deleted_at") is None:
            consumers.setdefault(str(r.get("asset_id")), []).append(r)
    affected: dict[str, list[str]] = {}
    for t in rows("tessera_proposal_teams"):
        affected.setdefault(str(t.get("proposal_id")), []).append(str(t.get("team")))
    answered: dict[tuple[str, str], str] = {}
    for a in sorted(rows("tessera_acknowledgements"), key=lambda r: str(r.get("acknowledged_at"))):
        answered[(str(a.get("proposal_id")), str(a.get("team")))] = str(a.get("response"))
    proposals: dict[str, list[dict[str, Any]]] = {}
    for p in rows("tessera_proposals"):
        if p.get("status") not in OPEN:
            continue
        pid = str(p.get("proposal_id"))
        teams_of = sorted(affected.get(pid, []))
        changes = loads_json(p.get("changes_json"), [])
        proposals.setdefault(str(p.get("asset_id")), []).append(
            {
                "proposalId": pid,
                "status": p.get("status"),
                "baseVersion": p.get("base_version"),
                "nextVersion": p.get("next_version"),
                "createdAt": p.get("created_at"),
                "changes": [c.get("message") for c in changes if isinstance(c, dict)],
                "teams": {t: answered.get((pid, t)) for t in teams_of},
                "waitingFor": [
                    t for t in teams_of if answered.get((pid, t)) not in vocab.RESPONSES
                ],
            }
        )
    out = []
    for asset in sorted(rows("tessera_assets"), key=lambda a: str(a.get("asset_id"))):
        asset_id = str(asset.get("asset_id"))
        if asset.get("deleted_at") is not None or asset_id not in latest:
            continue
        if model is not None:
            name = str(asset.get("model_name"))
            version = asset.get("model_version")
            names = {asset_id, name, f"{asset.get('project_name')}.{name}"}
            if version not in (None, ""):
                names = {asset_id, f"{name}.v{version}", f"{name}_v{version}"}
            if model not in names:
                continue
        owner = str(asset.get("owner_team") or "")
        out.append(
            contract_document(
                asset,
                latest[asset_id],
                team=teams.get(owner),
                members=members.get(owner, []),
                consumers=consumers.get(asset_id, []),
                proposals=proposals.get(asset_id, []),
            )
        )
    return out
