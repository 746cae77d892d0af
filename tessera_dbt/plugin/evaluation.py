"""One invocation's evaluation: manifest -> contracts -> registry -> decisions -> records.

The plugin and ``tessera check`` both run this. It reads the registry once (three queries),
lets the pure gate decide, and (for gated commands, unless check-only) writes what the
gate decided in a handful of batch calls: owner teams, assets, proposals, the check rows
the on-run-start hook reads, and audit events.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tessera_dbt.core.consumers import (
    DerivedRegistration,
    derive_registrations,
    merge_registrations,
    merged_derived,
    model_code,
    owed_answers,
    render_owed,
)
from tessera_dbt.core.drift import Drift, detect_drift
from tessera_dbt.core.extract import ContractError, Project, extract_project
from tessera_dbt.core.fingerprint import contract_fingerprints
from tessera_dbt.core.gate import (
    GATED_COMMANDS,
    Answer,
    AssetInput,
    Decision,
    GateResult,
    ProposalView,
    PublishedVersion,
    Registration,
    RegistryView,
    compare_documents,
    decide,
    decision_diff,
    diff_report,
    may_answer,
    render_block_message,
    stale_registrations,
)
from tessera_dbt.core.impact import impact_report
from tessera_dbt.core.records import (
    AssetWrite,
    CheckWrite,
    EventWrite,
    ProposalTeamWrite,
    ProposalWrite,
)
from tessera_dbt.core.renames import (
    relation_successions,
    renamed_projects,
    with_relation_successions,
)
from tessera_dbt.core.versions import (
    KnownAsset,
    Succession,
    model_id,
    successions,
    version_of,
    with_model_versions,
)
from tessera_dbt.core.vocab import BLOCKED, INITIAL_STATUS, OPEN_STATUSES, PROPOSAL_STATUSES
from tessera_dbt.plugin import dbt_compat
from tessera_dbt.plugin.registry import PublishedContract, Registry, RegistryError, RegistryState
from tessera_dbt.plugin.registry import Registration as StoredRegistration

# Every proposal status: the gate must see closed proposals too, so that a change proposed
# again after a withdrawal gets a fresh proposal id.
ALL_STATUSES = PROPOSAL_STATUSES
# run-operations that show the project's evaluation (they read this invocation's checks).
EVALUATING_OPERATIONS = frozenset({"tessera.diff", "tessera.impact"})


class TesseraGateError(Exception):
    """The gate cannot let this command run (message is for people, one paragraph)."""


@dataclass
class Evaluator:
    """Evaluates one invocation. ``run()`` returns the report written to tessera_check.json."""

    manifest: Any
    command: str
    check_only: bool = False
    registry: Registry | None = None
    config: dict[str, Any] = field(default_factory=dict)
    # --args of a run-operation (tessera.diff reads model, from_version, to_version).
    operation_args: Mapping[str, Any] = field(default_factory=dict)
    # The run-operation macro being run (set by run()).
    operation: str | None = None
    # Without a live Manifest (`tessera build` on manifest.json): the manifest.json dict,
    # and the invocation id the evaluation is recorded under.
    projection: Mapping[str, Any] | None = None
    invocation: str | None = None
    # --vars of the command (the plugin reads dbt's flags instead).
    vars: Mapping[str, Any] | None = None
    # Where log lines go outside dbt (level "info" or "warn", message); default: dbt's log.
    log: Callable[[str, str], None] | None = None
    # Whether the derived registrations differ from the registry's (set by _run()).
    _sync_needed: bool = True
    # Relations that differ from their latest published contract (set by run()).
    drift: list[Drift] = field(default_factory=list)
    # Old asset ids a renamed asset continues (their registrations move with them).
    renamed: set[str] = field(default_factory=set)

    @property
    def gated(self) -> bool:
        return self.command in GATED_COMMANDS

    @property
    def writes(self) -> bool:
        """Gated commands record proposals and checks; ``tessera check`` writes nothing."""
        return self.gated and not self.check_only

    def run(self) -> dict[str, Any] | None:
        """Evaluate; raise TesseraGateError when a gated command must not run."""
        records_checks = self.writes
        self.operation = None
        if self.command == "run-operation":
            self.operation = dbt_compat.run_operation_macro()
            if self.operation not in EVALUATING_OPERATIONS:
                return None  # how consumers answer: never slowed down, never blocked
            records_checks = not self.check_only
        elif not (self.gated or self.check_only):
            # parse, ls, compile, test, show: never gated, and run constantly (IDEs parse on
            # every save), so they stay as fast as without Tessera. `tessera check` sets
            # TESSERA_CHECK_ONLY to evaluate without building.
            self._emit(
                "info",
                "Tessera: contracts are evaluated by build, run, seed, snapshot, retry and "
                "clone; run `tessera check` to see the gate's verdicts without building.",
            )
            return None
        invocation_id = self.invocation or dbt_compat.invocation_id(self.manifest)
        registry = self.registry or Registry.from_manifest(self.manifest)
        try:
            with registry.session():
                return self._run(registry, invocation_id, records_checks)
        except TesseraGateError:
            raise
        except Exception as exc:  # the registry is unreachable or unreadable
            return self._unreachable(exc, invocation_id)

    def _run(self, registry: Registry, invocation_id: str, records_checks: bool) -> dict[str, Any]:
        # One call reads everything: the configuration, the registry made ready (only when
        # this evaluation records: read-only ones such as `tessera check` never create it;
        # before the first build it does not exist and every asset is simply new) and state.
        try:
            read = registry.evaluation_state(writes=records_checks, statuses=ALL_STATUSES)
        except RegistryError:
            # The configuration needs no registry table: it still says whether to fail open.
            with contextlib.suppress(RegistryError):
                self.config = dict(registry.call("get_config") or {})
            raise
        self.config = read.config
        fresh = read.missing
        if self.projection is None:
            self.projection = dbt_compat.manifest_projection(self.manifest)
        try:
            project = extract_project(
                self.projection,
                default_owner=self.config.get("tessera_default_owner"),
                team=self.config.get("tessera_team") or None,
                default_compatibility=str(
                    self.config.get("tessera_default_compatibility") or "backward"
                ),
                enforced_constraint_types=dbt_compat.enforced_constraint_types(self.manifest),
            )
        except ContractError as exc:
            if self.gated:
                raise TesseraGateError(str(exc)) from None
            self._emit("warn", f"Tessera: {exc}")
            return {"invocation_id": invocation_id, "command": self.command, "error": str(exc)}
        state = read.state
        # Registrations the project implies (exposures, refs) count from the build that
        # first sees them: the gate reads them before they are synced.
        cache = _LineageCache.load(dbt_compat.target_path(self.manifest))
        derived = derive_registrations(
            project,
            model_code(self.manifest if self.manifest is not None else self.projection),
            team=self.config.get("tessera_team"),
            registry_assets={a: r.owner_team for a, r in state.assets.items() if not r.deleted_at},
            lineage_cache=cache,
        )
        cache.save()
        stored = state
        merged = merge_registrations(
            state.registrations, derived, project.project_name, _stored_registration
        )
        # Nothing to sync when the project implies what the registry already holds: the
        # everyday build then writes nothing but its summary row.
        self._sync_needed = _registration_keys(merged) != _registration_keys(state.registrations)
        state = replace(state, registrations=merged)
        known = known_assets(state)
        succession = successions(project, known)
        # An asset is also known by its relation (a renamed project or model).
        renamed = relation_successions(
            project,
            known,
            taken=set(succession) | {x.new_asset_id for x in succession.values()},
        )
        view = with_relation_successions(
            with_model_versions(
                registry_view(
                    state,
                    _truthy(self.config.get("tessera_enforce_membership")),
                    self.config.get("tessera_admins") or (),
                ),
                project,
                known,
                succession,
            ),
            renamed,
        )
        self.renamed = set(renamed)
        succession = {**succession, **renamed}
        result = decide(
            assets_for_gate(project),
            view,
            removed={
                k: v
                for k, v in removed_assets(
                    project, state, renamed_projects(renamed, known, project)
                ).items()
                if k not in succession
            },
            today=_dt.date.today().isoformat(),
        )
        details = self._diff_details(project, state, result)
        teams = {d.team for d in derived}
        if self.config.get("tessera_team"):
            teams.add(str(self.config["tessera_team"]))
        owed = owed_answers(derived, state.proposals, teams)
        self.drift = self._detect_drift(registry, project, state) if not fresh else []
        if self.writes:
            self._record(
                registry, project, state, result, invocation_id, derived, details, succession
            )
        elif records_checks:
            summary = self._summary(result)
            impact = self._impact(project, stored, result)
            if impact is not None:
                summary["impact"] = impact
            registry.write_checks(invocation_id, check_rows(result, details), summary)
        self._log(project, result, fresh)
        if self.operation is None:
            for line in stale_registrations(result, view):
                dbt_compat.log_warning(line)
            for line in owner_changes(project, state):
                dbt_compat.log_warning(line)
        if owed and self.operation is None:
            dbt_compat.log_warning(render_owed(owed))
        if self.command == "clone" and not self.check_only:
            _refuse_clone(result, dbt_compat.selected_args())
        report = self._report(invocation_id, result)
        report["owed"] = [o.as_dict() for o in owed]
        report["registry_calls"] = list(registry.calls)
        return report

    # -- writing -------------------------------------------------------------------------
    def _record(
        self,
        registry: Registry,
        project: Project,
        state: RegistryState,
        result: GateResult,
        invocation_id: str,
        derived: Sequence[DerivedRegistration] = (),
        details: Mapping[str, Mapping[str, Any]] | None = None,
        succession: Mapping[str, Succession] | None = None,
    ) -> None:
        owners = {a.owner for a in project.assets.values() if a.owner}
        missing = sorted(o for o in owners if o not in state.teams)
        if missing:
            registry.ensure_teams(missing, reason="owner of a contracted model")
        succession = succession or {}
        rows = (
            asset_rows(project, state)
            + retired_asset_rows(result, state)
            + continued_asset_rows(succession, state)
        )
        if rows:
            registry.upsert_assets(rows)
        if succession:
            # The continuing version starts from the old asset's published history.
            registry.call(
                "continue_assets",
                successions=[
                    {**s.as_row(), "move_registrations": s.old_asset_id in self.renamed}
                    for s in succession.values()
                ],
            )
        if result.superseded:
            registry.supersede_proposals(result.superseded, reason="the producer changed it")
        if result.expired:
            registry.call("expire_proposals", ids=sorted(set(result.expired)))
        if result.reverted:
            registry.supersede_proposals(
                result.reverted,
                reason="the change was reverted: the model is back at its published contract",
            )
        if project.project_name and self._sync_needed:
            registry.call(
                "sync_derived_registrations",
                project_name=project.project_name,
                registrations=[
                    d.as_row()
                    for d in merged_derived(state.registrations, derived, project.project_name)
                ],
            )
        if result.new_proposals:
            by_asset = {d.asset_id: d for d in result.decisions}
            registry.open_proposals(
                [
                    ProposalWrite(
                        proposal_id=p.proposal_id,
                        asset_id=p.asset_id,
                        model_name=by_asset[p.asset_id].name,
                        status=INITIAL_STATUS,
                        base_version=p.base_version,
                        next_version=by_asset[p.asset_id].next_version,
                        fingerprint=p.fingerprint,
                        changes=p.changes,
                        schema=by_asset[p.asset_id].schema,
                        guarantees=by_asset[p.asset_id].guarantees,
                        teams=tuple(ProposalTeamWrite(t, r) for t, r in sorted(p.teams.items())),
                        deadline=p.deadline,
                    )
                    for p in result.new_proposals
                ]
            )
        events = [
            EventWrite(
                action="auto_approved",
                entity_type="asset",
                entity_id=asset_id,
                details={"reason": "breaking change with no affected consumer"},
            )
            for asset_id in result.auto_approved
        ]
        events.extend(
            EventWrite(
                action="version_retired",
                entity_type="asset",
                entity_id=d.asset_id,
                details={
                    "model": model_id(d.asset_id),
                    "version": version_of(d.asset_id),
                    "deprecation_date": state.assets[d.asset_id].deprecation_date,
                    "last_contract": d.base_version,
                },
            )
            for d in retired_versions(result)
            if d.asset_id in state.assets
        )
        # A retired model is announced once, by the build that retires it: consumers hear
        # that it left the registry (past its deprecation date, or nobody consumed it). A
        # removed dbt version has its own event (version_retired).
        regs = state.registrations
        events.extend(
            EventWrite(
                action="asset_retired",
                entity_type="asset",
                entity_id=d.asset_id,
                details={
                    "reason": d.changes[0]["message"] if d.changes else "removed",
                    "deprecation_date": (
                        state.assets[d.asset_id].deprecation_date
                        if d.asset_id in state.assets
                        else None
                    ),
                    "consumers": sorted({r.team for r in regs.get(d.asset_id, ())}),
                    "last_version": d.base_version,
                },
            )
            for d in result.decisions
            if d.verdict == "retired" and not version_of(d.asset_id)
        )
        events.extend(
            EventWrite(
                action="drift_detected",
                entity_type="asset",
                entity_id=drift.asset_id,
                details=drift.to_dict(),
            )
            for drift in self.drift
        )
        if events:
            registry.record_events(events)
        # Unchanged assets need no row: nothing reads them (the hooks look for blocked rows
        # and publish candidates; the summary row counts every verdict), and on a large
        # project they are most rows, each costing Jinja quoting in the batch insert.
        checks = [r for r in check_rows(result, details) if r.verdict != "unchanged"]
        registry.write_checks(invocation_id, checks, self._summary(result))

    def _emit(self, level: str, message: str) -> None:
        if self.log is not None:
            self.log(level, message)
        elif level == "warn":
            dbt_compat.log_warning(message)
        else:
            dbt_compat.log_info(message)

    def _summary(self, result: GateResult) -> dict[str, Any]:
        return {
            "verdict": BLOCKED if result.blocked else "passed",
            "command": self.command,
            "assets": len(result.decisions),
            "verdicts": _verdict_counts(result),
            "blocked": [d.asset_id for d in result.blocked],
            # What on-run-start checks the models it is about to run against.
            "fingerprints": contract_fingerprints(self.projection or {}),
        }

    def _detect_drift(
        self, registry: Registry, project: Project, state: RegistryState
    ) -> list[Drift]:
        """Assets whose live relation differs from the latest published contract.

        Only gated commands and ``tessera check`` look (one catalog query for all assets),
        and only where contracts are published: a build with ``tessera_publish: false``
        (pull-request CI) builds relations that differ on purpose.
        """
        if not (self.gated or self.check_only) or self.operation is not None:
            return []
        if not _truthy(self.config.get("tessera_publish", True)):
            return []
        published: dict[str, tuple[str, Mapping[str, Any]]] = {}
        relations: dict[str, tuple[str, str]] = {}
        where: dict[tuple[str, str, str], str] = {}
        for asset_id, asset in project.assets.items():
            latest = state.latest(asset_id)
            parts = self._relation_parts(asset_id)
            if latest is None or parts is None:
                continue
            published[asset_id] = (latest.version, latest.schema)
            relations[asset_id] = (asset.display_name, asset.relation_name or ".".join(parts))
            where[parts] = asset_id
        if not where:
            return []
        rows = registry.call(
            "relation_columns",
            relations=[{"database": d, "schema": s, "identifier": i} for d, s, i in where],
        )
        live: dict[str, list[tuple[str, str]]] = {}
        for row in rows or []:
            key = (str(row.get("database") or ""), str(row["schema"]), str(row["identifier"]))
            found_id = where.get(key) or where.get(("", key[1], key[2]))
            if found_id is not None:
                live.setdefault(found_id, []).append((str(row["column"]), str(row["data_type"])))
        found = detect_drift(published, relations, live, project.adapter_type)
        for drift in found:
            dbt_compat.log_warning(drift.line())
        return found

    def _relation_parts(self, asset_id: str) -> tuple[str, str, str] | None:
        """(database, schema, identifier) of an asset's relation, from the live Manifest or
        (``tessera build``) from manifest.json."""
        if self.manifest is not None:
            return dbt_compat.relation_parts(self.manifest, asset_id)
        node = ((self.projection or {}).get("nodes") or {}).get(asset_id) or {}
        config = node.get("config") or {}
        schema, identifier = node.get("schema"), node.get("alias") or node.get("name")
        if config.get("materialized") == "ephemeral" or not schema or not identifier:
            return None
        return (
            str(node.get("database") or "").lower(),
            str(schema).lower(),
            str(identifier).lower(),
        )

    # -- failures, logs, report ----------------------------------------------------------
    def _unreachable(self, exc: Exception, invocation_id: str) -> dict[str, Any]:
        where = self.config.get("registry") or "the registry schema"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = (
            f"Tessera cannot read its registry ({where}): {first}\n"
            "Check that the database in tessera_database exists and that this role may "
            "create and read the schema in tessera_schema (see docs/gate.md). "
            "To run without the gate, set --vars '{tessera_fail_open: true}'."
        )
        fail_open = bool(self.config.get("tessera_fail_open")) or _cli_fail_open(self.vars)
        if self.gated and not fail_open and not self.check_only:
            raise TesseraGateError(message) from exc
        self._emit("warn", message)
        return {"invocation_id": invocation_id, "command": self.command, "error": message}

    def _log(self, project: Project, result: GateResult, fresh: bool = False) -> None:
        counts = _verdict_counts(result)
        summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "no assets"
        self._emit(
            "info",
            f"Tessera: checked {len(project.assets)} contracted model(s): {summary}"
            + (" (the registry does not exist yet: the first build creates it)" if fresh else ""),
        )
        for d in retired_versions(result):
            dbt_compat.log_info(
                f"Tessera: dbt version {d.name} left the project and is retired "
                f"(last contract {d.base_version}); its consumers follow the model's latest version"
            )
        if result.blocked and not self.gated and self.operation not in EVALUATING_OPERATIONS:
            self._emit("warn", render_block_message(result.decisions))

    def _diff_details(
        self, project: Project, state: RegistryState, result: GateResult
    ) -> dict[str, dict[str, Any]]:
        """For ``tessera.diff``: the diff its macro prints, keyed by asset (else empty)."""
        if self.operation != "tessera.diff":
            return {}
        args = self.operation_args
        found = diff_target(project, state, result, args.get("model"))
        if found is None:
            return {}  # the macro reports the unknown model
        decision, history = found
        by_version = {c.version: c for c in history}
        from_v, to_v = args.get("from_version"), args.get("to_version")
        if not isinstance(from_v, (str, type(None))) or not isinstance(to_v, (str, type(None))):
            return {}  # the macro refuses arguments of the wrong type
        if (from_v and from_v not in by_version) or (to_v and to_v not in by_version):
            return {}  # the macro refuses versions that were never published
        if to_v is None and from_v in (None, decision.base_version):
            report = decision_diff(decision)
        else:
            base = by_version[from_v] if from_v else (history[-1] if history else None)
            if base is None:
                return {decision.asset_id: {"diff": decision_diff(decision)}}
            if to_v is not None:
                new_doc: Mapping[str, Any] = by_version[to_v].to_contract().document()
            else:
                new_doc = {"schema": decision.schema or {}, "guarantees": decision.guarantees or {}}
            asset = project.assets.get(decision.asset_id)
            compared = compare_documents(
                base.to_contract().document(),
                new_doc,
                asset.compatibility if asset else "backward",
                asset.guarantee_mode if asset else "notify",
                base.version,
            )
            report = diff_report(decision, base.version, to_v, compared)
        return {decision.asset_id: {"diff": report}}

    def _impact(
        self, project: Project, state: RegistryState, result: GateResult
    ) -> dict[str, Any] | None:
        """For ``tessera.impact``: the document its macro prints (else None)."""
        if self.operation != "tessera.impact":
            return None
        asset_id = impact_target(project, state, self.operation_args.get("model"))
        if asset_id is None:
            return None  # the macro reports the unknown model
        record = state.assets.get(asset_id)
        asset = project.assets.get(asset_id)
        owner = record.owner_team if record is not None and record.owner_team else None
        if owner is None and asset is not None:
            owner = asset.owner
        consumers = [
            {
                "team": r.team,
                "source": r.source,
                "columns": list(r.columns) if r.columns is not None else None,
                "pinned_major": r.pinned_major,
                "source_ref": r.source_ref,
                "note": r.note,
                "created_at": r.created_at.isoformat() if r.created_at else None,
            }
            for r in sorted(state.registrations_for(asset_id), key=lambda r: (r.team, r.source))
        ]
        proposals = [
            {
                "proposal_id": p.proposal_id,
                "status": p.status,
                "base_version": p.base_version,
                "next_version": p.next_version,
                "changes": list(p.changes),
                "answers": {t: a.response for t, a in p.answers.items()},
            }
            for p in state.proposals_for(asset_id, OPEN_STATUSES)
        ]
        decision = next((d for d in result.decisions if d.asset_id == asset_id), None)
        name = asset.name if asset is not None else None
        if name is None and record is not None:
            name = record.model_name
        return impact_report(project, asset_id, name, owner, consumers, decision, proposals)

    def _report(self, invocation_id: str, result: GateResult) -> dict[str, Any]:
        body = result.to_dict()
        drifted = {d.asset_id: d for d in self.drift}
        for row in body["decisions"]:
            drift = drifted.get(row["asset_id"])
            if drift is not None:
                row["drift"] = list(drift.differences)
                if row["verdict"] == "unchanged":
                    row["verdict"] = "drift"  # the report's verdict; the gate's stays allowed
        return {
            "invocation_id": invocation_id,
            "command": self.command,
            "registry": self.config.get("registry"),
            **body,
            "drift": [d.to_dict() for d in self.drift],
        }


class _LineageCache(dict[str, "list[str] | None"]):
    """Columns inferred from consumers' SQL, kept in ``target/`` between invocations.

    Keys are :func:`~tessera_dbt.core.consumers.lineage_key` hashes, so a changed model,
    asset or dialect simply misses. Only the entries used by this invocation are written
    back, which keeps the file as small as the project. A missing or unreadable file is an
    empty cache: it only costs time.
    """

    FILE = "tessera_lineage_cache.json"

    def __init__(self, path: Path | None, entries: Mapping[str, list[str] | None]) -> None:
        super().__init__(entries)
        self.path = path
        self.loaded = dict(entries)
        self.used: set[str] = set()

    @classmethod
    def load(cls, target: str | None) -> _LineageCache:
        path = Path(target) / cls.FILE if target else None
        entries: dict[str, list[str] | None] = {}
        if path is not None and path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raw = {}
            if isinstance(raw, dict):
                entries = {
                    str(k): [str(c) for c in v] if isinstance(v, list) else None
                    for k, v in raw.items()
                    if v is None or isinstance(v, list)
                }
        return cls(path, entries)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.used.add(key)
        return super().__contains__(key)

    def __setitem__(self, key: str, value: list[str] | None) -> None:
        self.used.add(key)
        super().__setitem__(key, value)

    def save(self) -> None:
        """Write the used entries back, when they differ from what was read."""
        keep = {k: self[k] for k in sorted(self.used) if dict.__contains__(self, k)}
        if self.path is None or keep == self.loaded:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(keep, sort_keys=True), encoding="utf-8")
        except OSError:
            pass  # a read-only target folder: the next build infers again


def _registration_keys(
    registrations: Mapping[str, Sequence[StoredRegistration]],
) -> set[tuple[Any, ...]]:
    """What the derived-registration sync compares, for every active registration."""
    return {
        (asset_id, r.team, r.source, r.columns, r.source_ref or None, r.pinned_major, r.star_refs)
        for asset_id, regs in registrations.items()
        for r in regs
    }


_PLAIN_SELECTOR = re.compile(r"^[A-Za-z0-9_]+$")


def clone_selects(decision: Decision, selection: dbt_compat.SelectedArgs) -> bool:
    """Whether ``dbt clone`` with these raw selection arguments may clone the model.

    The plugin sees only the raw ``--select`` strings; anything but plain model names
    (graph operators, methods, wildcards, ``--exclude``, ``--selector``) counts as selecting
    every model: when unsure, the gate blocks.
    """
    if decision.blocks_all or selection.selects_everything:
        return True
    if selection.exclude or selection.selector:
        return True
    tokens = [t for raw in selection.select for t in raw.replace(",", " ").split()]
    if any(not _PLAIN_SELECTOR.match(t) for t in tokens):
        return True
    names = {decision.name, decision.name.split(".")[0], decision.asset_id.split(".")[-1]}
    return any(t in names for t in tokens)


def _refuse_clone(result: GateResult, selection: dbt_compat.SelectedArgs) -> None:
    """``dbt clone`` runs no on-run-start hook: the plugin itself refuses a blocked model."""
    blocked = [d for d in result.blocked if clone_selects(d, selection)]
    if blocked:
        raise TesseraGateError(render_block_message(blocked))


def _stored_registration(d: DerivedRegistration) -> StoredRegistration:
    return StoredRegistration(
        d.asset_id, d.team, d.source, d.columns, source_ref=d.source_ref, star_refs=d.star_refs
    )


def _verdict_counts(result: GateResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in result.decisions:
        counts[d.verdict] = counts.get(d.verdict, 0) + 1
    return dict(sorted(counts.items()))


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "on"}
    return bool(value)


def _cli_fail_open(given: Mapping[str, Any] | None = None) -> bool:
    value = (dbt_compat.cli_vars() if given is None else given).get("tessera_fail_open")
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "on"}
    return bool(value)


# -- conversions between the layers (pure) ----------------------------------------------
def diff_target(
    project: Project, state: RegistryState, result: GateResult, model: Any
) -> tuple[Decision, tuple[PublishedContract, ...]] | None:
    """The decision and published history ``tessera.diff --args '{model: ...}'`` names.

    ``model`` is a name (a versioned model's latest version), ``name.vN``, ``package.name``
    or a unique_id, as in every operation; a model that left the project is found by the
    asset id or model name the registry has.
    """
    if not isinstance(model, str) or not model.strip():
        return None
    by_id = {d.asset_id: d for d in result.decisions}
    wanted = model.strip()
    candidates = [a.asset_id for a in project.find_assets(wanted)]
    if not candidates:
        candidates = sorted(
            a.asset_id for a in state.assets.values() if wanted in (a.asset_id, a.model_name)
        )
    for asset_id in candidates:
        if asset_id in by_id:
            return by_id[asset_id], state.versions(asset_id)
    return None


def impact_target(project: Project, state: RegistryState, model: Any) -> str | None:
    """The asset ``tessera.impact --args '{model: ...}'`` names (as ``tessera.find_model``
    resolves it: the project's assets first, else the registry's by id or model name)."""
    if not isinstance(model, str) or not model.strip():
        return None
    wanted = model.strip()
    found = project.find_assets(wanted)
    if found:
        return found[0].asset_id
    known = sorted(
        a.asset_id for a in state.assets.values() if wanted in (a.asset_id, a.model_name)
    )
    return known[0] if known else None


def assets_for_gate(project: Project) -> list[AssetInput]:
    """The gate's view of the project's assets."""
    return [
        AssetInput(
            asset_id=a.asset_id,
            name=a.display_name,
            owner=a.owner,
            compatibility=a.compatibility,
            guarantee_mode=a.guarantee_mode,
            schema=a.schema,
            guarantees=a.guarantees,
            fingerprint=a.fingerprint,
            file_path=_file_path(a.patch_path or a.original_file_path),
            model_name=a.name,
            latest_version=a.latest_version if a.version is not None else None,
            migration_days=a.migration_days,
        )
        for a in sorted(project.assets.values(), key=lambda a: a.asset_id)
    ]


def registry_view(
    state: RegistryState, enforce_membership: bool = False, admins: Iterable[str] = ()
) -> RegistryView:
    """Project the registry's typed state onto what the pure gate reads.

    With ``enforce_membership`` an answer counts only when its author may answer for the
    team (:func:`may_answer`): the latest answer of each team among those.
    """
    versions = {
        asset_id: [
            PublishedVersion(
                c.version,
                c.schema,
                c.guarantees,
                c.fingerprint or "",
                c.compatibility,
                c.guarantee_mode,
            )
            for c in contracts
        ]
        for asset_id, contracts in state.contracts.items()
    }
    registrations = {
        asset_id: [
            Registration(r.team, r.source, r.columns, r.pinned_major, r.model_version, r.star_refs)
            for r in regs
        ]
        for asset_id, regs in state.registrations.items()
    }
    proposals: dict[str, list[ProposalView]] = {}
    members: dict[str, list[str]] = {}
    for m in state.members:
        members.setdefault(m.team, []).append(m.principal)
    admin_list = [admins] if isinstance(admins, str) else list(admins or ())
    for p in state.proposals:
        if enforce_membership:
            latest = {
                ack.team: ack
                for ack in p.history
                if may_answer(ack.team, ack.acknowledged_by, members, admin_list)
            }
        else:
            latest = p.answers
        answers = {team: Answer(team, ack.response, ack.note) for team, ack in latest.items()}
        proposals.setdefault(p.asset_id, []).append(
            ProposalView(
                p.proposal_id,
                p.asset_id,
                p.status,
                p.fingerprint or "",
                p.base_version,
                p.affected_teams,
                answers,
                p.deadline,
            )
        )
    known = {a.asset_id: a.deprecation_date for a in state.assets.values() if a.deleted_at is None}
    return RegistryView(versions, registrations, proposals, known)


def removed_assets(
    project: Project, state: RegistryState, renamed_from: Iterable[str] = ()
) -> dict[str, str]:
    """Assets of this project the registry knows that the project no longer has.

    ``renamed_from``: former names of this project (its assets took over their relations):
    their assets count as this project's.
    """
    out: dict[str, str] = {}
    mine = {project.project_name, *renamed_from}
    for asset_id, record in state.assets.items():
        if record.deleted_at is not None or asset_id in project.assets:
            continue
        if record.project_name and record.project_name not in mine:
            continue  # another project sharing the registry
        if asset_id in project.disabled:
            out[asset_id] = "disabled"
        elif asset_id in project.models:
            out[asset_id] = (
                "stripped of its contract (no enforced contract, no meta.tessera.asset: true)"
            )
        elif record.model_version is None and any(
            a.version is not None and model_id(a.asset_id) == asset_id
            for a in project.assets.values()
        ):
            out[asset_id] = (
                "made a versioned model, but none of its dbt versions continues it "
                "(give the version that keeps the old relation `defined_in` the old file "
                "or the old relation's alias)"
            )
        else:
            out[asset_id] = "deleted or renamed"
    return out


def asset_rows(project: Project, state: RegistryState) -> list[AssetWrite]:
    """Assets whose registry record is missing or out of date."""
    rows: list[AssetWrite] = []
    for a in sorted(project.assets.values(), key=lambda a: a.asset_id):
        row = AssetWrite(
            asset_id=a.asset_id,
            project_name=project.project_name,
            model_name=a.name,
            model_version=a.version,
            owner_team=a.owner,
            compatibility=a.compatibility,
            guarantee_mode=a.guarantee_mode,
            relation_name=a.relation_name,
            materialization=a.materialization,
            deprecation_date=a.deprecation_date,
            latest_version=a.latest_version,
        )
        record = state.assets.get(a.asset_id)
        if record is None or record.deleted_at is not None or _differs(record, row.to_row()):
            rows.append(row)
    return rows


def _differs(record: Any, row: Mapping[str, Any]) -> bool:
    return any(
        (getattr(record, key, None) or None) != (value or None)
        for key, value in row.items()
        if key != "asset_id"
    )


def _file_path(path: str | None) -> str | None:
    """``gate://models/x.yml`` (how dbt names patch files) -> ``models/x.yml``."""
    if path and "://" in path:
        return path.split("://", 1)[1]
    return path


def owner_changes(project: Project, state: RegistryState) -> list[str]:
    """One line per asset whose owner team differs from the one the registry records."""
    out: list[str] = []
    for a in sorted(project.assets.values(), key=lambda a: a.asset_id):
        record = state.assets.get(a.asset_id)
        if record is None or record.deleted_at is not None or not record.owner_team:
            continue
        if a.owner and a.owner != record.owner_team:
            out.append(
                f"Tessera: the owner of {a.display_name} changes from {record.owner_team} to "
                f"{a.owner} ({a.owner_source}); {record.owner_team} stays a team, and open "
                "proposals keep their affected teams"
            )
    return out


def retired_versions(result: GateResult) -> list[Decision]:
    """Removed dbt versions of a model that the gate lets go (announced and audited)."""
    return [d for d in result.decisions if d.blocks_all and d.allowed and version_of(d.asset_id)]


def known_assets(state: RegistryState) -> dict[str, KnownAsset]:
    """The registry's live assets as :mod:`tessera_dbt.core.versions` reads them."""
    return {
        a.asset_id: KnownAsset(
            asset_id=a.asset_id,
            project_name=a.project_name,
            relation_name=a.relation_name,
            model_version=a.model_version,
            latest_version=a.latest_version,
            has_history=bool(state.versions(a.asset_id)),
        )
        for a in state.assets.values()
        if a.deleted_at is None
    }


def continued_asset_rows(
    succession: Mapping[str, Succession], state: RegistryState
) -> list[AssetWrite]:
    """Registry rows closing the unversioned assets a dbt version now continues."""
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    rows: list[AssetWrite] = []
    for old_id in sorted(succession):
        record = state.assets.get(old_id)
        if record is None:
            continue
        rows.append(_record_row(record, now))
    return rows


def _record_row(record: Any, deleted_at: _dt.datetime | None = None) -> AssetWrite:
    """The registry's own asset row again (to mark it deleted)."""
    return AssetWrite(
        asset_id=record.asset_id,
        project_name=record.project_name,
        model_name=record.model_name,
        model_version=record.model_version,
        owner_team=record.owner_team,
        compatibility=record.compatibility,
        guarantee_mode=record.guarantee_mode,
        relation_name=record.relation_name,
        materialization=record.materialization,
        deprecation_date=record.deprecation_date,
        latest_version=record.latest_version,
        deleted_at=deleted_at,
    )


def retired_asset_rows(result: GateResult, state: RegistryState) -> list[AssetWrite]:
    """Registry rows marking deleted the removed assets the gate lets go.

    A removal that passes (past its deprecation date, approved, forced, or nobody consumed
    it) is final: the asset leaves the registry's live assets and later builds stop
    judging it. A blocked removal stays live.
    """
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    rows: list[AssetWrite] = []
    for d in result.decisions:
        record = state.assets.get(d.asset_id)
        if not d.blocks_all or not d.allowed or record is None:
            continue
        rows.append(_record_row(record, now))
    return rows


def check_rows(
    result: GateResult, details: Mapping[str, Mapping[str, Any]] | None = None
) -> list[CheckWrite]:
    """``tessera_checks`` rows for the decisions (``details``: extra per asset)."""
    return [
        CheckWrite(
            asset_id=d.asset_id,
            model_name=d.name,
            fingerprint=d.fingerprint,
            verdict=d.verdict,
            message=d.message or None,
            changes=d.changes,
            schema=d.schema if d.publishable else None,
            guarantees=d.guarantees if d.publishable else None,
            base_version=d.base_version,
            next_version=d.next_version if d.publishable else None,
            bump=d.bump,
            proposal_id=d.proposal_id,
            compatibility=d.compatibility,
            guarantee_mode=d.guarantee_mode,
            blocks_all=d.blocks_all and d.verdict == BLOCKED,
            details={
                "owner": d.owner,
                "pending_teams": d.pending_teams,
                "blocked_notes": d.blocked_notes,
                **(details or {}).get(d.asset_id, {}),
            },
        )
        for d in result.decisions
    ]
