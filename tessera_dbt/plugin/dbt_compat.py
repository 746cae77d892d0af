"""The one module that touches dbt-core's Python objects (dbt-version shims live here).

Everything else reads plain dicts: :func:`manifest_projection` turns the live ``Manifest``
the plugin receives into exactly the subset of ``manifest.json`` (v12) that
:func:`tessera_dbt.core.extract.extract_project` reads. It uses attribute access, not
``writable_manifest().to_dict()``, which serializes the whole graph and costs seconds on
large projects.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TESSERA_PACKAGE = "tessera"
# Node types whose dependencies make them children of a model (tests are indexed apart).
_MODEL = "model"
_TEST = "test"


# -- small value converters -----------------------------------------------------------
def _str(value: Any) -> str | None:
    """Enum members (NodeType, AccessType, ConstraintType, ...) and strings to ``str``."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _date(value: Any) -> str | None:
    """Serialize a ``deprecation_date`` the way manifest.json does (ISO 8601)."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    return str(value)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """``getattr`` that also reads dicts (config objects are dict-like in some versions)."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict(omit_none=False))
    return {}


def _constraint(c: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": _str(_get(c, "type")),
        "name": _get(c, "name"),
        "expression": _get(c, "expression"),
        "to": _get(c, "to"),
        "to_columns": list(_get(c, "to_columns") or []),
    }
    columns = _get(c, "columns")
    if columns is not None:
        out["columns"] = list(columns)
    return out


def _owner(owner: Any) -> dict[str, Any]:
    return {"name": _get(owner, "name"), "email": _get(owner, "email")}


def _depends_on(node: Any) -> dict[str, Any]:
    return {"nodes": list(_get(_get(node, "depends_on"), "nodes") or [])}


# -- projections per resource ---------------------------------------------------------
def _model(node: Any) -> dict[str, Any]:
    config = _get(node, "config")
    contract = _get(config, "contract")
    columns: dict[str, Any] = {}
    for name, col in (_get(node, "columns") or {}).items():
        columns[name] = {
            "name": _get(col, "name", name),
            "description": _get(col, "description") or "",
            "data_type": _get(col, "data_type"),
            "constraints": [_constraint(c) for c in (_get(col, "constraints") or [])],
        }
    return {
        "unique_id": node.unique_id,
        "resource_type": _MODEL,
        "name": node.name,
        "package_name": node.package_name,
        "version": _get(node, "version"),
        "latest_version": _get(node, "latest_version"),
        "config": {
            "enabled": _get(config, "enabled", True),
            "materialized": _get(config, "materialized"),
            "contract": {"enforced": bool(_get(contract, "enforced", False))},
            "meta": dict(_get(config, "meta") or {}),
            "group": _get(config, "group"),
            "access": _str(_get(config, "access")),
        },
        "meta": dict(_get(node, "meta") or {}),
        "columns": columns,
        "constraints": [_constraint(c) for c in (_get(node, "constraints") or [])],
        "relation_name": _get(node, "relation_name"),
        "deprecation_date": _date(_get(node, "deprecation_date")),
        "access": _str(_get(node, "access")),
        "group": _get(node, "group"),
        "original_file_path": _get(node, "original_file_path"),
        "patch_path": _get(node, "patch_path"),
        "description": _get(node, "description") or "",
        "depends_on": _depends_on(node),
        "compiled_code": _get(node, "compiled_code"),
    }


def _test(node: Any) -> dict[str, Any]:
    config = _get(node, "config")
    metadata = _get(node, "test_metadata")
    out: dict[str, Any] = {
        "unique_id": node.unique_id,
        "resource_type": _TEST,
        "name": node.name,
        "package_name": node.package_name,
        "column_name": _get(node, "column_name"),
        "attached_node": _get(node, "attached_node"),
        "depends_on": _depends_on(node),
        "config": {
            "enabled": _get(config, "enabled", True),
            "severity": _get(config, "severity"),
            "where": _get(config, "where"),
        },
    }
    if metadata is not None:
        out["test_metadata"] = {
            "name": _get(metadata, "name"),
            "namespace": _get(metadata, "namespace"),
            "kwargs": dict(_get(metadata, "kwargs") or {}),
        }
    return out


