"""The gate's decision: contracts x published state x proposals x answers -> verdicts.

Pure: imports nothing from dbt. The plugin feeds it the extracted project and a view of the
registry, then writes what it returns (check rows, proposals to open or supersede).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tessera_dbt.core.contract import Change, Version
from tessera_dbt.core.diff import diff_contracts
from tessera_dbt.core.policy import (
    Evaluation,
    JudgedChange,
    evaluate,
    evaluate_history,
    max_bump,
    mode_relaxations,
    next_version,
    stricter_guarantee_mode,
    stricter_mode,
)
from tessera_dbt.core.versions import versions_snippet
from tessera_dbt.core.vocab import (
    ACTIVE_STATUSES,
    ALLOWED_VERDICTS,
    BLOCKING_RESPONSE,
    MANUAL_SOURCE,
    SHIPPING_STATUSES,
    OpenStatus,
    ProposalStatus,
    RegistrationSource,
    Response,
    Verdict,
    agrees,
)
from tessera_dbt.core.vocab import BLOCKED as BLOCKED
from tessera_dbt.core.vocab import GATED_COMMANDS as GATED_COMMANDS
from tessera_dbt.core.vocab import OPEN_STATUSES as OPEN_STATUSES

# Verdicts that let a model run and publish.
ALLOWED = frozenset(ALLOWED_VERDICTS)
REMOVED_FINGERPRINT = "removed"


# -- the registry as the gate sees it ---------------------------------------------------
@dataclass(frozen=True)
class PublishedVersion:
    """One row of ``tessera_contracts``."""

    version: str
    schema: dict[str, Any]
    guarantees: dict[str, Any]
    fingerprint: str
    # The modes it was published under (None: published before the registry stored them).
    compatibility: str | None = None
    guarantee_mode: str | None = None

    @property
    def parsed(self) -> Version:
        return Version.parse(self.version)

    def document(self) -> dict[str, Any]:
        return {"schema": self.schema, "guarantees": self.guarantees}


@dataclass(frozen=True)
class Registration:
    """A live consumer registration on an asset."""

    team: str
    source: RegistrationSource = MANUAL_SOURCE
    columns: tuple[str, ...] | None = None
    pinned_major: int | None = None
    # On a versioned model: the dbt version it is pinned to (None: follows latest_version).
    model_version: str | None = None
    # Consumer models selecting * from the asset into an enforced contract (see consumers).
    star_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A team's latest answer to a proposal."""

    team: str
    response: Response
    note: str | None = None


@dataclass(frozen=True)
class ProposalView:
    """An existing proposal with its affected teams and each team's latest answer."""

    proposal_id: str
    asset_id: str
    status: ProposalStatus
    fingerprint: str
    base_version: str | None
    teams: tuple[str, ...] = ()
    answers: Mapping[str, Answer] = field(default_factory=dict)
    deadline: str | None = None  # ISO date; past it with no blocked answer, it expires


@dataclass(frozen=True)
class RegistryView:
    """Everything the gate reads, loaded in a few queries."""

    versions: Mapping[str, Sequence[PublishedVersion]] = field(default_factory=dict)
    registrations: Mapping[str, Sequence[Registration]] = field(default_factory=dict)
    proposals: Mapping[str, Sequence[ProposalView]] = field(default_factory=dict)
    # Assets the registry knows (not deleted): asset_id -> deprecation_date (ISO) or None.
    known_assets: Mapping[str, str | None] = field(default_factory=dict)

    def history(self, asset_id: str) -> list[PublishedVersion]:
        """Published versions, latest first."""
        return sorted(
            self.versions.get(asset_id, ()),
            key=lambda v: (v.parsed.major, v.parsed.minor, v.parsed.patch),
            reverse=True,
        )


# -- what the gate decides -------------------------------------------------------------
@dataclass(frozen=True)
class AssetInput:
    """The project's side of one asset (a projection of ``extract.Asset``)."""

    asset_id: str
    name: str
    owner: str | None
    compatibility: str
    guarantee_mode: str
    schema: dict[str, Any]
    guarantees: dict[str, Any]
    fingerprint: str
    file_path: str | None = None
    # dbt model versions: the model's name and latest version (None when unversioned).
    model_name: str | None = None
    latest_version: str | None = None
    # meta.tessera.migration_days: a new proposal's default deadline, in days.
    migration_days: int | None = None


