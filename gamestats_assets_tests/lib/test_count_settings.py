"""A setting that counts (`lib/core/settings.py`: `env_count`): a batch size refused by name unless a whole number of
at least 1, its default when unset."""

import pytest

from gamestats_assets.lib.refresh.by_key import batch_keys


@pytest.mark.parametrize("value", ["0", "-3", "many", "1.5"])
def test_a_count_setting_refuses_what_is_not_a_whole_number_of_at_least_one_by_name(monkeypatch, value):
    monkeypatch.setenv("GAMESTATS_BY_KEY_BATCH_KEYS", value)
    with pytest.raises(ValueError, match=f"GAMESTATS_BY_KEY_BATCH_KEYS must be a whole number of keys of at least 1, "
                                         f"not '{value}'"):
        batch_keys()
    monkeypatch.setenv("GAMESTATS_BY_KEY_BATCH_KEYS", "")
    assert batch_keys() == 2000
