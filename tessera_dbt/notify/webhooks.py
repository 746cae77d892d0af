"""Webhook notifications: payloads, signatures, endpoint safety, backoff, and sending.

The registry's audit log is the event stream. ``tessera notify`` reads the events each
endpoint of ``tessera_webhooks`` still has to receive (the ``tessera.notify_pending``
run-operation: one query, with each event's proposal, model and teams joined), sends them
here, and records every attempt (``tessera.notify_record``: one batch insert into
``tessera_deliveries``). This module holds everything in between and never talks to dbt:

- :func:`check_url` refuses endpoints that are not http(s), and hosts that resolve to
  link-local or cloud metadata addresses (loopback and private networks stay allowed);
- :func:`event_payload` / :func:`slack_payload` say what a person needs: the model, the
  changes in plain words, the proposal id, the teams owing an answer and the exact command
  to answer;
- :func:`sign` computes ``X-Tessera-Signature: sha256=<hex>``, the HMAC-SHA256 of
  ``"<X-Tessera-Timestamp>.<body>"`` under the secret read from the environment variable
  named by ``secret_env``. Secrets are never stored, logged or put in a message;
- :func:`next_attempt_at` is the exponential backoff of failed attempts;
- :func:`deliver` sends the pending events of every endpoint and returns the attempts to
  record.

Delivery is at least once: an endpoint that accepted an event (2xx) never gets it again,
but a crash between sending and recording, or two concurrent runs, can repeat one; receivers
deduplicate by ``X-Tessera-Event-Id``.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import requests

from tessera_dbt import __version__
from tessera_dbt.core import vocab
from tessera_dbt.core.gate import acknowledge_command, tally_answers

#: Audit-log actions an endpoint with ``events: "*"`` receives (the documented set).
NOTIFYING_ACTIONS: tuple[str, ...] = (
    "proposal_opened",
    "proposal_team_added",
    "proposal_acknowledged",
    "proposal_approved",
    "proposal_rejected",
    "proposal_pending",
    "proposal_withdrawn",
    "proposal_forced",
    "proposal_superseded",
    "proposal_published",
    "proposal_expired",
    "contract_published",
    "auto_approved",
    "asset_retired",
    "publish_refused",
    "drift_detected",
    "consumer_registered",
    "consumer_unregistered",
)
#: Other audit-log actions; an endpoint may name them explicitly in ``events``.
OTHER_ACTIONS: tuple[str, ...] = (
    "registry_initialized",
    "registry_migrated",
    "team_created",
    "team_deleted",
    "team_restored",
    "member_added",
    "member_removed",
    "member_role_changed",
    "asset_registered",
    "asset_updated",
    "consumer_registration_updated",
    "authorization_refused",
)
FORMATS: tuple[str, ...] = ("generic", "slack")

SIGNATURE_HEADER = "X-Tessera-Signature"
TIMESTAMP_HEADER = "X-Tessera-Timestamp"
EVENT_ID_HEADER = "X-Tessera-Event-Id"
EVENT_HEADER = "X-Tessera-Event"
ATTEMPT_HEADER = "X-Tessera-Delivery-Attempt"
PAYLOAD_TYPE = "tessera.event"
PAYLOAD_VERSION = 1

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_EVENTS = 100
DEFAULT_MAX_AGE_DAYS = 7
DEFAULT_MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)

#: Host names of cloud metadata services (refused whatever they resolve to).
METADATA_HOSTS: frozenset[str] = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data"}
)
#: Networks refused by default: link-local (which holds 169.254.169.254), metadata
#: addresses outside it, and "this host" addresses.
BLOCKED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("fd00:ec2::254/128"),
    ipaddress.ip_network("100.100.100.200/32"),
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("::/128"),
    # IETF protocol assignments (192.0.0.192 is Oracle Cloud's metadata service).
    ipaddress.ip_network("192.0.0.0/24"),
)
# IPv6 forms that carry an IPv4 address in their low 32 bits (NAT64 64:ff9b::/96 and
# 64:ff9b:1::/48, IPv4-compatible ::/96) or bits 16-48 (6to4 2002::/16): judged by that
# IPv4 address, so ::a9fe:a9fe cannot stand for 169.254.169.254.
_EMBEDDED_LOW32 = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
)

OPEN_STATUSES = vocab.OPEN_STATUSES

Resolver = Callable[..., Sequence[tuple[Any, ...]]]


class NotifyError(RuntimeError):
    """The registry's answer could not be understood (the message says what was wrong)."""


