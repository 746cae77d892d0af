"""The vocabulary of Tessera: every status, answer, verdict, command class and table name.

This module and the ``tessera.vocabulary()`` macro (``macros/utils/vocabulary.sql``) are the
only places these words are spelled; a unit test checks that the two agree and another fails
when a list of them is spelled anywhere else. Each ``Literal`` is the type of the fields that
hold such a word; the tuples are derived from the ``Literal`` so the two cannot drift.
Pure: imports nothing from dbt.
"""

from __future__ import annotations

from typing import Any, Literal, cast, get_args

#: The dbt package name (macros are called ``tessera.<name>``).
PACKAGE: Literal["tessera"] = "tessera"

# -- proposals ------------------------------------------------------------------------------
#: Still takes answers; the gate reuses it for the same fingerprint.
OpenStatus = Literal["pending", "approved", "rejected"]
#: Resolved: no more answers (``forced`` still lets its change ship until it is published).
ClosedStatus = Literal["withdrawn", "forced", "published", "superseded", "expired"]
ProposalStatus = Literal[OpenStatus, ClosedStatus]

OPEN_STATUSES: tuple[OpenStatus, ...] = get_args(OpenStatus)
CLOSED_STATUSES: tuple[ClosedStatus, ...] = get_args(ClosedStatus)
PROPOSAL_STATUSES: tuple[ProposalStatus, ...] = get_args(ProposalStatus)
#: Closed statuses whose change may still ship (until the next successful build publishes it):
#: an admin forced it, or its deadline passed with no blocked answer.
ShippingStatus = Literal["forced", "expired"]
SHIPPING_STATUSES: tuple[ShippingStatus, ...] = get_args(ShippingStatus)
FORCED: ShippingStatus = "forced"
#: Open proposals plus the shipping ones not yet published: what the gate loads by default.
ACTIVE_STATUSES: tuple[ProposalStatus, ...] = (*OPEN_STATUSES, *SHIPPING_STATUSES)
#: The status a new proposal starts in (and an open one returns to when a team joins it).
INITIAL_STATUS: OpenStatus = "pending"

#: Every allowed change of ``tessera_proposals.status`` (from, to), and the operation that
#: makes it. ``docs/concepts.md`` shows the same table; a test checks they are equal.
TRANSITIONS: tuple[tuple[ProposalStatus, ProposalStatus, str], ...] = (
    ("pending", "approved", "acknowledge: every affected team agreed"),
    ("pending", "rejected", "acknowledge: a team answered blocked"),
    ("approved", "pending", "a team joins it (register_consumer, an exposure or a ref)"),
    ("approved", "rejected", "acknowledge: a team answered blocked"),
    ("rejected", "pending", "acknowledge: no team blocks, one has not agreed"),
    ("rejected", "approved", "acknowledge: every affected team agreed"),
    ("pending", "withdrawn", "withdraw (the owner)"),
    ("approved", "withdrawn", "withdraw (the owner)"),
    ("rejected", "withdrawn", "withdraw (the owner)"),
    ("pending", "forced", "force (an admin)"),
    ("approved", "forced", "force (an admin)"),
    ("rejected", "forced", "force (an admin)"),
    ("pending", "superseded", "a gated build proposes another change"),
    ("approved", "superseded", "a gated build proposes another change"),
    ("rejected", "superseded", "a gated build proposes another change"),
    ("pending", "expired", "a gated build past its deadline, no team blocking"),
    ("approved", "expired", "a gated build past its deadline, no team blocking"),
    ("rejected", "expired", "a gated build past its deadline, no team blocking"),
    ("pending", "published", "on-run-end: the model built"),
    ("approved", "published", "on-run-end: the model built"),
    ("rejected", "published", "on-run-end: the model built"),
    ("forced", "published", "on-run-end: the model built"),
    ("expired", "published", "on-run-end: the model built"),
)

# -- acknowledgements ----------------------------------------------------------------------
AgreeingResponse = Literal["approved", "migrating"]
Response = Literal[AgreeingResponse, "blocked"]
RESPONSES: tuple[Response, ...] = get_args(Response)
AGREEING_RESPONSES: tuple[AgreeingResponse, ...] = get_args(AgreeingResponse)
#: The answer that rejects a proposal.
BLOCKING_RESPONSE: Response = "blocked"

# -- verdicts (one per asset and invocation, in tessera_checks) ----------------------------
AllowedVerdict = Literal[
    "new", "unchanged", "compatible", "auto_approved", "approved", "forced", "retired", "expired"
]
RefusedVerdict = Literal["blocked", "removed"]
Verdict = Literal[AllowedVerdict, RefusedVerdict]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
ALLOWED_VERDICTS: tuple[AllowedVerdict, ...] = get_args(AllowedVerdict)
REFUSED_VERDICTS: tuple[RefusedVerdict, ...] = get_args(RefusedVerdict)
BLOCKED: RefusedVerdict = "blocked"
#: The verdict of a whole invocation (the summary row, ``tessera check``).
RunVerdict = Literal["passed", "blocked"]
RUN_VERDICTS: tuple[RunVerdict, ...] = get_args(RunVerdict)

