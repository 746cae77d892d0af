"""The warehouse registry, seen from Python: typed reads and batch writes through dbt.

Every query lives in the ``tessera`` dbt package's macros; this module only calls them with
``adapter.execute_macro(...)`` inside ``adapter.connection_named(...)`` and commits before
leaving, so the plugin and the CLI use exactly the SQL that run-operations use (and the
same escaping helper). Reads of the whole state take three queries whatever the number of
models (:meth:`Registry.load_state`); each batch write is one macro call, i.e. one
transaction of chunked multi-row inserts.

``load_state`` returns rows under the registry tables' own column names (``catalog`` and
``proposals`` are tagged unions with a ``kind`` column); :func:`parse_state` reads them by
name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from tessera_dbt.core.contract import Contract, Version, canonical_json
from tessera_dbt.core.gate import Tally, tally_answers
from tessera_dbt.core.records import AssetWrite, CheckWrite, EventWrite, ProposalWrite, column_row
from tessera_dbt.core.vocab import ACTIVE_STATUSES as ACTIVE_STATUSES
from tessera_dbt.core.vocab import AGREEING_RESPONSES as AGREEING_RESPONSES
from tessera_dbt.core.vocab import OPEN_STATUSES as OPEN_STATUSES
from tessera_dbt.core.vocab import (
    PACKAGE,
    ProposalStatus,
    RegistrationSource,
    Response,
    as_response,
    as_source,
    as_status,
)
from tessera_dbt.core.vocab import REGISTRY_TABLES as REGISTRY_TABLES

_PACKAGE = PACKAGE


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
    compatibility: str | None = None
    guarantee_mode: str | None = None

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
    source: RegistrationSource
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
    response: Response
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
    status: ProposalStatus
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
    def tally(self) -> Tally:
        """What the latest answers make of it (:func:`tessera_dbt.core.gate.tally_answers`)."""
        return tally_answers(self.affected_teams, {t: a.response for t, a in self.answers.items()})

    @property
    def blocked_by(self) -> tuple[str, ...]:
        """Affected teams whose latest answer is ``blocked``."""
        return self.tally.blocked

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Affected teams that have not answered yet."""
        return self.tally.waiting

    @property
    def agreed(self) -> bool:
        """Every affected team's latest answer is approved or migrating."""
        return self.tally.status == "approved"

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


# -- write payloads: tessera_dbt.core.records (plain dicts keyed by field or column work too)

Writable = AssetWrite | CheckWrite | ProposalWrite | Mapping[str, Any]


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


def _payload(rows: Iterable[Writable]) -> list[dict[str, Any]]:
    """Rows keyed by column names: a payload's ``to_row()``, or a plain dict translated once."""
    return [column_row(row) if isinstance(row, Mapping) else row.to_row() for row in rows]


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


def _named_rows(raw: Any) -> Iterator[dict[str, Any]]:
    cols, rows = _table(raw)
    for values in rows:
        yield dict(zip(cols, values, strict=False))


