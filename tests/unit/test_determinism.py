"""The diff never depends on the hash seed, and recursive references stay finite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tessera_dbt.core.diff import diff_schemas
from tessera_dbt.core.diff.engine import Differ

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("0", "1", "2", "3", "42", "1234", "99999", "4294967295")

# Every case of the tables, both ways, diffed and judged under every mode; printed as JSON.
_SCRIPT = """
import json, sys
from pathlib import Path
import yaml
from tessera_dbt.core.contract import MODES
from tessera_dbt.core.diff import diff_documents
from tessera_dbt.core.policy import evaluate
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
out = []
for path in sorted(Path("tests/unit/cases").glob("*.yaml")):
    for case in yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []:
        for old, new in ((case["old"], case["new"]), (case["new"], case["old"])):
            changes = diff_documents(old, new)
            out.append([c.to_dict() for c in changes])
            for mode in MODES:
                out.append(evaluate(changes, mode).to_dict())
sys.stdout.write(json.dumps(out, sort_keys=False, default=str))
"""


def test_output_is_identical_under_every_hash_seed() -> None:
    runs = []
    for seed in SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", _SCRIPT],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    outputs = []
    for seed, proc in zip(SEEDS, runs, strict=True):
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, (seed, stderr.decode()[-2000:])
        outputs.append(stdout)
    assert len(outputs[0]) > 100_000  # the whole table, not an empty run
    for seed, output in zip(SEEDS[1:], outputs[1:], strict=True):
        assert output == outputs[0], f"PYTHONHASHSEED={seed} gave another output"


def _tree(max_length: int, branches: int) -> dict[str, object]:
    """A definition referring to itself ``branches`` times (a list for 1, a tree for 2)."""
    props: dict[str, object] = {"v": {"type": "string", "maxLength": max_length}}
    for i in range(branches):
        props[f"child{i}"] = {"$ref": "#/$defs/t"}
    return {
        "$defs": {"t": {"type": "object", "properties": props}},
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/t"}},
    }


def test_recursive_references_visit_each_pair_once() -> None:
    for branches in (1, 2, 3):
        differ = Differ(_tree(5, branches), _tree(4, branches), None, None)
        changes = differ.run()
        assert [c.kind for c in changes] == ["length_narrowed"]
        # one walk of the definition, not one per path through it (2**64 for a tree)
        assert differ.steps < 20, differ.steps


def test_recursive_root_reference() -> None:
    def tree(extra: dict[str, object]) -> dict[str, object]:
        return {
            "type": "object",
            "properties": {
                "name": {"type": "string", **extra},
                "children": {"type": "array", "items": {"$ref": "#"}},
            },
        }

    changes = diff_schemas(tree({}), tree({"maxLength": 9}))
    assert [(c.kind, c.path) for c in changes] == [
        ("length_narrowed", "/properties/name/maxLength")
    ]
