"""``tessera report`` on a real registry, read in a real browser (headless Chromium).

One DuckDB project lives through a small history: 1.0.0, a consumer registers, an additive
change ships as 1.1.0, dropping a consumed column opens a proposal. The report must show the
asset, its timeline in plain words, the team's inbox and the exact command to answer; the
browser test (skipped when Debian's ``chromium`` is not installed: ``apt-get install -y
chromium``) renders the index and the model page without JavaScript, checks their text and
keeps screenshots as artifacts (the path is printed).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import jsonschema
import pytest
import yaml

from tessera_dbt.core.report import slug
from tessera_dbt.core.transfer import yaml_safe_json
from tests.harness import FIXTURES, DbtProject
from tests.integration.test_gate_support import gate_project, open_proposal, write_model

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (apt-get install -y chromium)"
)
ORDERS = "model.gate.orders"
ORDER_ID = ("order_id", "integer", "cast(1 as integer)")
AMOUNT = ("amount", "numeric(12,2)", "cast(12.50 as numeric(12, 2))")
STATUS = ("status", "varchar(20)", "cast('placed' as varchar(20))")
NOTE = ("note", "varchar(10)", "cast(null as varchar(10))")
HOSTILE_NOTE = "<script>alert('x')</script> & <b>not bold</b>"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtProject, str]:
    """A registry with a short history and an open proposal."""
    root = tmp_path_factory.mktemp("report")

    def new_project(adapter: str, template: str = "shop", deps: bool = True) -> DbtProject:
        from tests.harness import make_project

        return make_project(root / template, adapter, template, None, deps=deps)

    p = gate_project(new_project, "duckdb")
    p.dbt("run")
    payload = {
        "ops": [
            {"op": "create_team", "args": {"name": "marketing", "description": "Campaigns"}},
            {"op": "create_team", "args": {"name": "finance"}},
            {
                "op": "register_consumer",
                "args": {"model": "orders", "team": "marketing", "note": HOSTILE_NOTE},
            },
            {
                "op": "register_consumer",
                "args": {"model": "orders", "team": "finance", "columns": ["order_id"]},
            },
        ]
    }
    p.dbt("run-operation", "gate_ops", "--args", yaml_safe_json(payload))
    write_model(p, "orders", [ORDER_ID, AMOUNT, STATUS, NOTE])
    p.dbt("run")
    write_model(p, "orders", [ORDER_ID, AMOUNT, NOTE])
    assert p.dbt("run", expect=None).returncode != 0
    return p, open_proposal(p, ORDERS)


@pytest.fixture(scope="module")
def report(project: tuple[DbtProject, str]) -> tuple[Path, str]:
    """The report of that registry."""
    p, pid = project
    out = p.dir.parent / "site"
    res = p.tessera("report", "--output", str(out))
    assert "tessera report: wrote" in res.stdout, str(res)
    return out, pid


def visible_text(page: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace collapsed."""
    text = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_report_pages(report: tuple[Path, str]) -> None:
    out, pid = report
    index = visible_text((out / "index.html").read_text(encoding="utf-8"))
    assert "Data contracts" in index
    assert "orders" in index and "1.1.0" in index and pid in index
    model = visible_text((out / "models" / f"{slug(ORDERS)}.html").read_text(encoding="utf-8"))
    assert "Contract history" in model
    assert "1.1.0" in model and "column note was added" in model
    assert "First published version" in model
    assert HOSTILE_NOTE in model  # shown as text, never as markup
    team = visible_text((out / "teams" / f"{slug('marketing')}.html").read_text(encoding="utf-8"))
    assert "Inbox: answers owed (1)" in team
    assert f"tessera proposal acknowledge {pid} --team marketing --response approved" in team
    assert (
        "dbt run-operation tessera.acknowledge --args "
        f'\'{{proposal_id: "{pid}", team: "marketing", response: approved}}\''
    ) in team
    finance = visible_text((out / "teams" / f"{slug('finance')}.html").read_text(encoding="utf-8"))
    assert "Nothing to answer." in finance  # finance uses only order_id: not affected
    proposals = visible_text((out / "proposals.html").read_text(encoding="utf-8"))
    assert pid in proposals and "column status was removed" in proposals
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "https://" not in text, page