def _other(node: Any) -> dict[str, Any]:
    return {
        "unique_id": node.unique_id,
        "resource_type": _str(_get(node, "resource_type")),
        "name": _get(node, "name"),
        "package_name": _get(node, "package_name"),
        "depends_on": _depends_on(node),
    }


def _node(node: Any) -> dict[str, Any]:
    kind = _str(_get(node, "resource_type"))
    if kind == _MODEL:
        return _model(node)
    if kind == _TEST:
        return _test(node)
    return _other(node)


def _disabled(node: Any) -> dict[str, Any]:
    config = _get(node, "config")
    out = _other(node)
    out["version"] = _get(node, "version")
    out["deprecation_date"] = _date(_get(node, "deprecation_date"))
    out["config"] = {
        "enabled": False,
        "contract": {"enforced": bool(_get(_get(config, "contract"), "enforced", False))},
        "meta": dict(_get(config, "meta") or {}),
    }
    out["meta"] = dict(_get(node, "meta") or {})
    return out


def _exposure(exp: Any) -> dict[str, Any]:
    return {
        "unique_id": exp.unique_id,
        "name": exp.name,
        "package_name": _get(exp, "package_name"),
        "type": _str(_get(exp, "type")),
        "url": _get(exp, "url"),
        "owner": _owner(_get(exp, "owner")),
        "meta": dict(_get(exp, "meta") or {}),
        "config": {"meta": dict(_get(_get(exp, "config"), "meta") or {})},
        "depends_on": _depends_on(exp),
    }


def _group(group: Any) -> dict[str, Any]:
    return {
        "unique_id": group.unique_id,
        "name": group.name,
        "package_name": _get(group, "package_name"),
        "owner": _owner(_get(group, "owner")),
    }


def manifest_projection(manifest: Any) -> dict[str, Any]:
    """The subset of ``manifest.json`` that ``extract_project`` reads, from a live Manifest.

    ``extract_project(manifest_projection(m))`` equals ``extract_project`` of the
    ``manifest.json`` written by the same parse.
    """
    metadata = manifest.metadata
    macros = {
        uid: {"unique_id": uid, "name": m.name, "package_name": m.package_name}
        for uid, m in manifest.macros.items()
        if m.package_name == TESSERA_PACKAGE
    }
    return {
        "metadata": {
            "project_name": _get(metadata, "project_name"),
            "adapter_type": _get(metadata, "adapter_type"),
            "dbt_version": _get(metadata, "dbt_version"),
            "invocation_id": _get(metadata, "invocation_id"),
        },
        "nodes": {uid: _node(n) for uid, n in manifest.nodes.items()},
        "macros": macros,
        "exposures": {uid: _exposure(e) for uid, e in manifest.exposures.items()},
        "groups": {uid: _group(g) for uid, g in manifest.groups.items()},
        "disabled": {
            uid: [_disabled(n) for n in nodes]
            for uid, nodes in (manifest.disabled or {}).items()
            if any(_str(_get(n, "resource_type")) == _MODEL for n in nodes)
        },
    }


# -- the invocation -------------------------------------------------------------------
def has_tessera_package(manifest: Any) -> bool:
    """True when the project installs the ``tessera`` dbt package (its macros are loaded)."""
    macros: Iterable[Any] = manifest.macros.values()
    return any(m.package_name == TESSERA_PACKAGE for m in macros)


def current_command() -> str | None:
    """The dbt command being run (``build``, ``run``, ``parse``...), or None outside dbt."""
    try:
        from dbt.flags import get_flags

        which = getattr(get_flags(), "WHICH", None)  # type: ignore[no-untyped-call]
    except Exception:  # flags not set: called outside a dbt invocation
        return None
    return str(which) if which else None


@dataclass(frozen=True)
class SelectedArgs:
    """The raw selection arguments of this invocation (dbt resolves them only later)."""

    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None

    @property
    def selects_everything(self) -> bool:
        """No ``--select``, ``--exclude`` or ``--selector``: every node is selected."""
        return not (self.select or self.exclude or self.selector)


