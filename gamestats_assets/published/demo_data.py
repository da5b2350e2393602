"""The columns of demo_data's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import (
    BIGINT,
    DATE,
    DOUBLE,
    JSONB,
    TEXT,
    TEXT_BYTES,
    TIMESTAMP,
    Columns,
    described,
)

MEANINGS = {
    "date": "the day (UTC) of the landing folder the line came in",
    "segment": "the user's segment (NEW, ACTIVE, POWER, CHURNING, CHURNED, RETURNING): the export's own `segment` "
               "user property, else the population's, else `unknown`",
    "active_users": "users with at least one track event",
}
"""What a column name means in every demo_data table that has it."""

COLUMNS: dict[str, Columns] = described({
    "events": {
        "date": DATE, "source_file": TEXT("the landing file the line came from"),
        "line_number": BIGINT("the line's number in its file, from 1"),
        "event_type": TEXT.required("the line's `#type`: `track` or a user update (`user_set`, ...)"),
        "account_id": TEXT_BYTES("the line's `#account_id`: the user"),
        "distinct_id": TEXT("the line's `#distinct_id`: the device or anonymous id"),
        "event_name": TEXT("the line's `#event_name` (null for a user update)"),
        "event_time": TIMESTAMP("the line's `#time`, as the export wrote it"),
        "uuid": TEXT("the line's `#uuid`"), "ip": TEXT("the line's `#ip`"),
        "segment": TEXT("the user's segment as known on the day: the export's own `segment` user property, else the "
                        "population's, else `unknown`"),
        "properties": JSONB("the line's properties as delivered: one JSON object, exactly the keys the line had")},
    "daily_activity": {
        "date": DATE("the day"), "segment": TEXT, "active_users": BIGINT.required,
        "track_events": BIGINT.required("track events of the day"),
        "user_updates": BIGINT.required("`user_set` updates of the day"),
        "new_users": BIGINT.required("users whose install date is the day (for a dropped-in export's users, the day "
                                     "of their first line)")},
    "retention": {
        "segment": TEXT,
        "cohort_d1": BIGINT.required("users installed on a day whose next day is in the data"),
        "retained_d1": BIGINT.required("of those, users active the day after installing"),
        "d1": DOUBLE("D1 retention: `retained_d1 / cohort_d1`"), "d1_ci_low": DOUBLE, "d1_ci_high": DOUBLE,
        "cohort_d7": BIGINT.required("users installed on a day whose seventh day after is in the data"),
        "retained_d7": BIGINT.required("of those, users active seven days after installing"),
        "d7": DOUBLE("D7 retention: `retained_d7 / cohort_d7`"), "d7_ci_low": DOUBLE, "d7_ci_high": DOUBLE},
    "conversion": {
        "segment": TEXT, "active_users": BIGINT.required("users active at least once"),
        "converted_users": BIGINT.required("of those, users who did the conversion event (the last step of the last "
                                           "funnel)"),
        "conversion": DOUBLE("`converted_users / active_users`"), "conversion_ci_low": DOUBLE,
        "conversion_ci_high": DOUBLE},
}, MEANINGS)
