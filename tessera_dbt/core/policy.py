"""[Change] × compatibility mode → verdict and semver bump (DESIGN §4). Pure: no dbt import.

The diff gives each change an *effect*; this module maps effect × mode to a severity:

============================  ===========  ===========  ===========  ==========
effect                        backward     forward      full         none
============================  ===========  ===========  ===========  ==========
narrowing                     breaking     info         breaking     info
widening                      info         breaking     breaking     info
incompatible                  breaking     breaking     breaking     warning
constraint_relaxed            breaking     breaking     breaking     warning
guarantee_relaxed             per ``guarantee_mode``: notify → warning, strict → breaking
                              (warning under ``none``), ignore → dropped
guarantee_tightened, neutral  info         info         info         info
============================  ===========  ===========  ===========  ==========

``*_transitive`` modes apply the same table against every published version.

The semver bump says what the change is, whatever the mode blocks (:func:`bump_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.core.contract import (
    EFFECTS,
    FIRST_VERSION,
    GUARANTEE_MODES,
    MODES,
    Bump,
    Change,
    Severity,
    Version,
)
from tessera_dbt.core.diff import diff_documents

BASE_MODES: tuple[str, ...] = ("backward", "forward", "full", "none")

_BREAKS: dict[str, frozenset[str]] = {
    "backward": frozenset({"narrowing", "incompatible", "constraint_relaxed"}),
    "forward": frozenset({"widening", "incompatible", "constraint_relaxed"}),
    "full": frozenset({"narrowing", "widening", "incompatible", "constraint_relaxed"}),
    "none": frozenset(),
}
_BUMP_ORDER = {"none": 0, "patch": 1, "minor": 2, "major": 3}
# Effects that break in every mode but none: a major version even when the mode allows them.
_MAJOR_EFFECTS = frozenset({"incompatible", "constraint_relaxed"})


def check_mode(mode: str) -> str:
    """Validate a compatibility mode; returns it, or raises ValueError naming the allowed."""
    if mode not in MODES:
        raise ValueError(f"unknown compatibility mode {mode!r}; allowed: {', '.join(MODES)}")
    return mode


def check_guarantee_mode(guarantee_mode: str) -> str:
    """Validate a guarantee mode; returns it, or raises ValueError naming the allowed."""
    if guarantee_mode not in GUARANTEE_MODES:
        raise ValueError(
            f"unknown guarantee mode {guarantee_mode!r}; allowed: {', '.join(GUARANTEE_MODES)}"
        )
    return guarantee_mode


def base_mode(mode: str) -> str:
    """``backward_transitive`` → ``backward``; validates the mode."""
    return check_mode(mode).removesuffix("_transitive")


def is_transitive(mode: str) -> bool:
    """Whether a mode checks every published version rather than only the latest."""
    return check_mode(mode).endswith("_transitive")


def severity(change: Change, mode: str, guarantee_mode: str = "notify") -> Severity | None:
    """Severity of one change: ``breaking``, ``warning``, ``info``; None when ignored."""
    return _severity(change.effect, base_mode(mode), check_guarantee_mode(guarantee_mode))


def _severity(effect: str, base: str, guarantee_mode: str) -> Severity | None:
    if effect == "guarantee_relaxed":
        if guarantee_mode == "ignore":
            return None
        if guarantee_mode == "strict" and base != "none":
            return "breaking"
        return "warning"
    if effect in _BREAKS[base]:
        return "breaking"
    if base == "none" and effect in ("incompatible", "constraint_relaxed"):
        return "warning"
    if effect not in EFFECTS:
        # an effect this version does not know: be safe
        return "breaking" if base != "none" else "warning"
    return "info"


@dataclass(frozen=True)
class JudgedChange:
    """A change with its verdict under a mode; ``against`` names the version compared with."""

    change: Change
    severity: Severity
    against: str | None = None

    @property
    def breaking(self) -> bool:
        """Whether this change is breaking."""
        return self.severity == "breaking"

    def to_dict(self) -> dict[str, Any]:
        """The change's fields plus ``breaking``, ``severity`` (and ``against``)."""
        out = self.change.to_dict()
        out["breaking"] = self.breaking
        out["severity"] = self.severity
        if self.against is not None:
            out["against"] = self.against
        return out


