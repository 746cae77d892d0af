"""Input normalization of one schema node before it is compared.

- ``true`` is ``{}``; ``false`` (and anything containing ``not: {}``) accepts nothing and
  normalizes to ``False``.
- Nullability lives in ``required``: ``type: [T, "null"]``, ``nullable: true`` and a
  ``{"type": "null"}`` alternative of ``anyOf``/``oneOf`` drop out of the node.
- Combinators are modelled, not compared as text. ``anyOf``/``oneOf`` alternatives are a
  set (duplicates and ``false`` alternatives removed; an alternative ``true`` makes the
  keyword vacuous); a single remaining alternative is unwrapped into the node's ``allOf``.
  ``allOf`` members are a set too (``true`` members removed, a ``false`` member makes the
  node ``false``); members that do not contradict each other merge into the node, so
  ``{"allOf": [{"type": "string"}]}`` is ``{"type": "string"}``.

Normalized alternatives and members are kept under private keys (``ANY_OF``, ``ONE_OF``,
``ALL_OF``) as ``(path suffix, subschema)`` pairs, so that a change names the position
it has in the document.
"""

from __future__ import annotations

from typing import Any

from tessera_dbt.core.diff.values import canonical, hashable

Member = tuple[str, Any]

ALL_OF = "\x00allOf"
ANY_OF = "\x00anyOf"
ONE_OF = "\x00oneOf"
DISJUNCTIONS = ((ANY_OF, "anyOf"), (ONE_OF, "oneOf"))

# Keywords that do not constrain values (annotations, identifiers, containers of definitions).
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "examples",
        "comment",
        "$comment",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "id",  # draft-04's $id
        "$anchor",
        "$dynamicAnchor",
        "$vocabulary",
        "$defs",
        "definitions",
        "contentMediaType",
    }
)
_NOT_CONSTRAINING = ANNOTATIONS | {"default"}
_COMBINATOR_KEYS = frozenset({"allOf", "anyOf", "oneOf", "not"})


def constrains(key: str) -> bool:
    """Whether a keyword restricts the values a schema accepts (annotations do not)."""
    return key not in _NOT_CONSTRAINING and not key.startswith("x-")


def constraining(node: dict[str, Any]) -> dict[str, Any]:
    """The keywords of a node that restrict values (no annotations, no members)."""
    return {k: v for k, v in node.items() if k != ALL_OF and constrains(k)}


def annotations_of(node: dict[str, Any]) -> dict[str, Any]:
    """The keywords of a node that do not restrict values."""
    return {k: v for k, v in node.items() if not constrains(k) and not k.startswith("\x00")}


def is_false(node: Any) -> bool:
    """Whether a schema accepts nothing: ``false``, or a node with ``not: {}``/``not: true``."""
    if node is False:
        return True
    if type(node) is not dict:
        return False
    inner = node.get("not", False)
    return inner is True or (type(inner) is dict and not constraining(inner))


def is_true(node: Any) -> bool:
    """Whether a schema accepts everything (``true``, ``{}`` or only annotations)."""
    return node is True or (type(node) is dict and not any(map(constrains, node)))


def is_null_branch(node: Any) -> bool:
    """``{"type": "null"}``: the alternative that only admits null."""
    return (
        type(node) is dict and node.get("type") == "null" and constraining(node).keys() == {"type"}
    )


def normalize(node: Any) -> Any:
    """A comparable form of one schema node: a dict, or ``False`` when it accepts nothing."""
    if type(node) is not dict:
        return False if node is False else {}
    declared = node.get("type")
    if (
        "nullable" not in node
        and type(declared) is not list
        and node.keys().isdisjoint(_COMBINATOR_KEYS)
    ):
        return node
    if is_false(node):
        return False
    out = dict(node)
    out.pop("nullable", None)
    if isinstance(declared, list):
        rest = [t for t in declared if t != "null"]
        if not rest:
            out.pop("type")
        elif len(rest) == 1:
            out["type"] = rest[0]
        else:
            out["type"] = sorted(rest, key=str)
    if out.get("not") is False:
        out.pop("not")  # not false: no constraint
    members: list[Member] = []
    for private, key in DISJUNCTIONS:
        branches = out.get(key)
        if type(branches) is not list:
            continue
        kept = _distinct(
            (f"/{key}/{i}", b)
            for i, b in enumerate(branches)
            if not is_null_branch(b) and not is_false(b)
        )
        if not kept:
            if any(map(is_null_branch, branches)):
                continue  # only null is admitted: left as written
            return False  # every alternative accepts nothing
        out.pop(key)
        if any(is_true(b) for _, b in kept):
            continue  # one alternative accepts anything: the keyword constrains nothing
        if len(kept) == 1:
            members.append(kept[0])
        else:
            out[private] = kept
    raw_members = out.pop("allOf", None)
    if type(raw_members) is list:
        members.extend((f"/allOf/{i}", m) for i, m in enumerate(raw_members))
    elif raw_members is not None:
        out["allOf"] = raw_members  # not a list: compared as written
    if not members:
        return out
    members = [m for m in _distinct(members) if not is_true(m[1])]
    if any(is_false(m) for _, m in members):
        return False
    if not members:
        return out
    merged = _merge(out, [m for _, m in members])
    if merged is not None:
        return normalize(merged)
    out[ALL_OF] = members
    return out


def _distinct(members: Any) -> list[Member]:
    seen: set[str] = set()
    out: list[Member] = []
    for suffix, schema in members:
        key = canonical(schema)
        if key not in seen:
            seen.add(key)
            out.append((suffix, schema))
    return out


def _mergeable(member: Any) -> bool:
    return (
        type(member) is dict
        and "$ref" not in member
        and member.keys().isdisjoint(("allOf", "anyOf", "oneOf"))
    )


def _merge(own: dict[str, Any], members: list[Any]) -> dict[str, Any] | None:
    """One node equivalent to ``own`` and all ``members``, or None when they overlap.

    Parts merge when no two of them constrain the same keyword differently (``properties``
    merge by name, ``required`` by union), so the result does not depend on their order.
    """
    if not all(map(_mergeable, members)):
        return None
    parts = [own, *members]
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key not in merged:
                merged[key] = value
                continue
            current = merged[key]
            if current == value or not constrains(key):
                continue
            if key == "required" and type(current) is list and type(value) is list:
                merged[key] = [*current, *(v for v in value if v not in current)]
            elif key == "properties" and type(current) is dict and type(value) is dict:
                if any(current[n] != s for n, s in value.items() if n in current):
                    return None
                merged[key] = {**current, **value}
            else:
                return None
    return merged


def shape(schema: Any) -> Any:
    """What kind of subschema this is, to pair a changed alternative with its old self."""
    node = normalize(schema)
    if type(node) is not dict:
        return ("false",)
    if "$ref" in node:
        return ("$ref",)
    if "type" in node:
        return ("type", hashable(node["type"]))
    return ("keys", tuple(sorted(str(k) for k in node if constrains(k))))


def summary(schema: Any, limit: int = 60) -> str:
    """A short rendering of a subschema for messages."""
    text = canonical(schema)
    return text if len(text) <= limit else text[: limit - 1] + "…"
