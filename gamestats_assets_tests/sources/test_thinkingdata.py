"""The one ThinkingData reader: real samples, every rule a line can break, and what is delivered badly."""

import datetime as dt
import gzip
import json
import re
from datetime import datetime

import duckdb
import numpy
import polars as pl
import pytest

from gamestats_assets.lib.lake.rows import RestartStream
from gamestats_assets.sources.thinkingdata import reader, repeats
from gamestats_assets.sources.thinkingdata import (
    MAX_ID_CHARS,
    Identity,
    LineSchema,
    encode_record,
    read_bytes,
    read_files,
    stream_files,
    track_record,
    user_set_record,
)
from gamestats_assets_tests.conftest import FIXTURES

SAMPLES = FIXTURES / "thinkingdata"
ANY = LineSchema({}, raw_properties=True)
LOGIN = LineSchema({"level": pl.Int64, "name": pl.Utf8}, event_name="login", record_types=("track",),
                   required=("#account_id", "level"))


def line(uuid="u1", account="a", time="2024-01-01 10:00:00.000", level=3, name="x", event="login") -> str:
    return json.dumps({"#type": "track", "#account_id": account, "#time": time, "#event_name": event,
                       "#uuid": uuid, "properties": {"level": level, "name": name}}, ensure_ascii=False)


def lines(*texts: str) -> bytes:
    return ("\n".join(texts) + "\n").encode()


def test_official_samples_parse_unchanged():
    read = read_files([SAMPLES / "samples_from_official_docs.jsonl"], ANY)
    assert read.rejects == [] and read.frame["#type"].to_list() == ["track", "user_set"]
    assert read.frame["#event_name"][0] == "test"
    assert json.loads(read.frame["properties"][0]) == {"argString": "abc", "argNum": 123, "argBool": True}


def test_real_game_log_record_parses():
    example = json.loads((SAMPLES / "real_game_log_item_thinkingdata_example.json").read_text())
    read = read_bytes(lines(json.dumps(example["after_thinkingdata_track"])),
                      LineSchema({"item_id": pl.Int64}, raw_properties=True))
    assert read.rejects == [] and read.frame["#event_name"][0] == "t_log_item"
    assert read.frame["item_id"][0] == 10203101


def test_built_lines_round_trip_with_millisecond_time():
    identity = Identity("acc1", "dev1", "1.2.3.4")
    moment = datetime(2024, 1, 2, 3, 4, 5, 678000)
    track = encode_record(track_record(identity, "login", moment, {"#os": "iOS", "n": 1}, "u-1"))
    profile = encode_record(user_set_record(identity, moment, {"level": 3}, "u-2"))
    read = read_bytes(lines(track, profile), LineSchema({"#os": pl.Utf8, "n": pl.Int64, "level": pl.Int64}))
    assert read.frame["#time"].dt.millisecond().to_list() == [678, 678]
    assert read.frame["level"].to_list() == [None, 3] and read.frame["#os"].to_list() == ["iOS", None]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "cannot be read: Malformed JSON at byte"),
        ('{"#type":"track","#account_id":"a","#time":"2024-01-01 00:00:00.000"}', "'#event_name'"),
        ('{"#type":"nope","#account_id":"a","#time":"2024-01-01 00:00:00.000"}', "'#type' is nope"),
        ('{"#type":"track","#event_name":"login","#time":"2024-01-01 00:00:00.000"}', "non-empty '#account_id'"),
        ('{"#type":"track","#event_name":"login","#account_id":"a","#time":"2024/01/01"}', "'#time' is 2024/01/01"),
        ("[1, 2]", "cannot be read: JSON transform error: Expected OBJECT, but got ARRAY"),
        (line(level="three"), "level is three, expected an integer"),
        (line(level=3.7), "level is 3.7, expected an integer"),
        (line(level=True), "level is true, expected an integer"),
        (line(account=""), "non-empty '#account_id'"),
        (line(name="nul\u0000byte"), "name holds a NUL character"),
        (line(account="x" * (MAX_ID_CHARS + 1)), f"longer than {MAX_ID_CHARS}"),
        (line(event="logout"), "#event_name is not login"),
        (line(time="2024-01-02 10:00:00.000"), "#time not on partition day 2024-01-01"),
    ],
)
def test_a_bad_line_is_rejected_alone_with_its_line_number_and_reason(bad, reason):
    read = read_bytes(lines(line("u0"), "", bad, line("u9")), LOGIN, name="login.jsonl", day=dt.date(2024, 1, 1))
    assert read.frame["#uuid"].to_list() == ["u0", "u9"]
    [reject] = read.rejects
    assert (reject.source, reject.line, reject.raw) == ("login.jsonl", 3, bad) and reason in reject.reason
    assert "DUCKDB_INTERNAL" not in reject.reason and " in line " not in reject.reason
    assert read.stats.lines == 3 and read.stats.rejected == 1


