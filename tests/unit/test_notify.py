"""tessera_dbt.notify.webhooks without dbt: URL safety, signatures, payloads, backoff, and delivery
to real HTTP receivers on loopback (one that fails first, one that never answers).

The receivers defined here are also used by tests/integration/test_notify.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tessera_dbt.notify.webhooks import (
    NOTIFYING_ACTIONS,
    Endpoint,
    NotifyError,
    PendingDocument,
    Response,
    Settings,
    backoff,
    check_url,
    deliver,
    display_url,
    encode,
    event_payload,
    next_attempt_at,
    parse_pending,
    render,
    sign,
    slack_payload,
    verify,
)

SECRET = "unit-secret-7f3a2c-do-not-leak"


# -- receivers -------------------------------------------------------------------------------


@dataclass
class Received:
    """One request a receiver got, and the status it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def event_id(self) -> str:
        return self.headers.get("X-Tessera-Event-Id", "")

    def json(self) -> Any:
        return json.loads(self.body)

    def signature_ok(self, secret: str) -> bool:
        ts = self.headers.get("X-Tessera-Timestamp", "")
        mac = hmac.new(secret.encode(), ts.encode() + b"." + self.body, hashlib.sha256)
        return hmac.compare_digest(
            "sha256=" + mac.hexdigest(), self.headers.get("X-Tessera-Signature", "")
        )


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 answering 500 to its first ``fail_first`` requests, then
    ``status`` (a real server in a thread)."""

    fail_first: int = 0
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                failing = len(receiver.requests) < receiver.fail_first
                status = 500 if failing else receiver.status
                receiver.requests.append(Received(self.path, dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tessera"

    def accepted(self) -> list[Received]:
        return [r for r in self.requests if 200 <= r.status < 300]

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


class Silent:
    """A TCP server that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"

    def stop(self) -> None:
        self._stop.set()
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=2).start()
    yield r
    r.stop()


@pytest.fixture
def silent() -> Iterator[Silent]:
    s = Silent()
    yield s
    s.stop()


# -- sample events ---------------------------------------------------------------------------


def proposal_event(event_id: str = "e1", attempt: int = 1, **over: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": event_id,
        "occurred_at": "2026-01-31T12:00:00.123456",
        "actor": "ci-bot",
        "action": "proposal_opened",
        "entity_type": "proposal",
        "entity_id": "orders-7f3a2c",
        "details_json": json.dumps({"asset_id": "model.shop.orders", "teams": ["finance"]}),
        "invocation_id": "inv-1",
        "attempt": attempt,
        "proposal": {
            "proposal_id": "orders-7f3a2c",
            "status": "pending",
            "base_version": "1.0.0",
            "next_version": "2.0.0",
            "changes_json": json.dumps(
                [
                    {
                        "kind": "column_removed",
                        "path": "/properties/status",
                        "message": "column status was removed",
                        "breaking": True,
                    },
                    {
                        "kind": "guarantee_removed",
                        "message": "guarantee x was removed",
                        "breaking": False,
                    },
                ]
            ),
            "created_at": "2026-01-31T12:00:00",
            "resolution_note": None,
        },
        "asset": {
            "asset_id": "model.shop.orders",
            "model_name": "orders",
            "model_version": None,
            "owner_team": "core-data",
            "relation_name": '"db"."main"."orders"',
            "project_name": "shop",
        },
        "teams": [
            {"team": "finance", "reason": "exposure", "response": None, "note": None},
            {"team": "growth", "reason": "manual", "response": "approved", "note": "ok"},
        ],
    }
    event.update(over)
    return event


def simple_event(
    event_id: str, action: str = "contract_published", attempt: int = 1
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "occurred_at": "2026-01-31T12:00:00",
        "actor": "ci-bot",
        "action": action,
        "entity_type": "asset",
        "entity_id": "model.shop.orders",
        "details_json": json.dumps({"version": "1.0.0", "bump": "initial"}),
        "attempt": attempt,
        "proposal": None,
        "asset": None,
        "teams": [],
    }


def document(*endpoints: Endpoint) -> PendingDocument:
    return PendingDocument("2026-01-31T12:00:00", tuple(endpoints), ())


def endpoint(url: str, events: list[dict[str, Any]], **over: Any) -> Endpoint:
    fields: dict[str, Any] = {
        "index": 0,
        "endpoint_id": hashlib.md5(url.encode()).hexdigest(),
        "url": url,
        "format": "generic",
        "secret_env": "HOOK_SECRET",
        "events": ("*",),
        "pending": tuple(events),
    }
    fields.update(over)
    return Endpoint(**fields)


