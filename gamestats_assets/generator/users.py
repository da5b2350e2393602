"""The user population: segment, install date, churn and return dates, device presets and user properties.

One row per user, fixed for a (rule set, size, seed, anchor date): the anchor is the date at which the
segments hold (NEW users install in the days after it). Everything a day needs about a user is here.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from gamestats_assets.generator.hashing import hash_keys, uniform
from gamestats_assets.generator.knowledge import (
    APP_VERSIONS,
    COUNTRIES,
    DEFAULT_COUNTRIES,
    DEVICES,
    LIBRARIES,
    NETWORK_TYPES,
    PLATFORM_FAMILIES,
)
from gamestats_assets.generator.fakes import draw_faker
from gamestats_assets.generator.values import draw_choice, draw_range, draw_values
from gamestats_assets.sources.taxonomy.population import PopulationConfig, segment_ratios
from gamestats_assets.sources.taxonomy.rules import Operation, RuleSet, Segment

NEVER = date(9999, 12, 31)


def _segment_counts(ratios: dict[str, float], users: int) -> list[int]:
    """Whole user counts per segment closest to the ratios (largest remainder), summing to `users`."""
    exact = [ratio * users for ratio in ratios.values()]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - counts[i]), i))
    for index in by_remainder[: users - sum(counts)]:
        counts[index] += 1
    return counts


def _days(anchor: date, offsets: np.ndarray) -> np.ndarray:
    return anchor.toordinal() + offsets.astype(np.int64)


def _lifecycle_dates(segments: np.ndarray, config: PopulationConfig, index: np.ndarray) -> dict[str, np.ndarray]:
    """Install, churn, return and ADVANCED days (ordinals) for each user, by the lifecycle (built-in segment) the
    user's segment follows."""
    seed, anchor = config.seed, config.anchor
    draw = [uniform(seed, "lifecycle", index, k) for k in range(4)]
    window = max(config.new_user_window_days, 1)
    never = NEVER.toordinal()
    install = np.empty(len(index), dtype=np.int64)
    churn = np.full(len(index), never, dtype=np.int64)
    comeback = np.full(len(index), never, dtype=np.int64)
    tenure_short = np.floor(30 + draw[0] * 335)
    tenure_long = np.floor(60 + draw[0] * 660)
    plans = {
        Segment.NEW: (np.floor(-draw[0] * window) * -1, None, None),
        Segment.ACTIVE: (-tenure_short, None, None),
        Segment.POWER: (-tenure_long, None, None),
        Segment.CHURNING: (-tenure_short, 1 + np.floor(draw[1] * 13), None),
        Segment.CHURNED: (
            -tenure_long,
            -(7 + np.floor(draw[1] * (tenure_long - 14))),
            np.floor(-np.log1p(-draw[2]) / 0.01),
        ),
        Segment.RETURNING: (-tenure_long, -(14 + np.floor(draw[1] * (tenure_long - 30))), np.floor(draw[2] * window)),
    }
    for segment, (install_offset, churn_offset, return_offset) in plans.items():
        mask = segments == str(segment)
        install[mask] = _days(anchor, install_offset[mask])
        if churn_offset is not None:
            churn[mask] = _days(anchor, churn_offset[mask])
        if return_offset is not None:
            comeback[mask] = _days(anchor, return_offset[mask])
    advanced_after = np.where(segments == Segment.POWER.value, 7, 21) + np.floor(draw[3] * 40).astype(np.int64)
    return {"install": install, "churn": churn, "return": comeback, "advanced": install + advanced_after}


def _to_dates(ordinals: np.ndarray) -> pl.Series:
    epoch = date(1970, 1, 1).toordinal()
    return pl.Series((ordinals - epoch).astype(np.int32)).cast(pl.Date)


