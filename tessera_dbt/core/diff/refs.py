"""Local ``$ref`` resolution for the diff: JSON pointers, anchors and ``$id``s of one root.

Only references inside the document resolve (``#/$defs/x``, ``#/items/0``, ``#anchor``,
a subschema's ``$id``, the root's own ``$id``); anything else (another file, a URL) is
left unresolved and compared by its text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tessera_dbt.core.diff.values import MISSING, unpointer

# Keywords whose values are data, not subschemas: never searched for $id or $anchor.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples", "required"})
_MAX_INDEX_DEPTH = 200
# Keys of a referenced definition that name or locate it.
_IDENTIFIERS = frozenset(
    {"$id", "id", "$anchor", "$dynamicAnchor", "$schema", "$defs", "definitions", "$comment"}
)
# Keys next to a "$ref" that change nothing about what it accepts.
_SIBLING_ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "examples", "deprecated", "readOnly", "writeOnly"}
)


class Resolver:
    """Resolves the local references of one root schema (the index is built on first need)."""

    __slots__ = ("_anchors", "_ids", "root")

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self._ids: dict[str, Any] | None = None
        self._anchors: dict[str, Any] = {}

    def target(self, node: dict[str, Any]) -> tuple[Any, Any] | None:
        """``(source, effective)`` of a node holding ``$ref``; None when it does not resolve.

        ``source`` identifies what is compared (the target itself for a bare reference, the
        node for a reference with siblings); ``effective`` is the schema to compare: the
        target, with any sibling keywords applied too (draft 2019-09 and later).
        """
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return None
        found = self.lookup(ref)
        if found is MISSING:
            return None
        effective = found
        if type(found) is dict and not found.keys().isdisjoint(_IDENTIFIERS):
            # where a definition lives and what it is called is no part of what it accepts
            effective = {k: v for k, v in found.items() if k not in _IDENTIFIERS}
        if len(node) == 1:
            return found, effective
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return node, apply_siblings(effective, siblings)

    def lookup(self, ref: str) -> Any:
        """The subschema a reference names, or ``MISSING``."""
        base, _, fragment = ref.partition("#")
        node: Any = self.root
        if base:
            node = self.ids().get(base, MISSING)
            if node is MISSING:
                return MISSING
        fragment = unquote(fragment)
        if not fragment:
            return node
        if not fragment.startswith("/"):
            self.ids()
            return self._anchors.get(fragment, MISSING)
        for raw in fragment[1:].split("/"):
            part = unpointer(raw)
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return MISSING
        return node

    def ids(self) -> dict[str, Any]:
        """``$id`` (and draft-04 ``id``) → subschema; fills the anchor index as it goes."""
        if self._ids is None:
            self._ids = {}
            self._index(self.root, 0)
        return self._ids

    def _index(self, node: Any, depth: int) -> None:
        if depth > _MAX_INDEX_DEPTH:
            return
        if isinstance(node, list):
            for item in node:
                self._index(item, depth + 1)
            return
        if not isinstance(node, dict):
            return
        assert self._ids is not None
        for key in ("$id", "id"):
            value = node.get(key)
            if isinstance(value, str) and value:
                if value.startswith("#"):
                    self._anchors.setdefault(value[1:], node)  # draft-06/07 plain-name id
                else:
                    self._ids.setdefault(value.rstrip("#"), node)
        for key in ("$anchor", "$dynamicAnchor"):
            value = node.get(key)
            if isinstance(value, str) and value:
                self._anchors.setdefault(value, node)
        for key, value in node.items():
            if key not in _DATA_KEYWORDS and isinstance(value, (dict, list)):
                self._index(value, depth + 1)


def apply_siblings(target: Any, siblings: dict[str, Any]) -> Any:
    """The schema a ``$ref`` with sibling keywords accepts: the target and the siblings.

    Siblings that the target does not constrain (or constrains the same way) merge in; a
    sibling annotation overrides the target's. Conflicting validation keywords keep both
    as an ``allOf``.
    """
    if target is False:
        return False
    if not isinstance(target, dict) or not target:
        return siblings
    merged = dict(target)
    conflict = False
    for key, value in siblings.items():
        if (
            key not in merged
            or merged[key] == value
            or key in _SIBLING_ANNOTATIONS
            or key.startswith("x-")
        ):
            merged[key] = value
        else:
            conflict = True
    if conflict:
        return {"allOf": [target, siblings]}
    return merged
