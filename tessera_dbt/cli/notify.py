"""``tessera notify``: deliver the registry's events to the webhooks of ``tessera_webhooks``.

Two dbt invocations at most: ``run-operation tessera.notify_pending`` reads the endpoints and
their pending events (one query), then, after sending, ``run-operation tessera.notify_record``
appends every attempt to ``tessera_deliveries`` (one transaction). Sending happens here, in
:mod:`tessera_dbt.notify.webhooks`. Exit 0 when everything pending was delivered (or nothing was
pending), 1 when an attempt failed or an endpoint was skipped or misconfigured, 2 on errors.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any

import click

from tessera_dbt.cli._common import (
    EXIT_BLOCKED,
    EXIT_OK,
    dbt_options,
    echo_json,
    fail,
    format_option,
    options_from,
)
from tessera_dbt.cli.dbt_runner import DbtError, DbtOptions, DbtOutcome, invoke
from tessera_dbt.notify.webhooks import (
    BACKOFF_BASE,
    DEFAULT_MAX_AGE_DAYS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_EVENTS,
    DEFAULT_TIMEOUT,
    NOTIFYING_ACTIONS,
    Delivery,
    NotifyError,
    PendingDocument,
    Settings,
    deliver,
    parse_pending,
)

# The documents these operations print hold endpoint URLs (a Slack webhook URL is a
# credential) and event payloads: keep them out of logs/dbt.log. dbt writes print() output
# there at any level but "none"; errors still reach the CLI's own one-line message.
_QUIET_FILE_LOG = ["--log-level-file", "none"]


def _operation(name: str, arguments: dict[str, Any], options: DbtOptions) -> DbtOutcome:
    args = ["run-operation", f"tessera.{name}", "--args", json.dumps(arguments), *_QUIET_FILE_LOG]
    outcome = invoke(args, options)
    if not outcome.success:
        raise DbtError(outcome.error_line())
    return outcome


def read_pending(
    options: DbtOptions,
    *,
    max_events: int,
    max_age_days: int,
    max_attempts: int,
    retry_now: bool,
) -> PendingDocument:
    """Run ``tessera.notify_pending`` and parse what it printed."""
    outcome = _operation(
        "notify_pending",
        {
            "actions": list(NOTIFYING_ACTIONS),  # what "*" means
            "max_events": max_events,
            "max_age_days": max_age_days,
            "max_attempts": max_attempts,
            "retry_now": retry_now,
        },
        options,
    )
    document = outcome.json_document()
    if not isinstance(document, dict):
        raise DbtError(
            "tessera.notify_pending printed no JSON document (is the tessera package in "
            "dbt_packages up to date? run `dbt deps`)"
        )
    return parse_pending(document)


def record(attempts: list[dict[str, Any]], options: DbtOptions) -> int:
    """Run ``tessera.notify_record`` with every attempt; returns the rows written."""
    if not attempts:
        return 0
    outcome = _operation("notify_record", {"attempts": attempts}, options)
    document = outcome.json_document()
    return int(document.get("recorded", 0)) if isinstance(document, dict) else 0


def _report_text(pending: PendingDocument, result: Delivery, dry_run: bool) -> None:
    for warning in result.warnings:
        click.echo(f"tessera notify: warning: {warning}", err=True)
    if not pending.endpoints:
        if not result.warnings:
            click.echo("tessera notify: no webhooks configured (variable tessera_webhooks)")
        return
    total = sum(len(e.pending) for e in pending.endpoints)
    click.echo(
        f"tessera notify: {len(pending.endpoints)} endpoint(s), {total} event(s) pending"
        + (" (dry run: nothing sent or recorded)" if dry_run else "")
    )
    for rep in result.endpoints:
        head = f"  [{rep.index}] {rep.url} ({rep.format}): "
        if rep.skipped:
            click.echo(head + rep.skipped, err=True)
            continue
        if dry_run:
            click.echo(head + f"{rep.pending} event(s) would be sent")
            continue
        parts = [f"{rep.delivered} delivered"]
        if rep.failed:
            failed = f"{rep.failed} failed ({'; '.join(rep.errors)})"
            if rep.retry_after:
                failed += f", retry after {rep.retry_after}"
            if rep.gave_up:
                failed += f", {rep.gave_up} given up after the last attempt"
            parts.append(failed)
        if rep.not_attempted:
            parts.append(f"{rep.not_attempted} left for the next run")
        click.echo(head + ", ".join(parts))


def _report_json(pending: PendingDocument, result: Delivery, recorded: int, ok: bool) -> None:
    echo_json(
        {
            "ok": ok,
            "recorded": recorded,
            "warnings": result.warnings,
            "endpoints": [
                {
                    "index": r.index,
                    "url": r.url,
                    "format": r.format,
                    "pending": r.pending,
                    "delivered": r.delivered,
                    "failed": r.failed,
                    "gave_up": r.gave_up,
                    "not_attempted": r.not_attempted,
                    "skipped": r.skipped,
                    "errors": r.errors,
                    "retry_after": r.retry_after,
                }
                for r in result.endpoints
            ],
            "attempts": result.attempts,
            **({"previews": result.previews} if result.previews else {}),
        }
    )


@click.command("notify")
@dbt_options
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=300),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each endpoint to connect and to answer.",
)
@click.option(
    "--max-events",
    type=click.IntRange(min=1, max=10000),
    default=DEFAULT_MAX_EVENTS,
    show_default=True,
    help="Send at most this many events to each endpoint in this run (oldest first).",
)
@click.option(
    "--max-age-days",
    type=click.IntRange(min=1, max=3650),
    default=DEFAULT_MAX_AGE_DAYS,
    show_default=True,
    help="Only events this recent are delivered (older ones are never sent).",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(min=1, max=100),
    default=DEFAULT_MAX_ATTEMPTS,
    show_default=True,
    help="Stop retrying an event at an endpoint after this many failed attempts.",
)
@click.option(
    "--backoff-seconds",
    type=click.FloatRange(min=0, max=86400),
    default=BACKOFF_BASE.total_seconds(),
    show_default=True,
    help="Base delay before retrying a failed attempt (doubles with each attempt, at most 6h).",
)
@click.option(
    "--retry-now",
    is_flag=True,
    help="Retry failed events now, without waiting for their backoff to pass.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be sent (with --format json: the payloads); send and record nothing.",
)
@format_option("text", "json")
def notify_command(
    timeout: float,
    max_events: int,
    max_age_days: int,
    max_attempts: int,
    backoff_seconds: float,
    retry_now: bool,
    dry_run: bool,
    fmt: str,
    **kw: Any,
) -> None:
    """Deliver registry events to the webhooks of the tessera_webhooks variable.

    Each endpoint ({url, secret_env, events, format: generic|slack}) receives the events it
    subscribes to that it has not accepted yet, signed with HMAC-SHA256 under the secret in
    the environment variable named by secret_env. Every attempt is recorded in
    tessera_deliveries; failed ones are retried by later runs with exponential backoff.
    Exit 0: all delivered; 1: some attempt failed or an endpoint was skipped; 2: error.
    See docs/notifications.md.
    """
    options = options_from(kw)
    settings = Settings(
        timeout=timeout,
        max_attempts=max_attempts,
        backoff_base=timedelta(seconds=backoff_seconds),
        dry_run=dry_run,
    )
    try:
        pending = read_pending(
            options,
            max_events=max_events,
            max_age_days=max_age_days,
            max_attempts=max_attempts,
            retry_now=retry_now,
        )
    except (DbtError, NotifyError) as exc:
        fail(str(exc), fmt)
    result = deliver(pending, settings)
    recorded = 0
    if not dry_run:
        try:
            recorded = record(result.attempts, options)
        except DbtError as exc:
            fail(
                f"{len(result.attempts)} attempt(s) were made but could not be recorded "
                f"(those events may be sent again): {exc}",
                fmt,
            )
    if fmt == "json":
        _report_json(pending, result, recorded, result.ok)
    else:
        _report_text(pending, result, dry_run)
    sys.exit(EXIT_OK if result.ok else EXIT_BLOCKED)
