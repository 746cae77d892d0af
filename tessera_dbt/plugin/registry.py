"""The warehouse registry, seen from Python: typed reads and batch writes through dbt.

Every query lives in the ``tessera`` dbt package's macros; this module only calls them with
``adapter.execute_macro(...)`` inside ``adapter.connection_named(...)`` and commits before
leaving, so the plugin and the CLI use exactly the SQL that run-operations use (and the
same escaping helper). Reads of the whole state take three queries whatever the number of
models (:meth:`Registry.load_state`); each batch write is one macro call, i.e. one
transaction of chunked multi-row inserts.

Row layouts of ``load_state`` (a contract between ``macros/registry/load_state.sql`` and
this module): ``catalog`` rows are ``kind, s1..s11, t1..t3, n1``; ``proposals`` rows are
``kind, s1..s12, t1..t3``; ``contracts`` rows carry their own column names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from tessera_dbt.core.contract import Contract, Version, canonical_json

#: Proposal states that still take answers.
OPEN_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected")
#: Proposal states :meth:`Registry.load_state` returns by default (open, plus forced ones
#: that are not published yet: the gate lets their change through).
ACTIVE_STATUSES: tuple[str, ...] = (*OPEN_STATUSES, "forced")
#: Answers that count as agreement.
AGREEING_RESPONSES: tuple[str, ...] = ("approved", "migrating")
#: The registry tables of DESIGN §5, the layout-version table and webhook deliveries.
REGISTRY_TABLES: tuple[str, ...] = (
    "tessera_schema_version",
    "tessera_teams",
    "tessera_team_members",
    "tessera_assets",
    "tessera_contracts",
    "tessera_registrations",
    "tessera_proposals",
    "tessera_proposal_teams",
    "tessera_acknowledgements",
    "tessera_checks",
    "tessera_audit_log",
    "tessera_deliveries",
)

_PACKAGE = "tessera"
_JSON_KEYS = ("changes", "schema", "guarantees", "details")


class RegistryError(RuntimeError):
    """The registry could not be read or written (the message says which macro failed)."""


def _one_line(exc: BaseException, limit: int = 500) -> str:
    """An exception's text on one line: dbt puts the database's own reason (``permission
    denied for database x``) on the line after ``Database Error``, and callers that show
    only a first line must not lose it."""
    text = ": ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    text = text or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Engines with optimistic concurrency reject the second of two concurrent writers of a table
# (Iceberg, Delta, BigQuery, Redshift); the statement is safe to run again, once.
_WRITE_CONFLICTS = (
    "ValidationException",  # Iceberg: conflicting files found by the commit's validation
    "CommitFailedException",  # Iceberg: the table changed and the commit gave up retrying
    "ConcurrentAppendException",  # Delta (Databricks)
    "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException",
    "ConcurrentTransactionException",
    "due to concurrent update",  # BigQuery
    "Serializable isolation violation",  # Redshift
)


def is_write_conflict(exc: BaseException) -> bool:
    """Whether ``exc`` says a concurrent writer won (the write may be tried again)."""
    text = str(exc)
    return any(marker in text for marker in _WRITE_CONFLICTS)


# -- value conversion ---------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _date_text(value: Any) -> str | None:
    """An ISO date (``2027-01-31``) from text or a date/datetime value."""
    if value is None or value == "":
        return None
    return str(value)[:10]


def _req_text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, Decimal, float)):
        return int(value)
    return int(str(value).strip())


def _dt(value: Any) -> datetime | None:
    """A registry timestamp (naive UTC): agate gives datetimes, some drivers give text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    text = str(value).strip().replace("T", " ")
    if "." in text:  # Python 3.10's fromisoformat wants 3 or 6 fraction digits
        head, frac = text.split(".", 1)
        digits = "".join(ch for ch in frac if ch.isdigit())
        text = f"{head}.{(digits + '000000')[:6]}"
    return datetime.fromisoformat(text)


def _json(value: Any, default: Any = None) -> Any:
    if value is None or value == "":
        return default
    if isinstance(value, (dict, list)):
        return value
    return json.loads(str(value))


def _json_text(value: Any) -> str | None:
    """JSON fields are sent to the macros as canonical text (sorted keys, unicode kept)."""
    if value is None or isinstance(value, str):
        return value
    return canonical_json(value)


