"""Generations of a day's keys (`lib/refresh/generations.py`): a table computed from others gets the same token for each
key whether it combines its inputs key by key or from its own record, and a record of the earlier form (key → token)
reads as the same tokens."""

import datetime as dt
import hashlib
import json
import random

import dagster as dg

from gamestats_assets.lib.refresh.generations import (
    Generations,
    combined,
    generations_path,
    read_generations,
    renewed,
    stale,
    write_generations,
)

DAY = dt.date(2026, 11, 20)


def digested(inputs: list[dict[str, str]]) -> dict[str, str]:
    """Each key's token as the definition says: a digest of the inputs' tokens in order, empty where one lacks it."""
    keys = set().union(*inputs)
    return {key: hashlib.blake2b("|".join(tokens.get(key, "") for tokens in inputs).encode(),
                                 digest_size=8).hexdigest() for key in keys}


def arrivals(inputs: list[dict[str, str]], rng: random.Random, run: int) -> list[dict[str, str]]:
    """The inputs after a run: some games written again or removed in some inputs, some new."""
    after = [dict(tokens) for tokens in inputs]
    for tokens in after:
        for key in rng.sample(sorted(tokens), min(len(tokens), rng.randint(0, 4))):
            if rng.random() < 0.3:
                del tokens[key]
            else:
                tokens[key] = f"run{run}"
        tokens.update({f"new{run}_{n}": f"run{run}" for n in range(rng.randint(0, 3))})
    return after


def test_a_table_combined_from_its_record_gets_every_key_s_token_and_recomputes_only_the_changed(tmp_path):
    rng = random.Random(7)
    for trial in range(50):
        inputs = [{f"game{n}": rng.choice(["a", "b"]) for n in range(40) if rng.random() < 0.9}
                  for _ in range(rng.randint(2, 4))]
        key = dg.AssetKey(["lol", "std", f"table{trial}"])
        write_generations(tmp_path, key, DAY, combined([Generations.of(tokens) for tokens in inputs]))
        for run in range(3):
            before = digested(inputs)
            inputs = arrivals(inputs, rng, run)
            recorded = read_generations(tmp_path, key, DAY)
            current = combined([Generations.of(tokens) for tokens in inputs], recorded)
            assert current.by_key() == digested(inputs)
            again, gone = stale(recorded, current)
            assert again == sorted(k for k, token in digested(inputs).items() if before.get(k) != token)
            assert gone == sorted(set(before) - set(digested(inputs)))
            write_generations(tmp_path, key, DAY, current)


def test_a_record_of_the_earlier_form_reads_as_its_tokens_and_renews_them(tmp_path):
    key = dg.AssetKey(["lol", "etl", "matches"])
    earlier = {"EUW1_1": "t1", "EUW1_2": "t1", "EUW1_3": "t2"}
    path = generations_path(tmp_path, key, DAY)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(earlier))
    recorded = read_generations(tmp_path, key, DAY)
    assert recorded.by_key() == earlier
    after = renewed(recorded, ["EUW1_1", "EUW1_3", "EUW1_4"], ["EUW1_3"]).by_key()
    assert after["EUW1_1"] == "t1" and after["EUW1_3"] == after["EUW1_4"] not in ("t1", "t2")
    assert set(after) == {"EUW1_1", "EUW1_3", "EUW1_4"}