def parse_state(raw: Mapping[str, Any]) -> RegistryState:
    """Build a :class:`RegistryState` from the dict the ``load_state`` macro returns."""
    teams: dict[str, Team] = {}
    members: list[Member] = []
    assets: dict[str, AssetRecord] = {}
    registrations: dict[str, list[Registration]] = {}
    for r in _named_rows(raw["catalog"]):
        kind = r["kind"]
        if kind == "team":
            name = _req_text(r["name"])
            teams[name] = Team(
                name,
                _text(r.get("description")),
                _text(r.get("source")),
                _dt(r.get("created_at")),
                _dt(r.get("deleted_at")),
            )
        elif kind == "member":
            members.append(
                Member(
                    _req_text(r["team"]),
                    _req_text(r["principal"]),
                    _req_text(r["role"]),
                    _dt(r.get("created_at")),
                )
            )
        elif kind == "asset":
            asset_id = _req_text(r["asset_id"])
            assets[asset_id] = AssetRecord(
                asset_id=asset_id,
                project_name=_text(r.get("project_name")),
                model_name=_text(r.get("model_name")),
                model_version=_text(r.get("model_version")),
                owner_team=_text(r.get("owner_team")),
                compatibility=_text(r.get("compatibility")),
                guarantee_mode=_text(r.get("guarantee_mode")),
                relation_name=_text(r.get("relation_name")),
                materialization=_text(r.get("materialization")),
                deprecation_date=_text(r.get("deprecation_date")),
                created_at=_dt(r.get("created_at")),
                updated_at=_dt(r.get("updated_at")),
                deleted_at=_dt(r.get("deleted_at")),
                latest_version=_text(r.get("latest_version")),
            )
        elif kind == "registration":
            columns = _json(r.get("columns_json"))
            reg = Registration(
                asset_id=_req_text(r["asset_id"]),
                team=_req_text(r["team"]),
                source=as_source(r["source"]),
                columns=tuple(str(c) for c in columns) if isinstance(columns, list) else None,
                pinned_major=_int(r.get("pinned_major")),
                note=_text(r.get("note")),
                source_ref=_text(r.get("source_ref")),
                created_at=_dt(r.get("created_at")),
                updated_at=_dt(r.get("updated_at")),
                model_version=_text(r.get("model_version")),
                star_refs=tuple(x for x in (_text(r.get("star_refs")) or "").split(",") if x),
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
            compatibility=_text(r.get("compatibility")),
            guarantee_mode=_text(r.get("guarantee_mode")),
        )
        contracts.setdefault(pc.asset_id, []).append(pc)

    heads: dict[str, dict[str, Any]] = {}
    p_teams: dict[str, list[ProposalTeam]] = {}
    acks: dict[str, list[Acknowledgement]] = {}
    for r in _named_rows(raw["proposals"]):
        kind = r["kind"]
        pid = _req_text(r["proposal_id"])
        if kind == "proposal":
            changes = _json(r.get("changes_json"), [])
            heads[pid] = {
                "proposal_id": pid,
                "asset_id": _req_text(r["asset_id"]),
                "status": as_status(r["status"]),
                "base_version": _text(r.get("base_version")),
                "next_version": _text(r.get("next_version")),
                "fingerprint": _text(r.get("fingerprint")),
                "changes": tuple(c for c in changes if isinstance(c, dict))
                if isinstance(changes, list)
                else (),
                "created_by": _text(r.get("created_by")),
                "invocation_id": _text(r.get("invocation_id")),
                "resolved_by": _text(r.get("resolved_by")),
                "resolution_note": _text(r.get("resolution_note")),
                "deadline": _date_text(r.get("deadline")),
                "created_at": _dt(r.get("created_at")),
                "updated_at": _dt(r.get("updated_at")),
                "resolved_at": _dt(r.get("resolved_at")),
            }
        elif kind == "proposal_team":
            p_teams.setdefault(pid, []).append(
                ProposalTeam(
                    pid, _req_text(r["team"]), _text(r.get("reason")), _dt(r.get("added_at"))
                )
            )
        elif kind == "acknowledgement":
            acks.setdefault(pid, []).append(
                Acknowledgement(
                    proposal_id=pid,
                    team=_req_text(r["team"]),
                    response=as_response(r["response"]),
                    note=_text(r.get("note")),
                    acknowledged_by=_text(r.get("acknowledged_by")),
                    ack_id=_text(r.get("ack_id")),
                    acknowledged_at=_dt(r.get("acknowledged_at")),
                    migrating_until=_date_text(r.get("migrating_until")),
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

    def upsert_assets(self, rows: Iterable[AssetWrite | Mapping[str, Any]]) -> dict[str, list[str]]:
        """Insert or update assets; returns ``{"created": [...], "updated": [...]}``."""
        payload = _payload(rows)
        if not payload:
            return {"created": [], "updated": []}
        raw = self.call("upsert_assets", rows=payload)
        return {k: [str(a) for a in raw.get(k) or []] for k in ("created", "updated")}

    def write_checks(
        self,
        invocation_id: str,
        rows: Iterable[CheckWrite | Mapping[str, Any]],
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

    def open_proposals(self, rows: Iterable[ProposalWrite | Mapping[str, Any]]) -> list[str]:
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

    def record_events(self, events: Iterable[EventWrite]) -> int:
        """Append audit events (one transaction); returns how many were written."""
        rows = [e.to_row() for e in events]
        if not rows:
            return 0
        return int(self.call("record_events", events=rows) or 0)

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