def artifacts_dir() -> Path:
    """Where the browser test keeps its screenshots (printed; kept after the run)."""
    base = (
        os.environ.get("TESSERA_ARTIFACTS_DIR") or Path(tempfile.gettempdir()) / "tessera-artifacts"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def chromium(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a page (the pages hold no script: test_report_pages)."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory(prefix="tessera-chromium-") as profile:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                f"--user-data-dir={profile}",
                *args,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_chromium
def test_report_renders_in_headless_chromium(report: tuple[Path, str]) -> None:
    out, pid = report
    keep = artifacts_dir()
    for name, page, height, expected in [
        ("index", out / "index.html", 800, ["Data contracts", "orders", "1.1.0", pid]),
        (
            "model",
            out / "models" / f"{slug(ORDERS)}.html",
            1500,
            ["Contract history", "column note was added", HOSTILE_NOTE, pid],
        ),
    ]:
        dom = chromium(page.as_uri(), "--dump-dom")
        assert dom.returncode == 0, dom.stderr[-2000:]
        text = visible_text(dom.stdout)
        for needle in expected:
            assert needle in text, (name, needle)
        shot = keep / f"report-{name}.png"
        shot.unlink(missing_ok=True)
        res = chromium(page.as_uri(), f"--screenshot={shot}", f"--window-size=1280,{height}")
        assert res.returncode == 0 and shot.is_file(), res.stderr[-2000:]
        assert png_size(shot) == (1280, height)
        assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
        print(f"screenshot kept: {shot}")


def test_odcs_export_validates_against_the_official_schema(
    project: tuple[DbtProject, str], tmp_path: Path
) -> None:
    p, pid = project
    schema = json.loads((FIXTURES / "odcs" / "odcs-json-schema-v3.1.0.json").read_text())
    validator = jsonschema.Draft201909Validator(schema)
    out = tmp_path / "contracts.odcs.yaml"
    res = p.tessera("export", "--format", "odcs", "--output", str(out))
    assert "ODCS v3.1 contract(s)" in res.stderr, str(res)
    documents = list(yaml.safe_load_all(out.read_text(encoding="utf-8")))
    assert {d["id"] for d in documents} >= {ORDERS, "model.gate.customers"}
    for document in documents:
        validator.validate(document)
    orders = next(d for d in documents if d["id"] == ORDERS)
    assert orders["version"] == "1.1.0" and orders["team"]["name"] == "core-data"
    columns = {c["name"]: c for c in orders["schema"][0]["properties"]}
    assert columns["order_id"]["logicalType"] == "integer" and columns["order_id"]["required"]
    assert columns["amount"]["physicalType"] == "numeric(12,2)"
    custom = {c["property"]: c["value"] for c in orders["customProperties"]}
    assert {c["team"] for c in custom["tesseraConsumers"]} == {"finance", "marketing"}
    assert custom["tesseraOpenProposals"][0]["proposalId"] == pid
    assert custom["tesseraOpenProposals"][0]["waitingFor"] == ["marketing"]
    # One model, to standard output.
    one = p.tessera("export", "--format", "odcs", "--model", "orders")
    (single,) = list(yaml.safe_load_all(one.stdout))
    assert single == orders
    # Bad arguments: one line, exit 2.
    res = p.tessera("export", "--format", "odcs", "--model", "nope", expect=2)
    assert res.stderr.count("\n") == 1 and "--model 'nope'" in res.stderr
    res = p.tessera("export", "--model", "orders", expect=2)
    assert "only with --format odcs" in res.stderr


def test_serve_binds_to_loopback_only(project: tuple[DbtProject, str], tmp_path: Path) -> None:
    p, _ = project
    env = {**os.environ, **p.env, "DBT_PROFILES_DIR": str(p.profiles_dir)}
    tessera = str(Path(sys.executable).parent / "tessera")
    argv = [tessera, "report", "--output", str(tmp_path / "site"), "--serve", "--port", "0"]
    proc = subprocess.Popen(argv, cwd=p.dir, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = ""
        for line in proc.stdout:
            if "serving" in line:
                break
        match = re.search(r"http://(127\.0\.0\.1):(\d+)/", line)
        assert match, line
        with urllib.request.urlopen(
            f"http://127.0.0.1:{match.group(2)}/index.html", timeout=30
        ) as r:
            assert "Data contracts" in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