def _presets(rules: RuleSet, seed: int, index: np.ndarray, countries: np.ndarray) -> dict[str, object]:
    """ThinkingData preset properties, fixed per user and consistent with the user's country."""
    families = PLATFORM_FAMILIES.get(rules.product.platform, PLATFORM_FAMILIES["mobile"])
    family = draw_choice(families, (), uniform(seed, "family", index))
    columns: dict[str, list] = {key: [] for key in (
        "#os", "#os_version", "#device_model", "#manufacturer", "#screen_width", "#screen_height", "#lib"
    )}
    device_draws = uniform(seed, "device", index)
    version_draws = uniform(seed, "os_version", index)
    for name, device_draw, version_draw in zip(family, device_draws, version_draws):
        devices = DEVICES[name]
        device = devices[int(device_draw * len(devices))]
        columns["#os"].append(device.os)
        columns["#os_version"].append(device.os_versions[int(version_draw * len(device.os_versions))])
        columns["#device_model"].append(device.model)
        columns["#manufacturer"].append(device.manufacturer)
        columns["#screen_width"].append(device.screen[0])
        columns["#screen_height"].append(device.screen[1])
        columns["#lib"].append(LIBRARIES[name])
    network = [NETWORK_TYPES[name][int(u * len(NETWORK_TYPES[name]))] for name, u in
               zip(family, uniform(seed, "network", index))]
    octets = hash_keys(seed, "ip", index)
    ip = [
        f"{COUNTRIES[code].ip_prefix if code in COUNTRIES else '10.20'}.{(h >> 8) % 250 + 1}.{h % 250 + 1}"
        for code, h in zip(countries, octets.tolist())
    ]
    return {
        **columns,
        "#app_version": draw_choice(APP_VERSIONS, (1, 2, 3, 4), uniform(seed, "app_version", index)),
        "#network_type": network,
        "#country": [COUNTRIES[c].name if c in COUNTRIES else c for c in countries],
        "#country_code": countries,
        "#zone_offset": [COUNTRIES[c].zone_offset if c in COUNTRIES else 0 for c in countries],
        "ip": ip,
        "family": family,
    }


def build_users(rules: RuleSet, config: PopulationConfig) -> pl.DataFrame:
    """The population: one row per user with ids, segment, lifecycle dates, presets and user properties.

    Columns: user_index, account_id, distinct_id, segment, install_date, churn_date, return_date,
    advanced_date, tutorial_completed, payer (the user ever buys), engagement, ip, family, the `#`
    presets, one column per static or initial user property (progress properties hold their value at
    install), and `target.<property>` for properties whose growth is fitted to the segment's range.
    """
    seed = config.seed
    ratios = segment_ratios(rules, config)
    counts = _segment_counts(ratios, config.users)
    ordered = np.repeat(np.array([str(s) for s in ratios], dtype=object), counts)
    index = np.arange(config.users, dtype=np.int64)
    segments = ordered[np.argsort(hash_keys(seed, "shuffle", index), kind="stable")]
    lifecycles = lifecycle_of(rules, segments)
    dates = _lifecycle_dates(lifecycles, config, index)
    is_new = lifecycles == Segment.NEW.value
    tutorial_completed = ~is_new | (uniform(seed, "tutorial", index) < rules.tutorial_completion)
    payer = uniform(seed, "payer", index) < _payer_shares(rules, segments)

    country_rule = rules.values.get("country")
    if country_rule is not None and country_rule.generator == "choice":
        countries = draw_values(country_rule, uniform(seed, "country", index)).astype(str)
    else:
        countries = draw_choice(DEFAULT_COUNTRIES, (), uniform(seed, "country", index)).astype(str)

    columns: dict[str, object] = {
        "user_index": index,
        "account_id": [f"{h:016x}" for h in hash_keys(seed, "account", index).tolist()],
        "distinct_id": [_uuid(h, g) for h, g in zip(hash_keys(seed, "device_a", index).tolist(),
                                                     hash_keys(seed, "device_b", index).tolist())],
        "segment": segments,
        "install_date": _to_dates(dates["install"]),
        "churn_date": _to_dates(dates["churn"]),
        "return_date": _to_dates(dates["return"]),
        "advanced_date": _to_dates(dates["advanced"]),
        "tutorial_completed": tutorial_completed,
        "payer": payer,
        "engagement": np.round(np.exp((uniform(seed, "engagement", index) - 0.5) * 0.8), 4),
        **_presets(rules, seed, index, countries),
    }
    columns.update(_user_properties(rules, seed, index, segments, countries, dates["install"]))
    _clear_purchases(rules, columns, payer)
    return pl.DataFrame(columns)