def test_a_file_broken_every_tenth_line_keeps_its_rows_in_order_and_rejects_each_broken_line():
    """Lines that are not JSON objects, beside one that is but whose properties are not: each broken line rejected
    with its own number and reason, every other line kept in file order."""
    broken = {"{not json": "Malformed JSON at byte", "[1, 2]": "Expected OBJECT, but got ARRAY",
              json.dumps({**json.loads(line("p")), "properties": 5}): "Expected OBJECT, but got UBIGINT"}
    texts = [list(broken)[n // 10 % 3] if n % 10 == 9 else line(f"u{n}") for n in range(600)]
    read = read_bytes(lines(*texts), LOGIN, name="login.jsonl")
    assert read.frame["#uuid"].to_list() == [f"u{n}" for n in range(600) if n % 10 != 9]
    assert [(reject.line, reject.raw) for reject in read.rejects] == [(n + 1, texts[n]) for n in range(9, 600, 10)]
    assert all(broken[reject.raw] in reject.reason for reject in read.rejects)
    assert read.stats.lines == 600 and read.stats.rejected == 60


def test_a_broken_line_deep_in_a_large_file_is_rejected_alone():
    """The parse of a large file meets the broken line after it has given its first batches."""
    texts = [line(f"u{n}") for n in range(120_000)]
    texts[100_000] = "{not json"
    read = read_bytes(lines(*texts), LOGIN, name="login.jsonl")
    assert read.frame.height == 119_999 and read.frame["#uuid"][100_000] == "u100001"
    assert [(reject.line, reject.raw) for reject in read.rejects] == [(100_001, "{not json")]


@pytest.mark.parametrize(("characters", "rejected"), [(MAX_ID_CHARS, False), (MAX_ID_CHARS + 1, True)])
def test_a_text_is_limited_in_characters_not_in_bytes(characters, rejected):
    read = read_bytes(lines(line("u0"), line("u1", account="é" * characters)), LOGIN)
    assert read.frame["#uuid"].to_list() == (["u0"] if rejected else ["u0", "u1"])
    assert [reject.line for reject in read.rejects] == ([2] if rejected else [])


def test_a_nul_escaped_in_properties_kept_as_json_rejects_its_line_and_an_escaped_backslash_does_not():
    record = json.loads(line("u1"))

    def noted(uuid: str, note: str) -> str:
        return json.dumps({**record, "#uuid": uuid, "properties": {"note": note}})

    kept = [noted("u1", "a\\u0000b"), noted("u2", "a\\\\u0000b"), noted("u3", "plain")]
    rejected = [noted("u8", "a\u0000b"), noted("u9", "a\\\u0000b")]
    assert "a\\u0000b" in rejected[0] and "a\\\\\\u0000b" in rejected[1]
    read = read_bytes(lines(kept[0], rejected[0], kept[1], rejected[1], kept[2]), ANY)
    assert read.frame["#uuid"].to_list() == ["u1", "u2", "u3"]
    assert [(r.line, "properties holds a NUL character" in r.reason) for r in read.rejects] == [(2, True), (4, True)]


@pytest.mark.parametrize("schema", [ANY, LOGIN, LineSchema({"level": pl.Int64, "ok": pl.Boolean}, raw_properties=True)])
def test_the_parse_is_projections_over_the_json_read_which_keep_the_lines_order(schema):
    with duckdb.connect() as connection:
        plan = reader._parse(connection, b"", schema, dt.date(2024, 1, 1)).explain()
    assert set(re.findall(r"─ ([A-Za-z ]+?) ─", plan)) == {"Projection", "Read Json"}


def test_an_integer_is_what_polars_reads_as_one_and_a_number_what_it_reads_as_a_float():
    texts = ["1", "-1", "+1", "007", "-0", " 1", "1 ", "1.0", "1.5", "1e3", "0x10", "1_000", "", "true", "٣",
             "9223372036854775807", "9223372036854775808", "inf", "-Infinity", "NaN", ".5", "5.", "1E+3", "+-1", "1e"]
    data = lines(*(json.dumps({"#type": "track", "#account_id": "a", "#time": "2024-01-01 10:00:00.000",
                               "#event_name": "e", "#uuid": f"u{n}", "properties": {"whole": text, "real": text}})
                   for n, text in enumerate(texts)))
    as_integers = read_bytes(data, LineSchema({"whole": pl.Int64}))
    as_numbers = read_bytes(data, LineSchema({"real": pl.Float64}))
    integers = pl.Series(texts).str.to_integer(strict=False)
    numbers = pl.Series(texts).cast(pl.Float64, strict=False)
    assert as_integers.frame["#uuid"].to_list() == [f"u{n}" for n, value in enumerate(integers) if value is not None]
    assert as_integers.frame["whole"].to_list() == integers.drop_nulls().to_list()
    assert as_numbers.frame["#uuid"].to_list() == [f"u{n}" for n, value in enumerate(numbers) if value is not None]
    assert as_numbers.frame["real"].fill_nan(None).to_list() == numbers.drop_nulls().fill_nan(None).to_list()


def test_a_number_written_as_a_json_string_is_read_as_its_number():
    read = read_bytes(lines(line("u1", level="7")), LOGIN)
    assert read.rejects == [] and read.frame["level"].to_list() == [7]


def test_the_same_record_delivered_twice_counts_once_and_a_conflict_is_rejected_whole(tmp_path):
    (tmp_path / "login.jsonl").write_text("\n".join([line("u1"), line("u2"), line("u3", level=4)]) + "\n")
    (tmp_path / "login_redelivered.jsonl").write_text("\n".join([line("u1"), line("u2"), line("u3", level=5)]) + "\n")
    read = read_files(sorted(tmp_path.iterdir()), LOGIN)
    assert read.frame["#uuid"].to_list() == ["u1", "u2"]
    assert read.stats.duplicates == 2 and read.stats.conflicts == 2
    assert sorted((r.source, r.line) for r in read.rejects) == [("login.jsonl", 3), ("login_redelivered.jsonl", 3)]
    assert all("2 different records share one #uuid" in r.reason for r in read.rejects)


@pytest.mark.parametrize("batch_rows", [2, None])
def test_each_file_s_counts_rejects_and_record_keys_add_up_to_the_read(tmp_path, batch_rows):
    (tmp_path / "login.jsonl").write_text("\n".join([line("u1"), line("u2"), line("u3", level=4), "{broken"]) + "\n")
    (tmp_path / "login_redelivered.jsonl").write_text("\n".join([line("u1"), line("u3", level=5), line("u4")]) + "\n")
    paths = sorted(tmp_path.iterdir())
    stream = stream_files(paths, LOGIN, batch_rows=batch_rows) if batch_rows else None
    if stream is not None:
        with pytest.raises(RestartStream):
            list(stream)
        list(stream)
    read = stream or read_files(paths, LOGIN)
    first, second = (read.files[path.name] for path in paths)
    assert (first.stats.as_dict(), second.stats.as_dict()) == (
        {"files": 1, "lines": 4, "rejected": 2, "duplicates": 0, "conflicts": 1},
        {"files": 1, "lines": 3, "rejected": 1, "duplicates": 1, "conflicts": 1})
    assert [*first.rejects, *second.rejects] == read.rejects
    assert {name: sum(file.stats.as_dict()[name] for file in read.files.values()) for name in read.stats.as_dict()} \
        == read.stats.as_dict()
    assert (first.keys.len(), second.keys.len()) == (3, 3) and first.keys.is_in(second.keys.implode()).sum() == 2


def test_gzip_under_any_name_is_read_and_a_redelivered_gzip_counts_once(tmp_path):
    (tmp_path / "login.jsonl").write_bytes(lines(line("u1"), line("u2")))
    (tmp_path / "login_2.jsonl").write_bytes(gzip.compress(lines(line("u1"), line("u2"))))
    read = read_files(sorted(tmp_path.iterdir()), LOGIN)
    assert read.frame.height == 2 and read.stats.duplicates == 2 and read.rejects == []


def test_a_bom_is_skipped_and_its_first_record_kept(tmp_path):
    (tmp_path / "login.jsonl").write_bytes(b"\xef\xbb\xbf" + lines(line("u1"), line("u2")))
    read = read_files([tmp_path / "login.jsonl"], LOGIN)
    assert read.rejects == [] and read.frame["#uuid"].to_list() == ["u1", "u2"]


def test_binary_content_is_unreadable_whole_but_one_bad_line_only_rejects_that_line(tmp_path):
    (tmp_path / "login.jsonl").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "login_latin1.jsonl").write_bytes(lines(line("u1"), line("u2", name="é")).replace("é".encode(), b"\xe9"))
    read = read_files(sorted(tmp_path.iterdir()), LOGIN)
    [(path, reason)] = read.unreadable
    assert path.name == "login.jsonl" and "not text" in reason
    assert read.frame["#uuid"].to_list() == ["u1"]
    [reject] = read.rejects
    assert reject.line == 2 and reject.source == "login_latin1.jsonl"


def test_a_conflict_found_after_its_first_version_was_given_restarts_the_stream(tmp_path):
    (tmp_path / "login.jsonl").write_bytes(lines(line("u1"), line("u2"), line("u3"), line("u1", level=9)))
    stream = stream_files([tmp_path / "login.jsonl"], LOGIN, batch_rows=2)
    with pytest.raises(RestartStream):
        list(stream)
    again = pl.concat(list(stream))
    assert again["#uuid"].to_list() == ["u2", "u3"]
    assert sorted(r.line for r in stream.rejects) == [1, 4] and stream.stats.conflicts == 2
    assert read_files([tmp_path / "login.jsonl"], LOGIN).frame["#uuid"].to_list() == ["u2", "u3"]


def test_a_record_delivered_again_in_a_later_batch_is_dropped_without_a_restart(tmp_path):
    (tmp_path / "login.jsonl").write_bytes(lines(line("u1"), line("u2"), line("u3"), line("u1")))
    stream = stream_files([tmp_path / "login.jsonl"], LOGIN, batch_rows=2)
    assert pl.concat(list(stream))["#uuid"].to_list() == ["u1", "u2", "u3"]
    assert stream.stats.duplicates == 1 and stream.rejects == []


def test_the_slow_path_reads_on_after_the_lines_already_given():
    data = lines(line("u1"), line("u2"), "{broken", line("u3"))
    with duckdb.connect() as connection:
        parsed = list(reader._parse_by_blocks(connection, "login.jsonl", data, LOGIN, None, after=2))
    frame = pl.concat([frame for frame, _ in parsed])
    [reject] = [reject for _, rejects in parsed for reject in rejects]
    assert frame["_record"].to_list() == [4] and frame["#uuid"].to_list() == ["u3"]
    assert (reject.line, reject.raw) == (3, "{broken")


def test_hashes_remembered_past_their_batch_hold_none_of_its_memory():
    with duckdb.connect() as connection:
        parsed = reader._parse(connection, lines(line("u1"), line("u2")), LOGIN, None).pl()
    remembered = repeats.owned(parsed.select("_key", "_content"))
    assert remembered.equals(parsed.select("_key", "_content"))
    for name in ("_key", "_content"):
        assert not numpy.shares_memory(remembered[name].to_numpy(), parsed[name].to_numpy())


@pytest.mark.parametrize("dtype", [pl.UInt64, pl.UInt8, pl.Int32])
def test_an_unsigned_or_narrow_integer_takes_what_a_64_bit_integer_does_that_fits_it(dtype):
    texts = ["5", "-1", "300", "9223372036854775807", "9223372036854775808"]
    data = lines(*(line(f"u{n}", level=text) for n, text in enumerate(texts)))
    read = read_bytes(data, LineSchema({"level": dtype, "name": pl.Utf8}))
    expected = pl.Series(texts).str.to_integer(strict=False).cast(dtype, strict=False)
    assert read.frame["level"].to_list() == expected.drop_nulls().to_list()
    assert [r.line for r in read.rejects] == [n + 1 for n, value in enumerate(expected) if value is None]