# -- typed rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """An active row of ``tessera_team_members``."""

    team: str
    principal: str
    role: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class Team:
    """A row of ``tessera_teams`` (``deleted_at`` set for deleted teams)."""

    name: str
    description: str | None = None
    source: str | None = None
    created_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Not deleted."""
        return self.deleted_at is None


@dataclass(frozen=True)
class AssetRecord:
    """A row of ``tessera_assets``."""

    asset_id: str
    project_name: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    owner_team: str | None = None
    compatibility: str | None = None
    guarantee_mode: str | None = None
    relation_name: str | None = None
    materialization: str | None = None
    deprecation_date: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None
    latest_version: str | None = None


@dataclass(frozen=True)
class PublishedContract:
    """A row of ``tessera_contracts`` with its JSON documents parsed."""

    asset_id: str
    version: str
    schema: dict[str, Any]
    guarantees: dict[str, Any]
    fingerprint: str | None = None
    bump: str | None = None
    published_at: datetime | None = None
    published_by: str | None = None
    proposal_id: str | None = None

    @property
    def semver(self) -> Version:
        """The version as a :class:`Version`."""
        return Version.parse(self.version)

    def to_contract(self) -> Contract:
        """The published contract as a :class:`Contract` value."""
        return Contract(asset_id=self.asset_id, schema=self.schema, guarantees=self.guarantees)


@dataclass(frozen=True)
class Registration:
    """An active row of ``tessera_registrations``: a team consuming an asset."""

    asset_id: str
    team: str
    source: str
    columns: tuple[str, ...] | None = None
    pinned_major: int | None = None
    note: str | None = None
    source_ref: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    #: On a versioned model: the dbt version it is pinned to (None: follows latest_version).
    model_version: str | None = None
    #: Derived: the consumer models that select * from the asset into an enforced contract.
    star_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposalTeam:
    """A row of ``tessera_proposal_teams``: a team affected by a proposal, and why."""

    proposal_id: str
    team: str
    reason: str | None = None
    added_at: datetime | None = None


@dataclass(frozen=True)
class Acknowledgement:
    """A row of ``tessera_acknowledgements``: one answer of a team to a proposal."""

    proposal_id: str
    team: str
    response: str
    note: str | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    ack_id: str | None = None
    #: A ``migrating`` answer's date: when the team expects to have moved.
    migrating_until: str | None = None


@dataclass(frozen=True)
class Proposal:
    """A row of ``tessera_proposals`` with its affected teams and their latest answers."""

    proposal_id: str
    asset_id: str
    status: str
    base_version: str | None = None
    next_version: str | None = None
    fingerprint: str | None = None
    changes: tuple[dict[str, Any], ...] = ()
    created_by: str | None = None
    invocation_id: str | None = None
    resolved_by: str | None = None
    resolution_note: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    resolved_at: datetime | None = None
    #: ISO date after which, with no ``blocked`` answer, the proposal expires and ships.
    deadline: str | None = None
    teams: tuple[ProposalTeam, ...] = ()
    history: tuple[Acknowledgement, ...] = ()

    @property
    def affected_teams(self) -> tuple[str, ...]:
        """Names of the teams that must answer, sorted."""
        return tuple(sorted(t.team for t in self.teams))

    @property
    def answers(self) -> dict[str, Acknowledgement]:
        """The latest answer of each team that answered (history is oldest first)."""
        latest: dict[str, Acknowledgement] = {}
        for ack in self.history:
            latest[ack.team] = ack
        return latest

    @property
    def blocked_by(self) -> tuple[str, ...]:
        """Affected teams whose latest answer is ``blocked``."""
        answers = self.answers
        return tuple(
            t for t in self.affected_teams if t in answers and answers[t].response == "blocked"
        )

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Affected teams that have not answered yet."""
        answers = self.answers
        return tuple(t for t in self.affected_teams if t not in answers)

    @property
    def agreed(self) -> bool:
        """Every affected team's latest answer is approved or migrating."""
        answers = self.answers
        return all(
            t in answers and answers[t].response in AGREEING_RESPONSES for t in self.affected_teams
        )

    @property
    def is_open(self) -> bool:
        """Still takes answers (pending, approved or rejected)."""
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class RegistryState:
    """What the gate reads from the registry, for all (or the requested) assets at once."""

    teams: Mapping[str, Team] = field(default_factory=dict)
    members: tuple[Member, ...] = ()
    assets: Mapping[str, AssetRecord] = field(default_factory=dict)
    contracts: Mapping[str, tuple[PublishedContract, ...]] = field(default_factory=dict)
    registrations: Mapping[str, tuple[Registration, ...]] = field(default_factory=dict)
    proposals: tuple[Proposal, ...] = ()

    def latest(self, asset_id: str) -> PublishedContract | None:
        """The highest published version of an asset, or None when never published."""
        versions = self.contracts.get(asset_id, ())
        return versions[-1] if versions else None

    def versions(self, asset_id: str) -> tuple[PublishedContract, ...]:
        """Every published version of an asset, lowest first (for transitive modes)."""
        return self.contracts.get(asset_id, ())

    def registrations_for(self, asset_id: str) -> tuple[Registration, ...]:
        """The active registrations of an asset."""
        return self.registrations.get(asset_id, ())

    def proposals_for(
        self, asset_id: str, statuses: Sequence[str] = ACTIVE_STATUSES
    ) -> tuple[Proposal, ...]:
        """The loaded proposals of an asset in the given states, oldest first."""
        return tuple(p for p in self.proposals if p.asset_id == asset_id and p.status in statuses)

    def proposal(self, proposal_id: str) -> Proposal | None:
        """A loaded proposal by id."""
        return next((p for p in self.proposals if p.proposal_id == proposal_id), None)

    def team_exists(self, name: str) -> bool:
        """The team exists and is not deleted."""
        team = self.teams.get(name)
        return team is not None and team.active

    def members_of(self, team: str) -> tuple[Member, ...]:
        """Active members of a team."""
        return tuple(m for m in self.members if m.team == team)

    def role_of(self, team: str, principal: str) -> str | None:
        """The principal's role in the team, or None when not a member."""
        return next((m.role for m in self.members_of(team) if m.principal == principal), None)


