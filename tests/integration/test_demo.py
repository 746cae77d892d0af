"""``tessera demo`` (what ``make demo`` runs) tells the whole story and exits 0."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.harness import run_tessera

pytestmark = [pytest.mark.duckdb, pytest.mark.slow]


def test_demo_shows_the_blocked_change_and_ships_2_0_0(tmp_path: Path) -> None:
    # In this process (the console script's click group, standalone); the executable
    # itself runs the demo in test_wheel.
    proc = run_tessera(["demo"], cwd=tmp_path, env={"DBT_PROFILES_DIR": None})
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    # The real gate message, with the proposal and the exact command to acknowledge.
    assert "Tessera blocked this run" in out
    assert "column status was removed" in out
    proposal = re.search(r"proposal (orders-[0-9a-f]{6})", out)
    assert proposal, out
    assert f"tessera.acknowledge --args '{{proposal_id: {proposal.group(1)}" in out
    # The pull-request comment tessera check would post.
    assert "| `orders` | **breaking**: column status was removed" in out
    # The versions: 1.0.0, then 1.1.0, then nothing while blocked, then 2.0.0.
    assert "published versions: ['1.0.0']" in out
    assert "published versions: ['1.0.0', '1.1.0']" in out
    assert "published versions are still ['1.0.0', '1.1.0']" in out
    assert "published versions: ['1.0.0', '1.1.0', '2.0.0']" in out
    # The history query prints one row per version.
    history = out.split("The contract history in SQL:")[1]
    assert all(v in history for v in ("1.0.0", "1.1.0", "2.0.0"))
    # The temporary project is gone.
    folder = re.search(r"Project: (\S+)", out)
    assert folder and not os.path.exists(folder.group(1))
