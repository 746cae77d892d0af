"""Contract fingerprints: what the on-run-start hook checks an evaluation against.

An evaluation (by the plugin, or by ``tessera build`` on ``manifest.json``) records, for
every fingerprinted model, the md5 of a canonical string of its contract-relevant parts.
The package's on-run-start hook builds the same string in Jinja from ``graph``
(``macros/hooks/contract_fingerprint.sql``) and refuses to run when a selected model's
fingerprint differs from the evaluated one: a stale or reused evaluation cannot let a
changed model through. Both languages must build the string byte for byte alike; the
parity test (``tests/integration/test_fingerprint_parity.py``) runs a case table through
both in one dbt invocation.

The canonical string is ``canonical(parts)`` where ``parts`` is::

    {"columns": [[name, data_type, [constraint, ...]], ...]   # sorted by name
     "constraints": [constraint, ...]                          # model-level, as declared
     "enforced": bool, "materialized": str,
     "tessera": meta.tessera (config.meta first, then meta; null when absent),
     "tests": [[column_name, test name, namespace, kwargs], ...]}  # sorted canonically

with ``constraint = [type, name, expression, to, to_columns, columns]`` (``""``/``[]`` when
unset). ``canonical`` is a small JSON-like encoding both languages can write: mappings
with sorted keys, lists in order, strings quoted with ``\\`` and ``"`` escaped, numbers as
Python/Jinja print them, ``true``/``false``/``null``.

A model is fingerprinted when its contract is enforced or it carries ``meta.tessera``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

META_KEY = "tessera"
FINGERPRINT_VERSION = "1"


def canonical(value: Any) -> str:
    """The canonical text of a YAML/JSON value (see the module docstring)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        items = [canonical(str(k)) + ":" + canonical(value[k]) for k in sorted(value, key=str)]
        return "{" + ",".join(items) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    return canonical(str(value))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def tessera_meta(node: Mapping[str, Any]) -> tuple[bool, Any]:
    """``config.meta.tessera`` when present, else ``meta.tessera`` (same as the macro)."""
    config_meta = _mapping(_mapping(node.get("config")).get("meta"))
    if META_KEY in config_meta:
        return True, config_meta[META_KEY]
    meta = _mapping(node.get("meta"))
    if META_KEY in meta:
        return True, meta[META_KEY]
    return False, None


def is_fingerprinted(node: Mapping[str, Any]) -> bool:
    """A model whose contract is enforced or that carries ``meta.tessera``."""
    if node.get("resource_type") != "model":
        return False
    enforced = _mapping(_mapping(node.get("config")).get("contract")).get("enforced")
    return enforced is True or tessera_meta(node)[0]


def _constraint(c: Any) -> list[Any]:
    c = _mapping(c)
    return [
        _text(c.get("type")),
        _text(c.get("name")),
        _text(c.get("expression")),
        _text(c.get("to")),
        [_text(x) for x in _list(c.get("to_columns"))],
        [_text(x) for x in _list(c.get("columns"))],
    ]


def _test(node: Mapping[str, Any]) -> list[Any]:
    meta = _mapping(node.get("test_metadata"))
    return [
        _text(node.get("column_name")),
        _text(meta.get("name")),
        _text(meta.get("namespace")),
        dict(_mapping(meta.get("kwargs"))),
    ]


def fingerprint_text(node: Mapping[str, Any], tests: Sequence[Mapping[str, Any]] = ()) -> str:
    """The canonical string of a model node and the test nodes attached to it."""
    config = _mapping(node.get("config"))
    columns = [
        [
            _text(c.get("name") if c.get("name") is not None else name),
            _text(c.get("data_type")),
            [_constraint(x) for x in _list(c.get("constraints"))],
        ]
        for name, c in ((n, _mapping(v)) for n, v in _mapping(node.get("columns")).items())
    ]
    parts = {
        "columns": sorted(columns, key=canonical),
        "constraints": [_constraint(c) for c in _list(node.get("constraints"))],
        "enforced": _mapping(config.get("contract")).get("enforced") is True,
        "materialized": _text(config.get("materialized")),
        "tessera": tessera_meta(node)[1],
        "tests": sorted((_test(t) for t in tests), key=canonical),
    }
    return FINGERPRINT_VERSION + ":" + canonical(parts)


def contract_fingerprint(node: Mapping[str, Any], tests: Sequence[Mapping[str, Any]] = ()) -> str:
    """md5 (hex) of :func:`fingerprint_text`, as Jinja's ``local_md5`` computes it."""
    return hashlib.md5(fingerprint_text(node, tests).encode("utf-8")).hexdigest()


def contract_fingerprints(manifest: Mapping[str, Any]) -> dict[str, str]:
    """``unique_id -> fingerprint`` of every fingerprinted model of a manifest (json or
    the plugin's projection of a live Manifest)."""
    nodes = _mapping(manifest.get("nodes"))
    tests: dict[str, list[Mapping[str, Any]]] = {}
    for node in nodes.values():
        node = _mapping(node)
        attached = node.get("attached_node")
        if node.get("resource_type") == "test" and attached:
            tests.setdefault(str(attached), []).append(node)
    return {
        str(uid): contract_fingerprint(_mapping(n), tests.get(str(uid), ()))
        for uid, n in sorted(nodes.items())
        if is_fingerprinted(_mapping(n))
    }
