"""The L2M day as a Spark user writes it: ETL → STD → CONS with the DataFrame API, each layer's tables written to
Parquet and read back by the next, ending with the day's KPIs (the columns of `l2m.l2m_daily_kpis`).

ETL reads each log type's files with an explicit schema, keeps the track (or `user_set`) lines of the day, counts a
repeated `#uuid` once, converts payments to USD and sums the economy logs per user and key; STD takes the active
users (server of the highest level, the smallest on ties) and the day's profile; CONS the active users with their
country, the payers and their cumulative revenue, and the KPIs per country and server. The day is the first of its
history, as the project's run of it is."""

import datetime as dt
import functools
from pathlib import Path

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gamestats_assets.defs.l2m.transforms.etl import ECONOMY_SOURCES
from gamestats_assets.defs.l2m.transforms.reference import KNOWN_COUNTRIES, OTHER_COUNTRY, REFERENCE_DIR
from gamestats_assets.defs.l2m.transforms.std import SOURCES
from gamestats_assets.defs.l2m.transforms.vip import FREE_TIER, TIER_LOWER_BOUNDS, VIP_UNIT_USD

ROOTS = ("#type", "#account_id", "#time", "#event_name", "#ip", "#uuid")
LONG, DOUBLE, TEXT = T.LongType(), T.DoubleType(), T.StringType()
ITEM = {"server_id": LONG, "level": LONG, "item_id": LONG, "quantity": LONG, "reason_id": LONG}
MONEY = {"server_id": LONG, "level": LONG, "money_type": TEXT, "amount": LONG, "reason_id": LONG}
PROPERTIES = {
    "login": {"server_id": LONG, "level": LONG, "device_id": TEXT, "#os": TEXT, "#device_model": TEXT},
    "logout": {"server_id": LONG, "level": LONG, "device_id": TEXT, "online_seconds": LONG},
    "recharge": {"server_id": LONG, "level": LONG, "amount": DOUBLE, "currency": TEXT, "payment_method": TEXT,
                 "country_code": TEXT},
    "item_gain": ITEM, "item_spend": ITEM, "money_gain": MONEY, "money_spend": MONEY,
    "user_profile": {"country_code": TEXT, "register_date": TEXT, "server_id": LONG},
}


