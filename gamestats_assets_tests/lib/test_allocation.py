"""`bulk_allocation` pauses the cyclic collector for a block or a call and gives it back as it was, whatever the
block raised."""

import gc

import pytest

from gamestats_assets.lib.core.allocation import bulk_allocation


def test_the_collector_is_paused_for_the_block_and_back_after_it_even_when_it_raised():
    assert gc.isenabled()
    with pytest.raises(ValueError), bulk_allocation():
        assert not gc.isenabled()
        raise ValueError("the build failed")
    assert gc.isenabled()


def test_a_nested_block_leaves_the_collector_paused_for_the_outer_one():
    with bulk_allocation():
        with bulk_allocation():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_as_a_decorator_it_pauses_the_call():
    @bulk_allocation()
    def build() -> bool:
        return gc.isenabled()

    assert build() is False and gc.isenabled()