# -- the registry's document -------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One entry of ``tessera_webhooks`` with the events it still has to receive."""

    index: int
    endpoint_id: str
    url: str
    format: str
    secret_env: str | None
    events: tuple[str, ...]
    pending: tuple[Mapping[str, Any], ...] = ()

    @property
    def display_url(self) -> str:
        """The URL as it may be shown and stored (see :func:`display_url`)."""
        return display_url(self.url)


@dataclass(frozen=True)
class PendingDocument:
    """What ``tessera.notify_pending`` printed."""

    now: str
    endpoints: tuple[Endpoint, ...]
    invalid: tuple[tuple[int | None, str], ...]


def parse_pending(document: Mapping[str, Any]) -> PendingDocument:
    """Read the JSON document of ``tessera.notify_pending``."""
    try:
        endpoints = tuple(
            Endpoint(
                index=int(e["index"]),
                endpoint_id=str(e["endpoint_id"]),
                url=str(e["url"]),
                format=str(e.get("format") or "generic"),
                secret_env=None if e.get("secret_env") is None else str(e["secret_env"]),
                events=tuple(str(x) for x in e.get("events") or ("*",)),
                pending=tuple(dict(p) for p in e.get("pending") or ()),
            )
            for e in document.get("endpoints") or ()
        )
        invalid = tuple(
            (None if i.get("index") is None else int(i["index"]), str(i.get("problem")))
            for i in document.get("invalid") or ()
        )
        return PendingDocument(str(document.get("now") or ""), endpoints, invalid)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise NotifyError(
            f"tessera.notify_pending printed an unexpected document ({exc})"
        ) from None


def unknown_events(events: Sequence[str]) -> list[str]:
    """The names in an endpoint's ``events`` that no Tessera operation records."""
    known = {*NOTIFYING_ACTIONS, *OTHER_ACTIONS, "*"}
    return [e for e in events if e not in known]


# -- endpoint safety ---------------------------------------------------------------------


def display_url(url: str) -> str:
    """The URL without what may be a credential: user info, query, fragment, and path
    segments after the first (Slack-style webhook URLs carry their token in the path).

    ``https://hooks.slack.com/services/T0/B0/XYZ`` → ``https://hooks.slack.com/services/...``
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(an unparsable URL)"
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    segments = [s for s in parts.path.split("/") if s]
    path = f"/{segments[0]}" if segments else ""
    if len(segments) > 1:
        path += "/..."
    return f"{parts.scheme}://{netloc}{path}"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _EMBEDDED_LOW32):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _blocked(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0]
    )
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in BLOCKED_NETWORKS if net.version == 6):
            return True
        if ip.is_loopback:
            return False  # ::1 lies in ::/96 but is loopback, not 0.0.0.1
        embedded = _embedded_ipv4(ip)
        if embedded is None:
            return False
        ip = embedded
    return any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version)


@dataclass(frozen=True)
class UrlCheck:
    """The verdict on an endpoint URL: ``refused`` is permanent (a configuration problem),
    ``unresolved`` is transient (DNS failed: the attempt fails and is retried later)."""

    refused: str | None = None
    unresolved: str | None = None

    @property
    def ok(self) -> bool:
        """The URL may be sent to."""
        return self.refused is None and self.unresolved is None


def check_url(url: str, resolve: Resolver = socket.getaddrinfo) -> UrlCheck:
    """Refuse URLs that are not http(s), and hosts resolving to link-local or metadata
    addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254, 100.100.100.200, 192.0.0.0/24,
    metadata.google.internal …), also written as IPv6 that embeds them (``::a9fe:a9fe``,
    ``::ffff:169.254.169.254``, ``64:ff9b::a9fe:a9fe``, ``2002:a9fe:a9fe::``). Loopback and
    private networks are allowed.

    Every address the host resolves to is checked. (A host whose DNS answer changes between
    this check and the connection is not caught: keep endpoints on names you control.)
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return UrlCheck(refused="the URL cannot be parsed")
    if parts.scheme not in ("http", "https"):
        return UrlCheck(refused="only http:// and https:// URLs are allowed")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return UrlCheck(refused="the URL has no host")
    if host in METADATA_HOSTS:
        return UrlCheck(refused=f"{host} is a cloud metadata service")
    try:
        infos = resolve(
            host, port or (443 if parts.scheme == "https" else 80), 0, socket.SOCK_STREAM
        )
    except (OSError, UnicodeError):
        return UrlCheck(unresolved=f"the host {host} does not resolve")
    addresses = {str(info[4][0]) for info in infos}
    if not addresses:
        return UrlCheck(unresolved=f"the host {host} does not resolve")
    for address in sorted(addresses):
        try:
            blocked = _blocked(address)
        except ValueError:
            return UrlCheck(refused=f"the host {host} resolves to an unusable address")
        if blocked:
            return UrlCheck(
                refused=f"the host {host} resolves to {address}, a link-local or metadata address"
            )
    return UrlCheck()


