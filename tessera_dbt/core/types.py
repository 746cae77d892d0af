"""dbt ``data_type`` strings → JSON Schema fragments, and comparison of such fragments.

Pure: imports nothing from dbt. Covers the type names of DuckDB, PostgreSQL, Snowflake,
BigQuery, Redshift, Databricks/Spark (and the common ANSI spellings), case- and
whitespace-insensitive. Every fragment keeps the original string as ``x-dbt-data-type``;
unknown types become ``{"x-tessera-type": <normalized name>}`` so they still compare by name.

Fragment vocabulary (beyond plain JSON Schema):

- integers: ``{"type": "integer", "format": "int8|int16|int32|int64|int128|uint8|…"}``
- decimals: ``{"type": "number", "format": "decimal", "x-precision": p, "x-scale": s}``
  (precision/scale omitted when unbounded)
- floats: ``{"type": "number", "format": "float|double"}``
- strings: ``{"type": "string", "maxLength": n}``; ``format`` ``date``, ``date-time``
  (``x-timezone`` true/false), ``time``, ``duration``, ``uuid``; binary:
  ``contentEncoding: base64``
- JSON/VARIANT: ``{"x-tessera-type": "json"}``; arrays: ``{"type": "array", "items": …}``;
  structs: ``{"type": "object", "properties": …}``; maps: ``additionalProperties``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

Relation = Literal["same", "widened", "narrowed", "incompatible"]

TYPE_NAME_KEY = "x-tessera-type"
DATA_TYPE_KEY = "x-dbt-data-type"

_INT_BITS: dict[str, tuple[int, bool]] = {}
for _names, _bits, _signed in (
    (("tinyint", "int1", "byteint", "byte", "int8_t"), 8, True),
    (("smallint", "int2", "int16", "short", "smallserial", "serial2"), 16, True),
    (("int", "integer", "int4", "int32", "signed", "serial", "serial4", "mediumint"), 32, True),
    (("bigint", "int8", "int64", "long", "bigserial", "serial8"), 64, True),
    (("hugeint", "int128"), 128, True),
    (("utinyint", "uint8"), 8, False),
    (("usmallint", "uint16"), 16, False),
    (("uinteger", "uint32", "uint"), 32, False),
    (("ubigint", "uint64"), 64, False),
    (("uhugeint", "uint128"), 128, False),
):
    for _n in _names:
        _INT_BITS[_n] = (_bits, _signed)

_DECIMALS = frozenset({"numeric", "decimal", "number", "dec", "bignumeric", "bigdecimal"})
_FLOAT32 = frozenset({"real", "float4", "float32", "binary_float"})
_FLOAT64 = frozenset({"double", "double precision", "float8", "float64", "binary_double"})
_STRINGS = frozenset(
    {
        "varchar",
        "character varying",
        "char",
        "character",
        "nchar",
        "nvarchar",
        "nvarchar2",
        "varchar2",
        "national character varying",
        "national character",
        "text",
        "string",
        "bpchar",
        "clob",
        "ntext",
        "tinytext",
        "mediumtext",
        "longtext",
        "citext",
        "name",
    }
)
_FIXED_CHARS = frozenset({"char", "character", "nchar", "bpchar", "national character"})
_BOOLEANS = frozenset({"boolean", "bool", "logical"})
_TS_NAIVE = frozenset(
    {
        "timestamp without time zone",
        "datetime",
        "timestamp_ntz",
        "timestamp_ns",
        "timestamp_ms",
        "timestamp_s",
        "timestamp_us",
        "datetime2",
        "smalldatetime",
    }
)
_TS_TZ = frozenset(
    {
        "timestamptz",
        "timestamp with time zone",
        "timestamp_tz",
        "timestamp_ltz",
        "timestamp with local time zone",
        "datetimeoffset",
    }
)
_TIMES = frozenset({"time", "time without time zone"})
_TIMES_TZ = frozenset({"timetz", "time with time zone"})
_JSONS = frozenset({"json", "jsonb", "variant", "object", "super"})
_BINARIES = frozenset(
    {"bytea", "blob", "binary", "varbinary", "bytes", "bytestring", "long varbinary", "image"}
)
_UUIDS = frozenset({"uuid", "uniqueidentifier"})
_ARRAYS = frozenset({"array", "list"})
_STRUCTS = frozenset({"struct", "row", "record"})

# Adapters whose integer aliases are all one physical type.
_BIGQUERY = frozenset({"bigquery"})
_SNOWFLAKE = frozenset({"snowflake"})
# Adapters where a bare FLOAT is 8 bytes (PostgreSQL and Redshift: float = float8).
_FLOAT_IS_DOUBLE = frozenset({"postgres", "postgresql", "redshift", "snowflake", "bigquery"})
# Adapters whose bare TIMESTAMP carries a time zone (BigQuery; Spark's session-zone LTZ).
_TIMESTAMP_IS_TZ = frozenset({"bigquery", "spark", "databricks"})
# Default (precision, scale) of a bare NUMERIC/DECIMAL per adapter; absent = unbounded.
_DECIMAL_DEFAULTS: dict[str, tuple[int, int]] = {
    "snowflake": (38, 0),
    "duckdb": (18, 3),
    "spark": (10, 0),
    "databricks": (10, 0),
    "redshift": (18, 0),
}
_SNOWFLAKE_MAX_VARCHAR = 16_777_216

_WS = re.compile(r"\s+")
_SPACE_AROUND = re.compile(r"\s*([(),<>:\[\]])\s*")
_BASE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_ ]*?)"
    r"(?:\((?P<params>[^()]*)\))?"
    r"(?: ?(?P<tz>with(?:out)? (?:local )?time zone))?$"
)


def normalize_type_name(data_type: str) -> str:
    """Lower-case, collapse whitespace, and drop spaces around punctuation."""
    text = _WS.sub(" ", data_type.strip().lower())
    return _SPACE_AROUND.sub(r"\1", text)


def column_schema(data_type: str | None, adapter_type: str | None = None) -> dict[str, Any]:
    """JSON Schema fragment for a dbt column ``data_type`` (``{}`` when there is none).

    ``adapter_type`` (``duckdb``, ``postgres``, ``snowflake``, …) resolves the aliases whose
    meaning depends on the warehouse (BigQuery's INT is INT64, PostgreSQL's FLOAT is
    double precision, …). Never raises: an unparseable type stays comparable by name.
    """
    if data_type is None or not str(data_type).strip():
        return {}
    adapter = (adapter_type or "").strip().lower() or None
    fragment: dict[str, Any] = _copy(_cached_fragment(normalize_type_name(str(data_type)), adapter))
    fragment[DATA_TYPE_KEY] = str(data_type)
    return fragment


@lru_cache(maxsize=4096)
def _cached_fragment(text: str, adapter: str | None) -> dict[str, Any]:
    try:
        return _fragment(text, adapter, 0)
    except (ValueError, IndexError, RecursionError):
        return {TYPE_NAME_KEY: text}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside brackets and quotes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "(<[":
            depth += 1
        elif ch in ")>]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _wrapped(text: str, names: frozenset[str]) -> str | None:
    """The inside of ``name<…>`` / ``name(…)`` when ``text`` is one of ``names``, else None."""
    for opener, closer in (("<", ">"), ("(", ")")):
        idx = text.find(opener)
        if idx > 0 and text.endswith(closer) and text[:idx].strip() in names:
            return text[idx + 1 : -1]
    return None


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'`":
        return name[1:-1]
    return name


def _fragment(text: str, adapter: str | None, depth: int) -> dict[str, Any]:
    if depth > 32:
        raise ValueError("type nested too deeply")
    # Postgres/DuckDB arrays: int[], int[3], int[][]
    if text.endswith("]") and "[" in text:
        base = text[: text.rindex("[")]
        if base:
            return {"type": "array", "items": _fragment(base, adapter, depth + 1)}
    inner = _wrapped(text, _ARRAYS)
    if inner is not None:
        return {"type": "array", "items": _fragment(inner, adapter, depth + 1)}
    inner = _wrapped(text, _STRUCTS | {"object"})
    if inner is not None:
        props: dict[str, Any] = {}
        for field_def in _split_top(inner):
            name, _, ftype = _field_parts(field_def)
            props[_unquote(name)] = _fragment(ftype, adapter, depth + 1) if ftype else {}
        return {"type": "object", "properties": props}
    inner = _wrapped(text, frozenset({"map"}))
    if inner is not None:
        kv = _split_top(inner)
        value = _fragment(kv[-1], adapter, depth + 1) if len(kv) == 2 else {}
        return {"type": "object", "additionalProperties": value}
    inner = _wrapped(text, frozenset({"enum"}))
    if inner is not None:
        values = [_unquote(v) for v in _split_top(inner)]
        return {"type": "string", "enum": values}
    if text.startswith("interval"):
        return {"type": "string", "format": "duration"}
    match = _BASE.match(text)
    if match is None:
        return {TYPE_NAME_KEY: text}
    name = match.group("name").strip()
    params = [p.strip() for p in (match.group("params") or "").split(",") if p.strip()]
    tz = match.group("tz")
    if tz:
        with_tz = not tz.startswith("without")
        if name == "timestamp":
            return _timestamp(with_tz)
        if name == "time":
            return _time(with_tz)
    return _scalar(name, params, adapter, text)


def _field_parts(field_def: str) -> tuple[str, str, str]:
    """``a int`` / ``a: int`` / ``a:int`` / ``"a b" int`` → (name, sep, type)."""
    if field_def[:1] in "\"'`":
        end = field_def.find(field_def[0], 1)
        if end > 0:
            rest = field_def[end + 1 :].lstrip(": ").strip()
            return field_def[: end + 1], " ", rest
    colon = field_def.find(":")
    space = field_def.find(" ")
    if colon > 0 and (space < 0 or colon < space):
        return field_def[:colon].strip(), ":", field_def[colon + 1 :].strip()
    if space > 0:
        return field_def[:space], " ", field_def[space + 1 :].strip()
    return field_def, "", ""


def _int_param(params: list[str], index: int) -> int | None:
    if len(params) > index and params[index].isdigit():
        return int(params[index])
    return None


def _timestamp(with_tz: bool) -> dict[str, Any]:
    return {"type": "string", "format": "date-time", "x-timezone": with_tz}


def _time(with_tz: bool) -> dict[str, Any]:
    return {"type": "string", "format": "time", "x-timezone": with_tz}


def _decimal(precision: int | None, scale: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "number", "format": "decimal"}
    if precision is not None:
        out["x-precision"] = precision
        out["x-scale"] = scale or 0
    return out


def _scalar(name: str, params: list[str], adapter: str | None, text: str) -> dict[str, Any]:
    if name in _INT_BITS:
        if adapter in _SNOWFLAKE:
            return _decimal(38, 0)  # every Snowflake integer alias is NUMBER(38,0)
        bits, signed = _INT_BITS[name]
        if adapter in _BIGQUERY:
            bits, signed = 64, True  # every BigQuery integer alias is INT64
        prefix = "int" if signed else "uint"
        return {"type": "integer", "format": f"{prefix}{bits}"}
    if name in _DECIMALS:
        precision = _int_param(params, 0)
        scale = _int_param(params, 1)
        if precision is None and not params:
            if name in ("bignumeric", "bigdecimal"):
                return _decimal(76, 38)
            if adapter == "bigquery":
                return _decimal(38, 9)
            default = _DECIMAL_DEFAULTS.get(adapter or "")
            if default is not None:
                return _decimal(*default)
        return _decimal(precision, scale)
    if name in _FLOAT64 or (name in _FLOAT32 and adapter in _SNOWFLAKE):
        return {"type": "number", "format": "double"}
    if name in _FLOAT32:
        return {"type": "number", "format": "float"}
    if name == "float":
        mantissa = _int_param(params, 0)
        if mantissa is not None:
            return {"type": "number", "format": "float" if mantissa <= 24 else "double"}
        double = adapter in _FLOAT_IS_DOUBLE
        return {"type": "number", "format": "double" if double else "float"}
    if name in _STRINGS:
        out: dict[str, Any] = {"type": "string"}
        length = _int_param(params, 0)
        if length is None and name in _FIXED_CHARS and adapter in ("postgres", "redshift"):
            length = 1  # bare CHAR is CHAR(1) there
        if length is not None and not (adapter in _SNOWFLAKE and length >= _SNOWFLAKE_MAX_VARCHAR):
            out["maxLength"] = length
        return out
    if name in _BOOLEANS:
        return {"type": "boolean"}
    if name == "date":
        return {"type": "string", "format": "date"}
    if name == "timestamp":
        return _timestamp(adapter in _TIMESTAMP_IS_TZ)
    if name in _TS_NAIVE:
        return _timestamp(False)
    if name in _TS_TZ:
        return _timestamp(True)
    if name in _TIMES:
        return _time(False)
    if name in _TIMES_TZ:
        return _time(True)
    if name in _UUIDS:
        return {"type": "string", "format": "uuid"}
    if name in _JSONS:
        return {TYPE_NAME_KEY: "json"}
    if name in _BINARIES:
        return {"type": "string", "contentEncoding": "base64"}
    if name in _ARRAYS:
        return {"type": "array"}
    if name in _STRUCTS or name == "map":
        return {"type": "object"}
    return {TYPE_NAME_KEY: text}


# --------------------------------------------------------------------------- comparison

# A value domain: ("int", bits|None, signed) | ("dec", precision|None, scale|None) |
# ("float", bits) | ("num",) | ("str", format, timezone) | ("bool",) | ("array",) |
# ("object",) | ("json",) | ("null",) | ("name", name) | ("any",)
Domain = tuple[Any, ...]

_INT_DIGITS = {8: 3, 16: 5, 32: 10, 64: 19, 128: 39}
_UINT_DIGITS = {8: 3, 16: 5, 32: 10, 64: 20, 128: 39}
_FLOAT_EXACT_INT_BITS = {32: 16, 64: 32}  # widest integer a float holds exactly
_FLOAT_EXACT_DIGITS = {32: 6, 64: 15}
_STORAGE_FORMATS = frozenset({"date", "date-time", "time", "duration", "uuid", "binary"})


def _int_domain(fmt: Any) -> Domain:
    if isinstance(fmt, str):
        signed = not fmt.startswith("uint")
        digits = fmt[4:] if not signed else fmt[3:]
        if fmt.startswith(("int", "uint")) and digits.isdigit():
            return ("int", int(digits), signed)
    return ("int", None, True)


def _domains(fragment: dict[str, Any]) -> tuple[Domain, ...]:
    """The value domains a fragment allows (ignoring null, bounds and nested members)."""
    name = fragment.get(TYPE_NAME_KEY)
    if isinstance(name, str):
        return (("json",),) if name == "json" else (("name", name),)
    declared = fragment.get("type")
    if declared is None:
        return (("any",),)
    types = declared if isinstance(declared, list) else [declared]
    out: list[Domain] = []
    fmt = fragment.get("format")
    for t in types:
        if t == "null":
            continue
        if t == "integer":
            out.append(_int_domain(fmt))
        elif t == "number":
            if fmt == "decimal":
                p = fragment.get("x-precision")
                s = fragment.get("x-scale")
                out.append(
                    ("dec", p if isinstance(p, int) else None, s if isinstance(s, int) else None)
                )
            elif fmt in ("float", "double"):
                out.append(("float", 32 if fmt == "float" else 64))
            elif isinstance(fmt, str) and fmt.startswith(("int", "uint")):
                out.append(_int_domain(fmt))
            else:
                out.append(("num",))
        elif t == "string":
            if fragment.get("contentEncoding"):
                out.append(("str", "binary", None))
            else:
                tz = fragment.get("x-timezone")
                out.append(
                    (
                        "str",
                        fmt if isinstance(fmt, str) else None,
                        tz if isinstance(tz, bool) else None,
                    )
                )
        elif t == "boolean":
            out.append(("bool",))
        elif t in ("array", "object"):
            out.append((t,))
        else:
            out.append(("name", str(t)))
    return tuple(out) if out else (("null",),)


def _digits(domain: Domain) -> int | None:
    bits, signed = domain[1], domain[2]
    if bits is None:
        return None
    table = _INT_DIGITS if signed else _UINT_DIGITS
    return table.get(bits, len(str(2**bits)))


def _subset(a: Domain, b: Domain) -> bool:
    """Whether every value of domain ``a`` is a value of domain ``b``."""
    if a == b or b[0] == "any":
        return True
    ka, kb = a[0], b[0]
    if ka == "any":
        return False
    if kb == "num":
        return ka in ("int", "dec", "float", "num")
    if ka == "int":
        if kb == "int":
            if b[1] is None:
                return True
            if a[1] is None:
                return False
            if a[2] == b[2]:
                return bool(a[1] <= b[1])
            return (not a[2]) and b[2] and a[1] < b[1]
        if kb == "dec":
            if b[1] is None:
                return True
            digits = _digits(a)
            return digits is not None and digits <= b[1] - (b[2] or 0)
        if kb == "float":
            return a[1] is not None and a[1] <= _FLOAT_EXACT_INT_BITS[b[1]]
        return False
    if ka == "dec":
        p, s = a[1], a[2] or 0
        if kb == "dec":
            if b[1] is None:
                return True
            if p is None:
                return False
            s2 = b[2] or 0
            return s <= s2 and p - s <= b[1] - s2
        if p is None or s != 0:
            return False
        if kb == "int":
            digits = _digits(b)
            # 10**p - 1 must fit: p digits fit when p < digits of the type's max value.
            return digits is None or p < digits
        if kb == "float":
            return bool(p <= _FLOAT_EXACT_DIGITS[b[1]])
        return False
    if ka == "float":
        return kb == "float" and bool(a[1] <= b[1])
    if ka == "str" and b == ("str", None, None):
        # A validation-only format (email, uri, …) narrows a string; a storage type
        # (date, timestamp, uuid, binary) is a different warehouse type altogether.
        return a[1] not in _STORAGE_FORMATS
    return False


def _domain_relation(old: tuple[Domain, ...], new: tuple[Domain, ...]) -> Relation:
    if old == new:
        return "same"
    old_in_new = all(any(_subset(a, b) for b in new) for a in old)
    new_in_old = all(any(_subset(b, a) for a in old) for b in new)
    if old_in_new and new_in_old:
        return "same"
    if old_in_new:
        return "widened"
    if new_in_old:
        return "narrowed"
    return "incompatible"


def describe_type(fragment: dict[str, Any]) -> str:
    """Human name of a fragment: its ``x-dbt-data-type`` when present, else its JSON Schema.

    A bare JSON Schema is named in JSON Schema words (``string (date-time)``, ``integer
    (int64)``, ``any type``), never in a warehouse's type names.
    """
    original = fragment.get(DATA_TYPE_KEY)
    if isinstance(original, str) and original:
        return original
    name = fragment.get(TYPE_NAME_KEY)
    if isinstance(name, str):
        return name
    parts = []
    for d in _domains(fragment):
        kind = d[0]
        if kind == "int":
            parts.append(f"integer ({'int' if d[2] else 'uint'}{d[1]})" if d[1] else "integer")
        elif kind == "dec":
            parts.append(
                f"number (decimal({d[1]},{d[2] or 0}))" if d[1] is not None else "number (decimal)"
            )
        elif kind == "float":
            parts.append("number (float)" if d[1] == 32 else "number (double)")
        elif kind == "num":
            parts.append("number")
        elif kind == "str":
            if d[1] is None:
                parts.append("string")
            elif d[1] == "binary":
                parts.append("string (binary)")
            elif d[2] is not None and d[1] in ("date-time", "time"):
                zone = "with" if d[2] else "without"
                parts.append(f"string ({d[1]} {zone} time zone)")
            else:
                parts.append(f"string ({d[1]})")
        elif kind == "name":
            parts.append(str(d[1]))
        elif kind == "any":
            parts.append("any type")
        else:
            parts.append(str(kind))
    return " or ".join(parts)


@dataclass(frozen=True)
class TypeDelta:
    """One difference between two type fragments.

    ``kind`` is a diff change kind (``type_changed``, ``type_widened``, ``type_narrowed``,
    ``precision_widened``/``_narrowed``, ``scale_widened``/``_narrowed``,
    ``length_widened``/``_narrowed``); ``path`` is relative to the fragment (``""`` for the
    fragment itself, ``/maxLength``, ``/items``, ``/properties/a``).
    """

    kind: str
    relation: Relation
    path: str
    detail: str
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class TypeComparison:
    """Overall relation of two fragments plus the individual differences."""

    relation: Relation
    deltas: tuple[TypeDelta, ...] = ()


def combine_relations(relations: list[Relation]) -> Relation:
    """Fold relations: all same → same; widened+same → widened; mixed → incompatible."""
    seen = {r for r in relations if r != "same"}
    if not seen:
        return "same"
    if len(seen) == 1:
        return next(iter(seen))
    return "incompatible"


def scalar_delta(old: dict[str, Any], new: dict[str, Any]) -> TypeDelta | None:
    """Compare the value domains of two fragments (type, format, precision, scale, zone).

    Lengths, bounds and nested members are not looked at here. None when equivalent.
    """
    old_domains = _domains(old)
    new_domains = _domains(new)
    if old_domains == new_domains:
        return None
    relation = _domain_relation(old_domains, new_domains)
    if relation == "same":
        return None
    old_name, new_name = describe_type(old), describe_type(new)
    kind = {"widened": "type_widened", "narrowed": "type_narrowed"}.get(relation, "type_changed")
    if (
        relation != "incompatible"
        and len(old_domains) == 1
        and len(new_domains) == 1
        and old_domains[0][0] == "dec"
        and new_domains[0][0] == "dec"
        and old_domains[0][1] is not None
        and new_domains[0][1] is not None
    ):
        same_scale = (old_domains[0][2] or 0) == (new_domains[0][2] or 0)
        kind = ("precision_" if same_scale else "scale_") + relation
    verb = {"widened": "widened", "narrowed": "narrowed"}.get(relation, "changed type")
    return TypeDelta(
        kind=kind,
        relation=relation,
        path="",
        detail=f"{verb} from {old_name} to {new_name}",
        old=old_name,
        new=new_name,
    )


def _length_delta(old: dict[str, Any], new: dict[str, Any]) -> TypeDelta | None:
    a, b = old.get("maxLength"), new.get("maxLength")
    if a == b:
        return None
    if b is None or (isinstance(a, int) and isinstance(b, int) and b > a):
        relation: Relation = "widened"
    else:
        relation = "narrowed"
    detail = f"maximum length {relation} from {a if a is not None else 'unbounded'} to {b if b is not None else 'unbounded'}"
    return TypeDelta(f"length_{relation}", relation, "/maxLength", detail, a, b)


def compare_types(old: dict[str, Any], new: dict[str, Any]) -> TypeComparison:
    """Compare two type fragments (from :func:`column_schema`), nested members included.

    ``widened`` means every value of ``old`` is a value of ``new`` (int32 → int64,
    varchar(4) → varchar(20), int → numeric(38,0)); ``narrowed`` the reverse;
    ``incompatible`` neither (varchar → integer, numeric(12,2) → numeric(12,4)).
    """
    deltas = list(_compare(old, new, "", 0))
    return TypeComparison(combine_relations([d.relation for d in deltas]), tuple(deltas))


def _compare(old: dict[str, Any], new: dict[str, Any], path: str, depth: int) -> list[TypeDelta]:
    if old == new or depth > 32:
        return []
    out: list[TypeDelta] = []
    delta = scalar_delta(old, new)
    if delta is not None:
        out.append(TypeDelta(delta.kind, delta.relation, path, delta.detail, delta.old, delta.new))
        if delta.relation == "incompatible":
            return out
    length = _length_delta(old, new)
    if length is not None:
        out.append(
            TypeDelta(
                length.kind,
                length.relation,
                path + length.path,
                length.detail,
                length.old,
                length.new,
            )
        )
    old_items, new_items = old.get("items"), new.get("items")
    if isinstance(old_items, dict) and isinstance(new_items, dict):
        out.extend(_compare(old_items, new_items, path + "/items", depth + 1))
    old_props = _props(old)
    new_props = _props(new)
    for key in [*old_props, *(k for k in new_props if k not in old_props)]:
        sub = f"{path}/properties/{key}"
        if key not in new_props:
            out.append(TypeDelta("field_removed", "narrowed", sub, f"field {key} removed"))
        elif key not in old_props:
            out.append(TypeDelta("field_added", "widened", sub, f"field {key} added"))
        else:
            out.extend(_compare(old_props[key], new_props[key], sub, depth + 1))
    return out


def _props(fragment: dict[str, Any]) -> dict[str, Any]:
    props = fragment.get("properties")
    return props if isinstance(props, dict) else {}
