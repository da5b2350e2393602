"""Farmer detection scored against planted truth: the synthetic emitter's `planted_bot_farms.json`.

A day of real logs has no truth file, so it is not scored at all (`truth_paths` returns None) rather
than scored as perfect.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from gamestats_assets.lib.core.stats import RateAgainstFloor, with_wilson

RECALL_FLOOR = 0.9
PRECISION_FLOOR = 0.95
"""What the detection must reach for every planted farm kind (and precision overall), with no decoy flagged."""

_ACCOUNTS = {"kind": pl.Utf8, "group_id": pl.Int64, "user_id": pl.Utf8}


def _accounts(truth_path: Path, section: str, id_field: str) -> pl.DataFrame:
    document = json.loads(Path(truth_path).read_text())
    return pl.DataFrame(
        [{"kind": group.get("kind", "unknown"), "group_id": group[id_field], "user_id": account}
         for group in document.get(section, []) for account in group["account_ids"]],
        schema=_ACCOUNTS,
    )


def planted_farm_accounts(truth_path: Path) -> pl.DataFrame:
    """The planted farm accounts of a truth file as rows (kind, group_id = farm_id, user_id); a file
    written before farms had kinds gives kind 'unknown'."""
    return _accounts(truth_path, "farms", "farm_id")


def planted_decoy_accounts(truth_path: Path) -> pl.DataFrame:
    """The planted decoy accounts (legitimate players that must not be flagged): (kind, group_id, user_id)."""
    return _accounts(truth_path, "decoys", "group_id")


NEEDS_HISTORY = ("managed_ring",)
"""Farm kinds found only from their second day of logins, since a ring's logins must coincide on two days."""


def without_unscorable(frame: pl.DataFrame, farms: pl.DataFrame, first_days: list) -> pl.DataFrame:
    """`frame` (date, user_id, ...) without the accounts of the `NEEDS_HISTORY` kinds on `first_days`,
    the days whose day before was never delivered: there they cannot be found, so they are not scored."""
    unscorable = farms.filter(pl.col("kind").is_in(NEEDS_HISTORY))["user_id"].implode()
    return frame.filter(~(pl.col("date").is_in(first_days) & pl.col("user_id").is_in(unscorable)))


def truth_paths(day_dirs: list[Path], truth_file: str) -> list[Path] | None:
    """The truth file of every day folder, or None when any day lacks one (the run is not scored)."""
    paths = [Path(folder) / truth_file for folder in day_dirs]
    return paths if all(path.exists() for path in paths) else None


def detection_scores(detected: pl.DataFrame, farms: pl.DataFrame, decoys: pl.DataFrame,
                     active: pl.DataFrame) -> pl.DataFrame:
    """Per planted farm kind, on the accounts active on the day(s):

    - `recall` = planted accounts of the kind detected / planted accounts of the kind active;
    - `precision` = detected accounts in the farms attributed to the kind that are planted accounts of
      the kind / detected accounts in those farms, a detected farm being attributed to the kind most of
      its planted accounts have (a farm with no planted account is attributed to no kind);

    each with its counts and 95 % Wilson interval. A last row, kind `all`, scores every detected account
    (recall over all planted accounts; precision = planted / detected), and `decoys_flagged` counts the
    planted decoy accounts detected. Inputs: `detect_farmers` rows (date, user_id, farm_key), the
    planted farm and decoy accounts, and l2m_active (date, user_id).
    """
    days = active.select("date", "user_id")
    planted = days.join(farms.select("user_id", "kind").unique("user_id"), on="user_id")
    found = detected.select("date", "user_id", "farm_key").join(planted, on=["date", "user_id"], how="left")
    attributed = (found.drop_nulls("kind").group_by("date", "farm_key", "kind").len()
                  .sort("len", "kind", descending=[True, False])
                  .unique(["date", "farm_key"], keep="first")
                  .select("date", "farm_key", pl.col("kind").alias("farm_kind")))
    found = found.join(attributed, on=["date", "farm_key"], how="left")
    kinds = sorted(set(planted["kind"].to_list()))
    rows = []
    for kind in kinds:
        of_kind = found.filter(pl.col("farm_kind") == kind)
        rows.append({"kind": kind, "planted": planted.filter(pl.col("kind") == kind).height,
                     "detected": of_kind.height,
                     "true_positives": of_kind.filter(pl.col("kind") == kind).height,
                     "found": found.filter(pl.col("kind") == kind).height})
    rows.append({"kind": "all", "planted": planted.height, "detected": found.height,
                 "true_positives": found.filter(pl.col("kind").is_not_null()).height,
                 "found": found.filter(pl.col("kind").is_not_null()).height})
    decoys_flagged = detected.join(days.join(decoys, on="user_id", how="semi"), on=["date", "user_id"],
                                   how="semi").height
    scores = pl.DataFrame(rows, schema={"kind": pl.Utf8, "planted": pl.Int64, "detected": pl.Int64,
                                        "true_positives": pl.Int64, "found": pl.Int64})
    scores = scores.with_columns(
        recall=pl.when(pl.col("planted") > 0).then(pl.col("found") / pl.col("planted")).otherwise(1.0),
        precision=pl.when(pl.col("detected") > 0).then(pl.col("true_positives") / pl.col("detected")).otherwise(1.0),
        decoys_flagged=pl.lit(decoys_flagged, pl.Int64),
    )
    scores = with_wilson(scores, "found", "planted", "recall")
    return with_wilson(scores, "true_positives", "detected", "precision")


def decoys_flagged_by_kind(detected: pl.DataFrame, decoys: pl.DataFrame, active: pl.DataFrame) -> dict[str, int]:
    """Per planted decoy kind, the decoy account-days active and detected as farmers (0 for a kind none of
    whose accounts was detected). Inputs as `detection_scores`."""
    planted = active.select("date", "user_id").join(decoys.select("user_id", "kind").unique("user_id"), on="user_id")
    flagged = planted.join(detected.select("date", "user_id"), on=["date", "user_id"], how="semi")
    counts = dict(flagged.group_by("kind").len().iter_rows())
    return {kind: int(counts.get(kind, 0)) for kind in sorted(set(planted["kind"].to_list()))}


def detection_rates(scores: pl.DataFrame) -> list[RateAgainstFloor]:
    """Each kind's recall (found of planted) against `RECALL_FLOOR` and precision (true positives of detected)
    against `PRECISION_FLOOR`, as rates to judge by their intervals."""
    return [rate for row in scores.iter_rows(named=True) for rate in (
        RateAgainstFloor(f"{row['kind']}_recall", row["found"], row["planted"], RECALL_FLOOR),
        RateAgainstFloor(f"{row['kind']}_precision", row["true_positives"], row["detected"], PRECISION_FLOOR))]


def detection_passes(scores: pl.DataFrame) -> bool:
    """True when every kind's recall is at least `RECALL_FLOOR`, every kind's precision (and the overall
    precision) at least `PRECISION_FLOOR`, and no decoy is flagged."""
    return bool(scores.height and (scores["recall"] >= RECALL_FLOOR).all()
                and (scores["precision"] >= PRECISION_FLOOR).all() and (scores["decoys_flagged"] == 0).all())
