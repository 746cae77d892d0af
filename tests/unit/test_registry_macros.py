"""Static checks of the package's macros (no dbt run): layout rules and documentation.

- one public macro per file, named after the file (private helpers start with "_";
  adapter variants are "<adapter>__<name>" next to their dispatcher);
- every public macro is described in macros/_macros.yml with exactly its arguments;
- every adapter difference goes through adapter.dispatch(..., 'tessera');
- the registry tables and columns are all described in docs/reference/tables.md, and every
  run-operation in docs/reference/run-operations.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tessera_dbt.plugin.registry import REGISTRY_TABLES

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "macros"
MACRO_RE = re.compile(r"{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\((.*?)\)\s*-?%}", re.S)
ADAPTERS = (
    "default",
    "postgres",
    "duckdb",
    "snowflake",
    "bigquery",
    "redshift",
    "databricks",
    "spark",
    "trino",
)
OPERATIONS = (
    "init",
    "create_team",
    "delete_team",
    "restore_team",
    "add_team_member",
    "remove_team_member",
    "register_consumer",
    "unregister_consumer",
    "acknowledge",
    "withdraw",
    "force",
    "status",
    "list_proposals",
)


def _macros() -> dict[Path, list[tuple[str, list[str]]]]:
    found: dict[Path, list[tuple[str, list[str]]]] = {}
    for path in sorted(MACROS.rglob("*.sql")):
        items = []
        for name, params in MACRO_RE.findall(path.read_text(encoding="utf-8")):
            args = [p.split("=")[0].strip() for p in params.split(",") if p.strip()]
            items.append((name, args))
        found[path] = items
    return found


def _public(name: str) -> bool:
    return not name.startswith("_") and not any(name.startswith(f"{a}__") for a in ADAPTERS)


def test_one_public_macro_per_file_named_after_it() -> None:
    for path, items in _macros().items():
        public = [name for name, _ in items if _public(name)]
        if path.stem.startswith("_"):
            assert public == [], path
            continue
        assert public == [path.stem], (path, public)
        for name, _ in items:
            variant = name.split("__", 1)
            if len(variant) == 2 and variant[0] in ADAPTERS:
                assert variant[1] == path.stem, (path, name)


def test_dispatchers_name_their_own_macro_in_the_tessera_namespace() -> None:
    pattern = re.compile(r"adapter\.dispatch\('([a-z_]+)',\s*'([a-z_]+)'\)")
    for path in MACROS.rglob("*.sql"):
        text = path.read_text(encoding="utf-8")
        for name, namespace in pattern.findall(text):
            assert namespace == "tessera", path
            assert name == path.stem, (path, name)
            assert f"default__{name}" in text, (path, name)


def test_every_public_macro_is_documented_with_its_arguments() -> None:
    doc = yaml.safe_load((MACROS / "_macros.yml").read_text(encoding="utf-8"))
    documented = {m["name"]: [a["name"] for a in m.get("arguments") or []] for m in doc["macros"]}
    for m in doc["macros"]:
        assert m.get("description"), m["name"]
        for a in m.get("arguments") or []:
            assert isinstance(a.get("description"), str) and a["description"], (m["name"], a)
    defined = {name: args for items in _macros().values() for name, args in items if _public(name)}
    assert set(defined) == set(documented), set(defined) ^ set(documented)
    for name, args in defined.items():
        assert documented[name] == args, (name, args, documented[name])


def test_reference_docs_cover_every_table_column_and_operation() -> None:
    tables_doc = (ROOT / "docs" / "reference" / "tables.md").read_text(encoding="utf-8")
    ops_doc = (ROOT / "docs" / "reference" / "run-operations.md").read_text(encoding="utf-8")
    spec_dir = MACROS / "registry" / "tables"
    column_re = re.compile(r"\('([a-z_]+)',\s*'(text|timestamp|boolean|integer)'\)")
    seen = set()
    for path in spec_dir.glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        table = re.search(r"'name':\s*'([a-z_]+)'", text)
        assert table, path
        seen.add(table.group(1))
        section = tables_doc.split(f"## `{table.group(1)}`", 1)
        assert len(section) == 2, f"{table.group(1)} has no section in tables.md"
        body = section[1].split("\n## ", 1)[0]
        for column, _ in column_re.findall(text):
            assert f"`{column}`" in body, (table.group(1), column)
    assert seen == set(REGISTRY_TABLES)
    for op in OPERATIONS:
        assert f"## `tessera.{op}`" in ops_doc, op