# -- registrations -------------------------------------------------------------------------
DerivedSource = Literal["exposure", "ref"]
RegistrationSource = Literal["manual", DerivedSource]
REGISTRATION_SOURCES: tuple[RegistrationSource, ...] = get_args(RegistrationSource)
DERIVED_SOURCES: tuple[DerivedSource, ...] = get_args(DerivedSource)
MANUAL_SOURCE: RegistrationSource = "manual"

# -- dbt commands (flags.WHICH; retry reports the retried command) ------------------------
GatedCommand = Literal["build", "run", "seed", "snapshot", "retry", "clone"]
PassThroughCommand = Literal["parse", "ls", "list", "compile", "docs", "test", "run-operation"]
#: The commands after which on-run-end publishes the contracts of the models that built.
PublishingCommand = Literal["build", "run"]
GATED_COMMANDS: tuple[GatedCommand, ...] = get_args(GatedCommand)
PASS_THROUGH_COMMANDS: tuple[PassThroughCommand, ...] = get_args(PassThroughCommand)
PUBLISHING_COMMANDS: tuple[PublishingCommand, ...] = get_args(PublishingCommand)

# -- materializations ----------------------------------------------------------------------
#: Materializations on which dbt enforces constraints (dbt-core: table and incremental).
EnforcingMaterialization = Literal["table", "incremental"]
ENFORCING_MATERIALIZATIONS: tuple[EnforcingMaterialization, ...] = get_args(
    EnforcingMaterialization
)

# -- registry tables -----------------------------------------------------------------------
RegistryTable = Literal[
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
]
#: The registry tables of DESIGN section 5, the layout-version table and webhook deliveries.
REGISTRY_TABLES: tuple[RegistryTable, ...] = get_args(RegistryTable)


def is_open(status: str | None) -> bool:
    """The proposal still takes answers."""
    return status in OPEN_STATUSES


def agrees(response: str | None) -> bool:
    """The answer counts as agreement (approved or migrating)."""
    return response in AGREEING_RESPONSES


def allowed_transition(old: str, new: str) -> bool:
    """``tessera_proposals.status`` may change from ``old`` to ``new``."""
    return any(a == old and b == new for a, b, _ in TRANSITIONS)


def vocabulary() -> dict[str, Any]:
    """The same dict the ``tessera.vocabulary()`` macro returns (lists, not tuples)."""
    return {
        "package": PACKAGE,
        "statuses": {
            "all": list(PROPOSAL_STATUSES),
            "open": list(OPEN_STATUSES),
            "closed": list(CLOSED_STATUSES),
            "active": list(ACTIVE_STATUSES),
            "shipping": list(SHIPPING_STATUSES),
            "initial": INITIAL_STATUS,
            "forced": FORCED,
        },
        "transitions": [[a, b] for a, b, _ in TRANSITIONS],
        "responses": {
            "all": list(RESPONSES),
            "agreeing": list(AGREEING_RESPONSES),
            "blocking": BLOCKING_RESPONSE,
        },
        "verdicts": {
            "all": list(VERDICTS),
            "allowed": list(ALLOWED_VERDICTS),
            "refused": list(REFUSED_VERDICTS),
            "blocked": BLOCKED,
            "run": list(RUN_VERDICTS),
        },
        "sources": {
            "all": list(REGISTRATION_SOURCES),
            "derived": list(DERIVED_SOURCES),
            "manual": MANUAL_SOURCE,
        },
        "commands": {
            "gated": list(GATED_COMMANDS),
            "pass_through": list(PASS_THROUGH_COMMANDS),
            "publishing": list(PUBLISHING_COMMANDS),
        },
        "enforcing_materializations": list(ENFORCING_MATERIALIZATIONS),
        "tables": {t.removeprefix("tessera_"): t for t in REGISTRY_TABLES},
    }


def _member(value: object, allowed: tuple[str, ...], what: str) -> str:
    text = "" if value is None else str(value)
    if text not in allowed:
        raise ValueError(f"unknown {what} {text!r}; allowed: {', '.join(allowed)}")
    return text


def as_status(value: object) -> ProposalStatus:
    """A proposal status read from the registry (ValueError when it is not one)."""
    return cast(ProposalStatus, _member(value, PROPOSAL_STATUSES, "proposal status"))


def as_response(value: object) -> Response:
    """An acknowledgement response read from the registry (ValueError when it is not one)."""
    return cast(Response, _member(value, RESPONSES, "response"))


def as_source(value: object) -> RegistrationSource:
    """A registration source read from the registry (ValueError when it is not one)."""
    return cast(RegistrationSource, _member(value, REGISTRATION_SOURCES, "registration source"))