@dataclass(frozen=True)
class NewProposal:
    """A proposal the plugin must open, with the teams it affects and why."""

    proposal_id: str
    asset_id: str
    base_version: str | None
    fingerprint: str
    changes: list[dict[str, Any]]
    teams: dict[str, str]  # team -> reason
    deadline: str | None = None


@dataclass
class Decision:
    """The verdict for one asset in this invocation."""

    asset_id: str
    name: str
    verdict: Verdict
    fingerprint: str
    owner: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    next_version: str | None = None
    bump: str = "none"
    base_version: str | None = None
    proposal_id: str | None = None
    pending_teams: list[str] = field(default_factory=list)
    blocked_notes: dict[str, str] = field(default_factory=dict)
    blocks_all: bool = False
    deadline: str | None = None
    schema: dict[str, Any] | None = None
    guarantees: dict[str, Any] | None = None
    file_path: str | None = None
    message: str = ""
    model_name: str | None = None
    latest_version: str | None = None
    # The modes the project declares now (published with the contract).
    compatibility: str | None = None
    guarantee_mode: str | None = None

    @property
    def allowed(self) -> bool:
        return self.verdict in ALLOWED

    @property
    def publishable(self) -> bool:
        """Whether a successful run of the model should publish a new version."""
        return self.allowed and self.verdict != "unchanged" and self.next_version is not None

    def to_row(self) -> dict[str, Any]:
        """A plain dict for ``tessera_checks`` and ``target/tessera_check.json``."""
        return {
            "asset_id": self.asset_id,
            "model": self.name,
            "owner": self.owner,
            "verdict": self.verdict,
            "fingerprint": self.fingerprint,
            "changes": self.changes,
            "next_version": self.next_version,
            "base_version": self.base_version,
            "bump": self.bump,
            "proposal_id": self.proposal_id,
            "pending_teams": self.pending_teams,
            "blocked_notes": self.blocked_notes,
            "blocks_all": self.blocks_all,
            "deadline": self.deadline,
            "file_path": self.file_path,
            "message": self.message,
        }


@dataclass
class GateResult:
    """Everything the gate decided for one invocation."""

    decisions: list[Decision] = field(default_factory=list)
    new_proposals: list[NewProposal] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    auto_approved: list[str] = field(default_factory=list)
    # Open proposals past their deadline with no blocked answer: they ship now.
    expired: list[str] = field(default_factory=list)
    # Open proposals of assets that are back at their published contract (reverted).
    reverted: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> list[Decision]:
        return [d for d in self.decisions if d.verdict == BLOCKED]

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": not self.blocked,
            "decisions": [d.to_row() for d in self.decisions],
            "new_proposals": [p.proposal_id for p in self.new_proposals],
            "superseded": list(self.superseded),
            "reverted": list(self.reverted),
        }


def proposal_id_for(asset_name: str, asset_id: str, fingerprint: str) -> str:
    """Short, typeable, deterministic id: ``orders-7f3a2c``.

    Deterministic in (asset, fingerprint) so two concurrent builds proposing the same change
    open the same proposal.
    """
    digest = hashlib.sha256(f"{asset_id}\x00{fingerprint}".encode()).hexdigest()[:6]
    slug = "".join(ch if ch.isalnum() else "_" for ch in asset_name.lower())[:40] or "model"
    return f"{slug}-{digest}"


def may_answer(
    team: str,
    principal: str | None,
    members: Mapping[str, Iterable[str]],
    admins: Iterable[str] = (),
) -> bool:
    """Whether ``principal`` may answer for ``team`` under ``tessera_enforce_membership``.

    The rule of the ``member`` check in ``macros/lookup/authorize.sql``: a member of the team
    or a principal in ``tessera_admins``. The gate applies it again to the stored answers,
    so an answer written around the operation (straight into the table) does not count.
    """
    if not principal:
        return False
    return principal in set(admins) or principal in set(members.get(team, ()))


