"""Contract × contract → list of :class:`~tessera_dbt.core.contract.Change`. Pure: no dbt import.

The diff describes *what* changed and its :data:`~tessera_dbt.core.contract.Effect` on the set
of rows a consumer can see; :mod:`tessera_dbt.core.policy` decides what is breaking under a
mode. Every change kind is listed in :data:`KINDS` and documented in
``docs/compatibility.md``.

Equal sub-objects are skipped with one ``==`` (a C-level dict comparison), so a 50-column
contract with one changed column costs about one column's worth of Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from itertools import compress, filterfalse
from operator import ne
from typing import Any

from tessera_dbt.core.contract import Change, Contract
from tessera_dbt.core.types import DATA_TYPE_KEY, Relation, scalar_delta

# kind → (effect, additive, one-line meaning). The effect given is the usual one; a few
# kinds carry a stronger effect in context (a removed *required* column is incompatible,
# a removed *enforced* guarantee relaxes a constraint), see docs/compatibility.md.
KINDS: dict[str, tuple[str, bool, str]] = {
    "column_added": ("widening", True, "a nullable column was added"),
    "required_column_added": ("incompatible", True, "a not-null column was added"),
    "column_removed": ("narrowing", False, "a column was removed (incompatible if required)"),
    "field_added": ("widening", True, "a nullable nested field was added"),
    "required_field_added": ("incompatible", True, "a not-null nested field was added"),
    "field_removed": ("narrowing", False, "a nested field was removed"),
    "required_added": ("narrowing", False, "a column became not-null"),
    "required_removed": ("widening", True, "a column stopped being not-null"),
    "type_changed": ("incompatible", False, "the type changed to an unrelated one"),
    "type_widened": ("widening", True, "the type accepts more values (int → bigint)"),
    "type_narrowed": ("narrowing", False, "the type accepts fewer values (bigint → int)"),
    "data_type_alias_changed": ("neutral", False, "same type, spelled differently"),
    "length_widened": ("widening", True, "maximum length grew or was lifted"),
    "length_narrowed": ("narrowing", False, "maximum length shrank or was imposed"),
    "precision_widened": ("widening", True, "numeric precision grew"),
    "precision_narrowed": ("narrowing", False, "numeric precision shrank"),
    "scale_widened": ("widening", True, "numeric scale grew without losing integer digits"),
    "scale_narrowed": ("narrowing", False, "numeric scale shrank"),
    "enum_values_added": ("widening", True, "accepted values were added"),
    "enum_values_removed": ("narrowing", False, "accepted values were removed"),
    "enum_added": ("narrowing", False, "the column was restricted to a list of values"),
    "enum_removed": ("widening", True, "the list of accepted values was lifted"),
    "bound_tightened": ("narrowing", False, "a bound (minimum, maximum, …) tightened"),
    "bound_relaxed": ("widening", True, "a bound relaxed or was removed"),
    "bound_changed": ("incompatible", False, "a bound changed to an unrelated one"),
    "pattern_added": ("narrowing", False, "a pattern was imposed"),
    "pattern_changed": ("narrowing", False, "the pattern changed"),
    "pattern_removed": ("widening", True, "the pattern was lifted"),
    "default_added": ("widening", True, "a default was added"),
    "default_removed": ("narrowing", False, "the default was removed"),
    "default_changed": ("neutral", False, "the default value changed"),
    "ref_changed": ("incompatible", False, "a $ref points to another definition"),
    "additional_properties_allowed": ("widening", True, "undeclared fields are now allowed"),
    "additional_properties_forbidden": ("narrowing", False, "undeclared fields are refused"),
    "keyword_changed": ("incompatible", False, "another validation keyword changed"),
    "description_changed": ("neutral", False, "a description or title changed"),
    "annotation_changed": ("neutral", False, "an annotation (x-…) changed"),
    "column_order_changed": ("neutral", False, "columns were reordered"),
    "materialization_changed": (
        "neutral",
        False,
        "materialization changed (constraint_relaxed when constraints stop being enforced)",
    ),
    "contract_enforcement_removed": ("constraint_relaxed", False, "contract enforcement off"),
    "contract_enforcement_added": ("guarantee_tightened", False, "contract enforcement on"),
    "guarantee_added": ("guarantee_tightened", True, "a guarantee was added"),
    "guarantee_removed": (
        "guarantee_relaxed",
        False,
        "a guarantee was removed (constraint_relaxed if it was enforced)",
    ),
    "guarantee_tightened": ("guarantee_tightened", False, "a guarantee was tightened"),
    "guarantee_relaxed": (
        "guarantee_relaxed",
        False,
        "a guarantee was relaxed (constraint_relaxed if it was enforced)",
    ),
    "guarantee_changed": ("neutral", False, "a guarantee changed without getting weaker"),
}

# Kinds whose reverse is another kind with the inverse effect (narrowing ↔ widening).
INVERSE_KINDS: dict[str, str] = {
    "column_added": "column_removed",
    "field_added": "field_removed",
    "required_added": "required_removed",
    "type_widened": "type_narrowed",
    "length_widened": "length_narrowed",
    "precision_widened": "precision_narrowed",
    "scale_widened": "scale_narrowed",
    "enum_values_added": "enum_values_removed",
    "enum_added": "enum_removed",
    "bound_tightened": "bound_relaxed",
    "pattern_added": "pattern_removed",
    "default_added": "default_removed",
    "additional_properties_allowed": "additional_properties_forbidden",
}
INVERSE_KINDS.update({v: k for k, v in list(INVERSE_KINDS.items())})

# Type kinds that dbt-core's contract check also reports when the data_type's base name
# changes (int -> bigint): breaking in every mode but none, like dbt-core.
_DBT_TYPE_KINDS = frozenset({"type_widened", "type_narrowed"})


def _dbt_base_type(node: Mapping[str, Any]) -> str | None:
    text = node.get(DATA_TYPE_KEY)
    if not isinstance(text, str) or not text.strip():
        return None
    return text.split("(", 1)[0].strip().lower()


def _dbt_base_type_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Both sides are dbt columns whose data_type base names differ (as dbt-core compares)."""
    a, b = _dbt_base_type(old), _dbt_base_type(new)
    return a is not None and b is not None and a != b