def lifecycle_of(rules: RuleSet, segments: np.ndarray) -> np.ndarray:
    """The lifecycle (built-in segment name) each user's segment follows."""
    lifecycles = segments.astype(object).copy()
    for name, profile in rules.segments.items():
        lifecycles[segments == str(name)] = profile.base.value
    return lifecycles


def _payer_shares(rules: RuleSet, segments: np.ndarray) -> np.ndarray:
    """Per user, the payer share of the user's segment (0 for segments without a profile)."""
    shares = np.zeros(len(segments))
    for segment, profile in rules.segments.items():
        shares[segments == str(segment)] = profile.payer_share
    return shares


def purchased_properties(rules: RuleSet) -> list[str]:
    """User properties that purchase events increment (e.g. total_spent, total_orders)."""
    purchases = set(rules.purchase_events)
    return list(dict.fromkeys(
        u.property for u in rules.updates if u.event in purchases and u.operation == Operation.INCREMENT
    ))


def _clear_purchases(rules: RuleSet, columns: dict[str, object], payer: np.ndarray) -> None:
    """Non-payers have bought nothing: their purchase-driven properties (and fitted targets) sit at the floor."""
    for name in purchased_properties(rules):
        floor = rules.values[name].low
        for column in (name, f"target.{name}"):
            if column in columns and floor is not None:
                values = np.asarray(columns[column])
                columns[column] = np.where(payer, values, floor).astype(values.dtype)


def _uuid(high: int, low: int) -> str:
    text = f"{high:016x}{low:016x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _user_properties(
    rules: RuleSet, seed: int, index: np.ndarray, segments: np.ndarray, countries: np.ndarray, install: np.ndarray
) -> dict[str, object]:
    """Static user properties and the install-time value of each progress property."""
    derived = {relationship.target for relationship in rules.relationships}
    dependent = {dependency.target: dependency for dependency in rules.dependencies}
    fitted = {u.property for u in rules.updates if u.fitted}
    counted = {u.property for u in rules.updates if u.operation != Operation.SET}
    columns: dict[str, object] = {}
    for name in rules.user_properties():
        rule = rules.values[name]
        draws = uniform(seed, "user_property", name, index)
        if name in derived:
            continue
        if name == "country":
            columns[name] = countries
        elif name in dependent:
            options = dependent[name].mapping
            columns[name] = np.array(
                [opts[int(u * len(opts))] for opts, u in
                 zip((options.get(c, rule.choices) for c in countries), draws)], dtype=object
            )
        elif rule.generator == "faker":
            columns[name] = draw_faker(rule.faker, countries, seed)
        elif rule.generator == "datetime":
            seconds = np.floor(draws * 86_400_000).astype(np.int64)
            moments = (install - date(1970, 1, 1).toordinal()) * 86_400_000 + seconds
            columns[name] = pl.Series(moments).cast(pl.Datetime("ms")).dt.strftime("%Y-%m-%d %H:%M:%S%.3f")
        elif name in counted and rule.generator == "range":
            columns[name] = _initial_progress(rules, rule, name in fitted, segments, draws)
            if name in fitted:
                target = _segment_range_draw(rules, rule, segments, uniform(seed, "target", name, index))
                columns[f"target.{name}"] = target
        else:
            columns[name] = draw_values(rule, draws)
    return columns


def _segment_range_draw(rules, rule, segments: np.ndarray, draws: np.ndarray) -> np.ndarray:
    values = np.zeros(len(segments), dtype=np.float64)
    for segment, profile in rules.segments.items():
        mask = segments == str(segment)
        low, high = profile.property_ranges.get(rule.property, (rule.low, rule.high))
        values[mask] = draw_range(rule, draws[mask], low, high)
    return values


def _initial_progress(rules, rule, fitted: bool, segments: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """A progress property at install: the range's floor when growth is fitted, else a segment-range draw."""
    if fitted:
        return np.full(len(segments), rule.low, dtype=np.int64 if rule.integer else np.float64)
    values = _segment_range_draw(rules, rule, segments, draws)
    return values.astype(np.int64) if rule.integer else values
