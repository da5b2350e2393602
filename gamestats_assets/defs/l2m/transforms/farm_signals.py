"""What one account did on one day, and the behaviour signals of bot farming read from it.

A player can look like a farm's account alone (a grinder, a night of auto-hunt), so these signals only make
an account a *candidate*; `farmers` joins candidates into farms through shared infrastructure."""

from __future__ import annotations

import polars as pl

GRIND_FACTOR = 2.0
ROUND_THE_CLOCK_HOURS = 20
REGULAR_MIN_SESSIONS = 4
REGULAR_MAX_CV = 0.05
PARKED_MAX_LEVEL = 10
PARKED_MIN_AGE_DAYS = 7

FARMING_SIGNALS = ("grinding", "round_the_clock", "machine_regular")
"""The signals that make an account a farming candidate on their own."""

_HOUR_MS = 3_600_000


def _gains(item_gain: pl.DataFrame, money_gain: pl.DataFrame) -> pl.DataFrame:
    """Per user: gain events (items and diamonds), items and diamonds gained."""
    items = item_gain.lazy().group_by("user_id").agg(
        pl.col("events").sum().alias("item_events"), pl.col("quantity").sum().alias("items_gained"))
    money = money_gain.lazy().group_by("user_id").agg(
        pl.col("events").sum().alias("money_events"), pl.col("amount").sum().alias("diamonds_gained"))
    return (items.join(money, on="user_id", how="full", coalesce=True)
            .select("user_id",
                    (pl.col("item_events").fill_null(0) + pl.col("money_events").fill_null(0)).alias("gain_events"),
                    pl.col("items_gained").fill_null(0), pl.col("diamonds_gained").fill_null(0))
            .collect())


def _cv(values: pl.Expr) -> pl.Expr:
    """Coefficient of variation (population standard deviation over mean); null when the mean is 0."""
    return pl.when(values.mean() > 0).then(values.std(ddof=0) / values.mean())


def _session_rows(logout: pl.DataFrame) -> pl.DataFrame:
    """One row per session from the day's logouts (a logout closes one session and carries its length):
    user_id, online seconds, start and end in milliseconds after midnight."""
    time = pl.col("event_time")
    return logout.select(
        "user_id", pl.col("online_seconds").clip(lower_bound=0),
        end_ms=time.dt.hour().cast(pl.Int64) * _HOUR_MS + time.dt.minute().cast(pl.Int64) * 60_000
        + time.dt.second().cast(pl.Int64) * 1_000 + time.dt.millisecond().cast(pl.Int64),
    ).with_columns(start_ms=(pl.col("end_ms") - pl.col("online_seconds") * 1_000).clip(lower_bound=0))


def _regularity(sessions: pl.DataFrame) -> pl.DataFrame:
    """Per user with at least `REGULAR_MIN_SESSIONS` sessions: the variation of session lengths and of
    the gaps between consecutive session starts."""
    ordered = sessions.sort("user_id", "start_ms")
    same_user = pl.col("user_id") == pl.col("user_id").shift(1)
    return (ordered.with_columns(gap=pl.when(same_user).then(pl.col("start_ms") - pl.col("start_ms").shift(1)))
            .group_by("user_id").agg(_cv(pl.col("online_seconds").cast(pl.Float64)).alias("session_length_cv"),
                                     _cv(pl.col("gap").drop_nulls().cast(pl.Float64)).alias("session_gap_cv")))