_EFFECT_OF_RELATION: dict[Relation, str] = {
    "widened": "widening",
    "narrowed": "narrowing",
    "incompatible": "incompatible",
    "same": "neutral",
}

# Lower/upper bounds: for a lower bound a bigger value tightens, for an upper bound a
# smaller one does. maxLength has its own kinds (length_*).
_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_ANNOTATIONS = frozenset(
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
        "$anchor",
        "$defs",
        "definitions",
        "contentMediaType",
    }
)
# Keys the type comparison (types.scalar_delta) already covers.
_TYPE_KEYS = frozenset(
    {"type", "format", "x-precision", "x-scale", "x-timezone", "contentEncoding", "x-tessera-type"}
)
_HANDLED = (
    _TYPE_KEYS
    | frozenset({"title", "description", "$defs", "definitions"})
    | frozenset(_LOWER_BOUNDS)
    | frozenset(_UPPER_BOUNDS)
    | frozenset(
        {
            "maxLength",
            "enum",
            "pattern",
            "default",
            "$ref",
            "items",
            "properties",
            "required",
            "additionalProperties",
            "multipleOf",
            "uniqueItems",
            "nullable",
            "const",
            DATA_TYPE_KEY,
            "x-tessera-column-order",
            "x-dbt-materialization",
            "x-dbt-contract-enforced",
        }
    )
)
# Materializations on which dbt enforces constraints (dbt-core: table and incremental).
_ENFORCING_MATERIALIZATIONS = frozenset({"table", "incremental", "snapshot"})
_MAX_DEPTH = 64
# Root keys that root() handles itself (columns, not-null, order, model facts).
_ROOT_OWN = frozenset(
    {
        "properties",
        "required",
        "x-tessera-column-order",
        "x-dbt-materialization",
        "x-dbt-contract-enforced",
    }
)
# Changes that say nothing about the data type; any other change inside a column already
# explains a new data_type spelling (int[] → bigint[] is reported at /items).
_NOT_TYPE_KINDS = frozenset({"description_changed", "annotation_changed", "default_changed"})


def is_contract_document(doc: Any) -> bool:
    """Whether ``doc`` is a contract document ``{"schema": {...}, "guarantees": {...}}``."""
    return (
        isinstance(doc, (dict, Mapping))
        and isinstance(doc.get("schema"), (dict, Mapping))
        and "properties" not in doc
        and "type" not in doc
    )


