"""Contracts from a dbt manifest: assets, schemas, guarantees, owners and lineage.

Pure: imports nothing from dbt. The input is a ``manifest.json`` dict (schema v12, as written
by dbt 1.10/1.11) or the subset :func:`tessera_dbt.plugin.dbt_compat.manifest_projection` builds
from the live manifest; both give equal results.

An **asset** is a model whose contract is enforced or that sets ``meta.tessera.asset: true``
(other ``meta.tessera`` keys alone, e.g. a folder-level owner, do not make one). Its
contract is the document described in :mod:`tessera_dbt.core.contract`: a JSON Schema of the
declared columns plus guarantees keyed by :func:`~tessera_dbt.core.contract.guarantee_key`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.core import vocab
from tessera_dbt.core.contract import (
    GUARANTEE_MODES,
    MODES,
    SCHEMA_DIALECT,
    Contract,
    canonical_json,
    guarantee_key,
)
from tessera_dbt.core.types import column_schema

__all__ = [
    "ADAPTER_ENFORCED_CONSTRAINTS",
    "CONSTRAINT_KINDS",
    "DEFAULT_ENFORCED_CONSTRAINTS",
    "ENFORCING_MATERIALIZATIONS",
    "META_GUARANTEES",
    "META_KEYS",
    "Asset",
    "ContractError",
    "DisabledModel",
    "Exposure",
    "Group",
    "ModelInfo",
    "Project",
    "enforced_constraints",
    "extract_project",
]

TESSERA_PACKAGE = "tessera"
META_KEY = "tessera"
META_KEYS: tuple[str, ...] = (
    "owner",
    "compatibility",
    "guarantee_mode",
    "guarantees",
    "asset",
    "migration_days",
)
META_GUARANTEES: tuple[str, ...] = ("freshness", "volume")
DEFAULT_GUARANTEE_MODE = "notify"

CONSTRAINT_KINDS: tuple[str, ...] = ("not_null", "unique", "primary_key", "foreign_key", "check")
# Which constraint types the warehouse enforces (rejects violating rows), per adapter. Inside
# dbt the plugin reads the adapter's own CONSTRAINT_SUPPORT and passes it to extract_project;
# this table is the fallback for evaluating a manifest without the adapter (tessera build on
# manifest.json). It mirrors the adapters' CONSTRAINT_SUPPORT (dbt-duckdb 1.11, dbt-postgres
# 1.11, dbt-snowflake, dbt-bigquery, dbt-redshift, dbt-databricks, dbt-spark 1.11 which
# enforces none); dbt-adapters' default enforces not_null and foreign_key.
DEFAULT_ENFORCED_CONSTRAINTS: frozenset[str] = frozenset({"not_null", "foreign_key"})
ADAPTER_ENFORCED_CONSTRAINTS: dict[str, frozenset[str]] = {
    "duckdb": frozenset(CONSTRAINT_KINDS),
    "postgres": frozenset(CONSTRAINT_KINDS),
    "snowflake": frozenset({"not_null"}),
    "bigquery": frozenset({"not_null"}),
    "redshift": frozenset({"not_null"}),
    "databricks": frozenset({"not_null", "check"}),
    "spark": frozenset(),
}
# dbt applies constraints only when it creates the table itself.
ENFORCING_MATERIALIZATIONS: frozenset[str] = frozenset(vocab.ENFORCING_MATERIALIZATIONS)

# Data tests dbt ships: they map onto guarantee kinds; any other test is kind "test".
_BUILTIN_TESTS = frozenset({"not_null", "unique", "accepted_values", "relationships"})
_TEST_KWARGS_DROPPED = frozenset({"model", "column_name"})


class ContractError(ValueError):
    """Invalid Tessera configuration on a model (one line naming model, key and remedy)."""


def enforced_constraints(
    adapter_type: str | None, supported: frozenset[str] | None = None
) -> frozenset[str]:
    """Constraint types the adapter's warehouse enforces: ``supported`` (what the adapter
    itself declares) when known, else the fallback table for ``adapter_type``."""
    if supported is not None:
        return frozenset(k for k in supported if k in CONSTRAINT_KINDS)
    if not adapter_type:
        return DEFAULT_ENFORCED_CONSTRAINTS
    return ADAPTER_ENFORCED_CONSTRAINTS.get(adapter_type.lower(), DEFAULT_ENFORCED_CONSTRAINTS)


# -- value types ------------------------------------------------------------------------
@dataclass(frozen=True)
class Asset:
    """A contracted model (one per version of a versioned model)."""

    asset_id: str
    name: str
    package_name: str
    version: str | None
    latest_version: str | None
    owner: str | None
    owner_source: str  # "meta" | "group" | "team" | "default" | "none"
    compatibility: str
    guarantee_mode: str
    contract: Contract
    relation_name: str | None
    materialization: str | None
    contract_enforced: bool
    deprecation_date: str | None
    access: str | None
    group: str | None
    original_file_path: str | None
    patch_path: str | None
    description: str
    # meta.tessera.migration_days: a breaking change's proposal gets this many days.
    migration_days: int | None = None

    @property
    def schema(self) -> dict[str, Any]:
        """The contract's JSON Schema."""
        return self.contract.schema

    @property
    def guarantees(self) -> dict[str, Any]:
        """The contract's guarantees, keyed by guarantee key."""
        return self.contract.guarantees

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the contract document."""
        return self.contract.fingerprint

    @property
    def columns(self) -> list[str]:
        """Declared column names, in order."""
        return self.contract.columns

    @property
    def is_latest_version(self) -> bool:
        """True for unversioned models and for the latest version of a versioned one."""
        return self.version is None or self.version == self.latest_version

    @property
    def display_name(self) -> str:
        """``name`` or ``name.v2`` for a version, as people refer to it."""
        return self.name if self.version is None else f"{self.name}.v{self.version}"


@dataclass(frozen=True)
class ModelInfo:
    """Any enabled model: who owns it and what it reads (for consumers and impact)."""

    unique_id: str
    name: str
    package_name: str
    version: str | None
    owner: str | None
    owner_source: str
    group: str | None
    access: str | None
    depends_on: tuple[str, ...]
    compiled_code: str | None
    is_asset: bool
    contract_enforced: bool = False


@dataclass(frozen=True)
class Exposure:
    """A dbt exposure: its team consumes every asset it depends on."""

    unique_id: str
    name: str
    package_name: str | None
    type: str | None
    team: str | None
    team_source: str  # "meta" | "owner" | "none"
    owner_name: str | None
    owner_email: str | None
    depends_on: tuple[str, ...]
    url: str | None = None


@dataclass(frozen=True)
class NodeRef:
    """Any enabled node but tests (seeds, snapshots, models …): what impact lists."""

    unique_id: str
    resource_type: str | None
    name: str
    package_name: str | None


@dataclass(frozen=True)
class Group:
    """A dbt group and its owner."""

    unique_id: str
    name: str
    package_name: str | None
    owner_name: str | None
    owner_email: str | None

    @property
    def team(self) -> str:
        """The group as a Tessera team: its name (the owner's name and email are its
        contact, :attr:`contact`)."""
        return self.name

    @property
    def contact(self) -> str | None:
        """The group owner, as people reach them: ``name <email>``."""
        if self.owner_name and self.owner_email:
            return f"{self.owner_name} <{self.owner_email}>"
        return self.owner_name or self.owner_email


@dataclass(frozen=True)
class DisabledModel:
    """A model present in the project but disabled (not the same as deleted)."""

    unique_id: str
    name: str
    package_name: str | None
    version: str | None
    contract_enforced: bool
    has_tessera_meta: bool
    deprecation_date: str | None


@dataclass(frozen=True)
class Project:
    """Everything Tessera reads from one manifest."""

    project_name: str | None
    adapter_type: str | None
    dbt_version: str | None
    invocation_id: str | None
    has_tessera_package: bool
    assets: Mapping[str, Asset] = field(default_factory=dict)
    models: Mapping[str, ModelInfo] = field(default_factory=dict)
    exposures: Mapping[str, Exposure] = field(default_factory=dict)
    children: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    disabled: Mapping[str, DisabledModel] = field(default_factory=dict)
    groups: Mapping[str, Group] = field(default_factory=dict)
    nodes: Mapping[str, NodeRef] = field(default_factory=dict)

    def find_assets(self, ref: str) -> list[Asset]:
        """Assets matching a unique_id, ``package.name``, ``name`` or ``name.vN``.

        A bare name of a versioned model matches every version, latest first.
        """
        ref = ref.strip()
        if ref in self.assets:
            return [self.assets[ref]]
        found = [a for a in self.assets.values() if ref in _asset_refs(a)]
        return sorted(found, key=lambda a: (not a.is_latest_version, a.asset_id))

    def downstream(self, unique_id: str) -> list[tuple[str, int, str]]:
        """Every node downstream of ``unique_id``, breadth first, each once: ``(node, depth,
        the node it was first reached from)``. Children are visited in sorted order."""
        seen = {unique_id}
        out: list[tuple[str, int, str]] = []
        queue: list[tuple[str, int]] = [(unique_id, 0)]
        while queue:
            uid, depth = queue.pop(0)
            for child in self.children.get(uid, ()):
                if child not in seen:
                    seen.add(child)
                    out.append((child, depth + 1, uid))
                    queue.append((child, depth + 1))
        return out

    def descendants(self, unique_id: str) -> list[str]:
        """Every node downstream of ``unique_id`` (breadth first, each once)."""
        return [uid for uid, _, _ in self.downstream(unique_id)]

    def owner_of(self, unique_id: str) -> str | None:
        """The team owning a model or the team of an exposure, if known."""
        if unique_id in self.models:
            return self.models[unique_id].owner
        if unique_id in self.exposures:
            return self.exposures[unique_id].team
        return None


def _asset_refs(asset: Asset) -> set[str]:
    refs = {asset.name, f"{asset.package_name}.{asset.name}"}
    if asset.version is not None:
        refs |= {
            f"{asset.name}.v{asset.version}",
            f"{asset.package_name}.{asset.name}.v{asset.version}",
        }
    return refs


# -- helpers ----------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A copy of a JSON-like value, so contracts never alias the manifest."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    if type(value) is dict:  # the common case: an exact dict check is much cheaper than the ABC
        return value
    return value if isinstance(value, Mapping) else _EMPTY


_EMPTY: Mapping[str, Any] = {}


def _tessera_meta(node: Mapping[str, Any]) -> tuple[bool, Any]:
    """``config.meta.tessera`` (dbt 1.10+ keeps meta in config), else ``meta.tessera``."""
    config_meta = _mapping(_mapping(node.get("config")).get("meta"))
    if META_KEY in config_meta:
        return True, config_meta[META_KEY]
    meta = _mapping(node.get("meta"))
    if META_KEY in meta:
        return True, meta[META_KEY]
    return False, None


def _label(node: Mapping[str, Any]) -> str:
    """How an error names a model: ``orders (models/marts/_marts.yml)``."""
    name = str(node.get("name") or node.get("unique_id") or "?")
    version = node.get("version")
    if version is not None:
        name = f"{name}.v{version}"
    where = node.get("patch_path") or node.get("original_file_path")
    if isinstance(where, str) and "://" in where:
        where = where.split("://", 1)[1]
    return f"{name} ({where})" if where else name


def _validate_meta(node: Mapping[str, Any], meta: Any) -> dict[str, Any]:
    label = _label(node)
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise ContractError(
            f"{label}: meta.tessera must be a mapping with keys {', '.join(META_KEYS)}; "
            f"got {type(meta).__name__} {meta!r}"
        )
    for key in meta:
        if key not in META_KEYS:
            raise ContractError(
                f"{label}: unknown key meta.tessera.{key}; allowed: {', '.join(META_KEYS)}"
            )
    owner = meta.get("owner")
    if owner is not None and not (isinstance(owner, str) and owner.strip()):
        raise ContractError(
            f"{label}: meta.tessera.owner must be a team name (a non-empty string); got {owner!r}"
        )
    compat = meta.get("compatibility")
    if compat is not None and compat not in MODES:
        raise ContractError(
            f"{label}: meta.tessera.compatibility {compat!r} is not allowed; "
            f"use one of: {', '.join(MODES)}"
        )
    gmode = meta.get("guarantee_mode")
    if gmode is not None and gmode not in GUARANTEE_MODES:
        raise ContractError(
            f"{label}: meta.tessera.guarantee_mode {gmode!r} is not allowed; "
            f"use one of: {', '.join(GUARANTEE_MODES)}"
        )
    days = meta.get("migration_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        raise ContractError(
            f"{label}: meta.tessera.migration_days must be a whole number of days >= 1; "
            f"got {days!r}"
        )
    flag = meta.get("asset")
    if flag is not None and not isinstance(flag, bool):
        raise ContractError(f"{label}: meta.tessera.asset must be true or false; got {flag!r}")
    guarantees = meta.get("guarantees")
    if guarantees is not None:
        if not isinstance(guarantees, Mapping):
            raise ContractError(
                f"{label}: meta.tessera.guarantees must be a mapping "
                f"(keys: {', '.join(META_GUARANTEES)}); got {type(guarantees).__name__}"
            )
        for gname, value in guarantees.items():
            if gname not in META_GUARANTEES:
                raise ContractError(
                    f"{label}: unknown guarantee meta.tessera.guarantees.{gname}; "
                    f"allowed: {', '.join(META_GUARANTEES)}"
                )
            if not isinstance(value, Mapping):
                raise ContractError(
                    f"{label}: meta.tessera.guarantees.{gname} must be a mapping of settings; "
                    f"got {type(value).__name__} {value!r}"
                )
            _validate_guarantee(label, str(gname), value)
    return dict(meta)


_PERIODS = ("minute", "hour", "day")
_VOLUME_KEYS = ("min_rows", "max_rows")
_FRESHNESS_KEYS = ("warn_after", "error_after", "filter")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _validate_guarantee(label: str, gname: str, value: Mapping[str, Any]) -> None:
    """Guarantee settings are checked like dbt checks its own: one line naming the key."""
    where = f"{label}: meta.tessera.guarantees.{gname}"
    if gname == "volume":
        for key, v in value.items():
            if key not in _VOLUME_KEYS:
                raise ContractError(f"{where}.{key} is unknown; allowed: {', '.join(_VOLUME_KEYS)}")
            if not _count(v):
                raise ContractError(f"{where}.{key} must be a whole number of rows >= 0; got {v!r}")
        lo, hi = value.get("min_rows"), value.get("max_rows")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            raise ContractError(f"{where}: min_rows {lo} is more than max_rows {hi}")
    elif gname == "freshness":
        for key, v in value.items():
            if key not in _FRESHNESS_KEYS:
                raise ContractError(
                    f"{where}.{key} is unknown; allowed: {', '.join(_FRESHNESS_KEYS)}"
                )
            if key == "filter":
                continue
            if (
                not isinstance(v, Mapping)
                or not _count(v.get("count"))
                or (v.get("period") not in _PERIODS)
            ):
                raise ContractError(
                    f"{where}.{key} must be {{count: <whole number>, period: "
                    f"{'|'.join(_PERIODS)}}}; got {v!r}"
                )


def resolve_owner(
    meta: Mapping[str, Any],
    group: str | None,
    groups: Mapping[str, Group],
    default_owner: str | None,
    team: str | None = None,
) -> tuple[str | None, str]:
    """meta.tessera.owner, else the dbt group's name, else var tessera_team, else var
    tessera_default_owner. The run-operations resolve owners with the same rule
    (``tessera.model_owner``; tests/parity/model_owner.yml holds the two equal)."""
    owner = meta.get("owner")
    if isinstance(owner, str) and owner.strip():
        return owner.strip(), "meta"
    if group and group in groups:
        return groups[group].team, "group"
    if team:
        return team, "team"
    if default_owner:
        return default_owner, "default"
    return None, "none"


# -- guarantees -------------------------------------------------------------------------
class _Guarantees:
    """Accumulates guarantees; a constraint and a test of the same kind merge into one."""

    def __init__(self, enforces: bool, adapter_enforced: frozenset[str]) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self._enforces = enforces
        self._adapter_enforced = adapter_enforced

    def _base(self, kind: str, column: str | None, columns: list[str] | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "kind": kind,
            "column": column,
            "constraint": False,
            "tested": False,
            "enforced": False,
        }
        if columns is not None:
            entry["columns"] = columns
        return entry

    def constraint(
        self,
        kind: str,
        columns: list[str],
        name: str | None = None,
        args: dict[str, Any] | None = None,
        discriminator: str | None = None,
        by_columns: bool = False,
    ) -> None:
        """A dbt constraint on ``columns``: keyed by the column when there is exactly one
        (so column- and model-level declarations merge), else by ``(a,b)``."""
        column = columns[0] if len(columns) == 1 and not by_columns else None
        key_column = column if column is not None else (_columns_key(columns) if columns else None)
        key = guarantee_key(kind, key_column, discriminator)
        entry = self.items.get(key)
        if entry is None:
            entry = self.items[key] = self._base(
                kind, column, None if column else (list(columns) or None)
            )
        entry["constraint"] = True
        entry["enforced"] = self._enforces and kind in self._adapter_enforced
        if name:
            entry["name"] = name
        if args:
            entry["args"] = args

    def test(
        self,
        kind: str,
        column: str | None,
        args: dict[str, Any],
        name: str | None = None,
        severity: str | None = None,
    ) -> None:
        key_column = column if kind != "test" else (name or "?")
        sub = column if kind == "test" else None
        key = guarantee_key(kind, key_column, sub)
        entry = self.items.get(key)
        if entry is not None and entry["tested"] and entry.get("args", {}) != args:
            # A second test of the same kind on the same column with other arguments.
            digest = hashlib.sha256(canonical_json(args).encode()).hexdigest()[:8]
            key = guarantee_key(kind, key_column, f"{sub}:{digest}" if sub else digest)
            entry = self.items.get(key)
        if entry is None:
            entry = self.items[key] = self._base(kind, column, None)
        entry["tested"] = True
        if kind == "test":
            entry["name"] = name
        if args:
            entry["args"] = args
        if severity:
            entry["severity"] = severity

    def meta(self, kind: str, args: dict[str, Any]) -> None:
        entry = self._base(kind, None, None)
        entry["args"] = args
        self.items[guarantee_key(kind)] = entry


def _columns_key(columns: list[str]) -> str:
    return "(" + ",".join(columns) + ")"


def _constraint_args(c: Mapping[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for k in ("expression", "to", "to_columns"):
        v = c.get(k)
        if v not in (None, "", []):
            args[k] = _plain(v)
    return args


def _add_constraint(
    g: _Guarantees, c: Mapping[str, Any], columns: list[str], required: set[str]
) -> None:
    kind = str(c.get("type") or "custom")
    name = c.get("name") or None
    if kind == "not_null":
        for col in columns:
            g.constraint("not_null", [col], name)
            required.add(col)
    elif kind == "primary_key":
        # Always keyed by its columns: a column-level and a model-level key are the same.
        g.constraint("primary_key", columns, name, by_columns=True)
    elif kind in ("unique", "foreign_key"):
        g.constraint(kind, columns, name, _constraint_args(c))
    else:
        # check, custom (a SQL fragment) and types dbt may add later: told apart by name or
        # expression, since a model may declare several on the same columns.
        disc = name or " ".join(str(c.get("expression") or "").split()) or None
        g.constraint(kind, columns, name, _constraint_args(c), disc)


def _test_args(test: Mapping[str, Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    args = {k: _plain(v) for k, v in kwargs.items() if k not in _TEST_KWARGS_DROPPED}
    where = _mapping(test.get("config")).get("where")
    if where:
        args["where"] = where
    return args


def _add_test(
    g: _Guarantees,
    test: Mapping[str, Any],
    required: set[str],
    enums: dict[str, list[Any]],
) -> None:
    metadata = _mapping(test.get("test_metadata"))
    column = test.get("column_name") or None
    severity = str(_mapping(test.get("config")).get("severity") or "").lower()
    sev = "warn" if severity == "warn" else None
    if not metadata:
        # A singular data test (a SQL file under tests/): kept by name.
        g.test("test", column, {}, name=str(test.get("name")), severity=sev)
        return
    tname = str(metadata.get("name") or "")
    namespace = metadata.get("namespace")
    args = _test_args(test, _mapping(metadata.get("kwargs")))
    if namespace in (None, "dbt") and tname in _BUILTIN_TESTS and column:
        g.test(tname, column, args, severity=sev)
        if tname == "not_null" and not args.get("where"):
            required.add(column)
        elif tname == "accepted_values" and isinstance(args.get("values"), list):
            enums.setdefault(column, list(args["values"]))
        return
    full_name = f"{namespace}.{tname}" if namespace and namespace != "dbt" else tname
    g.test("test", column, args, name=full_name, severity=sev)


# -- extraction -------------------------------------------------------------------------
def _index_tests(nodes: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """Data tests per model unique_id (``attached_node``, else its model dependencies)."""
    by_model: dict[str, list[Mapping[str, Any]]] = {}
    for node in nodes.values():
        if node.get("resource_type") != "test":
            continue
        if _mapping(node.get("config")).get("enabled") is False:
            continue
        attached = node.get("attached_node")
        if attached:
            targets: Iterable[str] = (attached,)
        else:
            deps = _mapping(node.get("depends_on")).get("nodes") or ()
            targets = [d for d in deps if isinstance(d, str) and d.startswith("model.")]
        for uid in targets:
            by_model.setdefault(uid, []).append(node)
    return by_model


def _build_contract(
    node: Mapping[str, Any],
    tests: list[Mapping[str, Any]],
    adapter_type: str | None,
    meta: Mapping[str, Any],
    materialization: str | None,
    enforced: bool,
    type_cache: dict[str | None, tuple[dict[str, Any], bool]],
    enforcing: frozenset[str],
) -> Contract:
    asset_id = str(node["unique_id"])
    columns = _mapping(node.get("columns"))
    g = _Guarantees(enforced and materialization in ENFORCING_MATERIALIZATIONS, enforcing)
    required: set[str] = set()
    enums: dict[str, list[Any]] = {}
    properties: dict[str, Any] = {}

    for cname, col in columns.items():
        col = _mapping(col)
        name = str(cname)
        data_type = col.get("data_type")
        cached = type_cache.get(data_type)
        if cached is None:
            fragment = column_schema(data_type, adapter_type)
            flat = not any(isinstance(v, dict | list) for v in fragment.values())
            cached = type_cache[data_type] = (fragment, flat)
        # Flat fragments (nearly all) need only a shallow copy; nested ones a deep one.
        prop = dict(cached[0]) if cached[1] else _plain(cached[0])
        description = col.get("description")
        if description:
            prop["description"] = str(description)
        properties[name] = prop
        for c in col.get("constraints") or ():
            _add_constraint(g, c, [name], required)
    for c in node.get("constraints") or ():
        cols = [str(x) for x in (c.get("columns") or [])]
        _add_constraint(g, c, cols, required)
    for test in tests:
        _add_test(g, test, required, enums)
    for gname, value in _mapping(meta.get("guarantees")).items():
        g.meta(str(gname), _plain(value))
    for cname, values in enums.items():
        if cname in properties:
            properties[cname]["enum"] = _plain(values)

    order = list(properties)
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": properties,
        "required": [c for c in order if c in required],
        "x-tessera-column-order": order,
        "x-dbt-materialization": materialization,
        "x-dbt-contract-enforced": enforced,
    }
    description = node.get("description")
    if description:
        schema["description"] = str(description)
    return Contract(asset_id=asset_id, schema=schema, guarantees=g.items)


def extract_project(
    manifest: Mapping[str, Any],
    *,
    default_owner: str | None = None,
    default_compatibility: str = "backward",
    enforced_constraint_types: frozenset[str] | None = None,
    team: str | None = None,
) -> Project:
    """Extract assets, models, exposures, lineage, groups and disabled models.

    ``enforced_constraint_types``: the constraint types the adapter enforces, as its
    ``CONSTRAINT_SUPPORT`` says (the plugin passes them); ``None`` uses the fallback table
    for the manifest's adapter type.

    Raises :class:`ContractError` (one line) on invalid ``meta.tessera`` values or an
    invalid ``default_compatibility``.
    """
    if default_compatibility not in MODES:
        raise ContractError(
            f"tessera_default_compatibility {default_compatibility!r} is not allowed; "
            f"use one of: {', '.join(MODES)}"
        )
    metadata = _mapping(manifest.get("metadata"))
    adapter_type = _opt_str(metadata.get("adapter_type"))
    enforcing = enforced_constraints(adapter_type, enforced_constraint_types)
    nodes: Mapping[str, Any] = _mapping(manifest.get("nodes"))

    groups: dict[str, Group] = {}
    for uid, grp in _mapping(manifest.get("groups")).items():
        group_owner = _mapping(grp.get("owner"))
        groups[str(grp.get("name"))] = Group(
            unique_id=str(uid),
            name=str(grp.get("name")),
            package_name=_opt_str(grp.get("package_name")),
            owner_name=_opt_str(group_owner.get("name")),
            owner_email=_opt_str(group_owner.get("email")),
        )

    tests = _index_tests(nodes)
    type_cache: dict[str | None, tuple[dict[str, Any], bool]] = {}
    assets: dict[str, Asset] = {}
    models: dict[str, ModelInfo] = {}
    children: dict[str, list[str]] = {}

    refs: dict[str, NodeRef] = {}
    for uid, node in nodes.items():
        rtype = node.get("resource_type")
        if rtype == "test":
            continue
        refs[uid] = NodeRef(
            uid, _opt_str(rtype), str(node.get("name")), _opt_str(node.get("package_name"))
        )
        depends_on = tuple(_mapping(node.get("depends_on")).get("nodes") or ())
        for parent in depends_on:
            children.setdefault(parent, []).append(uid)
        if rtype != "model":
            continue
        config = _mapping(node.get("config"))
        has_meta, raw_meta = _tessera_meta(node)
        enforced = bool(_mapping(config.get("contract")).get("enforced", False))
        meta = _validate_meta(node, raw_meta) if has_meta else {}
        # Only an enforced contract or an explicit meta.tessera.asset makes an asset: a
        # folder-level `+meta: {tessera: {owner: ...}}` reaches every model of the folder.
        is_asset = enforced or meta.get("asset") is True
        group = node.get("group") or config.get("group") or None
        owner, owner_source = resolve_owner(meta, group, groups, default_owner, team)
        version = _opt_str(node.get("version"))
        access = _opt_str(node.get("access") or config.get("access"))
        models[uid] = ModelInfo(
            unique_id=uid,
            name=str(node.get("name")),
            package_name=str(node.get("package_name")),
            version=version,
            owner=owner,
            owner_source=owner_source,
            group=group,
            access=access,
            depends_on=depends_on,
            compiled_code=node.get("compiled_code"),
            is_asset=is_asset,
            contract_enforced=enforced,
        )
        if not is_asset:
            continue
        materialization = _opt_str(config.get("materialized"))
        contract = _build_contract(
            node,
            tests.get(uid, []),
            adapter_type,
            meta,
            materialization,
            enforced,
            type_cache,
            enforcing,
        )
        assets[uid] = Asset(
            asset_id=uid,
            name=str(node.get("name")),
            package_name=str(node.get("package_name")),
            version=version,
            latest_version=_opt_str(node.get("latest_version")),
            owner=owner,
            owner_source=owner_source,
            compatibility=str(meta.get("compatibility") or default_compatibility),
            guarantee_mode=str(meta.get("guarantee_mode") or DEFAULT_GUARANTEE_MODE),
            contract=contract,
            relation_name=_opt_str(node.get("relation_name")),
            materialization=materialization,
            contract_enforced=enforced,
            deprecation_date=_opt_str(node.get("deprecation_date")),
            access=access,
            group=group,
            original_file_path=_opt_str(node.get("original_file_path")),
            patch_path=_opt_str(node.get("patch_path")),
            description=str(node.get("description") or ""),
            migration_days=meta.get("migration_days"),
        )

    exposures: dict[str, Exposure] = {}
    for uid, exp in _mapping(manifest.get("exposures")).items():
        exposures[uid] = _exposure(uid, exp)
        for parent in exposures[uid].depends_on:
            children.setdefault(parent, []).append(uid)

    disabled: dict[str, DisabledModel] = {}
    for uid, entries in _mapping(manifest.get("disabled")).items():
        for node in entries or ():
            if node.get("resource_type") != "model":
                continue
            has_meta, _ = _tessera_meta(node)
            config = _mapping(node.get("config"))
            disabled[uid] = DisabledModel(
                unique_id=str(uid),
                name=str(node.get("name")),
                package_name=_opt_str(node.get("package_name")),
                version=_opt_str(node.get("version")),
                contract_enforced=bool(_mapping(config.get("contract")).get("enforced", False)),
                has_tessera_meta=has_meta,
                deprecation_date=_opt_str(node.get("deprecation_date")),
            )
            break

    macros = _mapping(manifest.get("macros"))
    return Project(
        project_name=_opt_str(metadata.get("project_name")),
        adapter_type=adapter_type,
        dbt_version=_opt_str(metadata.get("dbt_version")),
        invocation_id=_opt_str(metadata.get("invocation_id")),
        has_tessera_package=any(
            _mapping(m).get("package_name") == TESSERA_PACKAGE for m in macros.values()
        ),
        assets=assets,
        models=models,
        exposures=exposures,
        children={k: tuple(sorted(v)) for k, v in children.items()},
        disabled=disabled,
        groups=groups,
        nodes=refs,
    )


def _exposure(uid: str, exp: Mapping[str, Any]) -> Exposure:
    owner = _mapping(exp.get("owner"))
    owner_name = _opt_str(owner.get("name"))
    owner_email = _opt_str(owner.get("email"))
    has_meta, raw = _tessera_meta(exp)
    team: str | None = None
    team_source = "none"
    if has_meta:
        if not isinstance(raw, Mapping) or any(k != "team" for k in raw):
            raise ContractError(
                f"exposure {exp.get('name')}: meta.tessera must be a mapping with the key "
                f"team; got {raw!r}"
            )
        value = raw.get("team")
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise ContractError(
                f"exposure {exp.get('name')}: meta.tessera.team must be a team name "
                f"(a non-empty string); got {value!r}"
            )
        if value:
            team, team_source = value.strip(), "meta"
    if team is None and (owner_name or owner_email):
        team, team_source = owner_name or owner_email, "owner"
    return Exposure(
        unique_id=uid,
        name=str(exp.get("name")),
        package_name=_opt_str(exp.get("package_name")),
        type=_opt_str(exp.get("type")),
        team=team,
        team_source=team_source,
        owner_name=owner_name,
        owner_email=owner_email,
        depends_on=tuple(_mapping(exp.get("depends_on")).get("nodes") or ()),
        url=_opt_str(exp.get("url")),
    )