def _strings(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    out: list[str] = []
    for item in value:
        # dbt keeps nested tuples for repeated --select flags.
        out.extend(_strings(item) if not isinstance(item, str) else [item])
    return tuple(out)


def selected_args() -> SelectedArgs:
    """``--select`` / ``--exclude`` / ``--selector`` as given on the command line."""
    try:
        from dbt.flags import get_flags

        flags = get_flags()  # type: ignore[no-untyped-call]
    except Exception:
        return SelectedArgs()
    selector = getattr(flags, "SELECTOR", None)
    return SelectedArgs(
        select=_strings(getattr(flags, "SELECT", None)),
        exclude=_strings(getattr(flags, "EXCLUDE", None)),
        selector=str(selector) if selector else None,
    )


def get_adapter(manifest: Any) -> Any:
    """The adapter dbt registered for this invocation (before parsing)."""
    from dbt.adapters.factory import get_adapter_by_type

    return get_adapter_by_type(manifest.metadata.adapter_type)  # type: ignore[no-untyped-call]


def enforced_constraint_types(manifest: Any) -> frozenset[str] | None:
    """The constraint types the registered adapter enforces, from its ``CONSTRAINT_SUPPORT``
    (``ConstraintType`` -> ``ConstraintSupport``); ``None`` when it cannot be read."""
    try:
        support = type(get_adapter(manifest)).CONSTRAINT_SUPPORT
        return frozenset(
            str(getattr(kind, "value", kind))
            for kind, level in dict(support).items()
            if str(getattr(level, "value", level)) == "enforced"
        )
    except Exception:  # no adapter registered, or an adapter without the attribute
        return None


def target_path(manifest: Any) -> str | None:
    """The project's target folder (where dbt writes manifest.json), if known."""
    try:
        path = get_adapter(manifest).config.project_target_path
    except Exception:  # no adapter registered (e.g. called on a deserialized manifest)
        path = None
    if path:
        return str(path)
    try:
        from dbt.flags import get_flags

        flag = getattr(get_flags(), "TARGET_PATH", None)  # type: ignore[no-untyped-call]
    except Exception:
        return None
    return str(flag) if flag else None


def run_operation_macro() -> str | None:
    """The macro a ``run-operation`` invokes, as typed (``tessera.diff``), else None."""
    try:
        from dbt.flags import get_flags

        macro = getattr(get_flags(), "MACRO", None)  # type: ignore[no-untyped-call]
    except Exception:
        return None
    return str(macro) if macro else None


def cli_vars() -> dict[str, Any]:
    """``--vars`` of this invocation as a dict (empty when none or unreadable)."""
    try:
        from dbt.flags import get_flags

        value = getattr(get_flags(), "VARS", None)  # type: ignore[no-untyped-call]
    except Exception:
        return {}
    return dict(value) if isinstance(value, Mapping) else {}


def invocation_id(manifest: Any) -> str:
    """The invocation id Jinja sees as ``invocation_id`` in this command's hooks."""
    return str(manifest.metadata.invocation_id)


def _fire(message: str, level: str) -> None:
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.functions import fire_event
    from dbt_common.events.types import Note

    fire_event(Note(msg=message), level=EventLevel.WARN if level == "warn" else EventLevel.INFO)


def log_info(message: str) -> None:
    """A line in dbt's log, shown like dbt's own progress lines."""
    _fire(message, "info")


def log_warning(message: str) -> None:
    """A warning in dbt's log (does not fail the command, even with --warn-error)."""
    _fire(message, "warn")


def relation_parts(manifest: Any, unique_id: str) -> tuple[str, str, str] | None:
    """(database, schema, identifier) of a model's relation in this target, lowercased;
    None for an ephemeral model or an unknown node."""
    node = manifest.nodes.get(unique_id)
    if node is None:
        return None
    config = _get(node, "config")
    if _get(config, "materialized") == "ephemeral":
        return None
    schema = _get(node, "schema")
    identifier = _get(node, "alias") or _get(node, "name")
    if not schema or not identifier:
        return None
    return (str(_get(node, "database") or "").lower(), str(schema).lower(), str(identifier).lower())
