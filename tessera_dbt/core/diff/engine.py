"""The schema walk of the diff: two JSON Schemas (plus model facts) → changes.

Equal sub-objects are skipped with one ``==`` (a C-level dict comparison), so a 50-column
contract with one changed column costs about one column's worth of Python.

Two rules keep the walk finite and its output stable on any JSON Schema:

- A ``$ref`` is resolved and its target compared. Each (old target, new target) pair is
  compared once per top-level column (and polarity, under ``not``), so a recursive
  definition is walked once and its change reported once.
- Keywords, names and subschemas are visited in document or sorted order, never in hash
  order: the same pair always gives the same list.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, filterfalse
from operator import ne
from typing import Any

from tessera_dbt.core import vocab
from tessera_dbt.core.contract import Change
from tessera_dbt.core.diff.guarantees import compare_guarantees
from tessera_dbt.core.diff.kinds import KINDS
from tessera_dbt.core.diff.refs import Resolver
from tessera_dbt.core.diff.shapes import (
    ALL_OF,
    ANNOTATIONS,
    DISJUNCTIONS,
    Member,
    annotations_of,
    constraining,
    is_false,
    is_null_branch,
    is_true,
    normalize,
    shape,
    summary,
)
from tessera_dbt.core.diff.values import (
    MISSING,
    canonical,
    fmt,
    fmt_values,
    hashable,
    is_multiple,
    number,
    pointer,
    sorted_values,
    unpointer,
)
from tessera_dbt.core.types import DATA_TYPE_KEY, Relation, scalar_delta

# Type kinds that dbt-core's contract check also reports when the data_type's base name
# changes (int -> bigint): breaking in every mode but none, like dbt-core.
_DBT_TYPE_KINDS = frozenset({"type_widened", "type_narrowed"})

_EFFECT_OF_RELATION: dict[Relation, str] = {
    "widened": "widening",
    "narrowed": "narrowing",
    "incompatible": "incompatible",
    "same": "neutral",
}
# Under "not" a subschema that accepts more makes the whole accept less.
_FLIPPED = {"widening": "narrowing", "narrowing": "widening"}

# Lower/upper bounds: for a lower bound a bigger value tightens, for an upper bound a
# smaller one does. maxLength has its own kinds (length_*).
_LOWER_BOUNDS = (
    "minimum",
    "exclusiveMinimum",
    "minLength",
    "minItems",
    "minProperties",
    "minContains",
)
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxItems", "maxProperties", "maxContains")
# Keys the type comparison (types.scalar_delta) already covers.
_TYPE_KEYS = frozenset(
    {"type", "format", "x-precision", "x-scale", "x-timezone", "contentEncoding", "x-tessera-type"}
)
# Subschema keywords compared as one schema each (a wider subschema widens the whole).
_MONOTONE = ("contains", "propertyNames")
_HANDLED = (
    _TYPE_KEYS
    | frozenset({"title", "description", "$defs", "definitions"})
    | frozenset(_LOWER_BOUNDS)
    | frozenset(_UPPER_BOUNDS)
    | frozenset(_MONOTONE)
    | frozenset(
        {
            "maxLength",
            "enum",
            "const",
            "pattern",
            "default",
            "$ref",
            "items",
            "prefixItems",
            "additionalItems",
            "properties",
            "patternProperties",
            "required",
            "additionalProperties",
            "dependentRequired",
            "dependentSchemas",
            "dependencies",
            "not",
            "multipleOf",
            "uniqueItems",
            "nullable",
            DATA_TYPE_KEY,
            "x-tessera-column-order",
            "x-dbt-materialization",
            "x-dbt-contract-enforced",
        }
    )
)
# Materializations on which dbt enforces constraints (dbt-core: table and incremental).
_ENFORCING_MATERIALIZATIONS = frozenset(vocab.ENFORCING_MATERIALIZATIONS)
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
_NOT_TYPE_KINDS = frozenset(
    {"description_changed", "title_changed", "annotation_changed", "default_changed"}
)
# Keys that combinators() compares.
_COMBINATOR_FIELDS = frozenset(
    {
        *(private for private, _ in DISJUNCTIONS),
        "not",
        *_MONOTONE,
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "patternProperties",
    }
)
# Path segments that name no field in a label (combinators and their positions).
_POSITIONAL = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def _is_nullable(prop: Any) -> bool:
    if type(prop) is not dict:
        return False
    declared = prop.get("type")
    if prop.get("nullable") is True or (isinstance(declared, list) and "null" in declared):
        return True
    for key in ("anyOf", "oneOf"):
        branches = prop.get(key)
        if type(branches) is list and any(map(is_null_branch, branches)):
            return True
    return False


def _name_set(required: Any) -> frozenset[str]:
    if type(required) is not list or not required:
        return frozenset()
    return frozenset(r for r in required if type(r) is str)


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(_has_ref(v) for v in node)
    return False


def _holds_ref(node: Any) -> bool:
    return type(node) is dict and "$ref" in node


def _admits_undeclared(node: Any) -> bool:
    """Whether an object schema lets names it does not declare through."""
    if type(node) is not dict:
        return node is not False
    extra = node.get("additionalProperties")
    return not is_false(extra)


def _openness(extra: Any) -> int:
    """additionalProperties: 0 refuses undeclared names, 1 constrains them, 2 allows any."""
    if extra is None or is_true(extra):
        return 2
    if is_false(extra):
        return 0
    return 1 if type(extra) is dict else 2


def _tuple_form(node: dict[str, Any]) -> tuple[list[Any] | None, Any, str | None]:
    """``(positional item schemas, schema of the rest, spelling)`` of an array node."""
    prefix = node.get("prefixItems")
    if type(prefix) is list:
        return prefix, node.get("items", True), "2020"
    items = node.get("items")
    if type(items) is list:
        return items, node.get("additionalItems", True), "draft"
    return None, items, None


class Differ:
    """One diff run; collects changes in a list (kept in a stable, readable order)."""

    __slots__ = (
        "defs_changed",
        "flipped",
        "new_guarantees",
        "new_refs",
        "new_root",
        "old_guarantees",
        "old_refs",
        "old_root",
        "out",
        "steps",
        "visited",
    )

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
        self.old_refs: Resolver | None = None  # built on the first $ref
        self.new_refs: Resolver | None = None
        # (old target, new target, column, flipped) pairs already compared
        self.visited: set[tuple[int, int, str | None, bool]] = set()
        self.flipped = False
        self.steps = 0  # schema nodes visited: bounded by the pairs of nodes, never runaway

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
        """Record one change (its effect inverted inside a ``not``)."""
        default_effect, additive, _ = KINDS[kind]
        effect = effect or default_effect
        if self.flipped and effect in _FLIPPED:
            effect = _FLIPPED[effect]
            additive = effect == "widening"
        self.out.append(
            Change(
                kind=kind,
                path=path,
                message=message,
                effect=effect,
                column=column,
                additive=additive,
                old=old,
                new=new,
            )
        )

    def run(self) -> list[Change]:
        """Compare the schemas, then the guarantees when both documents have them."""
        self.root()
        og, ng = self.old_guarantees, self.new_guarantees
        if og is not None and ng is not None and og != ng:
            compare_guarantees(self.emit, og, ng)
        return self.out

    # ---------------------------------------------------------------- schema

    def root(self) -> None:
        """The whole document: columns (or the root schema), column order, model facts."""
        old, new = self.old_root, self.new_root
        old_view, new_view = self.root_view(old), self.root_view(new)
        if (
            "properties" in old_view
            or "properties" in new_view
            or old_view.get("type") == "object"
            or new_view.get("type") == "object"
        ):
            self.properties(old_view, new_view, "", None, 0)
            # order does not matter here (any), so a set union is fine and runs at C speed
            rest = (old_view.keys() | new_view.keys()) - _ROOT_OWN
            if any(map(ne, map(old_view.get, rest), map(new_view.get, rest))):
                self.root_keys(old_view, new_view)
        else:
            self.node(old, new, "", "schema", None, 0)
        self.column_order(old, new)
        self.model_facts(old, new)

    @staticmethod
    def root_view(root: dict[str, Any]) -> dict[str, Any]:
        """The root as columns are read from it: a root ``$ref`` to an object is followed."""
        if "$ref" not in root:
            return root
        found = Resolver(root).target(root)
        if found is None or type(found[1]) is not dict:
            return root
        view = found[1]
        if "properties" not in view and view.get("type") != "object":
            return root
        return view

    def root_keys(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Root keywords other than the columns: a root type change, title, …"""
        old_n, new_n = normalize(old), normalize(new)
        if old_n is False or new_n is False:
            self.boolean(old_n, new_n, "", "schema", None)
            return
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
            sub = f"{path}/properties/{pointer(name)}"
            col = name if top else column
            label = f"column {name}" if top else f"field {self.dotted(path, name)}"
            now = name in new_req and not _is_nullable(new_prop)
            old_prop = old_props.get(name, MISSING)
            if old_prop is MISSING:
                added += 1
            if new_prop is False:
                # A name declared false is forbidden, not a column.
                if old_prop is MISSING:
                    if _admits_undeclared(old):
                        self.emit(
                            "became_false", sub, f"{label} is now forbidden", col, None, False
                        )
                elif old_prop is not False:
                    self.removed(name, old_prop, old_req, sub, col, label, top)
                continue
            if old_prop is MISSING or old_prop is False:
                if now:
                    kind = "required_column_added" if top else "required_field_added"
                    self.emit(
                        kind, sub, f"required {label} was added (not null)", col, None, new_prop
                    )
                else:
                    kind = "column_added" if top else "field_added"
                    self.emit(kind, sub, f"{label} was added", col, None, new_prop)
                continue
            if not self.same(old_prop, new_prop):
                self.node(old_prop, new_prop, sub, label, col, depth + 1)
            was = name in old_req and not _is_nullable(old_prop)
            if was != now:
                req_path = f"{path}/required/{pointer(name)}"
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
            sub = f"{path}/properties/{pointer(name)}"
            col = name if top else column
            label = f"column {name}" if top else f"field {self.dotted(path, name)}"
            if old_prop is False:
                if _admits_undeclared(new):
                    self.emit(
                        "no_longer_false", sub, f"{label} is no longer forbidden", col, False, None
                    )
                continue
            self.removed(name, old_prop, old_req, sub, col, label, top)

    def removed(
        self,
        name: str,
        old_prop: Any,
        old_req: Any,
        sub: str,
        col: str | None,
        label: str,
        top: bool,
    ) -> None:
        """A column or field that is gone (incompatible when it was not null)."""
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
        """``/properties/a/items/properties/b`` + ``c`` → ``a[].b.c``."""
        parts = [unpointer(p) for p in path.split("/") if p]
        kept: list[str] = []
        skip_index = False
        for part in parts:
            if skip_index and part.isdigit():
                skip_index = False
                continue
            skip_index = part in _POSITIONAL or part == "items"
            if part in ("properties", "not", "allOf", "anyOf", "oneOf"):
                continue
            if part in ("items", "prefixItems", "additionalItems"):
                if kept:
                    kept[-1] += "[]"
                else:
                    kept.append("[]")
                continue
            kept.append(part)
        return ".".join([*kept, name])

    def node(
        self, old_raw: Any, new_raw: Any, path: str, label: str, column: str | None, depth: int
    ) -> None:
        """One schema node: type, bounds, enum, pattern, default, nested members, the rest."""
        if depth > _MAX_DEPTH:
            return
        self.steps += 1
        if self.same(old_raw, new_raw):
            return
        if _holds_ref(old_raw) or _holds_ref(new_raw):
            self.follow(old_raw, new_raw, path, label, column, depth)
            return
        old, new = normalize(old_raw), normalize(new_raw)
        if old is False or new is False:
            self.boolean(old, new, path, label, column)
            return
        if (old is not old_raw or new is not new_raw) and self.same(old, new):
            return
        if ALL_OF in old or ALL_OF in new:
            self.conjunction(old, new, path, label, column, depth)
            return
        if self.lifted(old, new, path, label, column, depth):
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
                path or "/type",
                f"{label} {delta.detail}",
                column,
                delta.old,
                delta.new,
                effect,
            )
            if delta.relation == "incompatible":
                return
        self.node_keys(old, new, path, label, column, depth, typed=delta is not None)

    def follow(
        self, old: Any, new: Any, path: str, label: str, column: str | None, depth: int
    ) -> None:
        """Resolve ``$ref`` on either side and compare what it names (once per pair)."""
        a = old.get("$ref") if _holds_ref(old) else None
        b = new.get("$ref") if _holds_ref(new) else None
        if self.old_refs is None or self.new_refs is None:
            self.old_refs, self.new_refs = Resolver(self.old_root), Resolver(self.new_root)
        found_a = self.old_refs.target(old) if a is not None else (old, old)
        found_b = self.new_refs.target(new) if b is not None else (new, new)
        if found_a is None or found_b is None:
            if a == b and isinstance(a, str):
                # the same reference outside this document: compare what sits beside it
                rest_a = {k: v for k, v in old.items() if k != "$ref"}
                rest_b = {k: v for k, v in new.items() if k != "$ref"}
                self.node(rest_a, rest_b, path, label, column, depth + 1)
                return
            self.emit(
                "ref_changed",
                f"{path}/$ref",
                f"{label} now refers to {b or 'an inline schema'} instead of "
                f"{a or 'an inline schema'}",
                column,
                a,
                b,
            )
            return
        key = (id(found_a[0]), id(found_b[0]), column, self.flipped)
        if key in self.visited:
            return  # this pair of definitions is (being) compared already
        self.visited.add(key)
        start = len(self.out)
        self.node(found_a[1], found_b[1], path, label, column, depth + 1)
        if isinstance(a, str) and isinstance(b, str) and a != b and len(self.out) == start:
            self.emit(
                "annotation_changed",
                f"{path}/$ref",
                f"{label} '$ref' renamed from {a} to {b} (same definition)",
                column,
                a,
                b,
            )

    def boolean(self, old: Any, new: Any, path: str, label: str, column: str | None) -> None:
        """One side accepts nothing (``false``): the other narrows to it or widens from it."""
        if old is False and new is False:
            return
        if new is False:
            self.emit("became_false", path, f"{label} now accepts nothing (false)", column, old)
        else:
            self.emit(
                "no_longer_false",
                path,
                f"{label} accepts values again (was false)",
                column,
                False,
                new,
            )

    def conjunction(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        label: str,
        column: str | None,
        depth: int,
    ) -> None:
        """``allOf``: the node's own keywords and its members, compared as a set."""
        self.node_keys(annotations_of(old), annotations_of(new), path, label, column, depth)
        co, cn = _conjuncts(old), _conjuncts(new)
        if len(co) <= 1 and len(cn) <= 1:
            a = co[0] if co else ("", {})
            b = cn[0] if cn else ("", {})
            self.node(a[1], b[1], path + (b[0] if cn else a[0]), label, column, depth + 1)
            return
        self.members(
            co, cn, path, label, column, depth, ("subschema_added", "subschema_removed"), "'allOf'"
        )

    def lifted(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        label: str,
        column: str | None,
        depth: int,
    ) -> bool:
        """A schema that became (or stopped being) one alternative of an ``anyOf``/``oneOf``.

        ``{"type": "string"}`` → ``{"anyOf": [{"type": "string"}, {"type": "integer"}]}``
        gains one alternative; it does not lose its type.
        """
        for private, word in DISJUNCTIONS:
            if (private in old) == (private in new):
                continue
            with_it, without = (new, old) if private in new else (old, new)
            if constraining(with_it).keys() != {private}:
                continue
            single = constraining(without)
            if not single or any(k.startswith("\x00") for k in single):
                continue
            self.node_keys(annotations_of(old), annotations_of(new), path, label, column, depth)
            alone: list[Member] = [("", single)]
            branches = with_it[private]
            self.members(
                alone if with_it is new else branches,
                branches if with_it is new else alone,
                path,
                label,
                column,
                depth,
                ("branch_added", "branch_removed"),
                f"'{word}'",
            )
            return True
        return False

    def members(
        self,
        old_items: list[Member],
        new_items: list[Member],
        path: str,
        label: str,
        column: str | None,
        depth: int,
        kinds: tuple[str, str],
        what: str,
    ) -> None:
        """Two sets of subschemas: equal ones match, like-shaped ones are compared, the
        rest were added or removed (``kinds``: the added and the removed kind)."""
        # A member that is a reference is matched and paired by what it names.
        view_old = {id(item): self.view(item[1], old=True) for item in old_items}
        view_new = {id(item): self.view(item[1], old=False) for item in new_items}
        pool: dict[str, list[Member]] = {}
        for item in old_items:
            pool.setdefault(canonical(view_old[id(item)]), []).append(item)
        unmatched_new: list[Member] = []
        for item in new_items:
            bucket = pool.get(canonical(view_new[id(item)]))
            if bucket:
                old_item = bucket.pop(0)
                if self.defs_changed and _has_ref(item[1]):
                    self.node(old_item[1], item[1], path + item[0], label, column, depth + 1)
            else:
                unmatched_new.append(item)
        unmatched_old = [item for bucket in pool.values() for item in bucket]
        unmatched_old.sort(key=lambda item: old_items.index(item))
        added: list[Member] = []
        for item in unmatched_new:
            like = shape(view_new[id(item)])
            partner = next((o for o in unmatched_old if shape(view_old[id(o)]) == like), None)
            if partner is None:
                added.append(item)
                continue
            unmatched_old.remove(partner)
            self.node(partner[1], item[1], path + item[0], label, column, depth + 1)
        added_kind, removed_kind = kinds
        for suffix, schema in added:
            self.emit(
                added_kind,
                path + suffix,
                f"{label} gained {what} subschema {summary(schema)}",
                column,
                None,
                schema,
            )
        for suffix, schema in unmatched_old:
            self.emit(
                removed_kind,
                path + suffix,
                f"{label} lost {what} subschema {summary(schema)}",
                column,
                schema,
                None,
            )

    def view(self, schema: Any, *, old: bool) -> Any:
        """A subschema as it reads: a bare local ``$ref`` replaced by its target."""
        if not _holds_ref(schema) or len(schema) != 1:
            return schema
        if self.old_refs is None or self.new_refs is None:
            self.old_refs, self.new_refs = Resolver(self.old_root), Resolver(self.new_root)
        found = (self.old_refs if old else self.new_refs).target(schema)
        return schema if found is None else found[1]

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
        enum_a, enum_b = _values_of(old), _values_of(new)
        if enum_a != enum_b:
            spelled = "enum" if "enum" in old or "enum" in new else "const"
            self.enum(enum_a, enum_b, f"{path}/{spelled}", label, column)
        if old.get("pattern") != new.get("pattern"):
            self.pattern(old.get("pattern"), new.get("pattern"), path, label, column)
        if old.get("default", MISSING) != new.get("default", MISSING):
            self.default(
                old.get("default", MISSING), new.get("default", MISSING), path, label, column
            )
        # nested members
        if (
            not self.same(old.get("items"), new.get("items"))
            or old.get("prefixItems") != new.get("prefixItems")
            or old.get("additionalItems") != new.get("additionalItems")
        ):
            self.items(old, new, path, label, column, depth)
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
        if not (_COMBINATOR_FIELDS.isdisjoint(old) and _COMBINATOR_FIELDS.isdisjoint(new)):
            self.combinators(old, new, path, label, column, depth)
        # annotations and anything else
        if old.get("description") != new.get("description"):
            self.emit(
                "description_changed",
                f"{path}/description",
                f"{label} description changed" if path else "description changed",
                column,
                old.get("description"),
                new.get("description"),
            )
        if old.get("title") != new.get("title"):
            self.emit(
                "title_changed",
                f"{path}/title",
                f"{label} title changed from {fmt(old.get('title'))} to {fmt(new.get('title'))}",
                column,
                old.get("title"),
                new.get("title"),
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
        keys = [k for k in old if k not in _HANDLED]
        keys.extend(k for k in new if k not in _HANDLED and k not in old)
        for key in sorted(keys, key=str):
            if key.startswith("\x00"):
                continue  # normalized combinators, compared above
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            if key.startswith("x-") or key in ANNOTATIONS:
                self.emit(
                    "annotation_changed",
                    f"{path}/{pointer(key)}",
                    f"{label} annotation '{key}' changed",
                    column,
                    a,
                    b,
                )
            else:
                self.emit(
                    "keyword_changed",
                    f"{path}/{pointer(key)}",
                    f"{label} keyword '{key}' changed",
                    column,
                    a,
                    b,
                )

    def combinators(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        label: str,
        column: str | None,
        depth: int,
    ) -> None:
        """anyOf/oneOf alternatives, not, contains, propertyNames, dependencies, patterns."""
        for private, word in DISJUNCTIONS:
            a, b = old.get(private), new.get(private)
            if a == b and not (self.defs_changed and _has_ref(a)):
                continue
            if a is not None and b is not None:
                self.members(
                    a,
                    b,
                    path,
                    label,
                    column,
                    depth,
                    ("branch_added", "branch_removed"),
                    f"'{word}'",
                )
            else:
                self.presence(word, a, b, path, label, column)
        a, b = old.get("not"), new.get("not")
        if not self.same(a, b):
            if a is not None and b is not None:
                self.flipped = not self.flipped
                try:
                    self.node(a, b, f"{path}/not", f"'not' of {label}", column, depth + 1)
                finally:
                    self.flipped = not self.flipped
            else:
                self.presence("not", a, b, path, label, column)
        for key in _MONOTONE:
            a, b = old.get(key), new.get(key)
            if self.same(a, b):
                continue
            if a is not None and b is not None:
                self.node(a, b, f"{path}/{key}", f"'{key}' of {label}", column, depth + 1)
            else:
                self.presence(key, a, b, path, label, column)
        req_a, schemas_a = _dependencies(old)
        req_b, schemas_b = _dependencies(new)
        if req_a != req_b:
            self.dependent_required(req_a, req_b, path, label, column)
        if not self.same(schemas_a, schemas_b):
            self.schema_map(schemas_a, schemas_b, path, label, column, depth, "dependency")
        pa, pb = old.get("patternProperties"), new.get("patternProperties")
        if not self.same(pa, pb):
            closed = is_false(old.get("additionalProperties")) and is_false(
                new.get("additionalProperties")
            )
            self.schema_map(
                _pattern_map(pa), _pattern_map(pb), path, label, column, depth, "pattern", closed
            )

    def presence(
        self, word: str, a: Any, b: Any, path: str, label: str, column: str | None
    ) -> None:
        """A subschema keyword that appeared (narrows) or disappeared (widens)."""
        sub = f"{path}/{word}"
        if a is None:
            self.emit("subschema_added", sub, f"{label} gained '{word}'", column, None, b)
        else:
            self.emit("subschema_removed", sub, f"{label} lost '{word}'", column, a, None)

    def schema_map(
        self,
        a: dict[str, tuple[str, Any]],
        b: dict[str, tuple[str, Any]],
        path: str,
        label: str,
        column: str | None,
        depth: int,
        what: str,
        closed: bool = False,
    ) -> None:
        """Named subschemas (dependentSchemas, patternProperties): compared name by name.

        ``closed``: undeclared names are refused on both sides, so a new pattern lets
        names through that were refused before.
        """
        for name in sorted({*a, *b}):
            if name in a and name in b:
                if not self.same(a[name][1], b[name][1]):
                    sub = f"{path}/{b[name][0]}"
                    self.node(
                        a[name][1],
                        b[name][1],
                        sub,
                        f"{what} {name!r} of {label}",
                        column,
                        depth + 1,
                    )
            elif name in b:
                sub = f"{path}/{b[name][0]}"
                if closed:
                    self.emit(
                        "additional_properties_allowed",
                        sub,
                        f"{label} now allows fields matching {name!r}",
                        column,
                        None,
                        b[name][1],
                    )
                else:
                    self.emit(
                        "subschema_added",
                        sub,
                        f"{label} gained {what} {name!r}",
                        column,
                        None,
                        b[name][1],
                    )
            else:
                sub = f"{path}/{a[name][0]}"
                if closed:
                    self.emit(
                        "additional_properties_forbidden",
                        sub,
                        f"{label} no longer allows fields matching {name!r}",
                        column,
                        a[name][1],
                        None,
                    )
                else:
                    self.emit(
                        "subschema_removed",
                        sub,
                        f"{label} lost {what} {name!r}",
                        column,
                        a[name][1],
                        None,
                    )

    def dependent_required(
        self,
        a: dict[str, tuple[str, list[Any]]],
        b: dict[str, tuple[str, list[Any]]],
        path: str,
        label: str,
        column: str | None,
    ) -> None:
        """dependentRequired (and array-valued dependencies) as bounds: more names tighten."""
        for name in sorted({*a, *b}):
            suffix = (b.get(name) or a[name])[0]
            old_names = a[name][1] if name in a else []
            new_names = b[name][1] if name in b else []
            gained = [n for n in new_names if n not in old_names]
            lost = [n for n in old_names if n not in new_names]
            sub = f"{path}/{suffix}"
            if gained:
                self.emit(
                    "bound_tightened",
                    sub,
                    f"{label} now requires {fmt_values(gained)} when {name!r} is present",
                    column,
                    old_names,
                    new_names,
                )
            if lost:
                self.emit(
                    "bound_relaxed",
                    sub,
                    f"{label} no longer requires {fmt_values(lost)} when {name!r} is present",
                    column,
                    old_names,
                    new_names,
                )

    def items(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        label: str,
        column: str | None,
        depth: int,
    ) -> None:
        """Array items: one schema for all, or positional (prefixItems / tuple items)."""
        prefix_a, rest_a, style_a = _tuple_form(old)
        prefix_b, rest_b, style_b = _tuple_form(new)
        if prefix_a is None and prefix_b is None:
            if isinstance(rest_a, (dict, bool)) or isinstance(rest_b, (dict, bool)):
                self.node(
                    rest_a if rest_a is not None else {},
                    rest_b if rest_b is not None else {},
                    f"{path}/items",
                    f"items of {label}",
                    column,
                    depth + 1,
                )
            elif rest_a != rest_b:
                self.emit(
                    "keyword_changed",
                    f"{path}/items",
                    f"{label} keyword 'items' changed",
                    column,
                    rest_a,
                    rest_b,
                )
            return
        style = style_b or style_a
        positional = "prefixItems" if style == "2020" else "items"
        rest_key = "items" if style == "2020" else "additionalItems"
        rest_a = True if rest_a is None else rest_a
        rest_b = True if rest_b is None else rest_b
        prefix_a, prefix_b = prefix_a or [], prefix_b or []
        for i in range(max(len(prefix_a), len(prefix_b))):
            a = prefix_a[i] if i < len(prefix_a) else rest_a
            b = prefix_b[i] if i < len(prefix_b) else rest_b
            self.node(a, b, f"{path}/{positional}/{i}", f"item {i} of {label}", column, depth + 1)
        if not self.same(rest_a, rest_b):
            self.node(
                rest_a,
                rest_b,
                f"{path}/{rest_key}",
                f"items after position {max(len(prefix_a), len(prefix_b)) - 1} of {label}",
                column,
                depth + 1,
            )

    def bound(
        self, key: str, a: Any, b: Any, lower: bool, path: str, label: str, column: str | None
    ) -> None:
        """A lower or upper bound (``lower``: a bigger value tightens) added, removed, moved."""
        na, nb = number(a), number(b)
        sub = f"{path}/{key}"
        if a is None:
            self.emit("bound_tightened", sub, f"{label} gained '{key}' {fmt(b)}", column, a, b)
        elif b is None:
            self.emit("bound_relaxed", sub, f"{label} lost '{key}' {fmt(a)}", column, a, b)
        elif na is None or nb is None:
            # draft-4 boolean exclusive bounds: true is the tighter one
            if isinstance(a, bool) and isinstance(b, bool):
                kind = "bound_tightened" if b else "bound_relaxed"
                self.emit(kind, sub, f"{label} '{key}' changed from {a} to {b}", column, a, b)
            else:
                self.emit(
                    "bound_changed",
                    sub,
                    f"{label} '{key}' changed from {fmt(a)} to {fmt(b)}",
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
                f"{label} '{key}' {word} from {fmt(a)} to {fmt(b)}",
                column,
                a,
                b,
            )

    def multiple_of(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        """``multipleOf``: a multiple of the old step tightens, a divisor of it relaxes."""
        sub = f"{path}/multipleOf"
        na, nb = number(a), number(b)
        if na is None and nb is not None:
            self.emit(
                "bound_tightened", sub, f"{label} must now be a multiple of {fmt(b)}", column, a, b
            )
        elif nb is None and na is not None:
            self.emit(
                "bound_relaxed",
                sub,
                f"{label} no longer has to be a multiple of {fmt(a)}",
                column,
                a,
                b,
            )
        elif na and nb and is_multiple(nb, na):
            self.emit(
                "bound_tightened",
                sub,
                f"{label} 'multipleOf' tightened from {fmt(a)} to {fmt(b)}",
                column,
                a,
                b,
            )
        elif na and nb and is_multiple(na, nb):
            self.emit(
                "bound_relaxed",
                sub,
                f"{label} 'multipleOf' relaxed from {fmt(a)} to {fmt(b)}",
                column,
                a,
                b,
            )
        else:
            self.emit(
                "bound_changed",
                sub,
                f"{label} 'multipleOf' changed from {fmt(a)} to {fmt(b)}",
                column,
                a,
                b,
            )

    def enum(self, a: Any, b: Any, sub: str, label: str, column: str | None) -> None:
        """Accepted values (``enum``, or ``const`` as one value) added, removed, imposed, lifted."""
        if not isinstance(a, list) and isinstance(b, list):
            self.emit(
                "enum_added",
                sub,
                f"{label} is now restricted to values: {fmt_values(b)}",
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
        old_set = {hashable(v): v for v in a}
        new_set = {hashable(v): v for v in b}
        added = sorted_values(v for k, v in new_set.items() if k not in old_set)
        removed = sorted_values(v for k, v in old_set.items() if k not in new_set)
        if added:
            self.emit(
                "enum_values_added",
                sub,
                f"{label} accepts new values: {fmt_values(added)}",
                column,
                None,
                added,
            )
        if removed:
            self.emit(
                "enum_values_removed",
                sub,
                f"{label} no longer accepts values: {fmt_values(removed)}",
                column,
                removed,
                None,
            )

    def pattern(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        """``pattern`` added (narrows), removed (widens) or changed (incompatible)."""
        sub = f"{path}/pattern"
        if a is None:
            self.emit(
                "pattern_added", sub, f"{label} must now match pattern {fmt(b)}", column, a, b
            )
        elif b is None:
            self.emit(
                "pattern_removed",
                sub,
                f"{label} no longer has to match pattern {fmt(a)}",
                column,
                a,
                b,
            )
        else:
            self.emit(
                "pattern_changed",
                sub,
                f"{label} pattern changed from {fmt(a)} to {fmt(b)}",
                column,
                a,
                b,
            )

    def default(self, a: Any, b: Any, path: str, label: str, column: str | None) -> None:
        """``default`` added, removed or changed."""
        sub = f"{path}/default"
        if a is MISSING:
            self.emit("default_added", sub, f"{label} gained default {fmt(b)}", column, None, b)
        elif b is MISSING:
            self.emit("default_removed", sub, f"{label} lost its default {fmt(a)}", column, a, None)
        else:
            self.emit(
                "default_changed",
                sub,
                f"{label} default changed from {fmt(a)} to {fmt(b)}",
                column,
                a,
                b,
            )

    def additional(
        self, a: Any, b: Any, path: str, label: str, column: str | None, depth: int
    ) -> None:
        """``additionalProperties``: ordered false < a schema < absent/true."""
        sub = f"{path}/additionalProperties"
        # false: nothing undeclared; a schema: in between; absent or true: anything goes
        rank_a, rank_b = _openness(a), _openness(b)
        if rank_a == rank_b == 1:
            self.node(a, b, sub, f"values of {label}", column, depth + 1)
            return
        if rank_a == rank_b:
            return
        if rank_b > rank_a:
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

    def column_order(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """``x-tessera-column-order``: the order of the columns both sides have."""
        a, b = old.get("x-tessera-column-order"), new.get("x-tessera-column-order")
        if a == b or not isinstance(a, list) or not isinstance(b, list):
            return
        try:
            common = set(a) & set(b)
        except TypeError:
            return  # not a list of names: nothing to say about order
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
        """dbt contract enforcement and materialization (dbt-core's own breaking checks)."""
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
        """Whether the contract declares constraints that a materialization enforces."""
        if guarantees is None:
            # bare schema: not-null columns are the only constraints it can express
            return bool(schema.get("required"))
        return any(isinstance(g, dict) and g.get("constraint") for g in guarantees.values())


def _conjuncts(node: dict[str, Any]) -> list[Member]:
    """The parts an ``allOf`` node requires: its own keywords (if any) and its members."""
    own = constraining(node)
    out: list[Member] = [("", own)] if own else []
    out.extend(node.get(ALL_OF) or ())
    return out


def _values_of(node: dict[str, Any]) -> Any:
    """The accepted values a node lists (``enum``, or ``const`` as one value), else None."""
    if "enum" in node:
        return node["enum"]
    if "const" in node:
        return [node["const"]]
    return None


def _dependencies(
    node: dict[str, Any],
) -> tuple[dict[str, tuple[str, list[Any]]], dict[str, tuple[str, Any]]]:
    """``(required names, schemas)`` by property: dependentRequired, dependentSchemas and
    draft-07 ``dependencies`` (arrays are names, anything else a schema)."""
    names: dict[str, tuple[str, list[Any]]] = {}
    schemas: dict[str, tuple[str, Any]] = {}
    for key in ("dependencies", "dependentRequired", "dependentSchemas"):
        value = node.get(key)
        if not isinstance(value, Mapping):
            continue
        for prop, dep in value.items():
            suffix = f"{key}/{pointer(prop)}"
            if key == "dependentRequired" or (key == "dependencies" and type(dep) is list):
                names[str(prop)] = (suffix, list(dep) if type(dep) is list else [])
            else:
                schemas[str(prop)] = (suffix, dep)
    return names, schemas


def _pattern_map(value: Any) -> dict[str, tuple[str, Any]]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): (f"patternProperties/{pointer(k)}", v) for k, v in value.items()}


def _dbt_base_type(node: Mapping[str, Any]) -> str | None:
    text = node.get(DATA_TYPE_KEY)
    if not isinstance(text, str) or not text.strip():
        return None
    return text.split("(", 1)[0].strip().lower()


def _dbt_base_type_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Both sides are dbt columns whose data_type base names differ (as dbt-core compares)."""
    a, b = _dbt_base_type(old), _dbt_base_type(new)
    return a is not None and b is not None and a != b
