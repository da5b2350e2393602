"""A domain's published tables, checks, sensors and schedules as the manual lists them, rendered from the same
declarations the lake, the generated DDL (`gamestats ddl`) and the API's types come from."""

from collections.abc import Iterable, Sequence

import dagster as dg

from gamestats_assets.lib.authoring.assets import PublishMode
from gamestats_assets.lib.authoring.publish_steps import PublishSpec
from gamestats_assets.lib.core.partitions import partitions_name
from gamestats_assets.manual.markdown import cell, codes, paragraphs, table

PUBLISHED = {
    PublishMode.PARTITION: "each run replaces its partitions (a daily table by exchanging the day's PostgreSQL "
                           "partition)",
    PublishMode.SNAPSHOT: "replaced whole at each build",
    PublishMode.INSERT_IF_ABSENT: "rows inserted when their key is new, existing rows kept",
}
"""How a table's rows reach PostgreSQL, by its publish mode."""


def table_anchor(table: str) -> str:
    """The id of a published table's entry (`rocket.matches`), the same on every page that links to it."""
    return table


def partitions(spec: PublishSpec) -> str:
    """The table's partitions in words: `daily, by date`, `pubg_match, by match_id` or `none (a snapshot)`."""
    if spec.partitions_def is None:
        return "none (a snapshot over every partition)"
    return f"{partitions_name(spec.partitions_def)}, by `{spec.partition_column}`"


def published_table(spec: PublishSpec) -> str:
    """One published table: its name, where it comes from, its grain, partitions and publish, its description and
    its columns with their types and descriptions."""
    source = spec.source.key.to_user_string()
    facts = [f"**Asset** `{spec.asset_key.to_user_string()}`, published from `{source}`",
             f"**Grain** {codes(spec.key_columns)}", f"**Partitions** {partitions(spec)}",
             f"**Publish** {PUBLISHED[spec.mode]}"
             + (f", by `{spec.by_key}` within the day" if spec.by_key else "")]
    if spec.sum_column:
        facts.append(f"**Reconciled** `{spec.sum_column}`'s total against the lake")
    columns = table(("column", "type", "null", "description"), [
        (f"`{name}`", f"`{column.type}`", "no" if column.not_null or name in spec.key_columns else "yes",
         cell(column.description)) for name, column in spec.columns.items()])
    description = spec.source.descriptions_by_key.get(spec.source.key) or ""
    return "\n\n".join([f"### `{spec.table}` {{#{table_anchor(spec.table)}}}", " · ".join(facts),
                        paragraphs(description), columns])


def published_tables(specs: Sequence[PublishSpec]) -> str:
    """Every table of `specs`, in declaration order, after a table of contents."""
    contents = table(("table", "grain", "partitions"), [
        (f"[`{spec.table}`](#{table_anchor(spec.table)})", codes(spec.key_columns), partitions(spec))
        for spec in specs])
    return "\n\n".join([contents, *map(published_table, specs)])


def check_specs(defs: dg.Definitions) -> list[dg.AssetCheckSpec]:
    """Every asset check of `defs`, those declared apart and those an asset carries, by asset and name."""
    specs = [spec for checks in defs.asset_checks or [] for spec in checks.check_specs]
    specs += [spec for asset in defs.assets or [] for spec in getattr(asset, "check_specs", ())]
    return sorted(specs, key=lambda spec: (spec.asset_key.to_user_string(), spec.name))


def checks(defs: dg.Definitions) -> str:
    """Every check of `defs`: its name, the asset it judges, whether it blocks what follows, what must hold."""
    return table(("check", "asset", "blocking", "what must hold"), [
        (f"`{spec.name}`", f"`{spec.asset_key.to_user_string()}`", "yes" if spec.blocking else "no",
         cell(spec.description)) for spec in check_specs(defs)])


def sensor_row(sensor: dg.SensorDefinition) -> tuple[str, ...]:
    every = f"every {sensor.minimum_interval_seconds} s" if sensor.minimum_interval_seconds else "every tick"
    return (f"`{sensor.name}`", "sensor", every, status(sensor.default_status), cell(sensor.description))


def schedule_row(schedule: dg.ScheduleDefinition) -> tuple[str, ...]:
    when = f"`{schedule.cron_schedule}` ({schedule.execution_timezone or 'UTC'})"
    does = schedule.description or f"runs `{schedule.job_name}`"
    return (f"`{schedule.name}`", "schedule", when, status(schedule.default_status), cell(does))


def status(default: dg.DefaultSensorStatus | dg.DefaultScheduleStatus) -> str:
    return "on" if default.value == "RUNNING" else "off until switched on"


def automation(sensors: Iterable[dg.SensorDefinition], schedules: Iterable[dg.ScheduleDefinition]) -> str:
    """The sensors and schedules given: when each looks or runs, whether it is on by default, what it does."""
    rows = [*map(sensor_row, sorted(sensors, key=lambda s: s.name)),
            *map(schedule_row, sorted(schedules, key=lambda s: s.name))]
    return table(("name", "kind", "when", "by default", "what it does"), rows)
