"""The columns of l2m's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it)."""

from gamestats_assets.lib.core.columns import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    TEXT,
    TEXT_BYTES,
    TIMESTAMP,
    Columns,
    described,
)

MEANINGS = {
    "date": "the day",
    "user_id": "the player's account id",
    "server_id": "the game server",
    "country_code": "the user's country: TH, VN, ID, PH, SG, MY or `Other` (unknown or elsewhere)",
    "level": "the character's highest level seen on the day",
    "vip_tier": "the VIP tier of the user's lifetime revenue (`Free`, then `A` to `G`)",
    "daily_rev_usd": "the user's payments of the day, in USD at the reference rates",
    "item_id": "the key progression item", "item_name": "its name", "item_group": "its group",
    "reason_id": "the game's reason code of the diamond movement (105: a sale on the exchange)",
    "users": "distinct users of the row's segment", "events": "the game's log events summed into the row",
    "quantity": "items moved", "amount": "diamonds moved",
    "dau": "DAU: distinct users active on the day in any of the seven activity sources",
    "revenue_usd": "the day's payments in USD",
    "arpu_usd": "ARPU: revenue_usd / dau (null when dau is 0)",
    "diamonds_gained": "diamonds gained on the day", "diamonds_spent": "diamonds spent on the day",
    "farm_key": "the farm: `farm-` and its smallest account id",
    "accounts": "the farm's accounts detected on the day",
    "paying_accounts": "of those, accounts with a payment on the day",
    "farm_subnets": "distinct /24 subnets the farm's accounts logged in from",
    "farm_ips": "distinct addresses the farm's accounts logged in from",
    "items_gained": "key items gained on the day", "co_logins": "a managed ring's logins within 30 s of another "
                                                                "account of the ring (null outside a ring)",
    "co_login_days": "the days a managed ring's accounts logged in together (null outside a ring)",
    "median_start_offset_seconds": "a managed ring's median gap between the co-logins of its accounts, seconds "
                                   "(null outside a ring)",
    "presence_hours": "hours online on the day (a farm's: the median of its accounts)",
    "ring_clans": "a managed ring's clans, comma-separated (null outside a ring)",
    "day_n": "n of Dn retention: 1, 3, 7 or 30", "cohort_date": "the day the cohort registered: date - day_n",
    "cohort_size": "users registered on cohort_date", "retained_users": "of those, users active on date",
    "retention_rate": "retained_users / cohort_size", "ci_low": "the lower bound of the 95 % Wilson interval of "
                                                               "retention_rate",
    "ci_high": "the upper bound of the 95 % Wilson interval of retention_rate",
}
"""What a column name means in every l2m table that has it."""

USER_ID = TEXT_BYTES
"""The account id, compared byte by byte: the keys of a day's million users are indexed without the locale's cost."""

