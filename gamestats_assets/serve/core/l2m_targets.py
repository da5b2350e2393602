"""The Lineage 2M KPI targets the board shows against actuals: a JSON file, `GAMESTATS_L2M_TARGETS` or the packaged
`l2m_targets.json`, read once per server process (restart `gamestats serve` after editing it).

The file holds, for each period length the board compares (`day`, `week`: 7 days, `month`: 30 days), a target per
KPI of that period (`mean_dau`, `new_users`, `revenue_usd`, `arpu_usd`, `arppu_usd`, `paying_rate`), and the
`retention` targets of D1, D3, D7 and D30; a KPI left out has no target. Every target is a floor: met when the
actual is at or above it."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGED = Path(__file__).parents[1] / "l2m_targets.json"
PERIODS = {"day": 1, "week": 7, "month": 30}
"""Each period the board compares, and its days."""
METRICS = ("mean_dau", "new_users", "revenue_usd", "arpu_usd", "arppu_usd", "paying_rate")
"""The KPIs a period compares, in the board's order."""

class PeriodTargets(BaseModel):
    """The targets of a period's KPIs (null: none set)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    mean_dau: float | None = Field(None, ge=0, description="mean DAU over the period")
    new_users: float | None = Field(None, ge=0, description="users registered in the period")
    revenue_usd: float | None = Field(None, ge=0, description="the period's revenue, USD")
    arpu_usd: float | None = Field(None, ge=0, description="revenue per active user of the period, USD")
    arppu_usd: float | None = Field(None, ge=0, description="revenue per paying user of the period, USD")
    paying_rate: float | None = Field(None, ge=0, le=1, description="paying users / active users of the period")


class RetentionTargets(BaseModel):
    """The targets of day-N retention (null: none set)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    d1: float | None = Field(None, ge=0, le=1, description="D1 retention")
    d3: float | None = Field(None, ge=0, le=1, description="D3 retention")
    d7: float | None = Field(None, ge=0, le=1, description="D7 retention")
    d30: float | None = Field(None, ge=0, le=1, description="D30 retention")


class Targets(BaseModel):
    """Every target of the board."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    day: PeriodTargets = Field(PeriodTargets(), description="a day's KPIs")
    week: PeriodTargets = Field(PeriodTargets(), description="a 7-day period's KPIs")
    month: PeriodTargets = Field(PeriodTargets(), description="a 30-day period's KPIs")
    retention: RetentionTargets = Field(RetentionTargets(), description="day-N retention")


class TargetSettings(BaseSettings):
    """`GAMESTATS_L2M_TARGETS`: the targets file (default: the packaged `l2m_targets.json`)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")
    path: Path = Field(PACKAGED, validation_alias="GAMESTATS_L2M_TARGETS")


class TargetsError(ValueError):
    """The targets file cannot be read or is not a targets file."""


@functools.cache
def read(path: Path) -> Targets:
    """The targets of the file `path`, or `TargetsError` saying what is wrong with it."""
    try:
        return Targets.model_validate(json.loads(path.read_text()))
    except (OSError, ValueError, ValidationError) as error:
        raise TargetsError(f"GAMESTATS_L2M_TARGETS ({path}): {error}") from error


def targets() -> Targets:
    """The targets in effect (`GAMESTATS_L2M_TARGETS`, read once per path)."""
    return read(TargetSettings().path)