ENV = {"HOOK_SECRET": SECRET}


# -- URL safety ------------------------------------------------------------------------------


def fake_resolver(*addresses: str) -> Any:
    def resolve(host: str, port: int, *args: Any) -> list[tuple[Any, ...]]:
        if not addresses:
            raise socket.gaierror("no such host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://x",
        "javascript:alert(1)",
        "//x/y",
        "http:///nohost",
    ],
)
def test_only_http_and_https_are_allowed(url: str) -> None:
    check = check_url(url, fake_resolver("93.184.216.34"))
    assert check.refused and not check.ok


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "169.254.1.1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:169.254.169.254",
        "0.0.0.0",
        "100.100.100.200",
        # IPv6 forms that embed an IPv4 address, and IETF protocol assignments.
        "::a9fe:a9fe",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::169.254.169.254",
        "2002:a9fe:a9fe::1",
        "192.0.0.192",
        "192.0.0.1",
    ],
)
def test_link_local_and_metadata_addresses_are_refused(address: str) -> None:
    check = check_url("https://hooks.example.com/x", fake_resolver("93.184.216.34", address))
    assert check.refused and address in check.refused


@pytest.mark.parametrize(
    "host", ["metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata.goog"]
)
def test_metadata_host_names_are_refused_whatever_they_resolve_to(host: str) -> None:
    assert check_url(f"http://{host}/computeMetadata/v1/", fake_resolver("10.0.0.1")).refused


def test_literal_link_local_ips_are_refused_with_the_real_resolver() -> None:
    assert check_url("http://169.254.169.254/latest/meta-data/").refused
    assert check_url("http://[fe80::1]:8080/x").refused


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.1.2.3",
        "192.168.0.7",
        "93.184.216.34",
        "2001:db8::1",
        "64:ff9b::5db8:d822",
        "192.0.2.1",
    ],
)
def test_loopback_private_and_public_addresses_are_allowed(address: str) -> None:
    assert check_url("https://hooks.example.com/x", fake_resolver(address)).ok


def test_an_unresolvable_host_is_a_transient_failure_not_a_refusal() -> None:
    check = check_url("https://nowhere.invalid/x", fake_resolver())
    assert check.unresolved and not check.refused and not check.ok


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
            "https://hooks.slack.com/services/...",
        ),
        ("https://user:pw@example.com:8443/hook?token=abc#frag", "https://example.com:8443/hook"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://[::1]:9000/a/b", "http://[::1]:9000/a/..."),
        ("http://example.com:notaport/x", "(an unparsable URL)"),
    ],
)
def test_display_url_drops_what_may_be_a_credential(url: str, shown: str) -> None:
    assert display_url(url) == shown


# -- signatures ------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"a":1}'
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign(b"k", "1700000000", body) == "sha256=" + expected
    assert verify(b"k", body, "1700000000", "sha256=" + expected, now=1700000100)
    assert not verify(b"k", body + b" ", "1700000000", "sha256=" + expected, now=1700000100)
    assert not verify(b"other", body, "1700000000", "sha256=" + expected, now=1700000100)
    assert not verify(b"k", body, "1700000000", "sha256=" + expected, now=1700009999)  # replay
    assert not verify(b"k", body, "not-a-time", "sha256=" + expected)


def test_encode_is_deterministic_compact_utf8() -> None:
    assert encode({"b": "é", "a": [1, 2]}) == '{"a":[1,2],"b":"é"}'.encode()


# -- backoff ---------------------------------------------------------------------------------


