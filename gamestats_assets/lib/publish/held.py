"""Partitions held back from publishing: what a run's blocking checks found wrong with them (`run_holds`), and
their record in PostgreSQL (`public.held_partitions`, `record_holds`). A held partition keeps the rows it had."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
import psycopg

HELD_PARTITIONS = "held_partitions"
"""The metadata entry of a check result (and of a publish) naming each partition held back, with the reason."""
HELD_TABLES = "held_tables"
"""The metadata entry of a check result naming the published tables (`schema.table`) its holds apply to; a
check without it holds its partitions from every table of the domain."""


def held_tag(domain: str) -> str:
    """The run tag that says how many partitions of the run the publish of `domain` held back."""
    return f"gamestats/{domain}_partitions_held"


@dataclass(frozen=True)
class Hold:
    """A partition held back by `check` (`asset key:check name`) for `reason`, from `tables` (every table of
    the domain when None)."""

    partition_key: str
    check: str
    reason: str
    tables: frozenset[str] | None = None

    def holds(self, table: str) -> bool:
        """Whether this hold keeps `table`'s partition as it was."""
        return self.tables is None or table in self.tables


def run_holds(instance: dg.DagsterInstance, run_id: str, domain: str, keys: Collection[str]) -> dict[str, list[Hold]]:
    """The partitions among `keys` that the blocking checks of run `run_id` on `domain`'s tables held
    back, each with the holds of every check that failed it. A check lists them under `held_partitions` in
    its result's metadata (`checks.partition_result`), and under `held_tables` the tables it holds them from
    when not all of the domain's."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    holds: dict[str, list[Hold]] = {}
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        held = evaluation.metadata.get(HELD_PARTITIONS)
        if not evaluation.blocking or held is None or evaluation.asset_key.path[0] != domain:
            continue
        check = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        tables = evaluation.metadata.get(HELD_TABLES)
        scope = frozenset(tables.value) if tables is not None else None
        for key, reason in held.value.items():
            if key in keys:
                holds.setdefault(key, []).append(Hold(key, check, reason, scope))
    return holds


def published_keys(keys: Sequence[str], holds: Mapping[str, list[Hold]], table: str) -> list[str]:
    """The keys of the run that are published to `table`: those no check held back from it."""
    return [key for key in keys if not any(hold.holds(table) for hold in holds.get(key, []))]


def held_metadata(holds: Mapping[str, list[Hold]], table: str | None = None) -> dg.MetadataValue:
    """The held partitions as a publish's metadata: each key with its checks' reasons (those that hold it from
    `table`, when given)."""
    return dg.MetadataValue.json({key: reasons for key, found in holds.items()
                                  if (reasons := {hold.check: hold.reason for hold in found
                                                  if table is None or hold.holds(table)})})


def record_holds(conn: psycopg.Connection, domain: str, tables: Sequence[str], keys: Sequence[str],
                 holds: Mapping[str, list[Hold]], run_id: str) -> None:
    """Make `public.held_partitions` say, for `tables` and every partition of the run (`keys`), what this
    run held back: the rows of the partitions it published go, each hold of the others replaces the earlier ones."""
    conn.execute("DELETE FROM public.held_partitions WHERE domain = %s AND table_name = ANY(%s) "
                 "AND partition_key = ANY(%s)", (domain, list(tables), list(keys)))
    rows = [(domain, table, hold.partition_key, hold.check, hold.reason, run_id)
            for table in tables for found in holds.values() for hold in found if hold.holds(table)]
    if rows:
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO public.held_partitions (domain, table_name, partition_key, check_name, "
                               "reason, run_id) VALUES (%s, %s, %s, %s, %s, %s)", rows)


def held_rows(conn: psycopg.Connection, domain: str) -> list[tuple[str, str, str, str, str]]:
    """(table, partition key, check, reason, run id) of every partition of `domain` held back now."""
    return conn.execute("SELECT table_name, partition_key, check_name, reason, run_id FROM public.held_partitions "
                        "WHERE domain = %s ORDER BY 1, 2, 3", (domain,)).fetchall()