def changed_columns(changes: Iterable[Change]) -> set[str] | None:
    """Columns touched by breaking changes; None when a change touches the whole model."""
    cols: set[str] = set()
    for ch in changes:
        if ch.column is None:
            return None
        cols.add(ch.column)
    return cols


def affected_teams(
    registrations: Sequence[Registration],
    owner: str | None,
    breaking: Sequence[Change],
    base_version: str | None,
) -> dict[str, str]:
    """Teams that must answer, each with the reason (registration and columns touched)."""
    touched = changed_columns(breaking)
    base_major = Version.parse(base_version).major if base_version else None
    out: dict[str, str] = {}
    for reg in registrations:
        if owner is not None and reg.team == owner:
            continue
        if reg.pinned_major is not None and base_major not in (None, reg.pinned_major):
            continue  # pinned to another major: this change does not reach it
        if reg.columns:
            if touched is None:
                reason = f"{reg.source} registration; the change affects the whole model"
            else:
                hit = sorted(touched.intersection(reg.columns))
                if not hit:
                    continue
                reason = f"{reg.source} registration uses column(s) {', '.join(hit)}"
        else:
            reason = f"{reg.source} registration on all columns"
        # Several registrations of one team: the first reason is enough.
        out.setdefault(reg.team, reason)
    return out


def star_affected(
    registrations: Sequence[Registration],
    owner: str | None,
    changes: list[dict[str, Any]],
    name: str,
) -> dict[str, str]:
    """Teams an added column breaks: their models select * from the asset into an enforced
    contract, so dbt's contract check fails their next build. Marks those changes breaking
    (in ``changes``, with the reason) and returns team -> reason."""
    added = [c for c in changes if c.get("kind") == "column_added"]
    if not added:
        return {}
    out: dict[str, str] = {}
    for reg in registrations:
        if not reg.star_refs or (owner is not None and reg.team == owner):
            continue
        models = ", ".join(reg.star_refs)
        out.setdefault(
            reg.team,
            f"{models} select(s) * from {name} into an enforced contract: "
            "an added column fails its contract check",
        )
    if out:
        readers = ", ".join(sorted({m for r in registrations for m in r.star_refs}))
        for c in added:
            c["breaking"] = True
            c["severity"] = "breaking"
            c["message"] = (
                f"{c.get('message')} (breaking for {readers}: select * into an enforced contract)"
            )
    return out


def affected_by_stored(
    registration: Registration,
    owner: str | None,
    changes: Sequence[Mapping[str, Any]],
    base_version: str | None,
) -> str | None:
    """Why a registration is affected by a stored proposal (its ``changes_json`` entries), or
    None. The rule of :func:`affected_teams`; ``tessera.registration_affected_by`` is its
    Jinja copy for run-operations, held equal by ``tests/parity/affected_by.yml``."""
    breaking = [
        Change(
            kind=str(c.get("kind") or ""),
            path=str(c.get("path") or ""),
            message=str(c.get("message") or ""),
            effect=str(c.get("effect") or ""),
            column=c.get("column"),
        )
        for c in changes
        if isinstance(c, Mapping) and c.get("breaking", True) is not False
    ]
    return affected_teams([registration], owner, breaking, base_version).get(registration.team)


@dataclass(frozen=True)
class Tally:
    """What the latest answers make of an open proposal."""

    status: OpenStatus
    blocked: tuple[str, ...]  # teams whose latest answer blocks
    waiting: tuple[str, ...]  # teams that have neither agreed nor blocked


def tally_answers(teams: Iterable[str], answers: Mapping[str, str | None]) -> Tally:
    """Rejected when a team blocks, pending while a team has not agreed, else approved.

    ``answers`` maps a team to its latest response (absent or None: no answer). The Jinja
    copy is ``tessera.answers_status`` (``tests/parity/answers_status.yml``).
    """
    blocked: list[str] = []
    waiting: list[str] = []
    for team in teams:
        response = answers.get(team)
        if response == BLOCKING_RESPONSE:
            blocked.append(team)
        elif not agrees(response):
            waiting.append(team)
    status: OpenStatus = "rejected" if blocked else ("pending" if waiting else "approved")
    return Tally(status, tuple(blocked), tuple(waiting))


