"""Which rows of a read are given: each record once, and no version of a record delivered in conflicting forms."""

from __future__ import annotations

from collections import Counter

import polars as pl


def owned(marks: pl.DataFrame) -> pl.DataFrame:
    """`marks` (hashes, never null) copied into memory of their own: a column of a frame read from an Arrow batch
    keeps the whole batch alive, every column of it, so hashes remembered past their batch would hold every batch
    of the pass."""
    return pl.DataFrame({name: marks.get_column(name).to_numpy().copy() for name in marks.columns},
                        schema=marks.schema)


class Deduplication:
    """Which rows of a pass are given, batch by batch: each record once.

    A record's key is its `#type`, `#event_name` and `#uuid`, or its whole content when it has no
    `#uuid`. Rows of one key with the same content are one record delivered more than once: the first is
    given, the others dropped (`duplicates`, and by the file of the copy dropped `duplicates_of`). Rows of one
    key with different contents are a conflict: none can be trusted, all are rejected (`conflicts`); when a
    version was already given, `restart` is set, and `conflicting` holds every conflicting key of the pass for
    the next. The keys of a batch are hashed in the read, so a batch without repeats costs one lookup of its keys."""

    def __init__(self, known_conflicts: pl.Series) -> None:
        self.conflicting = known_conflicts
        self.given = pl.DataFrame(schema={"_key": pl.UInt64, "_content": pl.UInt64})
        self.rejected = pl.DataFrame(schema={"_file": pl.String, "_record": pl.Int64, "_key": pl.UInt64,
                                             "_content": pl.UInt64})
        self.duplicates = 0
        self.duplicates_of: Counter[str] = Counter()
        self.restart = False

    def admit(self, batch: pl.DataFrame, remember: bool = True) -> pl.DataFrame:
        """The rows of `batch` to give: records not seen before in the pass and not conflicting. Only the rows
        whose key is repeated (in the batch, or given before) are compared; with `remember` false (the pass's
        last batch) the keys given are not kept for later batches."""
        known = pl.col("_key").is_in(self.conflicting.implode())
        if self.conflicting.len() and batch.select(known.any()).item():
            self._reject(batch.filter(known))
            batch = batch.filter(~known)
        given_before = self.given.join(batch.select("_key"), on="_key", how="semi") if self.given.height else self.given
        if given_before.height or batch["_key"].n_unique() < batch.height:
            repeated = batch["_key"].is_duplicated() | batch["_key"].is_in(given_before["_key"].implode())
            batch = self._without_repeats(batch, repeated, given_before)
        if remember:
            self.given = pl.concat([self.given, owned(batch.select("_key", "_content"))])
        return batch

    def _without_repeats(self, batch: pl.DataFrame, repeated: pl.Series, given_before: pl.DataFrame) -> pl.DataFrame:
        """`batch` less the rows of its `repeated` keys that are not given: later deliveries of a record (counted
        in `duplicates`) and every version of a conflicting one (rejected)."""
        versions = (batch.with_row_index("_row").filter(repeated)
                    .join(given_before, on="_key", how="left", suffix="_given", maintain_order="left")
                    .with_columns(_given=pl.col("_content_given").is_not_null(),
                                  _reference=pl.coalesce("_content_given", pl.col("_content").first().over("_key"))))
        conflicting = versions.filter(pl.col("_content") != pl.col("_reference")).select("_key").unique()
        clashing = pl.col("_key").is_in(conflicting["_key"].implode())
        self._reject(versions.filter(clashing))
        self.restart |= versions.select((clashing & pl.col("_given")).any()).item()
        self.conflicting = pl.concat([self.conflicting, conflicting["_key"]])
        kept = versions.filter(~clashing)
        first = ~pl.col("_given") & pl.col("_key").is_first_distinct()
        repeats = kept.filter(~first).get_column("_file").cast(pl.String)
        self.duplicates += repeats.len()
        self.duplicates_of.update(repeats.to_list())
        dropped = pl.concat([versions.filter(clashing)["_row"], kept.filter(~first)["_row"]])
        return batch.with_row_index("_row").filter(~pl.col("_row").is_in(dropped.implode())).drop("_row")

    def _reject(self, rows: pl.DataFrame) -> None:
        self.rejected = pl.concat([self.rejected, rows.select(pl.col("_file").cast(pl.String), "_record", "_key",
                                                             "_content")])

    def conflicts(self) -> list[tuple[str, int, str]]:
        """(file, record, reason) of every row of a conflicting record."""
        versions = self.rejected.group_by("_key").agg(pl.col("_content").n_unique().alias("versions"))
        return [(file, record, f"conflict: {count} different records share one #uuid")
                for file, record, count in self.rejected.join(versions, on="_key")
                .select("_file", "_record", "versions").iter_rows()]
