"""Consumers derived from the project itself: exposures and downstream refs.

Pure: imports nothing from dbt. From an extracted :class:`~tessera_dbt.core.extract.Project` it
computes the registrations the project implies (DESIGN §3):

- **exposures** of this project: the exposure's team (``meta.tessera.team``, else
  ``owner.name``) consumes every asset the exposure depends on; ``source = 'exposure'``,
  ``source_ref`` = the exposure's unique_id, all columns;
- **downstream refs**: a model of this project that refs an asset owned by another team
  registers its owner team on that asset; ``source = 'ref'``, ``source_ref`` = the model's
  unique_id, columns inferred from the model's SQL (:mod:`tessera_dbt.core.lineage`) when that
  is reliable, else all columns;
- **cross-project refs**: a model of this project that refs a model of *another* project
  (a two-argument ``ref`` to an installed project, or a node injected by a cross-project
  plugin such as dbt-loom) registers the var ``tessera_team`` (else the model's owner) on
  it, when the registry knows that model as an asset.

One registration per (asset, team, source): several exposures or models of one team on one
asset merge (columns united; all columns if any of them reads all), and ``source_ref`` lists
their unique_ids, comma-separated. The owner team never consumes its own asset.

The full set is handed to the ``tessera.sync_derived_registrations`` macro on every gated
build; the macro inserts what is new and soft-deletes what this project no longer implies.
:func:`merge_registrations` makes the registry state read by the gate include the set before
the gate decides, so the build that first sees an exposure already counts it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from tessera_dbt.core import vocab
from tessera_dbt.core.extract import Asset, ModelInfo, Project

__all__ = [
    "DERIVED_SOURCES",
    "DerivedRegistration",
    "derive_registrations",
    "inferred_columns",
    "lineage_key",
    "merge_registrations",
    "model_code",
    "project_of",
    "split_refs",
]

#: Registration sources that follow the project (the others are manual).
DERIVED_SOURCES: tuple[vocab.DerivedSource, ...] = vocab.DERIVED_SOURCES


@dataclass(frozen=True)
class DerivedRegistration:
    """A registration the project implies (see the module docstring)."""

    asset_id: str
    team: str
    source: vocab.DerivedSource
    columns: tuple[str, ...] | None  # None: all columns
    source_refs: tuple[str, ...]  # unique_ids of the exposures/models that imply it
    # Models among source_refs that select * from the asset into an enforced contract: for
    # them an added column is breaking (dbt's contract check fails their next build).
    star_refs: tuple[str, ...] = ()

    @property
    def source_ref(self) -> str:
        """``source_refs`` as stored in ``tessera_registrations.source_ref``."""
        return ",".join(self.source_refs)

    def as_row(self) -> dict[str, Any]:
        """The row handed to ``tessera.sync_derived_registrations``."""
        return {
            "asset_id": self.asset_id,
            "team": self.team,
            "source": self.source,
            "columns": list(self.columns) if self.columns is not None else None,
            "source_ref": list(self.source_refs),
            "star_refs": list(self.star_refs),
        }


def split_refs(source_ref: str | None) -> list[str]:
    """The unique_ids in a stored ``source_ref``."""
    return [r.strip() for r in (source_ref or "").split(",") if r.strip()]


def project_of(unique_id: str) -> str | None:
    """The project (package) of a unique_id: ``model.shop.orders`` -> ``shop``."""
    parts = unique_id.split(".")
    return parts[1] if len(parts) >= 3 else None


# -- SQL of the models ------------------------------------------------------------------
def model_code(manifest: Any) -> dict[str, str]:
    """``unique_id -> SQL`` of every model: compiled code when there is some, else raw code.

    Accepts a ``manifest.json`` dict or dbt's live Manifest (read by attribute only).
    """
    nodes = manifest.get("nodes") if isinstance(manifest, Mapping) else manifest.nodes
    out: dict[str, str] = {}
    for uid, node in (nodes or {}).items():
        if str(_attr(node, "resource_type") or "").lower().split(".")[-1] != "model":
            continue
        code = _attr(node, "compiled_code") or _attr(node, "raw_code")
        if isinstance(code, str) and code.strip():
            out[str(uid)] = code
    return out


def _attr(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, Mapping) else getattr(node, key, None)


def inferred_columns(
    project: Project, model: ModelInfo, asset_id: str, asset_columns: Sequence[str], code: str
) -> tuple[str, ...] | None:
    """The columns of ``asset_id`` that ``model`` reads, or None when not reliably known.

    Raw code is rendered (refs become placeholders; other Jinja gives up); compiled code is
    matched on the asset's relation name. Names the asset does not declare (aliases, typos)
    are dropped; a query that reads no declared column counts as reading all of them.
    """
    # sqlglot loads only when a consumer's SQL must be read: dbt imports the plugin for
    # every command (parse, ls, compile, deps), and sqlglot alone costs ~70 ms to import.
    from tessera_dbt.core.lineage import columns_read, render_refs, sqlglot_dialect

    dialect = sqlglot_dialect(project.adapter_type)
    asset = project.assets.get(asset_id)
    if "{{" in code or "{%" in code:
        rendered = render_refs(code)
        if rendered is None:
            return None
        targets = [p for p, call in rendered.refs.items() if _ref_points_to(call, asset_id, asset)]
        if len(targets) != 1:
            return None
        found = columns_read(rendered.sql, targets[0], dialect)
    else:
        relation = asset.relation_name if asset is not None else None
        if not relation:
            return None
        found = columns_read(code, relation, dialect)
    if not found:
        return None
    if not asset_columns:
        return tuple(sorted(found))
    by_lower = {c.lower(): c for c in asset_columns}
    picked = sorted(by_lower[c] for c in found if c in by_lower)
    return tuple(picked) or None


def reads_star_into_contract(
    project: Project, model: ModelInfo, asset_id: str, code: str | None
) -> bool:
    """Whether ``model`` has an enforced contract and selects ``*`` from ``asset_id``."""
    if not model.contract_enforced or not code:
        return False
    # sqlglot loads lazily, as in inferred_columns.
    from tessera_dbt.core.lineage import render_refs, selects_star, sqlglot_dialect

    dialect = sqlglot_dialect(project.adapter_type)
    asset = project.assets.get(asset_id)
    if "{{" in code or "{%" in code:
        rendered = render_refs(code)
        if rendered is None:
            return False
        targets = [p for p, call in rendered.refs.items() if _ref_points_to(call, asset_id, asset)]
        return len(targets) == 1 and bool(selects_star(rendered.sql, targets[0], dialect))
    relation = asset.relation_name if asset is not None else None
    if not relation:
        # A node of another project: its relation is only in the compiled code's FROM.
        return bool(selects_star(code, asset_id.split(".")[2], dialect))
    return bool(selects_star(code, relation, dialect))


def _ref_points_to(call: Any, asset_id: str, asset: Asset | None) -> bool:
    if call.kind != "ref":
        return False
    parts = asset_id.split(".")
    if len(parts) < 3:
        return False
    package, name = parts[1], parts[2]
    version = parts[3][1:] if len(parts) >= 4 and parts[3].startswith("v") else None
    if call.name != name or (call.package is not None and call.package != package):
        return False
    if call.version is not None:
        return version is not None and str(call.version) == version
    # A ref without a version means the latest version (or an unversioned model).
    return version is None or asset is None or asset.is_latest_version


# -- derivation -------------------------------------------------------------------------
def derive_registrations(
    project: Project,
    code: Mapping[str, str] | None = None,
    *,
    team: str | None = None,
    registry_assets: Mapping[str, str | None] | None = None,
    lineage_cache: MutableMapping[str, list[str] | None] | None = None,
) -> list[DerivedRegistration]:
    """Every registration this project implies, sorted by (asset, team, source).

    ``code`` maps model unique_ids to SQL (see :func:`model_code`; default: the models'
    ``compiled_code``). ``team`` is the var ``tessera_team``: the team this project consumes
    other projects' assets as. ``registry_assets`` maps asset ids the registry knows (not
    deleted) to their owner team: a cross-project node is only registered on when the
    registry knows it (None: no cross-project registrations). ``lineage_cache`` maps
    :func:`lineage_key` to inferred columns (None: all); it is read and filled, so that an
    unchanged model's SQL is parsed once, not on every build.
    """
    this = project.project_name
    code = code or {}
    acc: dict[tuple[str, str, vocab.DerivedSource], tuple[set[str] | None, set[str]]] = {}
    stars: dict[tuple[str, str, str], set[str]] = {}

    def add(
        asset_id: str, who: str, source: vocab.DerivedSource, cols: Iterable[str] | None, ref: str
    ) -> None:
        key = (asset_id, who, source)
        if key not in acc:
            acc[key] = (set(cols) if cols is not None else None, {ref})
            return
        columns, refs = acc[key]
        refs.add(ref)
        if columns is None or cols is None:
            acc[key] = (None, refs)
        else:
            columns.update(cols)

    def target(uid: str) -> tuple[str | None, Sequence[str]] | None:
        """(owner, declared columns) of something one may consume, or None."""
        if uid in project.assets:
            asset = project.assets[uid]
            return asset.owner, asset.columns
        if registry_assets is not None and uid in registry_assets and project_of(uid) != this:
            return registry_assets[uid], ()
        return None

    for exposure in project.exposures.values():
        if not exposure.team or (exposure.package_name and exposure.package_name != this):
            continue
        for uid in exposure.depends_on:
            found = target(uid)
            if found is None or found[0] == exposure.team:
                continue
            add(uid, exposure.team, "exposure", None, exposure.unique_id)

    for model in project.models.values():
        if model.package_name != this:
            continue
        for uid in model.depends_on:
            found = target(uid)
            if found is None or uid == model.unique_id:
                continue
            owner, declared = found
            cross = project_of(uid) != this
            who = (team or model.owner) if cross else model.owner
            if not who or who == owner:
                continue
            sql = code.get(model.unique_id) or model.compiled_code
            cols = _cached_columns(project, model, uid, declared, sql, lineage_cache)
            add(uid, who, "ref", cols, model.unique_id)
            if reads_star_into_contract(project, model, uid, sql):
                stars.setdefault((uid, who, "ref"), set()).add(model.unique_id)

    out = [
        DerivedRegistration(
            asset_id=asset_id,
            team=who,
            source=source,
            columns=tuple(sorted(columns)) if columns else None,
            source_refs=tuple(sorted(refs)),
            star_refs=tuple(sorted(stars.get((asset_id, who, source), ()))),
        )
        for (asset_id, who, source), (columns, refs) in acc.items()
    ]
    return sorted(out, key=lambda r: (r.asset_id, r.team, r.source))


def lineage_key(project: Project, asset_id: str, asset_columns: Sequence[str], code: str) -> str:
    """What :func:`inferred_columns` depends on, hashed: the SQL, the asset, its relation
    and declared columns (and whether it is its model's latest version), and the dialect."""
    asset = project.assets.get(asset_id)
    parts = (
        project.adapter_type or "",
        asset_id,
        (asset.relation_name or "") if asset is not None else "",
        str(asset.is_latest_version) if asset is not None else "",
        "\x1f".join(asset_columns),
        code,
    )
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _cached_columns(
    project: Project,
    model: ModelInfo,
    asset_id: str,
    declared: Sequence[str],
    sql: str | None,
    cache: MutableMapping[str, list[str] | None] | None,
) -> tuple[str, ...] | None:
    if not sql:
        return None
    if cache is None:
        return inferred_columns(project, model, asset_id, declared, sql)
    key = lineage_key(project, asset_id, declared, sql)
    if key in cache:
        hit = cache[key]
        return tuple(hit) if hit is not None else None
    found = inferred_columns(project, model, asset_id, declared, sql)
    cache[key] = list(found) if found is not None else None
    return found


# -- the registry state the gate reads ----------------------------------------------------
class StoredRegistration(Protocol):
    """What :func:`merge_registrations` reads of a registry registration."""

    @property
    def team(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def columns(self) -> tuple[str, ...] | None: ...
    @property
    def source_ref(self) -> str | None: ...


R = TypeVar("R", bound=StoredRegistration)


def merged_derived(
    existing: Mapping[str, Sequence[StoredRegistration]],
    derived: Sequence[DerivedRegistration],
    project_name: str | None,
) -> list[DerivedRegistration]:
    """This project's derived registrations as they are stored: a row that other projects'
    builds also imply keeps their unique_ids in ``source_ref`` and the union of the columns
    (all columns when either side reads all). ``tessera.sync_derived_registrations`` writes
    exactly these rows."""
    stored = {
        (asset_id, reg.team, reg.source): reg
        for asset_id, regs in existing.items()
        for reg in regs
        if reg.source in DERIVED_SOURCES
    }
    out: list[DerivedRegistration] = []
    for d in derived:
        reg = stored.get((d.asset_id, d.team, d.source))
        others = (
            [r for r in split_refs(reg.source_ref) if project_of(r) != project_name]
            if reg is not None
            else []
        )
        if reg is None or not others:
            out.append(d)
            continue
        # The other projects' models among them that select * into an enforced contract.
        stars = [r for r in getattr(reg, "star_refs", ()) if r in others]
        out.append(_union(d, reg.columns, others, stars))
    return out


def merge_registrations(
    existing: Mapping[str, Sequence[R]],
    derived: Sequence[DerivedRegistration],
    project_name: str | None,
    make: Callable[[DerivedRegistration], R],
) -> dict[str, tuple[R, ...]]:
    """The registrations as they will be once this project's derived set is synced.

    Manual registrations and derived ones implied only by other projects are kept; derived
    ones implied by this project are replaced by ``derived`` (``make`` builds the registry's
    row type). Mirrors what ``tessera.sync_derived_registrations`` writes.
    """
    wanted: dict[tuple[str, str, str], DerivedRegistration] = {
        (d.asset_id, d.team, d.source): d for d in merged_derived(existing, derived, project_name)
    }
    out: dict[str, list[R]] = {}
    for asset_id, regs in existing.items():
        for reg in regs:
            key = (asset_id, reg.team, reg.source)
            if reg.source not in DERIVED_SOURCES:
                out.setdefault(asset_id, []).append(reg)
                continue
            refs = split_refs(reg.source_ref)
            others = [r for r in refs if project_of(r) != project_name]
            if len(others) == len(refs) and key not in wanted:
                out.setdefault(asset_id, []).append(reg)  # another project's registration
                continue
            if key in wanted:
                out.setdefault(asset_id, []).append(make(wanted.pop(key)))
            elif others:
                out.setdefault(asset_id, []).append(reg)
    for d in wanted.values():
        out.setdefault(d.asset_id, []).append(make(d))
    return {k: tuple(v) for k, v in out.items()}


def _union(
    d: DerivedRegistration,
    columns: tuple[str, ...] | None,
    refs: Collection[str],
    stars: Collection[str] = (),
) -> DerivedRegistration:
    cols = None if d.columns is None or columns is None else tuple(sorted({*d.columns, *columns}))
    return DerivedRegistration(
        d.asset_id,
        d.team,
        d.source,
        cols,
        tuple(sorted({*d.source_refs, *refs})),
        tuple(sorted({*d.star_refs, *stars})),
    )


# -- what a consumer project owes --------------------------------------------------------
OPEN_PROPOSAL_STATUSES: tuple[str, ...] = vocab.OPEN_STATUSES
AGREEING_ANSWERS: tuple[str, ...] = vocab.AGREEING_RESPONSES


@dataclass(frozen=True)
class Owed:
    """An open proposal on an asset this project reads that one of its teams must answer."""

    proposal_id: str
    asset_id: str
    team: str
    changes: tuple[str, ...]  # the breaking changes, in plain words
    readers: tuple[tuple[str, tuple[str, ...] | None], ...]  # (model, changed columns it reads)
    deadline: str | None = None
    answered: str | None = None  # the team's latest answer, when it is "blocked"

    def as_dict(self) -> dict[str, Any]:
        """For ``target/tessera_check.json``."""
        return {
            "proposal_id": self.proposal_id,
            "asset_id": self.asset_id,
            "team": self.team,
            "changes": list(self.changes),
            "readers": [
                {"model": m, "columns": list(c) if c is not None else None} for m, c in self.readers
            ],
            "deadline": self.deadline,
            "answered": self.answered,
            "command": answer_command(self.proposal_id, self.team),
        }


def answer_command(proposal_id: str, team: str) -> str:
    """The CLI command a consumer team runs to answer a proposal."""
    return (
        f"tessera proposal acknowledge {proposal_id} --team {team} "
        "--response approved|migrating|blocked"
    )


def owed_answers(
    derived: Sequence[DerivedRegistration],
    proposals: Iterable[Any],
    teams: Collection[str],
) -> list[Owed]:
    """Open proposals on assets this project reads that its ``teams`` still have to answer.

    ``proposals`` are the registry's (``proposal_id``, ``asset_id``, ``status``,
    ``affected_teams``, ``answers``: team -> answer with ``response``, ``changes``, and
    ``deadline``). A team owes an answer while its latest one is neither approved nor
    migrating. ``readers`` are this project's models behind the team's derived registrations
    on the asset, with the changed columns each registration reads (None: all columns).
    """
    by_key: dict[tuple[str, str], list[DerivedRegistration]] = {}
    for d in derived:
        by_key.setdefault((d.asset_id, d.team), []).append(d)
    out: list[Owed] = []
    for p in proposals:
        if p.status not in OPEN_PROPOSAL_STATUSES:
            continue
        breaking = [c for c in p.changes if c.get("breaking")]
        touched = {str(c["column"]) for c in breaking if c.get("column")}
        whole = any(not c.get("column") for c in breaking)
        for team in p.affected_teams:
            if team not in teams:
                continue
            answer = p.answers.get(team)
            if answer is not None and answer.response in AGREEING_ANSWERS:
                continue
            readers: list[tuple[str, tuple[str, ...] | None]] = []
            for d in by_key.get((p.asset_id, team), ()):
                cols = (
                    None
                    if d.columns is None or whole
                    else tuple(sorted(touched.intersection(d.columns)))
                )
                readers.extend((ref, cols) for ref in d.source_refs)
            out.append(
                Owed(
                    proposal_id=p.proposal_id,
                    asset_id=p.asset_id,
                    team=team,
                    changes=tuple(str(c.get("message")) for c in breaking),
                    readers=tuple(sorted(readers)),
                    deadline=getattr(p, "deadline", None),
                    answered=answer.response if answer is not None else None,
                )
            )
    return sorted(out, key=lambda o: (o.team, o.proposal_id))


def render_owed(owed: Sequence[Owed]) -> str:
    """What the build prints for a consumer project (empty when nothing is owed)."""
    if not owed:
        return ""
    teams = sorted({o.team for o in owed})
    lines = [
        f"Tessera: team(s) {', '.join(teams)} of this project owe {len(owed)} answer(s) "
        "on models this project reads:"
    ]
    for o in owed:
        lines.append(
            f"  proposal {o.proposal_id} on {o.asset_id} (team {o.team}"
            + (f", answered {o.answered}" if o.answered else ", not answered yet")
            + (f", deadline {o.deadline}" if o.deadline else "")
            + "):"
        )
        lines.extend(f"    - {change}" for change in o.changes)
        for model, cols in o.readers:
            what = "all columns" if cols is None else (", ".join(cols) or "none of them")
            lines.append(f"    read by {model} (changed columns it reads: {what})")
        lines.append(f"    answer: {answer_command(o.proposal_id, o.team)}")
    return "\n".join(lines)