def _judge(asset: AssetInput, history: list[PublishedVersion]) -> Evaluation:
    """Judge against the latest version (every published version for ``_transitive``).

    Under the stricter of the published and the new modes: relaxing the mode in the same
    change cannot let a break through.
    """
    latest = history[0]
    return evaluate_history(
        {"schema": asset.schema, "guarantees": asset.guarantees},
        [(v.version, v.document()) for v in history],
        stricter_mode(latest.compatibility, asset.compatibility),
        stricter_guarantee_mode(latest.guarantee_mode, asset.guarantee_mode),
    )


def _modes_changed(asset: AssetInput, latest: PublishedVersion) -> bool:
    """Whether the asset's modes differ from those its latest version was published under."""
    if latest.compatibility is None and latest.guarantee_mode is None:
        return False  # published before the registry stored modes: nothing to compare
    return (latest.compatibility or asset.compatibility, latest.guarantee_mode or "notify") != (
        asset.compatibility,
        asset.guarantee_mode,
    )


def proposal_key(asset: AssetInput, latest: PublishedVersion | None) -> str:
    """What a proposal is for: the contract's fingerprint, plus the new modes when they change.

    A change of mode alone leaves the fingerprint as published; the key still tells the
    proposal for it from a proposal for the same schema under the old mode.
    """
    if latest is None or not _modes_changed(asset, latest):
        return asset.fingerprint
    mixed = f"{asset.fingerprint}|{asset.compatibility}|{asset.guarantee_mode}"
    return hashlib.sha256(mixed.encode()).hexdigest()


def decide(
    assets: Sequence[AssetInput],
    registry: RegistryView,
    *,
    removed: Mapping[str, str] | None = None,
    today: str | None = None,
) -> GateResult:
    """Decide a verdict for every asset, and for registered assets that disappeared.

    ``removed`` maps asset ids the project no longer has (deleted, disabled, or no longer
    an asset) to a human reason; only those the registry knows are considered.
    """
    result = GateResult()
    for asset in assets:
        result.decisions.append(_decide_asset(asset, registry, result, today))
    for asset_id, reason in sorted((removed or {}).items()):
        decision = _decide_removed(asset_id, reason, registry, result, today)
        if decision is not None:
            result.decisions.append(decision)
    for d in result.decisions:
        d.message = render_decision(d)
    return result


def _decide_asset(
    asset: AssetInput, registry: RegistryView, result: GateResult, today: str | None = None
) -> Decision:
    history = registry.history(asset.asset_id)
    d = Decision(
        asset_id=asset.asset_id,
        name=asset.name,
        verdict="new",
        fingerprint=asset.fingerprint,
        owner=asset.owner,
        schema=asset.schema,
        guarantees=asset.guarantees,
        file_path=asset.file_path,
        model_name=asset.model_name,
        latest_version=asset.latest_version,
        compatibility=asset.compatibility,
        guarantee_mode=asset.guarantee_mode,
    )
    if not history:
        d.next_version, d.bump = "1.0.0", "initial"
        return d
    latest = history[0]
    d.base_version = latest.version
    modes_changed = _modes_changed(asset, latest)
    if latest.fingerprint == asset.fingerprint and not modes_changed:
        d.verdict = "unchanged"
        # Back at the published contract: a proposal for a change that no longer exists.
        result.reverted.extend(
            p.proposal_id
            for p in registry.proposals.get(asset.asset_id, ())
            if p.status in OPEN_STATUSES
        )
        return d
    ev = _judge(asset, history)
    judged = list(ev.changes)
    relaxed = mode_relaxations(
        latest.compatibility, asset.compatibility, latest.guarantee_mode, asset.guarantee_mode
    )
    judged.extend(JudgedChange(c, "breaking", latest.version) for c in relaxed)
    d.changes = [j.to_dict() for j in judged]
    # A change of mode is a change of the contract's terms: at least a minor version.
    d.bump = max_bump([ev.bump, "minor" if modes_changed else "none"])
    d.next_version = next_version(latest.version, d.bump) if d.bump != "none" else None
    deadline = None
    if asset.migration_days and today:
        start = _dt.date.fromisoformat(today[:10])
        deadline = (start + _dt.timedelta(days=asset.migration_days)).isoformat()
    registrations = registry.registrations.get(asset.asset_id, ())
    key = proposal_key(asset, latest)
    breaking = [j.change for j in judged if j.breaking]
    if not breaking:
        star_teams = star_affected(registrations, asset.owner, d.changes, asset.name)
        if star_teams:
            return _gate_breaking(
                d, asset.asset_id, asset.name, star_teams, registry, result, today, deadline, key
            )
        d.verdict = "compatible"
        if d.next_version is None:
            # Only ignored guarantees changed: publish a patch so the fingerprint moves on.
            d.next_version, d.bump = next_version(latest.version, "patch"), "patch"
        return d
    teams = affected_teams(registrations, asset.owner, breaking, latest.version)
    return _gate_breaking(
        d, asset.asset_id, asset.name, teams, registry, result, today, deadline, key
    )