@dataclass(frozen=True)
class Evaluation:
    """The verdict on a set of changes: judged changes, ``breaking`` and the semver ``bump``.

    ``ignored`` holds changes dropped by ``guarantee_mode: ignore`` (they still count for
    the bump, since the contract did change). ``base_version`` is the version compared
    with (None when judged without history, e.g. a first publish).
    """

    mode: str
    guarantee_mode: str
    changes: tuple[JudgedChange, ...] = ()
    ignored: tuple[Change, ...] = ()
    bump: Bump = "none"
    base_version: str | None = None
    checked_versions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def breaking(self) -> bool:
        """Whether any change is breaking."""
        return any(j.breaking for j in self.changes)

    @property
    def compatible(self) -> bool:
        """The opposite of :attr:`breaking`."""
        return not self.breaking

    @property
    def breaking_changes(self) -> list[JudgedChange]:
        """The breaking changes only."""
        return [j for j in self.changes if j.breaking]

    @property
    def next_version(self) -> str:
        """The version to publish: ``1.0.0`` first, else ``base_version`` bumped."""
        return next_version(self.base_version, self.bump)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (``compatible``, ``mode``, ``bump``, ``changes``, …)."""
        out: dict[str, Any] = {
            "compatible": self.compatible,
            "breaking": self.breaking,
            "mode": self.mode,
            "guarantee_mode": self.guarantee_mode,
            "bump": self.bump,
        }
        if self.base_version is not None:
            out["base_version"] = self.base_version
            out["next_version"] = self.next_version
        out["changes"] = [j.to_dict() for j in self.changes]
        out["ignored"] = [c.to_dict() for c in self.ignored]
        return out


def bump_for(judged: Iterable[JudgedChange], ignored: Iterable[Change] = ()) -> Bump:
    """The semver bump a set of changes calls for (DESIGN §4), whatever the mode blocks.

    major: a change breaks under the mode, or is incompatible in every mode (a type changed
    between families, a required column added, an enforced constraint dropped); patch: only
    annotations (descriptions, titles, spelling) and order; minor: anything else (additions,
    widenings, and the narrowings the mode allows). Ignored guarantee changes bump patch.
    """
    bump: Bump = "none"
    for j in judged:
        effect = j.change.effect
        if j.breaking or effect in _MAJOR_EFFECTS or effect not in EFFECTS:
            return "major"
        if effect != "neutral":
            bump = "minor"
        elif bump == "none":
            bump = "patch"
    if bump == "none" and any(True for _ in ignored):
        bump = "patch"
    return bump


def evaluate(
    changes: Sequence[Change],
    mode: str = "backward",
    guarantee_mode: str = "notify",
    *,
    base_version: str | None = None,
    against: str | None = None,
) -> Evaluation:
    """Judge a list of changes under ``mode`` (a ``_transitive`` mode means its base here).

    Raises ValueError for an unknown mode or guarantee mode.
    """
    base = base_mode(mode)
    check_guarantee_mode(guarantee_mode)
    judged: list[JudgedChange] = []
    ignored: list[Change] = []
    for change in changes:
        sev = _severity(change.effect, base, guarantee_mode)
        if sev is None:
            ignored.append(change)
        else:
            judged.append(JudgedChange(change, sev, against))
    return Evaluation(
        mode=mode,
        guarantee_mode=guarantee_mode,
        changes=tuple(judged),
        ignored=tuple(ignored),
        bump=bump_for(judged, ignored),
        base_version=base_version,
        checked_versions=(base_version,) if base_version else (),
    )


def _version_key(item: tuple[str, Any]) -> tuple[int, int, int]:
    try:
        v = Version.parse(item[0])
    except ValueError:
        return (-1, -1, -1)
    return (v.major, v.minor, v.patch)


def evaluate_history(
    new_doc: Mapping[str, Any],
    history: Sequence[tuple[str, Mapping[str, Any]]],
    mode: str = "backward",
    guarantee_mode: str = "notify",
) -> Evaluation:
    """Judge ``new_doc`` against published versions ``[(version, document), …]``.

    Non-transitive modes compare with the latest version only; ``*_transitive`` modes also
    with every older one and add the breaking changes found there (marked with
    ``against``). The bump is relative to the latest. Empty history: a first publish.
    """
    check_mode(mode)
    check_guarantee_mode(guarantee_mode)
    if not history:
        return Evaluation(mode=mode, guarantee_mode=guarantee_mode)
    ordered = sorted(history, key=_version_key, reverse=True)
    latest_version, latest_doc = ordered[0]
    latest = evaluate(
        diff_documents(latest_doc, new_doc),
        mode,
        guarantee_mode,
        base_version=latest_version,
        against=latest_version,
    )
    if not is_transitive(mode) or len(ordered) == 1:
        return latest
    judged = list(latest.changes)
    seen = {(j.change.kind, j.change.path) for j in judged if j.breaking}
    checked = [latest_version]
    for version, doc in ordered[1:]:
        checked.append(version)
        older = evaluate(diff_documents(doc, new_doc), mode, guarantee_mode, against=version)
        for j in older.breaking_changes:
            key = (j.change.kind, j.change.path)
            if key not in seen:
                seen.add(key)
                judged.append(j)
    bump = latest.bump
    if any(j.breaking for j in judged):
        bump = "major"
    return Evaluation(
        mode=mode,
        guarantee_mode=guarantee_mode,
        changes=tuple(judged),
        ignored=latest.ignored,
        bump=bump,
        base_version=latest_version,
        checked_versions=tuple(checked),
    )


def next_version(latest: str | None, bump: str) -> str:
    """The version after ``latest`` for ``bump``; ``1.0.0`` for a first publish."""
    if bump not in _BUMP_ORDER:
        raise ValueError(f"unknown bump {bump!r}; allowed: {', '.join(_BUMP_ORDER)}")
    if not latest:
        return str(FIRST_VERSION)
    return str(Version.parse(latest).bump(bump))


def max_bump(bumps: Iterable[str]) -> str:
    """The strongest of several bumps (``none`` for none)."""
    return max(bumps, key=lambda b: _BUMP_ORDER.get(b, 0), default="none")


# -- the stricter of two modes (DESIGN §4: relaxing a mode is itself a change) ----------
_DIRECTIONS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "backward": frozenset({"backward"}),
    "forward": frozenset({"forward"}),
    "full": frozenset({"backward", "forward"}),
}
_GUARANTEE_RANK = {"ignore": 0, "notify": 1, "strict": 2}


def stricter_mode(published: str | None, new: str) -> str:
    """The compatibility mode that breaks whatever either mode breaks.

    ``backward`` with ``forward`` is ``full``; transitive when either is. A change is judged
    under this mode, so relaxing the mode in the same change cannot let a break through.
    """
    if not published or published not in MODES:
        return check_mode(new)
    directions = _DIRECTIONS[base_mode(published)] | _DIRECTIONS[base_mode(new)]
    if not directions:
        return "none"
    base = "full" if len(directions) == 2 else next(iter(directions))
    return f"{base}_transitive" if is_transitive(published) or is_transitive(new) else base


def stricter_guarantee_mode(published: str | None, new: str) -> str:
    """The guarantee mode of the two that reports the most (``strict`` > ``notify`` > ``ignore``)."""
    check_guarantee_mode(new)
    if not published or published not in _GUARANTEE_RANK:
        return new
    return max(published, new, key=lambda m: _GUARANTEE_RANK[m])


def mode_relaxations(
    published_mode: str | None,
    new_mode: str,
    published_guarantee_mode: str | None,
    new_guarantee_mode: str,
) -> list[Change]:
    """The relaxations from the published modes to the new ones (empty when none).

    A relaxation stops the registry from reporting breaks consumers relied on being told of:
    the gate treats it as a breaking change of the whole model.
    """
    out: list[Change] = []
    if published_mode and stricter_mode(published_mode, new_mode) != check_mode(new_mode):
        out.append(
            Change(
                kind="compatibility_relaxed",
                path="x-tessera-compatibility",
                message=f"compatibility mode relaxed from {published_mode} to {new_mode}",
                effect="incompatible",
                old=published_mode,
                new=new_mode,
            )
        )
    if published_guarantee_mode and (
        stricter_guarantee_mode(published_guarantee_mode, new_guarantee_mode) != new_guarantee_mode
    ):
        out.append(
            Change(
                kind="guarantee_mode_relaxed",
                path="x-tessera-guarantee-mode",
                message=(
                    f"guarantee mode relaxed from {published_guarantee_mode} "
                    f"to {new_guarantee_mode}"
                ),
                effect="incompatible",
                old=published_guarantee_mode,
                new=new_guarantee_mode,
            )
        )
    return out
