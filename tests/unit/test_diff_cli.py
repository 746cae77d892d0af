"""``tessera diff``: exit codes, JSON validity, one-line errors, the bundled examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tessera_dbt.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "contracts"
V1 = str(EXAMPLES / "orders_v1.json")
BREAKING = str(EXAMPLES / "orders_v2_breaking.json")
COMPATIBLE = str(EXAMPLES / "orders_v2_compatible.json")


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["diff", *args])


def write(tmp_path: Path, name: str, doc: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return str(path)


def test_compatible_example_exits_0() -> None:
    result = run(V1, COMPATIBLE)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("COMPATIBLE (mode backward)")
    assert "suggested bump: minor" in result.output.splitlines()[0]


def test_breaking_example_exits_1_and_marks_breaking_lines() -> None:
    result = run(V1, BREAKING)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("BREAKING (mode backward)")
    assert any("BREAKING" in line and "column ordered_at was removed" in line for line in lines[1:])
    assert any("primary_key" in line for line in lines[1:])


def test_identical_files_have_no_changes() -> None:
    result = run(V1, V1, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data == {
        "compatible": True,
        "breaking": False,
        "mode": "backward",
        "guarantee_mode": "notify",
        "bump": "none",
        "changes": [],
        "ignored": [],
    }
    assert run(V1, V1).output.strip() == "COMPATIBLE (mode backward): no changes"


@pytest.mark.parametrize(
    ("mode", "exit_code"),
    [
        ("backward", 0),
        ("forward", 1),
        ("full", 1),
        ("none", 0),
        ("backward_transitive", 0),
        ("forward_transitive", 1),
    ],
)
def test_modes_on_the_compatible_example(mode: str, exit_code: int) -> None:
    result = run(V1, COMPATIBLE, "--mode", mode, "--format", "json")
    assert result.exit_code == exit_code
    data = json.loads(result.output)
    assert data["mode"] == mode
    assert data["compatible"] is (exit_code == 0)
    for change in data["changes"]:
        assert {"kind", "path", "breaking", "severity", "message", "effect"} <= set(change)


def test_json_output_for_breaking_example() -> None:
    result = run(V1, BREAKING, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["compatible"] is False
    assert data["bump"] == "major"
    kinds = {c["kind"] for c in data["changes"] if c["breaking"]}
    assert kinds == {"type_changed", "precision_narrowed", "column_removed", "guarantee_removed"}


def test_guarantee_mode_option() -> None:
    # the compatible example relaxes accepted_values (values added): a warning by default
    assert run(V1, COMPATIBLE, "--guarantee-mode", "strict").exit_code == 1
    ignored = run(V1, COMPATIBLE, "--guarantee-mode", "ignore", "--format", "json")
    assert ignored.exit_code == 0
    assert [c["kind"] for c in json.loads(ignored.output)["ignored"]] == ["guarantee_relaxed"]


def test_bare_schemas_judge_the_schema_only(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", {"type": "object", "properties": {"a": {"type": "string"}}})
    new = write(
        tmp_path,
        "new.json",
        {
            "type": "object",
            "properties": {"a": {"type": ["string", "null"]}, "b": {"type": "integer"}},
        },
    )
    result = run(old, new, "--format", "json")
    assert result.exit_code == 0
    assert [c["kind"] for c in json.loads(result.output)["changes"]] == ["column_added"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["missing.json", V1], "file not found: missing.json"),
        (
            [V1, V1, "--mode", "sideways"],
            "unknown compatibility mode 'sideways'; allowed: backward",
        ),
        ([V1, V1, "--guarantee-mode", "loud"], "unknown guarantee mode 'loud'"),
        ([V1, V1, "--format", "xml"], "unknown format 'xml'"),
    ],
)
def test_errors_exit_2_with_one_line(args: list[str], needle: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert needle in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '"a string"', "", "\xff\xfe"],
    ids=["bad", "list", "str", "empty", "bytes"],
)
def test_invalid_inputs_exit_2_with_json_error(tmp_path: Path, content: str) -> None:
    bad = write(tmp_path, "bad.json", content)
    result = run(V1, bad, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["compatible"] is None
    assert "bad.json" in data["error"]
    assert result.stderr.count("\n") == 1


def test_directory_argument_is_an_error(tmp_path: Path) -> None:
    result = run(str(tmp_path), V1)
    assert result.exit_code == 2
    assert "not a file" in result.stderr


def test_weird_but_valid_json_never_crashes(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", {"properties": {"a": 1, "b": None}, "required": "a"})
    new = write(tmp_path, "new.json", {"properties": [], "schema": 3, "type": 7})
    result = run(old, new, "--format", "json")
    assert result.exit_code in (0, 1)
    json.loads(result.output)


def test_console_script_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "tessera"
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    ok = subprocess.run(
        [str(exe), "diff", V1, COMPATIBLE, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["compatible"] is True
    bad = subprocess.run(
        [str(exe), "diff", V1, BREAKING], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert bad.stdout.startswith("BREAKING")
    err = subprocess.run(
        [str(exe), "diff", V1, str(tmp_path / "nope.json"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert err.returncode == 2
    assert json.loads(err.stdout)["compatible"] is None
    assert len(err.stderr.strip().splitlines()) == 1
    assert "Traceback" not in err.stderr


def _recursive(max_length: int) -> dict[str, Any]:
    node = {"$ref": "#/$defs/t"}
    return {
        "$defs": {
            "t": {
                "type": "object",
                "properties": {
                    "v": {"type": "string", "maxLength": max_length},
                    "l": node,
                    "r": node,
                },
            }
        },
        "type": "object",
        "properties": {"root": node},
    }


def test_recursive_definition_answers_with_one_change(tmp_path: Path) -> None:
    old = write(tmp_path, "old.json", _recursive(5))
    new = write(tmp_path, "new.json", _recursive(4))
    result = run(old, new, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [(c["kind"], c["path"]) for c in data["changes"]] == [
        ("length_narrowed", "/properties/root/properties/v/maxLength")
    ]
    assert run(old, new, "--format", "json").output == result.output


def test_root_type_change_renders_its_path_both_ways(tmp_path: Path) -> None:
    obj = write(tmp_path, "obj.json", {"type": "object", "properties": {"a": {"type": "string"}}})
    text = write(tmp_path, "str.json", {"type": "string"})
    for old, new in ((obj, text), (text, obj)):
        lines = run(old, new).output.splitlines()
        assert any("type_changed" in line and line.endswith("[/type]") for line in lines), lines
        assert not any(line.endswith("[]") for line in lines)


def test_json_output_is_strict_json_for_non_finite_numbers(tmp_path: Path) -> None:
    old = {"type": "object", "properties": {"x": {"type": "number", "maximum": 10}}}
    new_text = '{"type": "object", "properties": {"x": {"type": "number", "maximum": 1e999}}}'
    (tmp_path / "new.json").write_text(new_text)
    nan_text = '{"type": "object", "properties": {"x": {"type": "number", "maximum": NaN}}}'
    (tmp_path / "nan.json").write_text(nan_text)
    for new in ("new.json", "nan.json"):
        res = run(write(tmp_path, "old.json", old), str(tmp_path / new), "--format", "json")
        assert res.exit_code in (0, 1), res.output

        def refuse(name: str) -> None:
            raise AssertionError(f"non-strict JSON constant {name}")

        doc = json.loads(res.output, parse_constant=refuse)
        assert doc["changes"], doc
        assert "Infinity" in res.output or "NaN" in res.output