# -- write payloads (documented shapes; plain dicts work too) ------------------------------


class AssetRow(TypedDict, total=False):
    """One asset for :meth:`Registry.upsert_assets` (``asset_id`` is required)."""

    asset_id: str
    project_name: str | None
    model_name: str | None
    model_version: str | None
    owner_team: str | None
    compatibility: str | None
    guarantee_mode: str | None
    relation_name: str | None
    materialization: str | None
    deprecation_date: str | None
    deleted_at: datetime | None
    latest_version: str | None


class CheckRow(TypedDict, total=False):
    """One evaluated asset for :meth:`Registry.write_checks`.

    ``next_version`` set and ``verdict`` other than ``blocked`` make the row a candidate
    that :meth:`Registry.publish` (and the on-run-end hook) copies into tessera_contracts.
    """

    asset_id: str
    model_name: str | None
    fingerprint: str | None
    verdict: str
    message: str | None
    changes: Any
    schema: Any
    guarantees: Any
    base_version: str | None
    next_version: str | None
    bump: str | None
    proposal_id: str | None
    blocks_all: bool
    details: Any


class TeamRef(TypedDict, total=False):
    """An affected team of a new proposal."""

    team: str
    reason: str | None


class ProposalRow(TypedDict, total=False):
    """One proposal for :meth:`Registry.open_proposals` (``asset_id`` is required)."""

    proposal_id: str | None
    asset_id: str
    model_name: str | None
    status: str
    base_version: str | None
    next_version: str | None
    fingerprint: str | None
    changes: Any
    schema: Any
    guarantees: Any
    created_by: str | None
    teams: Sequence[TeamRef | str]


@dataclass(frozen=True)
class PublishResult:
    """One candidate handled by :meth:`Registry.publish`."""

    asset_id: str
    version: str
    proposal_id: str | None
    published: bool  # False when the version already existed (another publisher won)


@dataclass(frozen=True)
class EnsureResult:
    """What :meth:`Registry.ensure` did."""

    created: tuple[str, ...]
    added: tuple[str, ...]
    version: int | None


