"""dbt imports the plugin for every command (parse, ls, compile, deps, debug): it must stay light.

A fresh interpreter imports dbt's plugin manager first (what dbt has loaded anyway), then the
``dbt_tessera`` shim the way dbt's discovery does; the modules the shim adds must not include
sqlglot (column lineage, ~70 ms), requests (webhooks) or jsonschema, nor the lineage module.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlglot", "requests", "jsonschema")

_PROBE = """
import json, sys
import dbt.plugins.manager
before = set(sys.modules)
import dbt_tessera
added = sorted(set(sys.modules) - before)
print(json.dumps({"added": added, "plugins": [p.__name__ for p in dbt_tessera.plugins]}))
"""


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["plugins"] == ["TesseraPlugin"]
    added = report["added"]
    assert any(m.startswith("tessera_dbt.plugin") for m in added), added
    heavy = [m for m in added if m.split(".")[0] in HEAVY]
    assert heavy == [], f"importing the plugin loads {heavy}"
    assert "tessera_dbt.core.lineage" not in added