def test_backoff_doubles_and_is_capped() -> None:
    base = timedelta(seconds=60)
    assert [backoff(n, base).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(50, base) == timedelta(hours=6)
    assert backoff(10_000, base) == timedelta(hours=6)
    t = datetime(2026, 1, 1)
    assert next_attempt_at(t, 3, base) == t + timedelta(minutes=4)
    assert backoff(3, timedelta(0)) == timedelta(0)


# -- payloads --------------------------------------------------------------------------------


def test_generic_payload_says_what_a_person_needs() -> None:
    p = event_payload(proposal_event())
    assert p["type"] == "tessera.event" and p["action"] == "proposal_opened"
    assert p["occurred_at"] == "2026-01-31T12:00:00.123456Z"
    assert p["model"]["name"] == "orders" and p["model"]["asset_id"] == "model.shop.orders"
    prop = p["proposal"]
    assert prop["proposal_id"] == "orders-7f3a2c"
    assert prop["waiting_for"] == ["finance"]
    assert [c["message"] for c in prop["changes"]] == [
        "column status was removed",
        "guarantee x was removed",
    ]
    assert prop["commands"]["acknowledge"] == {
        "finance": "dbt run-operation tessera.acknowledge --args "
        "'{proposal_id: orders-7f3a2c, team: finance, response: approved}'"
    }
    assert "column status was removed" in p["summary"]
    assert "orders-7f3a2c" in p["summary"] and "finance" in p["summary"]


def test_a_closed_proposal_offers_no_command() -> None:
    event = proposal_event(action="proposal_withdrawn")
    event["proposal"] = {**event["proposal"], "status": "withdrawn"}
    p = event_payload(event)
    assert p["proposal"]["commands"] == {} and p["proposal"]["waiting_for"] == []
    assert "withdrawn" in p["summary"]


@pytest.mark.parametrize("action", NOTIFYING_ACTIONS)
def test_every_notifying_action_has_a_summary(action: str) -> None:
    p = event_payload(proposal_event(action=action))
    assert p["summary"] and not p["summary"].startswith(action)


def test_slack_payload_is_block_kit_with_escaped_text() -> None:
    event = proposal_event()
    event["teams"][0]["team"] = "<!channel> & co"
    s = render("slack", event)
    assert set(s) == {"text", "blocks"}
    assert s["blocks"][0]["type"] == "header"
    text = json.dumps(s["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; co" in text
    assert "column status was removed" in text and "tessera.acknowledge" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in s["blocks"])
    assert slack_payload(event_payload(simple_event("e9")))["blocks"][-1]["type"] == "context"


def test_parse_pending_refuses_a_malformed_document() -> None:
    with pytest.raises(NotifyError):
        parse_pending({"endpoints": [{"url": "http://x"}]})
    doc = parse_pending({"now": "t", "endpoints": [], "invalid": [{"index": 1, "problem": "bad"}]})
    assert doc.invalid == ((1, "bad"),)


# -- delivery against real receivers ---------------------------------------------------------


def test_retries_until_accepted_and_never_resends_after_2xx(receiver: Receiver) -> None:
    events = [simple_event("e1"), simple_event("e2")]
    first = deliver(document(endpoint(receiver.url, events)), Settings(timeout=5), env=ENV)
    # A 500 says the endpoint is down: the run stops there, e2 waits.
    assert [(a["event_id"], a["status_code"]) for a in first.attempts] == [("e1", 500)]
    assert first.endpoints[0].not_attempted == 1 and not first.ok
    retry = first.attempts[0]["next_attempt_at"]
    assert retry > first.attempts[0]["attempted_at"]
    second = deliver(
        document(endpoint(receiver.url, [simple_event("e1", attempt=2), simple_event("e2")])),
        Settings(timeout=5),
        env=ENV,
    )
    assert [a["status_code"] for a in second.attempts] == [500]
    third = deliver(
        document(
            endpoint(receiver.url, [simple_event("e1", attempt=3), simple_event("e2", attempt=1)])
        ),
        Settings(timeout=5),
        env=ENV,
    )
    assert [(a["event_id"], a["status_code"], a["attempt"]) for a in third.attempts] == [
        ("e1", 200, 3),
        ("e2", 200, 1),
    ]
    assert all(a["delivered_at"] and a["next_attempt_at"] is None for a in third.attempts)
    assert third.ok
    assert [r.event_id for r in receiver.accepted()] == ["e1", "e2"]
    assert all(r.signature_ok(SECRET) for r in receiver.requests)
    assert [r.headers["X-Tessera-Delivery-Attempt"] for r in receiver.requests] == [
        "1",
        "2",
        "3",
        "1",
    ]
    for r in receiver.requests:
        assert r.headers["Content-Type"] == "application/json"
        assert r.json()["event_id"] == r.event_id


def test_a_4xx_concerns_one_event_and_the_next_ones_are_still_sent() -> None:
    r = Receiver(status=400).start()
    try:
        result = deliver(
            document(endpoint(r.url, [simple_event("a"), simple_event("b")])), Settings(), env=ENV
        )
    finally:
        r.stop()
    assert [a["status_code"] for a in result.attempts] == [400, 400]
    assert all(a["error"] == "HTTP 400 Bad Request" for a in result.attempts)


def test_the_last_attempt_gives_up_without_a_next_attempt(receiver: Receiver) -> None:
    result = deliver(
        document(endpoint(receiver.url, [simple_event("e1", attempt=3)])),
        Settings(max_attempts=3),
        env=ENV,
    )
    assert result.attempts[0]["next_attempt_at"] is None and result.endpoints[0].gave_up == 1


def test_a_receiver_that_never_answers_does_not_hang_beyond_the_timeout(silent: Silent) -> None:
    events = [simple_event("e1"), simple_event("e2"), simple_event("e3")]
    start = time.monotonic()
    result = deliver(document(endpoint(silent.url, events)), Settings(timeout=0.5), env=ENV)
    elapsed = time.monotonic() - start
    assert elapsed < 3, elapsed
    assert [(a["status_code"], a["error"]) for a in result.attempts] == [
        (None, "timed out after 0.5s")
    ]
    assert result.endpoints[0].not_attempted == 2


def test_refused_and_unsigned_endpoints_are_skipped_and_nothing_is_recorded(
    receiver: Receiver,
) -> None:
    events = [simple_event("e1")]
    result = deliver(
        document(
            endpoint("ftp://127.0.0.1/x", events, index=0),
            endpoint("http://169.254.169.254/latest", events, index=1),
            endpoint(receiver.url, events, index=2, secret_env="MISSING_SECRET_ENV"),
            endpoint(receiver.url + "/2", events, index=3, secret_env=None),
        ),
        Settings(timeout=1),
        env=ENV,
    )
    assert result.attempts == [] and receiver.requests == []
    skipped = [e.skipped or "" for e in result.endpoints]
    assert skipped[0].startswith("refused: only http")
    assert skipped[1].startswith("refused:") and "169.254.169.254" in skipped[1]
    assert "MISSING_SECRET_ENV" in skipped[2] and "unsigned" in skipped[3]
    assert not result.ok


def test_slack_endpoints_may_go_unsigned(receiver: Receiver) -> None:
    receiver.fail_first = 0
    result = deliver(
        document(endpoint(receiver.url, [proposal_event()], format="slack", secret_env=None)),
        Settings(),
        env={},
    )
    assert result.ok and len(receiver.requests) == 1
    got = receiver.requests[0]
    assert "X-Tessera-Signature" not in got.headers and set(got.json()) == {"text", "blocks"}


def test_the_secret_never_leaves_the_signature(receiver: Receiver, silent: Silent) -> None:
    result = deliver(
        document(
            endpoint(receiver.url, [proposal_event("p1"), simple_event("e1")]),
            endpoint(silent.url, [simple_event("e2")], index=1),
            endpoint("http://169.254.169.254/x", [simple_event("e3")], index=2),
        ),
        Settings(timeout=0.3),
        env=ENV,
    )
    text = repr(result)
    assert SECRET not in text
    for r in receiver.requests:
        assert SECRET.encode() not in r.body and SECRET not in json.dumps(r.headers)


def test_dry_run_sends_nothing(receiver: Receiver) -> None:
    result = deliver(
        document(endpoint(receiver.url, [proposal_event()])), Settings(dry_run=True), env=ENV
    )
    assert receiver.requests == [] and result.attempts == []
    assert result.previews[0]["payload"]["proposal"]["proposal_id"] == "orders-7f3a2c"


def test_errors_never_quote_the_url() -> None:
    r = Response(None, "connection failed")
    assert r.endpoint_down and not r.accepted
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/services/T0/B0/TOKENPART"
    result = deliver(document(endpoint(url, [simple_event("e1")])), Settings(timeout=1), env=ENV)
    assert result.attempts[0]["error"] == "connection failed"
    assert "TOKENPART" not in repr(result)


def test_the_documented_receiver_example_verifies_real_requests(receiver: Receiver) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "notifications.md").read_text()
    code = doc.split("### Verifying a request", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    receiver.fail_first = 0
    deliver(document(endpoint(receiver.url, [proposal_event()])), Settings(), env=ENV)
    (got,) = receiver.requests
    assert namespace["verify"](SECRET.encode(), got.headers, got.body)
    assert not namespace["verify"](SECRET.encode(), got.headers, got.body + b" ")
    assert not namespace["verify"](b"wrong", got.headers, got.body)
    for action in NOTIFYING_ACTIONS:
        assert f"`{action}`" in doc, action