def _gate_breaking(
    d: Decision,
    asset_id: str,
    name: str,
    teams: dict[str, str],
    registry: RegistryView,
    result: GateResult,
    today: str | None = None,
    deadline: str | None = None,
    key: str | None = None,
) -> Decision:
    """Block, reuse or open the proposal for a breaking change (``key``: what it is for).

    The teams of an open proposal are fixed when it opened (DESIGN §5): an owner change or
    a removed registration never closes it, so it is looked up before deciding that nobody
    is affected.
    """
    key = key or d.fingerprint
    proposals = list(registry.proposals.get(asset_id, ()))
    current = next(
        (p for p in proposals if p.fingerprint == key and p.status in ACTIVE_STATUSES),
        None,
    )
    if current is None:
        if not teams:
            d.verdict = "auto_approved"
            result.auto_approved.append(asset_id)
            return d
        taken = {p.proposal_id for p in proposals}
        pid = proposal_id_for(name, asset_id, key)
        salt = len(proposals)
        while pid in taken:
            # The deterministic id is taken by a withdrawn/expired proposal: salt it.
            pid = proposal_id_for(name, asset_id, f"{key}:{salt}")
            salt += 1
        result.new_proposals.append(
            NewProposal(pid, asset_id, d.base_version, key, d.changes, teams, deadline)
        )
        d.deadline = deadline
        result.superseded.extend(p.proposal_id for p in proposals if p.status in OPEN_STATUSES)
        d.verdict, d.proposal_id = BLOCKED, pid
        d.pending_teams = sorted(teams)
        return d
    d.proposal_id = current.proposal_id
    d.deadline = current.deadline
    if current.status in SHIPPING_STATUSES:
        d.verdict = "forced" if current.status == "forced" else "expired"
        return d
    # Teams fixed when the proposal opened, plus teams affected since (added by registering).
    owed = sorted(set(current.teams) | set(teams))
    tally = tally_answers(owed, {t: a.response for t, a in current.answers.items()})
    pending = [t for t in owed if t in tally.blocked or t in tally.waiting]
    notes = {t: current.answers[t].note or "" for t in tally.blocked}
    if pending and not notes and is_past(current.deadline, today):
        # Past its deadline and nobody answered blocked: the change ships.
        d.verdict = "expired"
        result.expired.append(current.proposal_id)
    elif pending:
        d.verdict, d.pending_teams, d.blocked_notes = BLOCKED, pending, notes
    else:
        d.verdict = "approved"
    return d