COLUMNS: dict[str, Columns] = described({
    "l2m_active": {
        "date": DATE, "user_id": USER_ID, "server_id": BIGINT("the server of the user's highest level of the day"),
        "level": BIGINT, "country_code": TEXT,
        "register_date": DATE("the user's registration day (null for a user never seen in a `user_set` line)"),
        "is_new_user": BOOLEAN("registered on the day")},
    "l2m_recharge": {
        "date": DATE, "user_id": USER_ID,
        "server_id": BIGINT("the server of the user's largest payment of the day"), "country_code": TEXT,
        "payments": BIGINT("the user's payments of the day"), "daily_rev_usd": DOUBLE},
    "l2m_cumulative_revenue": {
        "date": DATE, "user_id": USER_ID, "first_charge_date": DATE("the user's first day with a payment"),
        "last_charge_date": DATE("the user's latest day with a payment, up to the day"),
        "daily_rev_usd": DOUBLE("the user's payments of the day, in USD (0 without one)"),
        "cumulative_revenue_usd": DOUBLE("the user's payments up to the end of the day, in USD"), "vip_tier": TEXT},
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
        "date": DATE, "server_id": BIGINT, "dau": BIGINT("active users whose highest level of the day was here"),
        "new_users": BIGINT("of those, users registered on the day"),
        "paying_users": BIGINT("users whose largest payment of the day was here"),
        "revenue_usd": DOUBLE("the payments of those users, USD"), "arpu_usd": DOUBLE,
        "avg_level": DOUBLE("the mean level of the server's active users"),
        "max_level": BIGINT("the highest level of the server's active users"), "diamonds_gained": BIGINT,
        "diamonds_spent": BIGINT, "avg_online_minutes": DOUBLE("online minutes per active user")},
    "l2m_farmers_performance": {
        "date": DATE, "farm_key": TEXT, "accounts": BIGINT, "paying_accounts": BIGINT,
        "servers": BIGINT("the servers its accounts played on"),
        "farm_subnets": BIGINT, "farm_ips": BIGINT, "items_gained": BIGINT, "diamonds_gained": BIGINT,
        "revenue_usd": DOUBLE, "co_logins": BIGINT, "co_login_days": BIGINT, "median_start_offset_seconds": DOUBLE,
        "ring_clans": TEXT, "presence_hours": DOUBLE},
    "l2m_daily_kpis": {
        "date": DATE, "country_code": TEXT, "server_id": BIGINT("the server of the user's highest level of the day"),
        "dau": BIGINT, "nru": BIGINT("NRU: active users registered on the day"),
        "pu": BIGINT("PU: users with at least one payment on the day"),
        "npu": BIGINT("NPU: users whose first payment ever is on the day"),
        "nnpu": BIGINT("NNPU: users who registered and paid for the first time on the day"),
        "revenue_usd": DOUBLE("the day's payments of these users in USD, wherever they paid"), "arpu_usd": DOUBLE,
        "arppu_usd": DOUBLE("ARPPU: revenue_usd / pu (null when nobody paid)")},
    "l2m_lifetime_totals": {
        "date": DATE, "payers": BIGINT("accounts that have ever paid, up to the end of the day"),
        "lifetime_revenue_usd": DOUBLE("their payments up to the end of the day, USD"),
        "cumulative_since": DATE("the first day the cumulative figures (lifetime revenue, first charges, NPU, NNPU, "
                                 "VIP tiers) count payments from: the adoption (the first daily partition) when no "
                                 "opening balance was given, null when one carries the game's past"),
        "opening_balance": BOOLEAN("whether an opening balance (`landing/l2m/opening/`) gave the state before the "
                                   "first day")},
    "l2m_retention": {
        "date": DATE, "day_n": BIGINT, "cohort_date": DATE, "cohort_size": BIGINT, "retained_users": BIGINT,
        "retention_rate": DOUBLE, "ci_low": DOUBLE, "ci_high": DOUBLE},
    "l2m_server_retention": {
        "date": DATE, "server_id": BIGINT("the server the cohort's users started on"), "day_n": BIGINT,
        "cohort_date": DATE, "cohort_size": BIGINT, "retained_users": BIGINT("of those, users active on date on any "
                                                                             "server"),
        "retention_rate": DOUBLE, "ci_low": DOUBLE, "ci_high": DOUBLE},
    "l2m_server_farms": {
        "date": DATE, "server_id": BIGINT, "farm_key": TEXT,
        "accounts": BIGINT("the farm's accounts detected on the day on this server"), "paying_accounts": BIGINT,
        "items_gained": BIGINT, "diamonds_gained": BIGINT, "revenue_usd": DOUBLE},
    "l2m_farmer_types": {
        "date": DATE, "country_code": TEXT("the farmer accounts' country: TH, VN, ID, PH, SG, MY or `Other`"),
        "farmer_type": TEXT("`PU` for farmer accounts with a payment on the day, `non-PU` for the others"),
        "accounts": BIGINT("the farmer accounts of the row detected on the day"),
        "farms": BIGINT("the farms those accounts belong to"),
        "revenue_usd": DOUBLE("those accounts' payments of the day, USD (0 for `non-PU`)"),
        "items_gained": BIGINT("key items those accounts gained on the day"),
        "diamonds_gained": BIGINT("diamonds those accounts gained on the day"),
        "diamonds_spent": BIGINT("diamonds those accounts spent on the day"),
        "diamonds_net": BIGINT("diamonds_gained - diamonds_spent")},
    "l2m_guild_info": {
        "user_id": USER_ID, "server_id": BIGINT("the server of the user's latest clan change"),
        "clan_id": BIGINT("the clan of the user's latest join or leave"), "clan_name": TEXT("its name"),
        "clan_role": TEXT("the role of the latest join (null after a leave)"),
        "is_member": BOOLEAN("false after a leave"), "updated_at": TIMESTAMP("the time of that join or leave")},
    "l2m_farmers_snapshot": {
        "user_id": USER_ID, "server_id": BIGINT("the account's server at its latest detection"),
        "farm_key": TEXT("its farm at its latest detection"),
        "signals": TEXT("the signals that flagged it then, comma-separated"),
        "score": DOUBLE("in [0, 1], 1 - the product of (1 - weight) over its signals: orders the review"),
        "first_detected_date": DATE("its first day detected"), "last_detected_date": DATE("its latest day detected"),
        "days_detected": BIGINT("the days it was detected"),
        "farm_accounts": BIGINT("the accounts of its farm at its latest detection"), "farm_subnets": BIGINT,
        "farm_ips": BIGINT, "farm_devices": BIGINT("distinct devices the farm's accounts logged in from"),
        "level": BIGINT("its level at its latest detection"),
        "login_ips": BIGINT("addresses it logged in from on its latest day detected"),
        "gain_events": BIGINT("its item and diamond gain events on that day"),
        "items_gained": BIGINT("key items it gained on that day"),
        "diamonds_gained": BIGINT("diamonds it gained on that day"),
        "total_revenue_usd": DOUBLE("its payments over its days detected, USD"),
        "co_logins": BIGINT, "co_login_days": BIGINT, "median_start_offset_seconds": DOUBLE, "presence_hours": DOUBLE,
        "ring_clans": TEXT},
}, MEANINGS)
