"""The columns of demo_data's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import BIGINT, DATE, DOUBLE, JSONB, TEXT, TEXT_BYTES, TIMESTAMP, Columns

COLUMNS: dict[str, Columns] = {
    "events": {
        "date": DATE, "source_file": TEXT, "line_number": BIGINT, "event_type": TEXT.required,
        "account_id": TEXT_BYTES, "distinct_id": TEXT, "event_name": TEXT, "event_time": TIMESTAMP, "uuid": TEXT,
        "ip": TEXT, "segment": TEXT, "properties": JSONB},
    "daily_activity": {
        "date": DATE, "segment": TEXT, "active_users": BIGINT.required, "track_events": BIGINT.required,
        "user_updates": BIGINT.required, "new_users": BIGINT.required},
    "retention": {
        "segment": TEXT, "cohort_d1": BIGINT.required, "retained_d1": BIGINT.required, "d1": DOUBLE,
        "d1_ci_low": DOUBLE, "d1_ci_high": DOUBLE, "cohort_d7": BIGINT.required, "retained_d7": BIGINT.required,
        "d7": DOUBLE, "d7_ci_low": DOUBLE, "d7_ci_high": DOUBLE},
    "conversion": {
        "segment": TEXT, "active_users": BIGINT.required, "converted_users": BIGINT.required, "conversion": DOUBLE,
        "conversion_ci_low": DOUBLE, "conversion_ci_high": DOUBLE},
}
