"""Every column of every published table says what it holds, in its one declaration (`published/<domain>.py`), and
the catalog (Dagster's `dagster/column_schema`) and the API (`serve/models.py`) show that same description."""

from gamestats_assets.definitions import DOMAINS, defs
from gamestats_assets.lib.core.columns import BIGINT, COLUMN_SCHEMA, DOUBLE, described, interval_meaning

SPECS = {spec.table: spec for domain in DOMAINS for spec in domain.publish_specs}


def test_a_column_takes_the_meaning_of_its_name_unless_it_says_its_own():
    tables = described({"t": {"games": BIGINT, "wins": BIGINT("games won"), "win_rate": DOUBLE,
                              "win_rate_ci_low": DOUBLE, "kda_mean": DOUBLE, "kda_ci_high": DOUBLE,
                              "odd_ci_low": DOUBLE}}, {"games": "games played", "wins": "unused"})
    meanings = {name: column.description for name, column in tables["t"].items()}
    assert meanings == {"games": "games played", "wins": "games won", "win_rate": "",
                        "win_rate_ci_low": "the lower bound of the 95 % interval of `win_rate`",
                        "kda_mean": "", "kda_ci_high": "the upper bound of the 95 % interval of `kda_mean`",
                        "odd_ci_low": ""}
    assert interval_meaning("ci_low", tables["t"]) == ""


def test_every_published_column_is_described_in_its_declaration_and_the_catalog():
    graph = defs.resolve_asset_graph()
    undescribed = []
    for table, spec in SPECS.items():
        for key in (spec.source.key, spec.asset_key):
            undescribed += [f"{table}.{c.name} ({key.to_user_string()})"
                            for c in graph.get(key).metadata[COLUMN_SCHEMA].columns if not c.description]
    assert undescribed == []
