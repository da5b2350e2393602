"""The domains of the lakehouse, one folder each with the same files: assets, checks, publish, schedules."""

import warnings

import dagster as dg

# Partitioned asset checks and backfill policies are marked preview/beta in Dagster 1.13; the project
# relies on both deliberately (and tests them), so their warnings would only be noise for operators.
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)
