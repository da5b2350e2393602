"""Tracked players' backfills as Dagster's instance holds them (the tracked-player sensor submits them, tagged with
the player and the request they answer): their progress in matches and in asset partitions, Dagster's status in
words, and Dagster's own cancel (a backfill marked `CANCELING`, whose runs the backfill daemon then cancels)."""

from __future__ import annotations

from gamestats_assets.lib.core.partitions import PLAYER_TAG
from gamestats_assets.lib.intake.tracking import REQUEST_TAG

STATUS_WORDS = {
    "REQUESTED": "Running", "CANCELING": "Cancelling", "CANCELED": "Cancelled", "COMPLETED": "Completed",
    "COMPLETED_SUCCESS": "Completed", "COMPLETED_FAILED": "Completed with failures", "FAILING": "Failing",
    "FAILED": "Failed"}
"""Dagster's status codes of a backfill, in words."""
IN_PROGRESS = ("REQUESTED", "CANCELING", "FAILING")
CANCELLABLE = ("REQUESTED",)


def in_words(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " ").capitalize())


def of_domain(instance, domain: str) -> list:
    """The tracked players' backfills of `domain` on `instance` (those whose assets are the domain's), newest
    first."""
    found = [b for b in instance.get_backfills() if PLAYER_TAG in b.tags and b.asset_backfill_data is not None
             and any(key.path[0] == domain for key in b.asset_backfill_data.target_subset.asset_keys)]
    return sorted(found, key=lambda b: b.backfill_timestamp, reverse=True)


def latest_by_player(backfills: list) -> dict[str, object]:
    """The newest of `backfills` (newest first) of each player."""
    latest: dict[str, object] = {}
    for backfill in backfills:
        latest.setdefault(backfill.tags[PLAYER_TAG], backfill)
    return latest


def per_asset(subset) -> list[int]:
    return [len(part) for part in subset.partitions_subsets_by_asset_key.values()]


def progress(backfill) -> dict:
    """A tracked player's backfill as the admin shows it: its status (Dagster's code and in words), matches done,
    failed and in all (every asset of a match built: the asset the backfill built least of), asset partitions done,
    failed and in all, and what can be done with it."""
    data = backfill.asset_backfill_data
    total = per_asset(data.target_subset)
    done, failed = per_asset(data.materialized_subset), per_asset(data.failed_and_downstream_subset)
    status = backfill.status.value
    request = backfill.tags.get(REQUEST_TAG)
    matches_done = min(done, default=0) if len(done) == len(total) else 0
    return {
        "backfill_id": backfill.backfill_id, "player_id": backfill.tags[PLAYER_TAG],
        "request_id": int(request) if request and request.isdigit() else None,
        "status": status, "status_label": in_words(status),
        "matches_total": max(total, default=0), "matches_done": matches_done,
        "matches_failed": max(failed, default=0),
        "partitions_total": sum(total), "partitions_done": sum(done), "partitions_failed": sum(failed),
        "progress": round(matches_done / max(total), 3) if sum(total) else None,
        "started_at": backfill.backfill_timestamp, "ended_at": backfill.backfill_end_timestamp,
        "in_progress": status in IN_PROGRESS, "can_cancel": status in CANCELLABLE}


class NotCancellable(ValueError):
    """A backfill that is not in progress (the API's 409, saying its status)."""


def cancel(instance, backfill) -> object:
    """Cancel `backfill` as Dagster's UI does (`CANCELING`: the backfill daemon cancels its runs, then marks it
    `CANCELED`); the backfill as stored. `NotCancellable` unless it is running."""
    from dagster._core.execution.backfill import BulkActionStatus

    if backfill.status.value not in CANCELLABLE:
        raise NotCancellable(f"backfill {backfill.backfill_id} is {in_words(backfill.status.value).lower()}: only a "
                             "running backfill can be cancelled")
    instance.update_backfill(backfill.with_status(BulkActionStatus.CANCELING))
    return instance.get_backfill(backfill.backfill_id)