# -- signatures --------------------------------------------------------------------------


def encode(payload: Mapping[str, Any]) -> bytes:
    """The exact body bytes: compact JSON, keys sorted, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``<timestamp>.<body>`` under the secret."""
    digest = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: bytes,
    body: bytes,
    timestamp: str,
    signature: str,
    *,
    tolerance: float = 300.0,
    now: float | None = None,
) -> bool:
    """What a receiver does (see docs/notifications.md): constant-time comparison of the
    signature, and a timestamp no further than ``tolerance`` seconds from now."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


# -- payloads ----------------------------------------------------------------------------


def _json_field(text: Any, default: Any) -> Any:
    if text is None or text == "":
        return default
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return default


def _utc(value: Any) -> str | None:
    """A registry timestamp (naive UTC text) as ISO 8601 with ``Z``."""
    if value is None or value == "":
        return None
    text = str(value).replace(" ", "T")
    if text.endswith("Z") or "+" in text[10:]:
        return text
    return text + "Z"


def _model_name(asset_id: str | None, asset: Mapping[str, Any] | None) -> str | None:
    if asset and asset.get("model_name"):
        name = str(asset["model_name"])
        version = asset.get("model_version")
        return f"{name}.v{version}" if version not in (None, "") else name
    if not asset_id:
        return None
    parts = asset_id.split(".")
    if len(parts) >= 3:
        return ".".join(parts[2:])
    return asset_id


def _changes(raw: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for ch in _json_field(raw, []) or []:
        if not isinstance(ch, Mapping):
            continue
        out.append(
            {
                "kind": ch.get("kind"),
                "path": ch.get("path"),
                "message": ch.get("message") or ch.get("kind") or "changed",
                "breaking": bool(ch.get("breaking")),
                "severity": ch.get("severity"),
            }
        )
    return out


def _word_list(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def event_payload(event: Mapping[str, Any]) -> dict[str, Any]:
    """The generic JSON payload of one pending event (see docs/notifications.md)."""
    details = _json_field(event.get("details_json"), {})
    if not isinstance(details, dict):
        details = {"value": details}
    asset = event.get("asset") or None
    raw_proposal = event.get("proposal") or None
    entity_type = str(event.get("entity_type") or "")
    entity_id = None if event.get("entity_id") is None else str(event["entity_id"])
    asset_id = (
        str(asset["asset_id"])
        if asset
        else (str(details["asset_id"]) if details.get("asset_id") else None)
    )
    if asset_id is None and entity_type == "asset":
        asset_id = entity_id
    model = None
    if asset_id:
        model = {
            "asset_id": asset_id,
            "name": _model_name(asset_id, asset),
            "owner_team": asset.get("owner_team") if asset else None,
            "relation": asset.get("relation_name") if asset else None,
            "project": asset.get("project_name") if asset else None,
        }
    proposal = None
    if raw_proposal:
        pid = str(raw_proposal["proposal_id"])
        status = str(raw_proposal.get("status") or "")
        teams = [
            {
                "team": str(t.get("team")),
                "response": t.get("response"),
                "note": t.get("note"),
                "reason": t.get("reason"),
            }
            for t in event.get("teams") or []
        ]
        is_open = status in OPEN_STATUSES
        tally = tally_answers([t["team"] for t in teams], {t["team"]: t["response"] for t in teams})
        waiting = list(tally.waiting) if is_open else []
        blocked = list(tally.blocked) if is_open else []
        commands: dict[str, Any] = {}
        if is_open:
            commands = {
                "acknowledge": {
                    t["team"]: acknowledge_command(pid, t["team"])
                    for t in teams
                    if t["response"] != "approved"
                },
                "withdraw": "dbt run-operation tessera.withdraw --args "
                f"'{{proposal_id: {pid}, reason: ...}}'",
            }
        proposal = {
            "proposal_id": pid,
            "status": status,
            "base_version": raw_proposal.get("base_version"),
            "next_version": raw_proposal.get("next_version"),
            "created_at": _utc(raw_proposal.get("created_at")),
            "resolution_note": raw_proposal.get("resolution_note"),
            "changes": _changes(raw_proposal.get("changes_json")),
            "teams": teams,
            "waiting_for": waiting,
            "blocked_by": blocked,
            "commands": commands,
        }
    payload: dict[str, Any] = {
        "type": PAYLOAD_TYPE,
        "version": PAYLOAD_VERSION,
        "event_id": str(event.get("event_id")),
        "action": str(event.get("action")),
        "occurred_at": _utc(event.get("occurred_at")),
        "actor": event.get("actor"),
        "entity": {"type": entity_type, "id": entity_id},
        "model": model,
        "proposal": proposal,
        "details": details,
        "invocation_id": event.get("invocation_id"),
    }
    payload["summary"] = summary(payload)
    return payload


def summary(payload: Mapping[str, Any]) -> str:
    """One or two sentences saying what happened, for people (also Slack's ``text``)."""
    action = str(payload.get("action"))
    details: Mapping[str, Any] = payload.get("details") or {}
    model = (payload.get("model") or {}).get("name") or (payload.get("entity") or {}).get("id")
    proposal: Mapping[str, Any] = payload.get("proposal") or {}
    pid = proposal.get("proposal_id") or (payload.get("entity") or {}).get("id")
    breaking = [c["message"] for c in proposal.get("changes") or [] if c.get("breaking")]
    changes = "; ".join(breaking or [c["message"] for c in proposal.get("changes") or []])
    waiting = list(proposal.get("waiting_for") or [])
    team = details.get("team")
    reason = details.get("reason")
    if action == "proposal_opened":
        text = f"Breaking change proposed for {model} (proposal {pid})"
        text += f": {changes}." if changes else "."
        if waiting:
            text += f" Waiting for {_word_list(waiting)} to answer."
        return text
    if action == "proposal_team_added":
        return f"Team {team} is affected by proposal {pid} for {model} and must answer."
    if action == "proposal_acknowledged":
        note = f' ("{details["note"]}")' if details.get("note") else ""
        return (
            f"Team {team} answered {details.get('response')} to proposal {pid} for {model}{note}."
        )
    if action == "proposal_approved":
        return f"Proposal {pid} for {model} is approved: every affected team agreed; the next build ships it."
    if action == "proposal_rejected":
        by = _word_list(list(details.get("blocked_by") or []))
        return f"Proposal {pid} for {model} is rejected" + (f": blocked by {by}." if by else ".")
    if action == "proposal_pending":
        return f"Proposal {pid} for {model} is pending again" + (
            f": waiting for {_word_list(waiting)}." if waiting else "."
        )
    if action in ("proposal_withdrawn", "proposal_forced", "proposal_expired"):
        verb = action.removeprefix("proposal_")
        tail = f": {reason}" if reason else ""
        return f"Proposal {pid} for {model} was {verb} by {payload.get('actor')}{tail}."
    if action == "proposal_superseded":
        newer = details.get("superseded_by")
        return f"Proposal {pid} for {model} was superseded" + (
            f" by {newer} (the change was revised)." if newer else " (the change was revised)."
        )
    if action == "proposal_published":
        return f"Proposal {pid} for {model} shipped."
    if action == "contract_published":
        version = details.get("version")
        bump = details.get("bump")
        via = f" through proposal {details['proposal_id']}" if details.get("proposal_id") else ""
        return f"{model} published contract version {version}" + (
            f" ({bump}){via}." if bump else f"{via}."
        )
    if action == "auto_approved":
        return (
            f"A breaking change to {model} was allowed without approval: no consumer is affected."
        )
    if action == "asset_retired":
        date = details.get("deprecation_date")
        consumers = ", ".join(str(t) for t in details.get("consumers") or []) or "nobody"
        when = f" (deprecation date {date} has passed)" if date else ""
        return f"{model} was retired{when}; it was consumed by {consumers}."
    if action == "drift_detected":
        differences = "; ".join(str(x) for x in details.get("differences") or [])
        return (
            f"{model} differs from its published contract {details.get('version')} "
            f"(changed outside the gate): {differences}."
        )
    if action == "publish_refused":
        return f"{model} built but its contract was not published: {details.get('reason')}."
    if action == "consumer_registered":
        return f"Team {team} registered as a consumer of {model}."
    if action == "consumer_unregistered":
        return f"Team {team} no longer consumes {model}."
    entity = payload.get("entity") or {}
    return f"{action} on {entity.get('type')} {entity.get('id')}."


def _mrkdwn(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The Slack Block Kit message (``{"text", "blocks"}``) of a generic payload."""
    text = str(payload.get("summary") or "")
    model: Mapping[str, Any] = payload.get("model") or {}
    proposal: Mapping[str, Any] = payload.get("proposal") or {}
    action = str(payload.get("action"))
    title = "Tessera: " + action.replace("_", " ")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(title, 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(_mrkdwn(text), 3000)}},
    ]
    fields = []
    if model.get("name"):
        fields.append(f"*Model*\n`{_mrkdwn(model['name'])}`")
    if model.get("owner_team"):
        fields.append(f"*Owner*\n{_mrkdwn(model['owner_team'])}")
    if proposal:
        fields.append(f"*Proposal*\n`{_mrkdwn(proposal.get('proposal_id'))}`")
        fields.append(f"*Status*\n{_mrkdwn(proposal.get('status'))}")
        versions = (
            f"{proposal.get('base_version') or 'none'} → {proposal.get('next_version') or '?'}"
        )
        fields.append(f"*Versions*\n{_mrkdwn(versions)}")
        if proposal.get("waiting_for"):
            fields.append(f"*Waiting for*\n{_mrkdwn(', '.join(proposal['waiting_for']))}")
    if fields:
        blocks.append(
            {
                "type": "section",
                "fields": [{"type": "mrkdwn", "text": _cut(f, 2000)} for f in fields[:10]],
            }
        )
    changes = proposal.get("changes") or []
    if changes:
        lines = [
            f"• {_mrkdwn(c['message'])}" + (" (breaking)" if c.get("breaking") else "")
            for c in changes[:20]
        ]
        if len(changes) > 20:
            lines.append(f"… and {len(changes) - 20} more")
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _cut("*Changes*\n" + "\n".join(lines), 3000)},
            }
        )
    acks: Mapping[str, str] = (proposal.get("commands") or {}).get("acknowledge") or {}
    if acks:
        body = "\n".join(acks[t] for t in sorted(acks))
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": _cut(f"*To approve*\n```{_mrkdwn(body)}```", 3000),
                },
            }
        )
    context = f"{action} · event {payload.get('event_id')} · {payload.get('occurred_at')}"
    if payload.get("actor"):
        context += f" · by {payload['actor']}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn(context)}]})
    return {"text": text, "blocks": blocks}


def render(endpoint_format: str, event: Mapping[str, Any]) -> dict[str, Any]:
    """The payload of an event in an endpoint's format."""
    payload = event_payload(event)
    return slack_payload(payload) if endpoint_format == "slack" else payload


# -- backoff and sending -----------------------------------------------------------------


def backoff(
    attempt: int, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP
) -> timedelta:
    """How long after failed attempt number ``attempt`` (1-based) to try again:
    ``base · 2^(attempt-1)``, at most ``cap``."""
    exponent = max(0, attempt - 1)
    if exponent >= 40:
        return cap
    return min(cap, base * (1 << exponent))


def next_attempt_at(
    attempted_at: datetime,
    attempt: int,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
) -> datetime:
    """When a failed attempt may be retried."""
    return attempted_at + backoff(attempt, base, cap)


def utc_now() -> datetime:
    """The current UTC time, naive (registry timestamps are naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """A naive UTC datetime as ISO 8601 text with ``Z``."""
    return None if value is None else value.isoformat(timespec="microseconds") + "Z"


@dataclass(frozen=True)
class Response:
    """What one POST got: a status code, or an error (never a secret, never the URL)."""

    status_code: int | None
    error: str | None

    @property
    def accepted(self) -> bool:
        """The endpoint accepted the event (2xx)."""
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def endpoint_down(self) -> bool:
        """A failure that says the endpoint, not this event, has a problem: stop sending
        to it for this run (timeouts, connection errors, 5xx, 408, 429, redirects)."""
        if self.accepted:
            return False
        code = self.status_code
        return code is None or code >= 500 or code in (408, 429) or 300 <= code < 400


def post(
    session: requests.Session,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
) -> Response:
    """POST the body; never follows redirects, never reads the response body.

    Error texts are made here from the exception's kind only: requests' own messages can
    hold the URL (whose path may be a credential).
    """
    try:
        resp = session.post(
            url,
            data=body,
            headers=dict(headers),
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout:
        return Response(None, f"timed out after {timeout:g}s")
    except requests.exceptions.SSLError:
        return Response(None, "TLS handshake failed")
    except requests.ConnectionError:
        return Response(None, "connection failed")
    except requests.RequestException as exc:
        return Response(None, f"request failed ({type(exc).__name__})")
    try:
        status = int(resp.status_code)
        reason = str(resp.reason or "")[:60]
    finally:
        resp.close()
    if 200 <= status < 300:
        return Response(status, None)
    return Response(status, f"HTTP {status}" + (f" {reason}" if reason else ""))


@dataclass(frozen=True)
class Settings:
    """Options of one ``tessera notify`` run."""

    timeout: float = DEFAULT_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_base: timedelta = BACKOFF_BASE
    backoff_cap: timedelta = BACKOFF_CAP
    dry_run: bool = False


@dataclass
class EndpointReport:
    """What happened at one endpoint during a run."""

    index: int
    url: str  # the display URL
    format: str
    pending: int = 0
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0
    not_attempted: int = 0
    skipped: str | None = None  # why nothing was sent (refused URL, missing secret)
    errors: list[str] = field(default_factory=list)
    retry_after: str | None = None


@dataclass
class Delivery:
    """The result of :func:`deliver`: attempts to record and a report per endpoint."""

    attempts: list[dict[str, Any]] = field(default_factory=list)
    endpoints: list[EndpointReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    previews: list[dict[str, Any]] = field(default_factory=list)  # dry runs only

    @property
    def ok(self) -> bool:
        """Nothing failed, nothing was skipped, no warning."""
        return not self.warnings and all(
            e.failed == 0 and e.skipped is None for e in self.endpoints
        )


def _secret(endpoint: Endpoint, env: Mapping[str, str]) -> tuple[bytes | None, str | None]:
    """The endpoint's secret, or why the endpoint must be skipped."""
    if endpoint.secret_env is None:
        if endpoint.format == "slack":
            return None, None  # a Slack webhook URL is its own credential
        return None, "no secret_env: Tessera does not send unsigned generic webhooks"
    value = env.get(endpoint.secret_env)
    if not value:
        return None, (f"the environment variable {endpoint.secret_env} (its secret_env) is not set")
    return value.encode("utf-8"), None


def deliver(
    document: PendingDocument,
    settings: Settings,
    *,
    env: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    resolve: Resolver = socket.getaddrinfo,
    clock: Callable[[], datetime] = utc_now,
) -> Delivery:
    """Send every endpoint's pending events, oldest first, and say what to record.

    An endpoint is skipped (with a warning, nothing recorded) when its URL is refused or its
    secret is missing. After a failure that says the endpoint is down (timeout, connection
    error, 5xx, 408, 429, 3xx), its remaining events wait for the next run; other failures
    (4xx) concern one event and the next events are still sent.
    """
    env = os.environ if env is None else env
    out = Delivery()
    for index, problem in document.invalid:
        where = "tessera_webhooks" if index is None else f"tessera_webhooks[{index}]"
        out.warnings.append(f"{where}: {problem}")
    own_session = session is None
    sess = session or requests.Session()
    if own_session:
        sess.trust_env = False  # no proxies or .netrc credentials picked up from the env
        sess.headers["User-Agent"] = f"tessera-dbt/{__version__}"
    try:
        for endpoint in document.endpoints:
            out.endpoints.append(
                _deliver_endpoint(endpoint, settings, env, sess, resolve, clock, out)
            )
    finally:
        if own_session:
            sess.close()
    return out


def _deliver_endpoint(
    endpoint: Endpoint,
    settings: Settings,
    env: Mapping[str, str],
    session: requests.Session,
    resolve: Resolver,
    clock: Callable[[], datetime],
    out: Delivery,
) -> EndpointReport:
    report = EndpointReport(
        endpoint.index, endpoint.display_url, endpoint.format, pending=len(endpoint.pending)
    )
    where = f"tessera_webhooks[{endpoint.index}] {endpoint.display_url}"
    for name in unknown_events(endpoint.events):
        out.warnings.append(f"{where}: events names {name!r}, which Tessera never records")
    check = check_url(endpoint.url, resolve)
    if check.refused:
        report.skipped = f"refused: {check.refused}"
        report.not_attempted = len(endpoint.pending)
        return report
    secret, problem = _secret(endpoint, env)
    if problem:
        report.skipped = f"skipped: {problem}"
        report.not_attempted = len(endpoint.pending)
        return report
    for position, event in enumerate(endpoint.pending):
        payload = render(endpoint.format, event)
        body = encode(payload)
        attempt = int(event.get("attempt") or 1)
        event_id = str(event.get("event_id"))
        if settings.dry_run:
            out.previews.append(
                {"endpoint": endpoint.display_url, "attempt": attempt, "payload": payload}
            )
            continue
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: event_id,
            EVENT_HEADER: str(event.get("action")),
            TIMESTAMP_HEADER: timestamp,
            ATTEMPT_HEADER: str(attempt),
        }
        if secret is not None:
            headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
        if check.unresolved:
            response = Response(None, check.unresolved)
        else:
            response = post(session, endpoint.url, body, headers, settings.timeout)
        attempted_at = clock()
        row: dict[str, Any] = {
            "endpoint_id": endpoint.endpoint_id,
            "url": endpoint.display_url,
            "event_id": event_id,
            "action": str(event.get("action")),
            "attempt": attempt,
            "status_code": response.status_code,
            "error": response.error,
            "attempted_at": iso(attempted_at),
            "delivered_at": iso(attempted_at) if response.accepted else None,
            "next_attempt_at": None,
        }
        if response.accepted:
            report.delivered += 1
        else:
            report.failed += 1
            if response.error and response.error not in report.errors:
                report.errors.append(response.error)
            if attempt >= settings.max_attempts:
                report.gave_up += 1
            else:
                retry = iso(
                    next_attempt_at(
                        attempted_at, attempt, settings.backoff_base, settings.backoff_cap
                    )
                )
                row["next_attempt_at"] = retry
                if report.retry_after is None or (retry and retry < report.retry_after):
                    report.retry_after = retry
        out.attempts.append(row)
        if response.endpoint_down:
            report.not_attempted = len(endpoint.pending) - position - 1
            break
    return report