def split_document(doc: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """``(schema, guarantees)`` of a contract document; ``(schema, None)`` for a bare schema."""
    if isinstance(doc, Contract):
        return doc.schema, doc.guarantees
    if not isinstance(doc, (dict, Mapping)):
        raise TypeError(f"a contract or JSON Schema must be an object, not {type(doc).__name__}")
    if is_contract_document(doc):
        guarantees = doc.get("guarantees")
        return _as_dict(doc["schema"]), _as_dict(guarantees) if isinstance(
            guarantees, Mapping
        ) else {}
    return _as_dict(doc), None


def _as_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return value if isinstance(value, dict) else dict(value)


def diff_documents(old: Any, new: Any) -> list[Change]:
    """Diff two inputs of ``tessera diff``: bare JSON Schemas or contract documents.

    Two contract documents are judged whole (schema, model facts and guarantees); when
    either side is a bare JSON Schema only the schemas are compared.
    """
    old_schema, old_guarantees = split_document(old)
    new_schema, new_guarantees = split_document(new)
    if old_guarantees is None or new_guarantees is None:
        return diff_schemas(old_schema, new_schema)
    return _Differ(old_schema, new_schema, old_guarantees, new_guarantees).run()


def diff_contracts(
    old: Contract | Mapping[str, Any], new: Contract | Mapping[str, Any]
) -> list[Change]:
    """Whole-contract diff of two contract documents (or :class:`Contract` values).

    A missing ``guarantees`` counts as no guarantees; a bare schema is accepted too.
    """
    old_schema, old_guarantees = split_document(old)
    new_schema, new_guarantees = split_document(new)
    return _Differ(old_schema, new_schema, old_guarantees or {}, new_guarantees or {}).run()


def diff_schemas(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Diff two JSON Schemas (columns, types, bounds, nested members, model facts)."""
    return _Differ(dict(old), dict(new), None, None).run()


# --------------------------------------------------------------------------- helpers


def _is_nullable(prop: Any) -> bool:
    if not isinstance(prop, dict):
        return False
    declared = prop.get("type")
    return prop.get("nullable") is True or (isinstance(declared, list) and "null" in declared)


def _normalize(node: Any) -> dict[str, Any]:
    """Input normalization of one schema node: nullability lives in ``required``."""
    if not isinstance(node, dict):
        # JSON Schema booleans: true accepts everything, false nothing.
        return {} if node is not False else {"not": {}}
    declared = node.get("type")
    if "nullable" not in node and not isinstance(declared, list) and "const" not in node:
        return node
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
    if "const" in out and "enum" not in out:
        out["enum"] = [out.pop("const")]
    return out


def _name_set(required: Any) -> frozenset[str]:
    if type(required) is not list or not required:
        return frozenset()
    return frozenset(r for r in required if type(r) is str)


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _fmt_values(values: Iterable[Any]) -> str:
    return ", ".join(_fmt(v) for v in values)


def _sorted_values(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _pointer(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


class _Differ:
    """One diff run; collects changes in a list (kept in a stable, readable order)."""

    __slots__ = ("defs_changed", "new_guarantees", "new_root", "old_guarantees", "old_root", "out")

    def __init__(
        self,
        old_root: dict[str, Any],
        new_root: dict[str, Any],
        old_guarantees: dict[str, Any] | None,
        new_guarantees: dict[str, Any] | None,
    ) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.old_guarantees = old_guarantees
        self.new_guarantees = new_guarantees
        self.out: list[Change] = []
        # When shared definitions differ, equal "$ref" nodes may still mean different things.
        self.defs_changed = any(
            old_root.get(key) != new_root.get(key) for key in ("$defs", "definitions")
        )

    def emit(
        self,
        kind: str,
        path: str,
        message: str,
        column: str | None,
        old: Any = None,
        new: Any = None,
        effect: str | None = None,
    ) -> None:
        default_effect, additive, _ = KINDS[kind]
        self.out.append(
            Change(
                kind=kind,
                path=path,
                message=message,
                effect=effect or default_effect,
                column=column,
                additive=additive,
                old=old,
                new=new,
            )
        )

    def run(self) -> list[Change]:
        self.root()
        og, ng = self.old_guarantees, self.new_guarantees
        if og is not None and ng is not None and og != ng:
            self.guarantees(og, ng)
        return self.out

    # ---------------------------------------------------------------- schema

    def root(self) -> None:
        old, new = self.old_root, self.new_root
        if "properties" in old or "properties" in new or old.get("type") == "object":
            self.properties(old, new, "", None, 0)
            if any(old.get(k) != new.get(k) for k in old.keys() | new.keys() if k not in _ROOT_OWN):
                self.root_keys(old, new)
        else:
            self.node(old, new, "", "schema", None, 0)
        self.column_order(old, new)
        self.model_facts(old, new)

    def root_keys(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Root keywords other than the columns: a root type change, title, …"""
        old_n, new_n = _normalize(old), _normalize(new)
        delta = scalar_delta(old_n, new_n)
        if delta is not None:
            effect = _EFFECT_OF_RELATION[delta.relation]
            self.emit(
                delta.kind, "/type", f"schema {delta.detail}", None, delta.old, delta.new, effect
            )
        self.node_keys(old_n, new_n, "", "schema", None, 0, typed=delta is not None)

    def properties(
        self, old: dict[str, Any], new: dict[str, Any], path: str, column: str | None, depth: int
    ) -> None:
        """Members of an object node; top level (column None) speaks of columns."""
        old_props = old.get("properties")
        new_props = new.get("properties")
        if not isinstance(old_props, dict):
            old_props = {}
        if not isinstance(new_props, dict):
            new_props = {}
        old_req_raw, new_req_raw = old.get("required"), new.get("required")
        req_changed = old_req_raw != new_req_raw
        # membership in the raw lists is enough per name; sets only when the lists differ
        old_req: Any = old_req_raw if type(old_req_raw) is list else ()
        new_req: Any = new_req_raw if type(new_req_raw) is list else ()
        # Only names whose schema or not-null status changed need any Python-level work;
        # finding them runs at C speed (filter/map/compress over the dicts).
        if self.defs_changed:
            changed = [n for n, p in new_props.items() if not self.same(old_props.get(n), p)]
        else:
            common = list(filter(old_props.__contains__, new_props))
            changed = list(
                compress(
                    common,
                    map(ne, map(old_props.__getitem__, common), map(new_props.__getitem__, common)),
                )
            )
            if len(common) != len(new_props):
                changed.extend(filterfalse(old_props.__contains__, new_props))
            elif not changed and not req_changed and len(old_props) == len(new_props):
                return
        if req_changed:
            flipped = (_name_set(old_req) ^ _name_set(new_req)) - set(changed)
            changed.extend(n for n in new_props if n in flipped)
        top = column is None
        added = 0
        for name in changed:
            new_prop = new_props[name]
            sub = f"{path}/properties/{_pointer(name)}"
            col = name if top else column
            label = f"column {name}" if top else f"field {self.dotted(path, name)}"
            now = name in new_req and not _is_nullable(new_prop)
            if name not in old_props:
                added += 1
                if now:
                    kind = "required_column_added" if top else "required_field_added"
                    self.emit(
                        kind, sub, f"required {label} was added (not null)", col, None, new_prop
                    )
                else:
                    kind = "column_added" if top else "field_added"
                    self.emit(kind, sub, f"{label} was added", col, None, new_prop)
                continue
            old_prop = old_props[name]
            if not self.same(old_prop, new_prop):
                self.node(old_prop, new_prop, sub, label, col, depth + 1)
            was = name in old_req and not _is_nullable(old_prop)
            if was != now:
                req_path = f"{path}/required/{_pointer(name)}"
                if now:
                    self.emit(
                        "required_added",
                        req_path,
                        f"{label} became required (not null)",
                        col,
                        False,
                        True,
                    )
                else:
                    self.emit(
                        "required_removed",
                        req_path,
                        f"{label} is no longer required (nullable)",
                        col,
                        True,
                        False,
                    )
        if len(old_props) == len(new_props) - added:
            return  # every old name is still there
        for name, old_prop in old_props.items():
            if name in new_props:
                continue
            sub = f"{path}/properties/{_pointer(name)}"
            col = name if top else column
            label = f"column {name}" if top else f"field {self.dotted(path, name)}"
            kind = "column_removed" if top else "field_removed"
            if name in old_req and not _is_nullable(old_prop):
                self.emit(
                    kind, sub, f"required {label} was removed", col, old_prop, None, "incompatible"
                )
            else:
                self.emit(kind, sub, f"{label} was removed", col, old_prop, None)

    def same(self, a: Any, b: Any) -> bool:
        """Equal, and not hiding a ``$ref`` whose definition changed."""
        return (a is b or a == b) and not (self.defs_changed and _has_ref(a))

    @staticmethod
    def dotted(path: str, name: str) -> str:
        parts = [p for p in path.split("/") if p and p != "properties"]
        return ".".join([*[p.replace("~1", "/").replace("~0", "~") for p in parts], name]).replace(
            ".items", "[]"
        )

    def node(
        self, old_raw: Any, new_raw: Any, path: str, label: str, column: str | None, depth: int
    ) -> None:
        """One schema node: type, bounds, enum, pattern, default, nested members, the rest."""
        if depth > _MAX_DEPTH:
            return
        old, new = _normalize(old_raw), _normalize(new_raw)
        if self.same(old, new):
            return
        if self.refs(old, new, path, label, column, depth):
            return
        delta = scalar_delta(old, new)
        if delta is not None:
            effect = _EFFECT_OF_RELATION[delta.relation]
            if delta.kind in _DBT_TYPE_KINDS and _dbt_base_type_changed(old, new):
                # dbt-core's state:modified.contract calls any change of a column's data
                # type (cut at "(", lowercased) breaking, widening included: so do we.
                effect = "incompatible"
            self.emit(
                delta.kind,
                path,
                f"{label} {delta.detail}",
                column,
                delta.old,
                delta.new,
                effect,
            )
            if delta.relation == "incompatible":
                return
        self.node_keys(old, new, path, label, column, depth, typed=delta is not None)

    def node_keys(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        label: str,
        column: str | None,
        depth: int,
        *,
        typed: bool = False,
    ) -> None:
        """Everything but the type: lengths, bounds, enum, pattern, default, members."""
        start = len(self.out)
        type_related = typed
        a, b = old.get("maxLength"), new.get("maxLength")
        if a != b:
            type_related = True
            widened = b is None or (isinstance(a, int) and isinstance(b, int) and b > a)
            word = "widened" if widened else "narrowed"
            self.emit(
                f"length_{word}",
                f"{path}/maxLength",
                f"{label} maximum length {word} from {a if a is not None else 'unbounded'} "
                f"to {b if b is not None else 'unbounded'}",
                column,
                a,
                b,
            )
        for key in _LOWER_BOUNDS:
            if old.get(key) != new.get(key):
                self.bound(key, old.get(key), new.get(key), True, path, label, column)
        for key in _UPPER_BOUNDS:
            if old.get(key) != new.get(key):
                self.bound(key, old.get(key), new.get(key), False, path, label, column)
        if old.get("multipleOf") != new.get("multipleOf"):
            self.multiple_of(old.get("multipleOf"), new.get("multipleOf"), path, label, column)
        if old.get("uniqueItems") != new.get("uniqueItems"):
            a, b = bool(old.get("uniqueItems")), bool(new.get("uniqueItems"))
            if a != b:
                kind = "bound_tightened" if b else "bound_relaxed"
                word = "now requires" if b else "no longer requires"
                self.emit(kind, f"{path}/uniqueItems", f"{label} {word} unique items", column, a, b)
        if old.get("enum") != new.get("enum"):
            self.enum(old.get("enum"), new.get("enum"), path, label, column)
        if old.get("pattern") != new.get("pattern"):
            self.pattern(old.get("pattern"), new.get("pattern"), path, label, column)
        if old.get("default", _MISSING) != new.get("default", _MISSING):
            self.default(
                old.get("default", _MISSING), new.get("default", _MISSING), path, label, column
            )
        # nested members
        old_items, new_items = old.get("items"), new.get("items")
        if not self.same(old_items, new_items):
            if isinstance(old_items, (dict, bool)) or isinstance(new_items, (dict, bool)):
                self.node(
                    old_items if old_items is not None else {},
                    new_items if new_items is not None else {},
                    f"{path}/items",
                    f"items of {label}",
                    column,
                    depth + 1,
                )
            else:
                self.emit(
                    "keyword_changed",
                    f"{path}/items",
                    f"{label} items changed",
                    column,
                    old_items,
                    new_items,
                )
        if path and (
            not self.same(old.get("properties"), new.get("properties"))
            or old.get("required") != new.get("required")
        ):
            self.properties(old, new, path, column if column is not None else "", depth)
        if not self.same(old.get("additionalProperties"), new.get("additionalProperties")):
            self.additional(
                old.get("additionalProperties"),
                new.get("additionalProperties"),
                path,
                label,
                column,
                depth,
            )
        # annotations and anything else
        if old.get("description") != new.get("description") or old.get("title") != new.get("title"):
            self.emit(
                "description_changed",
                f"{path}/description",
                f"{label} description changed" if path else "description changed",
                column,
                old.get("description", old.get("title")),
                new.get("description", new.get("title")),
            )
        if (
            not type_related
            and old.get(DATA_TYPE_KEY) != new.get(DATA_TYPE_KEY)
            and all(c.kind in _NOT_TYPE_KINDS for c in self.out[start:])
        ):
            a, b = old.get(DATA_TYPE_KEY), new.get(DATA_TYPE_KEY)
            if a is not None and b is not None:
                msg = f"{label} data type is now spelled {b} instead of {a} (same type)"
            else:
                msg = f"{label} data type annotation changed"
            self.emit("data_type_alias_changed", f"{path}/{DATA_TYPE_KEY}", msg, column, a, b)
        for key in old.keys() | new.keys():
            if key in _HANDLED:
                continue
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if key.startswith("x-") or key in _ANNOTATIONS:
                self.emit(
                    "annotation_changed",
                    f"{path}/{_pointer(key)}",
                    f"{label} annotation {key} changed",
                    column,
                    a,
                    b,
                )
            else:
                self.emit(
                    "keyword_changed",
                    f"{path}/{_pointer(key)}",
                    f"{label} keyword {key} changed",
                    column,
                    a,
                    b,
                )

    def bound(
        self, key: str, a: Any, b: Any, lower: bool, path: str, label: str, column: str | None
    ) -> None:
        na, nb = _number(a), _number(b)
        sub = f"{path}/{key}"
        if a is None:
            self.emit("bound_tightened", sub, f"{label} gained {key} {_fmt(b)}", column, a, b)
        elif b is None:
            self.emit("bound_relaxed", sub, f"{label} lost {key} {_fmt(a)}", column, a, b)
        elif na is None or nb is None:
            # draft-4 boolean exclusive bounds: true is the tighter one
            if isinstance(a, bool) and isinstance(b, bool):
                kind = "bound_tightened" if b else "bound_relaxed"
                self.emit(kind, sub, f"{label} {key} changed from {a} to {b}", column, a, b)
            else:
                self.emit(
                    "bound_changed",
                    sub,
                    f"{label} {key} changed from {_fmt(a)} to {_fmt(b)}",
                    column,
                    a,
                    b,
                )
        else:
            tighter = nb > na if lower else nb < na
            word = "tightened" if tighter else "relaxed"
            self.emit(
                f"bound_{word}",
                sub,
                f"{label} {key} {word} from {_fmt(a)} to {_fmt(b)}",
                column,
                a,
                b,
            )

    def multiple_of(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        sub = f"{path}/multipleOf"
        na, nb = _number(a), _number(b)
        if na is None and nb is not None:
            self.emit(
                "bound_tightened", sub, f"{label} must now be a multiple of {_fmt(b)}", column, a, b
            )
        elif nb is None and na is not None:
            self.emit(
                "bound_relaxed",
                sub,
                f"{label} no longer has to be a multiple of {_fmt(a)}",
                column,
                a,
                b,
            )
        elif na and nb and _is_multiple(nb, na):
            self.emit(
                "bound_tightened",
                sub,
                f"{label} multipleOf tightened from {_fmt(a)} to {_fmt(b)}",
                column,
                a,
                b,
            )
        elif na and nb and _is_multiple(na, nb):
            self.emit(
                "bound_relaxed",
                sub,
                f"{label} multipleOf relaxed from {_fmt(a)} to {_fmt(b)}",
                column,
                a,
                b,
            )
        else:
            self.emit(
                "bound_changed",
                sub,
                f"{label} multipleOf changed from {_fmt(a)} to {_fmt(b)}",
                column,
                a,
                b,
            )

    def enum(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        sub = f"{path}/enum"
        if not isinstance(a, list) and isinstance(b, list):
            self.emit(
                "enum_added",
                sub,
                f"{label} is now restricted to values: {_fmt_values(b)}",
                column,
                a,
                b,
            )
            return
        if isinstance(a, list) and not isinstance(b, list):
            self.emit(
                "enum_removed",
                sub,
                f"{label} is no longer restricted to a list of values",
                column,
                a,
                b,
            )
            return
        if not isinstance(a, list) or not isinstance(b, list):
            return
        old_set = {_hashable(v): v for v in a}
        new_set = {_hashable(v): v for v in b}
        added = _sorted_values(v for k, v in new_set.items() if k not in old_set)
        removed = _sorted_values(v for k, v in old_set.items() if k not in new_set)
        if added:
            self.emit(
                "enum_values_added",
                sub,
                f"{label} accepts new values: {_fmt_values(added)}",
                column,
                None,
                added,
            )
        if removed:
            self.emit(
                "enum_values_removed",
                sub,
                f"{label} no longer accepts values: {_fmt_values(removed)}",
                column,
                removed,
                None,
            )

    def pattern(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        sub = f"{path}/pattern"
        if a is None:
            self.emit(
                "pattern_added", sub, f"{label} must now match pattern {_fmt(b)}", column, a, b
            )
        elif b is None:
            self.emit(
                "pattern_removed",
                sub,
                f"{label} no longer has to match pattern {_fmt(a)}",
                column,
                a,
                b,
            )
        else:
            self.emit(
                "pattern_changed",
                sub,
                f"{label} pattern changed from {_fmt(a)} to {_fmt(b)}",
                column,
                a,
                b,
            )

    def default(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        sub = f"{path}/default"
        if a is _MISSING:
            self.emit("default_added", sub, f"{label} gained default {_fmt(b)}", column, None, b)
        elif b is _MISSING:
            self.emit(
                "default_removed", sub, f"{label} lost its default {_fmt(a)}", column, a, None
            )
        else:
            self.emit(
                "default_changed",
                sub,
                f"{label} default changed from {_fmt(a)} to {_fmt(b)}",
                column,
                a,
                b,
            )

    def additional(
        self, a: Any, b: Any, path: str, label: str, column: str | None, depth: int
    ) -> None:
        sub = f"{path}/additionalProperties"
        if isinstance(a, dict) and isinstance(b, dict):
            self.node(a, b, sub, f"values of {label}", column, depth + 1)
            return
        # absent or true: anything goes; false: nothing undeclared; a schema: in between
        open_a = a is None or a is True
        open_b = b is None or b is True
        if open_a == open_b and not isinstance(a, dict) and not isinstance(b, dict):
            return
        if open_b or (a is False and isinstance(b, dict)):
            self.emit(
                "additional_properties_allowed",
                sub,
                f"{label} now allows undeclared fields",
                column,
                a,
                b,
            )
        else:
            self.emit(
                "additional_properties_forbidden",
                sub,
                f"{label} no longer allows undeclared fields",
                column,
                a,
                b,
            )

    def refs(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        label: str,
        column: str | None,
        depth: int,
    ) -> bool:
        """Handle ``$ref``: follow local refs; a different target is ``ref_changed``."""
        a, b = old.get("$ref"), new.get("$ref")
        if a is None and b is None:
            return False
        target_a = self.resolve(self.old_root, a) if isinstance(a, str) else None
        target_b = self.resolve(self.new_root, b) if isinstance(b, str) else None
        if a == b:
            if target_a is not None and target_b is not None and target_a != target_b:
                self.node(target_a, target_b, path, label, column, depth + 1)
            return False
        if target_a is not None and target_b is not None and target_a == target_b:
            self.emit(
                "annotation_changed",
                f"{path}/$ref",
                f"{label} $ref renamed from {a} to {b} (same definition)",
                column,
                a,
                b,
            )
            return True
        self.emit(
            "ref_changed",
            f"{path}/$ref",
            f"{label} now refers to {b or 'an inline schema'} instead of {a or 'an inline schema'}",
            column,
            a,
            b,
        )
        return True

    @staticmethod
    def resolve(root: dict[str, Any], ref: str) -> Any:
        if not ref.startswith("#"):
            return None
        node: Any = root
        for part in ref[1:].split("/"):
            if not part:
                continue
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node if isinstance(node, dict) else None

    def column_order(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        a, b = old.get("x-tessera-column-order"), new.get("x-tessera-column-order")
        if a == b or not isinstance(a, list) or not isinstance(b, list):
            return
        common = set(a) & set(b)
        old_seq = [c for c in a if c in common]
        new_seq = [c for c in b if c in common]
        if old_seq != new_seq:
            moved = [c for c, d in zip(old_seq, new_seq, strict=True) if c != d]
            self.emit(
                "column_order_changed",
                "/x-tessera-column-order",
                f"column order changed (first moved: {moved[0]})"
                if moved
                else "column order changed",
                None,
                a,
                b,
            )

    def model_facts(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        a, b = old.get("x-dbt-contract-enforced"), new.get("x-dbt-contract-enforced")
        if bool(a) != bool(b):
            if a:
                self.emit(
                    "contract_enforcement_removed",
                    "/x-dbt-contract-enforced",
                    "dbt contract enforcement was turned off",
                    None,
                    a,
                    b,
                )
            else:
                self.emit(
                    "contract_enforcement_added",
                    "/x-dbt-contract-enforced",
                    "dbt contract enforcement was turned on",
                    None,
                    a,
                    b,
                )
        a, b = old.get("x-dbt-materialization"), new.get("x-dbt-materialization")
        if a != b:
            stops = a in _ENFORCING_MATERIALIZATIONS and b not in _ENFORCING_MATERIALIZATIONS
            starts = b in _ENFORCING_MATERIALIZATIONS and a not in _ENFORCING_MATERIALIZATIONS
            effect = "neutral"
            msg = f"materialization changed from {a} to {b}"
            if stops and self.has_constraints(self.old_root, self.old_guarantees):
                effect = "constraint_relaxed"
                msg += ", which no longer enforces constraints"
            elif starts and self.has_constraints(self.new_root, self.new_guarantees):
                effect = "guarantee_tightened"
                msg += ", which enforces constraints"
            self.emit("materialization_changed", "/x-dbt-materialization", msg, None, a, b, effect)

    @staticmethod
    def has_constraints(schema: dict[str, Any], guarantees: dict[str, Any] | None) -> bool:
        if guarantees is None:
            # bare schema: not-null columns are the only constraints it can express
            return bool(schema.get("required"))
        return any(isinstance(g, dict) and g.get("constraint") for g in guarantees.values())

    # ---------------------------------------------------------------- guarantees

    def guarantees(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        common = list(filter(new.__contains__, old))
        keys = list(
            compress(common, map(ne, map(old.__getitem__, common), map(new.__getitem__, common)))
        )
        keys.extend(filterfalse(new.__contains__, old))
        keys.extend(filterfalse(old.__contains__, new))
        for key in sorted(keys, key=str):
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            path = f"/guarantees/{_pointer(key)}"
            g = a if isinstance(a, dict) else b if isinstance(b, dict) else {}
            column = _guarantee_column(g)
            name = _guarantee_label(key, g)
            if a is None:
                self.emit("guarantee_added", path, f"guarantee {name} was added", column, None, b)
            elif b is None:
                if _level(a) == 2:
                    self.emit(
                        "guarantee_removed",
                        path,
                        f"enforced constraint {name} was removed",
                        column,
                        a,
                        None,
                        "constraint_relaxed",
                    )
                else:
                    self.emit(
                        "guarantee_removed", path, f"guarantee {name} was removed", column, a, None
                    )
            else:
                self.guarantee_changed(
                    path,
                    name,
                    column,
                    a if isinstance(a, dict) else {},
                    b if isinstance(b, dict) else {},
                )

    def guarantee_changed(
        self, path: str, name: str, column: str | None, a: dict[str, Any], b: dict[str, Any]
    ) -> None:
        la, lb = _level(a), _level(b)
        relaxed: list[str] = []
        tightened: list[str] = []
        if lb < la:
            relaxed.append(_LEVEL_LOSS[(la, lb)])
        elif lb > la:
            tightened.append(_LEVEL_GAIN[(la, lb)])
        args_a, args_b = a.get("args"), b.get("args")
        if args_a != args_b:
            verdict, detail = _compare_args(str(a.get("kind", "")), args_a, args_b)
            (
                relaxed if verdict == "relaxed" else tightened if verdict == "tightened" else []
            ).append(detail)
        if a.get("columns") != b.get("columns") and a.get("columns") is not None:
            relaxed.append(
                f"columns changed from {_fmt(a.get('columns'))} to {_fmt(b.get('columns'))}"
            )
        if relaxed:
            effect = "constraint_relaxed" if la == 2 else "guarantee_relaxed"
            what = "enforced constraint" if la == 2 else "guarantee"
            self.emit(
                "guarantee_relaxed",
                path,
                f"{what} {name} was relaxed: {'; '.join(relaxed)}",
                column,
                a,
                b,
                effect,
            )
        elif tightened:
            self.emit(
                "guarantee_tightened",
                path,
                f"guarantee {name} was tightened: {'; '.join(tightened)}",
                column,
                a,
                b,
            )
        else:
            self.emit("guarantee_changed", path, f"guarantee {name} changed", column, a, b)


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False


def _is_multiple(x: float, y: float) -> bool:
    """Whether ``x`` is an integer multiple of ``y``."""
    ratio = x / y
    return math.isclose(ratio, round(ratio), rel_tol=1e-9, abs_tol=1e-9)


def _level(g: Any) -> int:
    """How firmly a guarantee holds: 2 enforced by the warehouse, 1 tested, 0 declared only."""
    if not isinstance(g, dict):
        return 0
    if g.get("enforced"):
        return 2
    if g.get("tested") or ("tested" not in g and "constraint" not in g):
        return 1  # a meta guarantee (freshness, volume) holds as declared
    return 0


_LEVEL_LOSS = {
    (2, 1): "no longer enforced by the warehouse (still tested)",
    (2, 0): "no longer enforced nor tested",
    (1, 0): "no longer tested",
}
_LEVEL_GAIN = {
    (1, 2): "now enforced by the warehouse",
    (0, 2): "now enforced by the warehouse",
    (0, 1): "now tested",
}

_PERIOD_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
}


def _duration(value: Any) -> float | None:
    if not isinstance(value, Mapping):
        return None
    count = _number(value.get("count"))
    period = str(value.get("period", "")).rstrip("s")
    if count is None or period not in _PERIOD_SECONDS:
        return None
    return count * _PERIOD_SECONDS[period]


def _compare_args(kind: str, a: Any, b: Any) -> tuple[str, str]:
    """Judge a change of a guarantee's arguments: relaxed / tightened / changed."""
    a = a if isinstance(a, Mapping) else {}
    b = b if isinstance(b, Mapping) else {}
    if kind == "accepted_values":
        va, vb = a.get("values"), b.get("values")
        if isinstance(va, list) and isinstance(vb, list):
            sa, sb = {_hashable(v) for v in va}, {_hashable(v) for v in vb}
            rest_a = {k: v for k, v in a.items() if k != "values"}
            rest_b = {k: v for k, v in b.items() if k != "values"}
            if sa == sb and rest_a == rest_b:
                return "changed", "values reordered"
            if sa < sb:
                added = _sorted_values(v for v in vb if _hashable(v) not in sa)
                return "relaxed", f"values added: {_fmt_values(added)}"
            if sb < sa:
                removed = _sorted_values(v for v in va if _hashable(v) not in sb)
                return "tightened", f"values removed: {_fmt_values(removed)}"
            return "relaxed", "accepted values changed"
    verdicts: list[str] = []
    details: list[str] = []
    for key in sorted(a.keys() | b.keys()):
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        verdict = _arg_verdict(kind, key, x, y)
        verdicts.append(verdict)
        details.append(f"{key} {verdict} from {_fmt(x)} to {_fmt(y)}")
    if not verdicts:
        return "changed", "arguments changed"
    if "relaxed" in verdicts or "changed" in verdicts:
        # an argument change we cannot order is treated as relaxing (worth a warning)
        return "relaxed", "; ".join(details)
    return "tightened", "; ".join(details)


def _arg_verdict(kind: str, key: str, x: Any, y: Any) -> str:
    lower = key.startswith("min") or key in ("min_rows",)
    upper = key.startswith("max") or key.endswith("_after")
    if key.endswith("_after"):
        nx, ny = _duration(x), _duration(y)
    else:
        nx, ny = _number(x), _number(y)
    if lower or upper:
        if x is None:
            return "tightened"
        if y is None:
            return "relaxed"
        if nx is not None and ny is not None:
            if lower:
                return "tightened" if ny > nx else "relaxed"
            return "tightened" if ny < nx else "relaxed"
    return "changed"


def _guarantee_column(g: Mapping[str, Any]) -> str | None:
    column = g.get("column")
    if isinstance(column, str):
        return column
    columns = g.get("columns")
    if isinstance(columns, list) and len(columns) == 1 and isinstance(columns[0], str):
        return columns[0]
    return None


def _guarantee_label(key: str, g: Mapping[str, Any]) -> str:
    kind = g.get("kind") or key.split(":")[0]
    if kind == "test" and g.get("name"):
        kind = f"test {g.get('name')}"
    column = g.get("column")
    columns = g.get("columns")
    if isinstance(column, str):
        return f"{kind} on {column}"
    if isinstance(columns, list) and columns:
        return f"{kind} on ({', '.join(str(c) for c in columns)})"
    return str(kind)