def session(cores: int) -> SparkSession:
    """Spark in local mode on `cores` cores with 2 GiB, its UI and progress bars off, logging errors only, every
    setting else left as Spark sets it."""
    spark = (SparkSession.builder.master(f"local[{cores}]").appName("l2m_day")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "2g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def lines(spark: SparkSession, day_dir: Path, day: dt.date, stem: str) -> DataFrame:
    """The day's lines of the log type `stem`, root keys renamed, properties flattened, one per `#uuid`."""
    schema = T.StructType([T.StructField(name, TEXT) for name in ROOTS] + [T.StructField(
        "properties", T.StructType([T.StructField(name, kind) for name, kind in PROPERTIES[stem].items()]))])
    record_type = "user_set" if stem == "user_profile" else "track"
    frame = spark.read.schema(schema).json(str(day_dir / f"{stem}*.jsonl*"))
    frame = frame.filter((F.col("`#type`") == record_type) & (F.col("`#account_id`") != ""))
    if record_type == "track":
        frame = frame.filter(F.col("`#event_name`") == stem)
    return (frame.select(
                F.col("`#account_id`").alias("user_id"), F.col("`#uuid`").alias("event_uuid"),
                F.col("`#ip`").alias("ip"), F.to_timestamp("`#time`").alias("event_time"),
                *(F.col(f"properties.`{name}`").alias(name.lstrip("#")) for name in PROPERTIES[stem]))
            .filter(F.to_date("event_time") == F.lit(day))
            .dropDuplicates(["event_uuid"])
            .withColumn("date", F.lit(day)))


def latest(name: str) -> Column:
    """The latest non-null value of the property `name` among a user's lines, by time."""
    return F.max_by(name, F.when(F.col(name).isNotNull(), F.col("event_time"))).alias(name)


def etl(spark: SparkSession, day_dir: Path, day: dt.date) -> dict[str, DataFrame]:
    """The ETL tables: login, logout and recharge one row per event (payments in USD, an unknown currency left
    out), the economy logs summed per user, server and key, the profile's latest values of the day per user."""
    tables = {stem: lines(spark, day_dir, day, stem).filter(F.col("server_id").isNotNull() & F.col("level").isNotNull())
              for stem in ("login", "logout", "recharge")}
    rates = spark.read.csv(str(REFERENCE_DIR / "currency_rates.csv"), header=True,
                           schema="currency STRING, usd_per_unit DOUBLE")
    tables["recharge"] = (tables["recharge"].join(F.broadcast(rates), "currency")
                          .withColumn("amount_usd", F.col("amount") * F.col("usd_per_unit")))
    for source in ECONOMY_SOURCES:
        tables[source.event] = (lines(spark, day_dir, day, source.event)
                                .dropna(subset=["server_id", "level", *source.keys, source.measure])
                                .groupBy("date", "user_id", "server_id", *source.keys)
                                .agg(F.max("level").alias("level"), F.sum(source.measure).alias(source.measure),
                                     F.count("*").alias("events")))
    tables["user_profile"] = (lines(spark, day_dir, day, "user_profile").groupBy("date", "user_id")
                              .agg(latest("server_id"), latest("country_code"), latest("register_date")))
    return tables


def std(etl_tables: dict[str, DataFrame]) -> dict[str, DataFrame]:
    """The STD tables: the day's active users and the user profile (the day's, on the first day of history)."""
    union = functools.reduce(DataFrame.unionByName,
                             [etl_tables[name].select("date", "user_id", "server_id", "level") for name in SOURCES])
    highest = F.max(F.struct(F.col("level"), (-F.col("server_id")).alias("smaller_server"))).alias("highest")
    active = (union.groupBy("date", "user_id").agg(highest)
              .select("date", "user_id", (-F.col("highest.smaller_server")).alias("server_id"),
                      F.col("highest.level").alias("level")))
    profile = etl_tables["user_profile"].withColumn("register_date", F.to_date("register_date"))
    return {"active": active, "user_profile": profile}


def country_group(column: str) -> Column:
    """The reporting country: the code when it is a known country, else 'Other'."""
    return F.when(F.col(column).isin(*KNOWN_COUNTRIES), F.col(column)).otherwise(F.lit(OTHER_COUNTRY))


def vip_tier(revenue: Column) -> Column:
    """The VIP tier of a cumulative revenue in USD, as `vip.vip_tier` defines it."""
    units = F.coalesce(revenue, F.lit(0.0)) / VIP_UNIT_USD
    tier = F.when(units <= 0, F.lit(FREE_TIER))
    for name, lower in TIER_LOWER_BOUNDS:
        tier = tier.when(units >= lower, F.lit(name))
    return tier.otherwise(F.lit("A"))


def cons(etl_tables: dict[str, DataFrame], std_tables: dict[str, DataFrame], day: dt.date) -> dict[str, DataFrame]:
    """The CONS tables: active users with country and registration, payers with their payment server, count and
    revenue, cumulative revenue with first charge and VIP tier, and the KPIs per country and server."""
    active = (std_tables["active"].join(std_tables["user_profile"].select("user_id", "country_code", "register_date"),
                                        "user_id", "left")
              .withColumn("country_code", country_group("country_code"))
              .withColumn("is_new_user", F.coalesce(F.col("register_date") == F.col("date"), F.lit(False))))
    largest = F.min(F.struct(-F.col("amount_usd"), F.col("server_id"))).alias("largest")
    recharge = (etl_tables["recharge"].groupBy("date", "user_id")
                .agg(largest, F.count("*").alias("payments"), F.sum("amount_usd").alias("daily_rev_usd"))
                .join(active.select("user_id", "country_code"), "user_id", "left")
                .select("date", "user_id", F.col("largest.server_id").alias("server_id"),
                        country_group("country_code").alias("country_code"), "payments", "daily_rev_usd"))
    cumulative = recharge.select(
        "date", "user_id", F.lit(day).alias("first_charge_date"), F.lit(day).alias("last_charge_date"),
        "daily_rev_usd", F.col("daily_rev_usd").alias("cumulative_revenue_usd"),
        vip_tier(F.col("daily_rev_usd")).alias("vip_tier"))
    return {"l2m_active": active, "l2m_recharge": recharge, "l2m_cumulative_revenue": cumulative}


def kpis(active: DataFrame, recharge: DataFrame, cumulative: DataFrame) -> DataFrame:
    """DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per country and server, each user on their active server."""
    users = (active.join(recharge.select("user_id", "payments", "daily_rev_usd"), "user_id", "left")
             .join(cumulative.select("user_id", "first_charge_date"), "user_id", "left")
             .fillna({"payments": 0, "daily_rev_usd": 0.0}))
    first_payment = F.coalesce(F.col("first_charge_date") == F.col("date"), F.lit(False))
    return (users.groupBy("date", "country_code", "server_id")
            .agg(F.countDistinct("user_id").alias("dau"), F.sum(F.col("is_new_user").cast("long")).alias("nru"),
                 F.sum((F.col("payments") > 0).cast("long")).alias("pu"),
                 F.sum(first_payment.cast("long")).alias("npu"),
                 F.sum((first_payment & (F.col("register_date") == F.col("date"))).cast("long")).alias("nnpu"),
                 F.sum("daily_rev_usd").alias("revenue_usd"))
            .withColumn("arpu_usd", F.col("revenue_usd") / F.col("dau"))
            .withColumn("arppu_usd", F.when(F.col("pu") > 0, F.col("revenue_usd") / F.col("pu"))))


def written(spark: SparkSession, tables: dict[str, DataFrame], folder: Path) -> dict[str, DataFrame]:
    """Write each table to `folder/<name>` as Parquet and give them read back, as the next layer reads them."""
    for name, frame in tables.items():
        frame.write.mode("overwrite").parquet(str(folder / name))
    return {name: spark.read.parquet(str(folder / name)) for name in tables}


def run(spark: SparkSession, day_dir: Path, day: dt.date, out: Path) -> Path:
    """The day's three layers under `out`; the path of the KPIs' Parquet folder."""
    etl_tables = written(spark, etl(spark, day_dir, day), out / "etl")
    std_tables = written(spark, std(etl_tables), out / "std")
    cons_tables = written(spark, cons(etl_tables, std_tables, day), out / "cons")
    written(spark, {"l2m_daily_kpis": kpis(cons_tables["l2m_active"], cons_tables["l2m_recharge"],
                                           cons_tables["l2m_cumulative_revenue"])}, out / "cons")
    return out / "cons" / "l2m_daily_kpis"
