"""The daily retention of raw landing files under `gamestats dev`: `landing_retention_schedule` (on by default, at
05:00 UTC, before the morning's daily runs) runs the job `landing_retention` with `GAMESTATS_LANDING_RETENTION_DAYS`
as the code location reads it, which retires the files past it (`retention.retire_old_files`, by the domains'
declared `Retention`) and says, in its metadata, how many by domain and which days past it were not retired
(`days_not_fully_read`: their files not read as they are by the day's last run); unset, the tick skips saying that
landing files are kept."""

from collections.abc import Mapping

import dagster as dg

from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.retention import Retention, last_retired_day, retire_old_files

RETENTION_JOB_NAME = "landing_retention"


class RetentionConfig(dg.Config):
    """How old a file's day must be to retire it."""

    older_than_days: int


def build_landing_retention(retentions: Mapping[str, Retention]
                            ) -> tuple[dg.JobDefinition, dg.ScheduleDefinition]:
    """The job `landing_retention`, which retires the landing files of the domains of `retentions` (domain → how
    its files are retired), and its daily schedule."""

    @dg.op(description="Retires the landing files whose day is older than the retention and whose rows the lake "
           "holds (the days of a domain retired whole, once their last run read every file of them); the published "
           "tables stay as they are.")
    def retire_landing_files(context: dg.OpExecutionContext, config: RetentionConfig,
                             platform: PlatformResource) -> None:
        retirement = retire_old_files(platform.data_dir, config.older_than_days, retentions)
        for line in retirement.lines():
            context.log.info(line)
        context.add_output_metadata({
            **retirement.counts(), "last_retired_day": last_retired_day(config.older_than_days).isoformat(),
            "days_not_fully_read": dg.MetadataValue.json(retirement.unread)})

    @dg.job(name=RETENTION_JOB_NAME,
            description="Retires the landing files older than the retention, keeping their rows.")
    def landing_retention() -> None:
        retire_landing_files()

    @dg.schedule(job=landing_retention, cron_schedule="0 5 * * *", execution_timezone="UTC",
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description="Every morning: the landing files older than GAMESTATS_LANDING_RETENTION_DAYS retired; "
                 "skips while it is unset.")
    def landing_retention_schedule(context: dg.ScheduleEvaluationContext):
        days = Settings.from_env().landing_retention_days
        if days is None:
            return dg.SkipReason("GAMESTATS_LANDING_RETENTION_DAYS is not set: landing files are kept")
        return dg.RunRequest(run_key=f"{context.scheduled_execution_time.date().isoformat()}:{days}", run_config={
            "ops": {"retire_landing_files": {"config": {"older_than_days": days}}}})

    return landing_retention, landing_retention_schedule
