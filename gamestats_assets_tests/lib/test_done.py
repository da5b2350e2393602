"""The one record of what a consumer of a table's keys did already (`DoneRecord`): a day without a record, or whose
input records none, is done whole; otherwise only the keys whose inputs' tokens changed, and those gone; nothing is
recorded until the work is committed."""

import datetime as dt

import dagster as dg
import pytest

from gamestats_assets.lib.refresh.done import DoneRecord
from gamestats_assets.lib.refresh.generations import Generations, read_generations, write_generations

DAY = dt.date(2024, 3, 1)
GAMES, PLAYERS, OWN = (dg.AssetKey(["d", "etl", name]) for name in ("games", "players", "own"))


def test_a_consumer_does_every_key_first_then_only_those_whose_inputs_changed(tmp_path):
    record = DoneRecord.in_state(tmp_path, OWN, [GAMES, PLAYERS])
    write_generations(tmp_path, GAMES, DAY, Generations.of({"a": "g1", "b": "g1"}))
    assert record.stale(DAY).whole, "an input without tokens of the day: every key"
    write_generations(tmp_path, PLAYERS, DAY, Generations.of({"a": "p1", "b": "p1"}))
    first = record.stale(DAY)
    assert first.whole and first.again == ["a", "b"], "no record of the day: every key"
    assert read_generations(tmp_path, OWN, DAY) is None, "nothing recorded before the work is committed"
    record.commit(DAY)
    assert record.stale(DAY).again == [] and not record.stale(DAY).whole
    write_generations(tmp_path, PLAYERS, DAY, Generations.of({"a": "p1", "b": "p2"}))
    write_generations(tmp_path, GAMES, DAY, Generations.of({"a": "g1", "b": "g1", "c": "g2"}))
    pending = record.stale(DAY)
    assert (pending.again, pending.gone, pending.whole) == (["b", "c"], [], False)
    write_generations(tmp_path, PLAYERS, DAY, Generations.of({"b": "p2"}))
    write_generations(tmp_path, GAMES, DAY, Generations.of({"b": "g1"}))
    assert record.stale(DAY).gone == ["a"], "a key gone from every input is gone"


def test_a_record_whose_work_is_not_held_does_the_day_whole(tmp_path):
    write_generations(tmp_path, GAMES, DAY, Generations.of({"a": "g1"}))
    DoneRecord.in_state(tmp_path, OWN, [GAMES]).commit(DAY)
    assert not DoneRecord.in_state(tmp_path, OWN, [GAMES]).stale(DAY).whole
    assert DoneRecord.in_state(tmp_path, OWN, [GAMES], held=lambda day: False).stale(DAY).whole


def test_a_consumer_whose_work_fails_records_nothing_and_does_the_keys_again(tmp_path):
    write_generations(tmp_path, GAMES, DAY, Generations.of({"a": "g1"}))
    record = DoneRecord.in_state(tmp_path, OWN, [GAMES])

    def fails(pending):
        raise RuntimeError("the work failed")

    with pytest.raises(RuntimeError):
        record.consume(DAY, fails)
    assert read_generations(tmp_path, OWN, DAY) is None
    assert record.consume(DAY, lambda pending: pending.again) == ["a"]
    assert record.consume(DAY, lambda pending: pending.again) == []