def _decide_removed(
    asset_id: str,
    reason: str,
    registry: RegistryView,
    result: GateResult,
    today: str | None,
) -> Decision | None:
    if asset_id not in registry.known_assets:
        return None
    history = registry.history(asset_id)
    if not history:
        return None
    name = asset_id.split(".")[2] if asset_id.count(".") >= 2 else asset_id
    if asset_id.count(".") >= 3:
        name = f"{name}.{asset_id.split('.', 3)[3]}"
    d = Decision(
        asset_id=asset_id,
        name=name,
        verdict="removed",
        fingerprint=REMOVED_FINGERPRINT,
        base_version=history[0].version,
        blocks_all=True,
    )
    change = Change(
        kind="asset_removed",
        path="",
        message=f"model {name} was {reason}",
        effect="incompatible",
    )
    d.changes = [{**change.to_dict(), "severity": "breaking", "breaking": True}]
    deprecation = registry.known_assets.get(asset_id)
    if deprecation and today and deprecation[:10] < today[:10]:
        d.verdict = "retired"
        return d
    if deprecation:
        # Before its deprecation date a removal waits for answers; say when it will not.
        d.changes[0]["message"] += (
            f" before its deprecation_date {deprecation[:10]} (from that date it may be removed"
            " without answers)"
        )
    teams = {
        reg.team: f"{reg.source} registration on a model that was {reason}"
        for reg in registry.registrations.get(asset_id, ())
    }
    gated = _gate_breaking(d, asset_id, name, teams, registry, result)
    if gated.verdict == "auto_approved":
        gated.verdict = "retired"
    return gated


def stale_registrations(result: GateResult, registry: RegistryView) -> list[str]:
    """Warnings for registrations that list columns a shipping change removes.

    The change ships (approved, forced, expired, auto-approved), but the registration still
    names the column: the team's next answers would be judged on columns that no longer
    exist. One line per (asset, team), naming the columns and how to update them.
    """
    out: list[str] = []
    for d in result.decisions:
        if not d.allowed or d.blocks_all:
            continue
        removed = {
            str(c["column"])
            for c in d.changes
            if c.get("kind") == "column_removed" and c.get("column")
        }
        if not removed:
            continue
        for reg in registry.registrations.get(d.asset_id, ()):
            gone = sorted(removed.intersection(reg.columns or ()))
            if not gone:
                continue
            fix = (
                f"tessera register {d.name} --team {reg.team} --columns ..."
                if reg.source == "manual"
                else "the exposure or model that implies it stops reading them"
            )
            out.append(
                f"Tessera: team {reg.team}'s {reg.source} registration on {d.name} lists "
                f"column(s) {', '.join(gone)}, which {d.next_version or 'this change'} removes; "
                f"update it ({fix})"
            )
    return out


def is_past(deadline: str | None, today: str | None) -> bool:
    """Whether an ISO ``deadline`` is before ``today`` (the deadline day itself still counts)."""
    return bool(deadline and today and deadline[:10] < today[:10])


# -- messages ---------------------------------------------------------------------------
def acknowledge_command(proposal_id: str, team: str) -> str:
    """The exact command a team runs to approve a proposal."""
    return (
        "dbt run-operation tessera.acknowledge --args "
        f"'{{proposal_id: {proposal_id}, team: {team}, response: approved}}'"
    )


def render_decision(d: Decision) -> str:
    """A person-readable paragraph for a blocked decision (empty for allowed ones)."""
    if d.verdict != BLOCKED:
        return ""
    lines = [f"Model {d.name} ({d.asset_id}) is blocked by Tessera:"]
    for ch in d.changes:
        if ch.get("breaking"):
            lines.append(f"  - {ch['message']}")
    lines.append(
        f"  proposal {d.proposal_id} (base version {d.base_version or 'none'}); "
        f"waiting for: {', '.join(d.pending_teams) or 'nobody'}"
    )
    if d.deadline:
        lines.append(
            f"  deadline {d.deadline}: after it, unless a team answers blocked, the change ships"
        )
    for team, note in sorted(d.blocked_notes.items()):
        lines.append(f"  team {team} answered blocked: {note or '(no note)'}")
    for team in d.pending_teams:
        lines.append(f"  to approve: {acknowledge_command(d.proposal_id or '', team)}")
    lines.append(
        "  or the owner withdraws it: dbt run-operation tessera.withdraw --args "
        f"'{{proposal_id: {d.proposal_id}, reason: ...}}'"
    )
    lines.extend(migration_hint(d))
    return "\n".join(lines)


