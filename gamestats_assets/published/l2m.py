"""The columns of l2m's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import BIGINT, BOOLEAN, DATE, DOUBLE, TEXT, TIMESTAMP, Columns

COLUMNS: dict[str, Columns] = {
    "l2m_active": {
        "date": DATE, "user_id": TEXT, "server_id": BIGINT, "level": BIGINT, "country_code": TEXT,
        "register_date": DATE, "is_new_user": BOOLEAN},
    "l2m_recharge": {
        "date": DATE, "user_id": TEXT, "server_id": BIGINT, "country_code": TEXT, "payments": BIGINT,
        "daily_rev_usd": DOUBLE},
    "l2m_cumulative_revenue": {
        "date": DATE, "user_id": TEXT, "first_charge_date": DATE, "last_charge_date": DATE, "daily_rev_usd": DOUBLE,
        "cumulative_revenue_usd": DOUBLE, "vip_tier": TEXT},
    "l2m_item_gain": {
        "date": DATE, "server_id": BIGINT, "country_code": TEXT, "vip_tier": TEXT, "item_id": BIGINT,
        "item_name": TEXT, "item_group": TEXT, "users": BIGINT, "quantity": BIGINT, "events": BIGINT},
    "l2m_item_spend": {
        "date": DATE, "server_id": BIGINT, "country_code": TEXT, "vip_tier": TEXT, "item_id": BIGINT,
        "item_name": TEXT, "item_group": TEXT, "users": BIGINT, "quantity": BIGINT, "events": BIGINT},
    "l2m_money_gain": {
        "date": DATE, "server_id": BIGINT, "country_code": TEXT, "vip_tier": TEXT, "reason_id": BIGINT,
        "users": BIGINT, "amount": BIGINT, "events": BIGINT},
    "l2m_money_spend": {
        "date": DATE, "server_id": BIGINT, "country_code": TEXT, "vip_tier": TEXT, "reason_id": BIGINT,
        "users": BIGINT, "amount": BIGINT, "events": BIGINT},
    "l2m_server_performance": {
        "date": DATE, "server_id": BIGINT, "dau": BIGINT, "new_users": BIGINT, "paying_users": BIGINT,
        "revenue_usd": DOUBLE, "arpu_usd": DOUBLE, "avg_level": DOUBLE, "max_level": BIGINT,
        "diamonds_gained": BIGINT, "diamonds_spent": BIGINT, "avg_online_minutes": DOUBLE},
    "l2m_farmers_performance": {
        "date": DATE, "farm_key": TEXT, "accounts": BIGINT, "paying_accounts": BIGINT, "servers": BIGINT,
        "farm_subnets": BIGINT, "farm_ips": BIGINT, "items_gained": BIGINT, "diamonds_gained": BIGINT,
        "revenue_usd": DOUBLE, "co_logins": BIGINT, "co_login_days": BIGINT, "median_start_offset_seconds": DOUBLE,
        "ring_clans": TEXT, "presence_hours": DOUBLE},
    "l2m_daily_kpis": {
        "date": DATE, "country_code": TEXT, "server_id": BIGINT, "dau": BIGINT, "nru": BIGINT, "pu": BIGINT,
        "npu": BIGINT, "nnpu": BIGINT, "revenue_usd": DOUBLE, "arpu_usd": DOUBLE, "arppu_usd": DOUBLE},
    "l2m_retention": {
        "date": DATE, "day_n": BIGINT, "cohort_date": DATE, "cohort_size": BIGINT, "retained_users": BIGINT,
        "retention_rate": DOUBLE, "ci_low": DOUBLE, "ci_high": DOUBLE},
    "l2m_server_retention": {
        "date": DATE, "server_id": BIGINT, "day_n": BIGINT, "cohort_date": DATE, "cohort_size": BIGINT,
        "retained_users": BIGINT, "retention_rate": DOUBLE, "ci_low": DOUBLE, "ci_high": DOUBLE},
    "l2m_server_farms": {
        "date": DATE, "server_id": BIGINT, "farm_key": TEXT, "accounts": BIGINT, "paying_accounts": BIGINT,
        "items_gained": BIGINT, "diamonds_gained": BIGINT, "revenue_usd": DOUBLE},
    "l2m_guild_info": {
        "user_id": TEXT, "server_id": BIGINT, "clan_id": BIGINT, "clan_name": TEXT, "clan_role": TEXT,
        "is_member": BOOLEAN, "updated_at": TIMESTAMP},
    "l2m_farmers_snapshot": {
        "user_id": TEXT, "server_id": BIGINT, "farm_key": TEXT, "signals": TEXT, "score": DOUBLE,
        "first_detected_date": DATE, "last_detected_date": DATE, "days_detected": BIGINT, "farm_accounts": BIGINT,
        "farm_subnets": BIGINT, "farm_ips": BIGINT, "farm_devices": BIGINT, "level": BIGINT, "login_ips": BIGINT,
        "gain_events": BIGINT, "items_gained": BIGINT, "diamonds_gained": BIGINT, "total_revenue_usd": DOUBLE,
        "co_logins": BIGINT, "co_login_days": BIGINT, "median_start_offset_seconds": DOUBLE, "presence_hours": DOUBLE,
        "ring_clans": TEXT},
}