def _hours_covered(sessions: pl.DataFrame) -> pl.DataFrame:
    """Per user: the distinct clock hours its sessions touch."""
    return (sessions.select("user_id", hour=pl.int_ranges(pl.col("start_ms") // _HOUR_MS,
                                                           pl.col("end_ms") // _HOUR_MS + 1))
            .explode("hour")
            .group_by("user_id").agg(pl.col("hour").n_unique().cast(pl.Int64).alias("hours_covered")))


def _sessions(logout: pl.DataFrame) -> pl.DataFrame:
    """Per user: sessions, online seconds, the variation of session lengths and start gaps (users with
    enough sessions to tell) and the hours of the day the sessions cover (users who could reach
    `ROUND_THE_CLOCK_HOURS`)."""
    sessions = _session_rows(logout)
    per_user = sessions.lazy().group_by("user_id").agg(pl.len().cast(pl.Int64).alias("sessions"),
                                                       pl.col("online_seconds").sum().alias("online_seconds")).collect()
    many = per_user.filter(pl.col("sessions") >= REGULAR_MIN_SESSIONS).select("user_id")
    # A session of L hours touches at most L + 2 clock hours, so only these users can reach the threshold.
    could_cover = per_user.filter(
        pl.col("online_seconds") / 3_600 + 2 * pl.col("sessions") >= ROUND_THE_CLOCK_HOURS).select("user_id")
    return (per_user.join(_regularity(sessions.join(many, on="user_id", how="semi")), on="user_id", how="left")
            .join(_hours_covered(sessions.join(could_cover, on="user_id", how="semi")), on="user_id", how="left")
            .with_columns(pl.col("hours_covered").fill_null(0)))


def account_activity(active: pl.DataFrame, logout: pl.DataFrame, item_gain: pl.DataFrame,
                     money_gain: pl.DataFrame) -> pl.DataFrame:
    """One row per active account of the day with what the behaviour signals read: level, registration date,
    whether it registered that day, sessions, online seconds, session-length and start-gap variation, hours
    covered, gain events, items and diamonds gained. Grain: (date, user_id). Inputs: CONS l2m_active,
    ETL logout, item_gain and money_gain of the day."""
    return (active.lazy().select("date", "user_id", "server_id", "level", "is_new_user", "register_date")
            .join(_sessions(logout).lazy(), on="user_id", how="left", maintain_order="left")
            .join(_gains(item_gain, money_gain).lazy(), on="user_id", how="left", maintain_order="left")
            .with_columns(pl.col("sessions", "online_seconds", "hours_covered", "gain_events", "items_gained",
                                 "diamonds_gained").fill_null(0))
            .collect())


def typical_gain_events(activity: pl.DataFrame) -> float:
    """The gain events of the day's typical player, the reference of `grinding`: the median of the
    ordinary gaining accounts (registered before the day, covering fewer than `ROUND_THE_CLOCK_HOURS`
    hours: where new or all-day players are many they would raise it to a farm's level), or of every
    gaining account when there is no ordinary one; 0 when nobody gained."""
    gaining = activity.filter(pl.col("gain_events") > 0)
    ordinary = gaining.filter(~pl.col("is_new_user") & (pl.col("hours_covered") < ROUND_THE_CLOCK_HOURS))
    reference = (ordinary if ordinary.height else gaining)["gain_events"]
    return float(reference.median()) if reference.len() else 0.0


def behaviour_signals(activity: pl.DataFrame) -> pl.DataFrame:
    """`activity` with one boolean column per behaviour signal and `candidate`: not registered that day
    (new players' identical starter rewards would look like one script) and at least one of
    `FARMING_SIGNALS`.

    - `grinding`: gain events at least `GRIND_FACTOR` times `typical_gain_events`.
    - `round_the_clock`: sessions cover at least `ROUND_THE_CLOCK_HOURS` distinct hours of the day.
    - `machine_regular`: at least `REGULAR_MIN_SESSIONS` sessions whose lengths, or start gaps, have a
      coefficient of variation of at most `REGULAR_MAX_CV`.
    - `parked_low_level`: a farming signal at level `PARKED_MAX_LEVEL` or below, registered at least
      `PARKED_MIN_AGE_DAYS` days before (or registration unknown).
    """
    median_gain = typical_gain_events(activity)
    regular = (pl.col("sessions") >= REGULAR_MIN_SESSIONS) & (
        (pl.col("session_length_cv") <= REGULAR_MAX_CV) | (pl.col("session_gap_cv") <= REGULAR_MAX_CV)
    ).fill_null(False)
    flagged = activity.with_columns(
        grinding=(pl.col("gain_events") >= GRIND_FACTOR * max(median_gain, 1.0)),
        round_the_clock=pl.col("hours_covered") >= ROUND_THE_CLOCK_HOURS,
        machine_regular=regular,
    )
    farming = pl.any_horizontal(FARMING_SIGNALS) & ~pl.col("is_new_user")
    return flagged.with_columns(
        parked_low_level=farming & (pl.col("level") <= PARKED_MAX_LEVEL)
        & ((pl.col("date") - pl.col("register_date")).dt.total_days() >= PARKED_MIN_AGE_DAYS).fill_null(True),
        candidate=farming,
    )