def migration_hint(d: Decision) -> list[str]:
    """How to ship a blocked change without breaking anyone (dbt's own path)."""
    if d.blocks_all or not d.model_name:
        return []  # a removal: the model is gone, there is nothing to version
    removed = sorted(
        {
            str(ch.get("column"))
            for ch in d.changes
            if ch.get("breaking") and ch.get("kind") == "column_removed" and ch.get("column")
        }
    )
    lines = [
        "  or ship it without breaking anyone: make it a new dbt version of the model, so",
        "  consumers move when they are ready (in its properties file, e.g. "
        f"{d.file_path or 'models/…/_models.yml'}):",
        *(f"    {line}" for line in versions_snippet(d.model_name, d.latest_version).splitlines()),
    ]
    if removed:
        lines.append(
            f"  or keep the column(s) {', '.join(removed)} for now and mark them deprecated "
            "in their description; remove them once consumers have moved."
        )
    return lines


def render_block_message(decisions: Sequence[Decision]) -> str:
    """The whole message the gate prints before refusing to run."""
    blocked = [d for d in decisions if d.verdict == BLOCKED]
    head = (
        f"Tessera blocked this run: {len(blocked)} model(s) have breaking contract "
        "changes that affected consumers have not acknowledged."
    )
    return "\n".join([head, *(d.message or render_decision(d) for d in blocked)])


# -- tessera.diff ------------------------------------------------------------------------
def compare_documents(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    compatibility: str,
    guarantee_mode: str,
    from_version: str | None,
) -> dict[str, Any]:
    """Changes from one contract document to another, judged under the asset's modes.

    For ``tessera.diff`` between two published versions (a transitive mode is judged as its
    base mode: there is one pair).
    """
    ev = evaluate(
        diff_contracts(old, new),
        compatibility,
        guarantee_mode,
        base_version=from_version,
        against=from_version,
    )
    return {
        "changes": [j.to_dict() for j in ev.changes],
        "breaking": ev.breaking,
        "bump": ev.bump,
        "next_version": next_version(from_version, ev.bump)
        if from_version and ev.bump != "none"
        else None,
    }


def diff_report(
    d: Decision, from_version: str | None, to_version: str | None, compared: dict[str, Any]
) -> dict[str, Any]:
    """The document ``tessera.diff`` prints (``to_version`` None means the project now)."""
    report: dict[str, Any] = {
        "model": d.name,
        "asset_id": d.asset_id,
        "from_version": from_version,
        "to_version": to_version or "project",
        "breaking": bool(compared.get("breaking")),
        "bump": compared.get("bump", "none"),
        "next_version": compared.get("next_version"),
        "changes": list(compared.get("changes") or []),
    }
    if to_version is None:
        report.update(verdict=d.verdict, proposal_id=d.proposal_id, pending_teams=d.pending_teams)
    report["text"] = render_diff(report)
    return report


def decision_diff(d: Decision) -> dict[str, Any]:
    """The default ``tessera.diff``: the latest published version against the project now."""
    return diff_report(
        d,
        d.base_version,
        None,
        {
            "changes": d.changes,
            "breaking": any(c.get("breaking") for c in d.changes),
            "bump": d.bump,
            "next_version": d.next_version,
        },
    )


def render_diff(report: Mapping[str, Any]) -> str:
    """Readable lines for a ``diff_report``."""
    target = report["to_version"]
    target = "the project now" if target == "project" else target
    source = report["from_version"] or "nothing published"
    head = f"{report['model']} ({report['asset_id']}): {source} -> {target}"
    changes = report.get("changes") or []
    if report.get("verdict") == "new":
        return f"{head}\n  not published yet: the next successful build publishes 1.0.0"
    if not changes:
        return f"{head}\n  no contract changes"
    lines = [head]
    for ch in changes:
        label = ch.get("severity") or ("breaking" if ch.get("breaking") else "info")
        lines.append(f"  [{label}] {ch.get('message')}")
    bump = report.get("bump", "none")
    tail = f"  {'breaking' if report.get('breaking') else 'compatible'}; bump {bump}"
    if report.get("next_version"):
        tail += f" -> {report['next_version']}"
    if report.get("verdict"):
        tail += f"; verdict {report['verdict']}"
        if report.get("proposal_id"):
            tail += f" (proposal {report['proposal_id']})"
    lines.append(tail)
    return "\n".join(lines)
