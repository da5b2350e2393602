"""A raw replay's two sections and their CRCs: every real replay the project ships is whole by them, and a replay
cut, garbled or trailed by bytes is not."""

import pytest

from gamestats_assets.sources.replays.sections import SECTION_HEAD, DamagedReplay, check_sections, replay_crc
from gamestats_assets_tests.rocket.conftest import FIXTURES, REPLAYS

REAL = sorted([*REPLAYS.glob("*.replay"), *FIXTURES.glob("*/*.replay")])


def test_the_game_crc_of_one_byte_is_boxcars_one():
    """The check value boxcars' own test gives for the byte `0xA0`."""
    assert replay_crc(bytes([0xA0])) == 0x76CC8C81


@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_every_real_replay_is_whole_by_its_crcs(path):
    data = path.read_bytes()
    check_sections(data)
    header_size, header_crc = SECTION_HEAD.unpack_from(data)
    assert replay_crc(data[SECTION_HEAD.size:SECTION_HEAD.size + header_size]) == header_crc


def test_a_cut_garbled_or_trailed_replay_is_damaged_with_the_reason():
    data = (REPLAYS / "XBOX_PARTY.replay").read_bytes()
    header_end = SECTION_HEAD.size + SECTION_HEAD.unpack_from(data)[0]
    garbled = bytearray(data)
    garbled[header_end + 4096] ^= 0x01
    renamed = bytearray(data)
    renamed[SECTION_HEAD.size + 100] ^= 0x01
    cases = {data[:header_end]: "ends before the body section", data[:header_end + 20]: "body section is cut short",
             data[:-1]: "body section is cut short", bytes(garbled): "body section is damaged",
             bytes(renamed): "header section is damaged", data + b"\x00": "1 bytes follow the body",
             data[:6]: "ends before the header section"}
    for damaged, reason in cases.items():
        with pytest.raises(DamagedReplay, match=reason):
            check_sections(damaged)
