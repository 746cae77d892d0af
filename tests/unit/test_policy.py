"""Policy: effect × mode → severity, the semver bump, history (transitive) and versions."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tessera_dbt.core.contract import EFFECTS, MODES, Change
from tessera_dbt.core.policy import (
    base_mode,
    evaluate,
    evaluate_history,
    max_bump,
    next_version,
    severity,
)


def change(effect: str, additive: bool = False, kind: str = "x") -> Change:
    return Change(kind=kind, path="/p", message="m", effect=effect, additive=additive)


EXPECTED = {
    # effect: backward, forward, full, none
    "narrowing": ("breaking", "info", "breaking", "info"),
    "widening": ("info", "breaking", "breaking", "info"),
    "incompatible": ("breaking", "breaking", "breaking", "warning"),
    "constraint_relaxed": ("breaking", "breaking", "breaking", "warning"),
    "guarantee_relaxed": ("warning", "warning", "warning", "warning"),
    "guarantee_tightened": ("info", "info", "info", "info"),
    "neutral": ("info", "info", "info", "info"),
}


@pytest.mark.parametrize("effect", EFFECTS)
@pytest.mark.parametrize("mode", MODES)
def test_severity_table(effect: str, mode: str) -> None:
    column = ("backward", "forward", "full", "none").index(base_mode(mode))
    assert severity(change(effect), mode) == EXPECTED[effect][column]


@pytest.mark.parametrize(
    ("guarantee_mode", "mode", "expected"),
    [
        ("notify", "backward", "warning"),
        ("strict", "backward", "breaking"),
        ("strict", "forward_transitive", "breaking"),
        ("strict", "none", "warning"),
        ("ignore", "full", None),
    ],
)
def test_guarantee_mode(guarantee_mode: str, mode: str, expected: str | None) -> None:
    assert severity(change("guarantee_relaxed"), mode, guarantee_mode) == expected


def test_ignored_changes_are_dropped_but_still_bump_patch() -> None:
    result = evaluate([change("guarantee_relaxed")], "backward", "ignore")
    assert result.changes == ()
    assert len(result.ignored) == 1
    assert result.bump == "patch"
    assert not result.breaking


@pytest.mark.parametrize(
    ("changes", "mode", "bump"),
    [
        ([], "backward", "none"),
        ([change("neutral")], "backward", "patch"),
        ([change("widening", additive=True)], "backward", "minor"),
        ([change("widening", additive=True)], "forward", "major"),
        # a narrowing the mode allows is still more than an annotation
        ([change("narrowing")], "forward", "minor"),
        ([change("narrowing")], "backward", "major"),
        ([change("guarantee_tightened", additive=True)], "full", "minor"),
        ([change("guarantee_tightened")], "backward", "minor"),
        ([change("guarantee_relaxed")], "backward", "minor"),
        ([change("neutral"), change("widening", additive=True)], "backward", "minor"),
        # incompatible in every mode: major even where the mode blocks nothing
        ([change("incompatible")], "none", "major"),
        ([change("incompatible", additive=True)], "none", "major"),
        ([change("constraint_relaxed")], "none", "major"),
        ([change("neutral"), change("narrowing")], "none", "minor"),
    ],
)
def test_bump(changes: list[Change], mode: str, bump: str) -> None:
    assert evaluate(changes, mode).bump == bump


def test_unknown_modes_raise_with_allowed_values() -> None:
    with pytest.raises(ValueError, match="allowed: backward, forward, full, none"):
        evaluate([], "sideways")
    with pytest.raises(ValueError, match="allowed: notify, strict, ignore"):
        evaluate([], "backward", "loud")


def test_unknown_effect_is_treated_as_breaking() -> None:
    assert severity(change("mystery"), "backward") == "breaking"
    assert severity(change("mystery"), "none") == "warning"


@pytest.mark.parametrize(
    ("latest", "bump", "expected"),
    [
        (None, "major", "1.0.0"),
        (None, "none", "1.0.0"),
        ("1.0.0", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2.3", "none", "1.2.3"),
    ],
)
def test_next_version(latest: str | None, bump: str, expected: str) -> None:
    assert next_version(latest, bump) == expected


def test_next_version_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        next_version("1.0", "major")
    with pytest.raises(ValueError):
        next_version("1.0.0", "huge")


def test_max_bump() -> None:
    assert max_bump(["patch", "minor", "none"]) == "minor"
    assert max_bump([]) == "none"


def schema(**props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": props}


V1 = schema(id={"type": "integer"}, status={"type": "string", "enum": ["a", "b"]})
V2 = schema(id={"type": "integer"}, status={"type": "string", "enum": ["a", "b", "c"]})
V3 = schema(id={"type": "integer"}, status={"type": "string", "enum": ["a", "c"]})


def test_history_non_transitive_judges_latest_only() -> None:
    # v2 → v3 removes "b": narrowing, breaking under backward.
    result = evaluate_history(V3, [("1.1.0", V2), ("1.0.0", V1)], "backward")
    assert result.breaking
    assert result.base_version == "1.1.0"
    assert result.next_version == "2.0.0"
    # forward judges only the latest: removing values is fine under forward.
    result = evaluate_history(V3, [("1.1.0", V2), ("1.0.0", V1)], "forward")
    assert not result.breaking


def test_history_transitive_checks_every_version() -> None:
    # Compared with v2 (latest) nothing changes; compared with v1, "c" was added → widening.
    new = copy.deepcopy(V2)
    plain = evaluate_history(new, [("1.0.0", V1), ("1.1.0", V2)], "forward")
    assert not plain.breaking
    assert plain.bump == "none"
    transitive = evaluate_history(new, [("1.0.0", V1), ("1.1.0", V2)], "forward_transitive")
    assert transitive.breaking
    assert transitive.bump == "major"
    assert transitive.checked_versions == ("1.1.0", "1.0.0")
    assert {j.against for j in transitive.breaking_changes} == {"1.0.0"}


def test_history_empty_is_a_first_publish() -> None:
    result = evaluate_history(V1, [], "backward_transitive")
    assert result.compatible
    assert result.next_version == "1.0.0"


def test_transitive_mode_on_a_single_pair_means_its_base() -> None:
    a = evaluate_history(V3, [("1.0.0", V2)], "backward_transitive")
    b = evaluate_history(V3, [("1.0.0", V2)], "backward")
    assert a.breaking == b.breaking
    assert a.bump == b.bump


def test_to_dict_is_json_ready() -> None:
    import json

    result = evaluate_history(V3, [("1.0.0", V2)], "full")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["compatible"] is False
    assert data["bump"] == "major"
    assert all(
        {"kind", "path", "breaking", "severity", "message"} <= set(c) for c in data["changes"]
    )
