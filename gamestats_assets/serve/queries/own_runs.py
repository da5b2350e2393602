"""What Dagster's instance keeps by an account's ids, for its export (`GET /api/v1/users/export`): for each id of a
domain with players (`domain_ids`), whether it is a tracked player of that domain, and the backfills of their
history and the runs those launched, found as the deletion finds what it renames
(`lib/erasure/instance.named_in_instance`). The runs' logs, which every run of a match writes about all its
players, are not theirs alone and are left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gamestats_assets.lib.erasure.instance import named_in_instance
from gamestats_assets.published.players import PLAYERS
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.queries.users import domain_ids


def when(moment: float | dt.datetime | None) -> dt.datetime | None:
    """A Dagster time (seconds since the epoch, or a datetime, naive in UTC) as an aware one."""
    if moment is None or isinstance(moment, dt.datetime):
        return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(moment, dt.UTC)


def runs_of_player(instance: Any | None, who: Principal) -> dict[str, list[dict]] | None:
    """The tracked ids, backfills and runs `instance` keeps by `who`'s ids, each once; None without an instance."""
    if instance is None:
        return None
    tracked, backfills, runs = [], {}, {}
    for domain, ids in domain_ids(who.player_ids).items():
        for player_id in ids if domain in PLAYERS else ():
            named = named_in_instance(instance, domain, player_id)
            tracked += [{"domain": domain, "player_id": player_id}] if named.tracked else []
            backfills |= {b.backfill_id: {"backfill_id": b.backfill_id, "status": b.status.value,
                                          "requested_at": when(b.backfill_timestamp), "tags": dict(b.tags)}
                          for b in named.backfills}
            runs |= {r.dagster_run.run_id: {"run_id": r.dagster_run.run_id, "job_name": r.dagster_run.job_name,
                                            "status": r.dagster_run.status.value,
                                            "created_at": when(r.create_timestamp),
                                            "tags": dict(r.dagster_run.tags)}
                     for r in named.runs}
    return {"tracked_players": tracked, "backfills": [backfills[k] for k in sorted(backfills)],
            "runs": sorted(runs.values(), key=lambda run: (run["created_at"], run["run_id"]))}