def _payload(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in rows:
        item = dict(row)
        for key in _JSON_KEYS:
            if key in item:
                item[key] = _json_text(item[key])
        out.append(item)
    return out


# -- parsing load_state -------------------------------------------------------------------


def _table(raw: Any) -> tuple[list[str], list[list[Any]]]:
    columns = [str(c).lower() for c in raw["columns"]]
    return columns, [list(r) for r in raw["rows"]]


@dataclass(frozen=True)
class EvaluationRead:
    """What ``tessera.evaluation_state`` returns: config, whether the registry is missing
    (a read-only evaluation before the first build), and the state (empty when missing)."""

    config: dict[str, Any]
    missing: bool
    state: RegistryState


def parse_state(raw: Mapping[str, Any]) -> RegistryState:
    """Build a :class:`RegistryState` from the dict the ``load_state`` macro returns."""
    teams: dict[str, Team] = {}
    members: list[Member] = []
    assets: dict[str, AssetRecord] = {}
    registrations: dict[str, list[Registration]] = {}
    cols, rows = _table(raw["catalog"])
    for values in rows:
        r = dict(zip(cols, values, strict=False))
        s = [r.get(f"s{i}") for i in range(12)]  # s[1]..s[11]
        kind = r["kind"]
        if kind == "team":
            name = _req_text(s[1])
            teams[name] = Team(name, _text(s[2]), _text(s[3]), _dt(r.get("t1")), _dt(r.get("t2")))
        elif kind == "member":
            members.append(
                Member(_req_text(s[1]), _req_text(s[2]), _req_text(s[3]), _dt(r.get("t1")))
            )
        elif kind == "asset":
            asset_id = _req_text(s[1])
            assets[asset_id] = AssetRecord(
                asset_id=asset_id,
                project_name=_text(s[2]),
                model_name=_text(s[3]),
                model_version=_text(s[4]),
                owner_team=_text(s[5]),
                compatibility=_text(s[6]),
                guarantee_mode=_text(s[7]),
                relation_name=_text(s[8]),
                materialization=_text(s[9]),
                deprecation_date=_text(s[10]),
                created_at=_dt(r.get("t1")),
                updated_at=_dt(r.get("t2")),
                deleted_at=_dt(r.get("t3")),
                latest_version=_text(s[11]),
            )
        elif kind == "registration":
            columns = _json(s[4])
            reg = Registration(
                asset_id=_req_text(s[1]),
                team=_req_text(s[2]),
                source=_req_text(s[3]),
                columns=tuple(str(c) for c in columns) if isinstance(columns, list) else None,
                pinned_major=_int(r.get("n1")),
                note=_text(s[5]),
                source_ref=_text(s[6]),
                created_at=_dt(r.get("t1")),
                updated_at=_dt(r.get("t2")),
                model_version=_text(s[7]),
                star_refs=tuple(x for x in (_text(s[8]) or "").split(",") if x),
            )
            registrations.setdefault(reg.asset_id, []).append(reg)

    contracts: dict[str, list[PublishedContract]] = {}
    cols, rows = _table(raw["contracts"])
    for values in rows:
        r = dict(zip(cols, values, strict=False))
        pc = PublishedContract(
            asset_id=_req_text(r["asset_id"]),
            version=_req_text(r["version"]),
            schema=_json(r.get("schema_json"), {}),
            guarantees=_json(r.get("guarantees_json"), {}),
            fingerprint=_text(r.get("fingerprint")),
            bump=_text(r.get("bump")),
            published_at=_dt(r.get("published_at")),
            published_by=_text(r.get("published_by")),
            proposal_id=_text(r.get("proposal_id")),
        )
        contracts.setdefault(pc.asset_id, []).append(pc)

    heads: dict[str, dict[str, Any]] = {}
    p_teams: dict[str, list[ProposalTeam]] = {}
    acks: dict[str, list[Acknowledgement]] = {}
    cols, rows = _table(raw["proposals"])
    for values in rows:
        r = dict(zip(cols, values, strict=False))
        s = [r.get(f"s{i}") for i in range(13)]
        kind = r["kind"]
        pid = _req_text(s[1])
        if kind == "proposal":
            changes = _json(s[7], [])
            heads[pid] = {
                "proposal_id": pid,
                "asset_id": _req_text(s[2]),
                "status": _req_text(s[3]),
                "base_version": _text(s[4]),
                "next_version": _text(s[5]),
                "fingerprint": _text(s[6]),
                "changes": tuple(c for c in changes if isinstance(c, dict))
                if isinstance(changes, list)
                else (),
                "created_by": _text(s[8]),
                "invocation_id": _text(s[9]),
                "resolved_by": _text(s[10]),
                "resolution_note": _text(s[11]),
                "deadline": _date_text(s[12]),
                "created_at": _dt(r.get("t1")),
                "updated_at": _dt(r.get("t2")),
                "resolved_at": _dt(r.get("t3")),
            }
        elif kind == "proposal_team":
            p_teams.setdefault(pid, []).append(
                ProposalTeam(pid, _req_text(s[2]), _text(s[3]), _dt(r.get("t1")))
            )
        elif kind == "acknowledgement":
            acks.setdefault(pid, []).append(
                Acknowledgement(
                    proposal_id=pid,
                    team=_req_text(s[2]),
                    response=_req_text(s[3]),
                    note=_text(s[4]),
                    acknowledged_by=_text(s[5]),
                    ack_id=_text(s[6]),
                    acknowledged_at=_dt(r.get("t1")),
                    migrating_until=_date_text(s[7]),
                )
            )
    proposals = []
    for pid, head in heads.items():
        history = sorted(
            acks.get(pid, []), key=lambda a: (a.acknowledged_at or datetime.min, a.ack_id or "")
        )
        teams_of = tuple(sorted(p_teams.get(pid, []), key=lambda t: t.team))
        proposals.append(Proposal(**head, teams=teams_of, history=tuple(history)))
    proposals.sort(key=lambda p: (p.created_at or datetime.min, p.proposal_id))

    return RegistryState(
        teams=teams,
        members=tuple(members),
        assets=assets,
        contracts={
            k: tuple(sorted(v, key=lambda c: _version_key(c.version))) for k, v in contracts.items()
        },
        registrations={k: tuple(v) for k, v in registrations.items()},
        proposals=tuple(proposals),
    )


def _version_key(text: str) -> tuple[int, int, int]:
    try:
        v = Version.parse(text)
    except ValueError:
        return (-1, -1, -1)
    return (v.major, v.minor, v.patch)


# -- the registry -------------------------------------------------------------------------


class Registry:
    """Reads and writes the registry through a dbt adapter and the package's macros.

    ``adapter`` is a registered dbt adapter (its ``config`` carries the profile, target and
    vars); ``manifest`` is the parsed manifest, which must include the ``tessera`` package.
    Use :meth:`session` to run several calls on one connection.
    """

    def __init__(self, adapter: Any, manifest: Any, *, connection_name: str = "tessera") -> None:
        self.adapter = adapter
        self.manifest = manifest
        self.connection_name = connection_name
        self._depth = 0
        # Macros called, in order: each is a round trip from Python (about 10 ms before any
        # SQL); the evaluation reports them so that a test can hold the steady state to two.
        self.calls: list[str] = []

    @classmethod
    def from_manifest(cls, manifest: Any) -> Registry:
        """The registry of the adapter dbt registered for this manifest's adapter type."""
        from dbt.adapters import factory

        get_adapter_by_type: Any = factory.get_adapter_by_type
        return cls(get_adapter_by_type(manifest.metadata.adapter_type), manifest)

    # -- plumbing ------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Registry]:
        """Hold one named connection for the calls inside (re-entrant)."""
        if self._depth > 0:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self.adapter.connection_named(self.connection_name):
                try:
                    yield self
                finally:
                    self._commit()
        finally:
            self._depth = 0

    def _commit(self) -> None:
        connection = self.adapter.connections.get_if_exists()
        if connection is not None and getattr(connection, "transaction_open", False):
            self.adapter.commit_if_has_connection()

    def call(self, macro: str, **kwargs: Any) -> Any:
        """Run ``tessera.<macro>(**kwargs)`` and return its ``return(...)`` value.

        A write rejected because a concurrent writer committed first (optimistic
        concurrency: Iceberg, Delta, BigQuery) runs once more: the macros read what is there
        before writing, so the second attempt skips what the other writer wrote. A second
        rejection fails with one line.
        """
        self.calls.append(macro)
        with self.session():
            for attempt in (1, 2):
                try:
                    result = self.adapter.execute_macro(
                        macro, kwargs=kwargs, macro_resolver=self.manifest, project=_PACKAGE
                    )
                    break
                except Exception as exc:
                    if attempt == 1 and is_write_conflict(exc):
                        continue
                    if is_write_conflict(exc):
                        raise RegistryError(
                            f"tessera.{macro} failed: another writer changed the registry at "
                            f"the same time, twice; run the command again ({_one_line(exc, 200)})"
                        ) from exc
                    raise RegistryError(f"tessera.{macro} failed: {_one_line(exc)}") from exc
            self._commit()
        return result

    # -- reads ---------------------------------------------------------------------------
    def ensure(self) -> EnsureResult:
        """Create or migrate the registry tables (one catalog query when up to date)."""
        raw = self.call("ensure_registry")
        return EnsureResult(
            created=tuple(str(t) for t in raw.get("created") or ()),
            added=tuple(str(c) for c in raw.get("added") or ()),
            version=_int(raw.get("version")),
        )

    def load_state(
        self,
        asset_ids: Iterable[str] | None = None,
        statuses: Sequence[str] = ACTIVE_STATUSES,
    ) -> RegistryState:
        """Everything the gate needs, in three queries (see the module docstring).

        ``asset_ids`` limits assets, contracts, registrations and proposals to those assets
        (teams and members are always loaded); ``statuses`` selects the proposals.
        """
        ids = None if asset_ids is None else sorted(set(asset_ids))
        raw = self.call("load_state", asset_ids=ids, statuses=list(statuses))
        return parse_state(raw)

    def evaluation_state(
        self, writes: bool, statuses: Sequence[str] = ACTIVE_STATUSES
    ) -> EvaluationRead:
        """What an evaluation reads, in one call (``tessera.evaluation_state``)."""
        raw = self.call("evaluation_state", writes=writes, statuses=list(statuses))
        missing = bool(raw.get("missing"))
        state = raw.get("state")
        return EvaluationRead(
            config=dict(raw.get("config") or {}),
            missing=missing,
            state=RegistryState() if missing or not state else parse_state(state),
        )

    # -- writes (one macro call, one transaction each) -------------------------------------
    def ensure_teams(
        self, names: Iterable[str], actor: str | None = None, reason: str | None = None
    ) -> list[str]:
        """Create the missing teams among ``names`` (audited); returns those created."""
        wanted = sorted({n for n in names if n})
        if not wanted:
            return []
        created = self.call("ensure_teams", names=wanted, actor=actor, reason=reason)
        return [str(n) for n in created or []]

    def upsert_assets(self, rows: Iterable[AssetRow | Mapping[str, Any]]) -> dict[str, list[str]]:
        """Insert or update assets; returns ``{"created": [...], "updated": [...]}``."""
        payload = _payload(rows)
        if not payload:
            return {"created": [], "updated": []}
        raw = self.call("upsert_assets", rows=payload)
        return {k: [str(a) for a in raw.get(k) or []] for k in ("created", "updated")}

    def write_checks(
        self,
        invocation_id: str,
        rows: Iterable[CheckRow | Mapping[str, Any]],
        summary: Mapping[str, Any] | None = None,
    ) -> int:
        """Record this invocation's evaluation (plus its summary row); returns the count."""
        payload = _payload(rows)
        return int(
            self.call(
                "write_checks",
                invocation_id=invocation_id,
                rows=payload,
                summary=json.loads(canonical_json(dict(summary or {}))),
            )
        )

    def open_proposals(self, rows: Iterable[ProposalRow | Mapping[str, Any]]) -> list[str]:
        """Open proposals with their affected teams; returns their ids, in order."""
        payload = _payload(rows)
        if not payload:
            return []
        for item in payload:
            item["teams"] = [
                {"team": t, "reason": None} if isinstance(t, str) else dict(t)
                for t in item.get("teams") or []
            ]
        return [str(p) for p in self.call("open_proposals", rows=payload) or []]

    def supersede_proposals(
        self, ids: Iterable[str], reason: str | None = None, superseded_by: str | None = None
    ) -> list[str]:
        """Mark open proposals superseded; returns the ids that were open."""
        wanted = sorted(set(ids))
        if not wanted:
            return []
        done = self.call(
            "supersede_proposals", ids=wanted, reason=reason, superseded_by=superseded_by
        )
        return [str(p) for p in done or []]

    def publish(
        self, invocation_id: str, asset_ids: Iterable[str] | None = None
    ) -> list[PublishResult]:
        """Publish this invocation's candidate contracts (see ``publish_contracts``)."""
        ids = None if asset_ids is None else sorted(set(asset_ids))
        raw = self.call("publish_contracts", invocation_id=invocation_id, asset_ids=ids)
        return [
            PublishResult(
                asset_id=str(r["asset_id"]),
                version=str(r["version"]),
                proposal_id=_text(r.get("proposal_id")),
                published=bool(r.get("published")),
            )
            for r in raw or []
        ]
