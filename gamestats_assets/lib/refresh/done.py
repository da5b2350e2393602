"""The record of what a consumer of a daily table's keys (a game's `match_id`) did already, one type for every
consumer of the tokens (`generations.py`): a table computed by key (`by_key.py`), a check judging by key
(`authoring/keyed_checks.py`), a publish by key (`publish/by_key.py`), a domain's checks of its ETL tables.

A consumer reads its inputs' tokens of a day and the tokens it last consumed (its record), works on the keys whose
tokens changed (`DoneRecord.stale`) and, once its work is written, records the tokens it consumed
(`DoneRecord.commit`; both around its work: `DoneRecord.consume`). A day with no record, or whose inputs lack one, is done whole: every key again. The record is
written after the work: a run failing between the two does the same keys again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import dagster as dg

from gamestats_assets.lib.refresh.generations import (
    Generations,
    combined,
    read_generations,
    stale,
    write_generations,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Pending:
    """What a consumer has to do of a day: its inputs' tokens (`inputs`, None for an input that records none), the
    tokens it consumes (`current`, the inputs' combined, recorded once the work is done), the keys to do again (every
    key when `whole`) and the keys gone from its inputs."""

    inputs: Sequence[Generations | None]
    current: Generations
    again: list[str]
    gone: list[str]
    whole: bool

    @property
    def unrecorded(self) -> bool:
        """Whether an input records no tokens of the day."""
        return any(tokens is None for tokens in self.inputs)


@dataclass
class DoneRecord:
    """A consumer's record of the tokens it consumed, by day: its `inputs`' tokens of a day (None for an input that
    records none), its `recorded` tokens (None when it has no record of the day) and how it records what it consumed
    (`write`, given the day and what was pending)."""

    inputs: Callable[[dt.date], Sequence[Generations | None]]
    recorded: Callable[[dt.date], Generations | None]
    write: Callable[[dt.date, Pending], None]
    pending: dict[dt.date, Pending] = field(default_factory=dict)

    @classmethod
    def in_state(cls, data_dir: str | Path, key: dg.AssetKey, inputs: Sequence[dg.AssetKey],
                 held: Callable[[dt.date], bool] = lambda day: True) -> DoneRecord:
        """The record kept in the state folder under `key`, of the tables `inputs` (`generations.py`); with `held`,
        a day whose work is not held (its rows or findings gone) has no record."""
        return cls(lambda day: [read_generations(data_dir, input_key, day) for input_key in inputs],
                   lambda day: read_generations(data_dir, key, day) if held(day) else None,
                   lambda day, pending: write_generations(data_dir, key, day, pending.current))

    def stale(self, day: dt.date) -> Pending:
        """What is to do of `day`: the keys whose inputs' tokens changed since the record's, and those gone; every key
        without a record of the day or of one of its inputs."""
        inputs, recorded = self.inputs(day), self.recorded(day)
        current = combined([tokens or Generations() for tokens in inputs], recorded)
        whole = recorded is None or any(tokens is None for tokens in inputs)
        again, gone = (sorted(current.keys), []) if whole else stale(recorded, current)
        self.pending[day] = Pending(inputs, current, again, gone, whole)
        return self.pending[day]

    def consume(self, day: dt.date, work: Callable[[Pending], T]) -> T:
        """What is to do of `day` (`stale`) given to `work`, and once it returns, the tokens it consumed recorded
        (`commit`); what `work` returned."""
        done = work(self.stale(day))
        self.commit(day)
        return done

    def commit(self, day: dt.date) -> None:
        """Once the work of `day` is written: record the tokens it consumed (those `stale` found, else as they are
        now)."""
        self.write(day, self.pending.pop(day) if day in self.pending else self.stale(day))
