"""The columns of lol's findings: what each table that tests something publishes of its tests (`TESTED`, added to
its columns by `with_tests`) and the table of the first completed item against gold at 15 minutes
(`FIRST_ITEM_GOLD`), so that a finding's effect, interval, p, q, significance and measure are read, never computed,
by the API."""

from gamestats_assets.lib.core.columns import BIGINT, BOOLEAN, DOUBLE, INTEGER, TEXT, Column

MIN_GAMES = 30
"""Fewest games on each side of a comparison (and fewest players for a position's slope)."""
Q_THRESHOLD = 0.05
"""Benjamini–Hochberg level every reported pattern also meets."""

SIGNIFICANT = BOOLEAN(f"q_value below {Q_THRESHOLD}: the finding holds (false where untested); only these may be said "
                      "to be significant")
MEASURE = TEXT("what the effect counts: `win_rate` (a difference of win rates, a win rate against 50 % or its change "
               "per step: only these say what helps win), `dpm`, `kda`, `deaths_per_10`, `pearson_r` or `log_odds`")


def effect(of: str) -> dict[str, Column]:
    """The columns of an effect: `of` and its 95 % interval."""
    return {"effect": DOUBLE(of), "effect_ci_low": DOUBLE("the effect's 95 % interval, low end"),
            "effect_ci_high": DOUBLE("its high end")}


def tests(family: str) -> dict[str, Column]:
    """The q over `family`, whether it is significant and the measure."""
    return {"q_value": DOUBLE(f"the Benjamini–Hochberg q of p_value over {family}"), "significant": SIGNIFICANT,
            "measure": MEASURE}


AGAINST_HALF = {**effect("win_rate - 0.5: the win rate against an even 50 % (its interval, Wilson's less one half)"),
                "p_value": DOUBLE("the exact binomial test's two-sided p of the win rate against 50 %")}
AGAINST_OTHERS = {
    "other_wins": BIGINT("the others' wins"),
    "other_win_rate": DOUBLE("other_wins / other_games"),
    **effect("win_rate - other_win_rate (its interval, Newcombe's)"),
    "p_value": DOUBLE("the two-proportion z-test's two-sided p (pooled variance)")}

TESTED: dict[str, dict[str, Column]] = {
    "objective_stats": {**AGAINST_HALF, **tests("every row of the table")},
    "objective_timing": {**effect("win_rate - 0.5: the first taker's win rate against an even 50 % (its interval, "
                                  "Wilson's less one half)"), "significant": SIGNIFICANT, "measure": MEASURE},
    "dragon_vs_herald": {"significant": SIGNIFICANT, "measure": MEASURE},
    "item_build_stats": {
        "p_value": DOUBLE("the two-sided p of kda_vs_others from its normal interval (null without one)"),
        **tests("every path of the table with a kda_vs_others")},
    "vision_stats": {"other_games": BIGINT("the players of the role's other bands in the queue and patch"),
                     **AGAINST_OTHERS, **tests("every band of the table with other bands")},
    "correlations": {"pearson_ci_low": DOUBLE("Fisher's 95 % interval of pearson_r, low end"),
                     "pearson_ci_high": DOUBLE("its high end"),
                     "significant": BOOLEAN(f"pearson_q below {Q_THRESHOLD} (false where untested)"),
                     "measure": MEASURE},
    "discovered_patterns": {"significant": SIGNIFICANT, "measure": MEASURE},
    "win_model": {"coefficient_ci_low": DOUBLE("the coefficient's 95 % Wald interval, low end (± 1.96 standard "
                                               "errors)"), "coefficient_ci_high": DOUBLE("its high end"),
                  **tests("every term of the table but the intercepts (`const`: null)")},
    "skill_ngrams": {"significant": BOOLEAN(f"q_value below {Q_THRESHOLD}: the win-rate finding holds (false where "
                                            "untested)"),
                     "dpm_significant": BOOLEAN(f"dpm_q_value below {Q_THRESHOLD}: the damage-per-minute finding "
                                                "holds (false where untested)")},
    "coordination_outcomes": {"significant": SIGNIFICANT, "measure": MEASURE},
    "objective_tree": {**effect("blue_win_rate - 0.5: blue's win rate in the leaf's training games against an even "
                                "50 % (its interval, Wilson's less one half)"),
                       "p_value": DOUBLE("the exact binomial test's two-sided p of that win rate against 50 %"),
                       **tests("every leaf of the table")},
}
"""The columns a table's tests add to it, by table."""

FIRST_ITEM_GOLD: dict[str, dict[str, Column]] = {"first_item_gold": {
    "queue": TEXT, "patch": TEXT, "team_position": TEXT("the role: TOP, JUNGLE, MIDDLE, BOTTOM or UTILITY"),
    "length_from_min": INTEGER("the band of game length's first minute (0, 25 or 35)"),
    "length_to_min": INTEGER("its end, excluded (null for the last band)"),
    "gold_15_from": BIGINT("the band of the player's total gold at the minute-15 frame (absolute, not a lane "
                           "difference), its first gold"),
    "gold_15_to": BIGINT("its end, excluded (1,000 gold wide)"),
    "item_id": BIGINT("the first core (legendary or mythic) item the player completed, as the build paths take it"),
    "item_name": TEXT("its name in the Data Dragon of the game's patch"),
    "games": BIGINT("counted Summoner's Rift players of the cell (queue, patch, role, length band, gold band) whose "
                    "first item it was"), "wins": BIGINT, "win_rate": DOUBLE, "win_rate_ci_low": DOUBLE,
    "win_rate_ci_high": DOUBLE, "low_sample": BOOLEAN,
    "other_games": BIGINT("the players of the same cell whose first item was another"), **AGAINST_OTHERS,
    **tests("every item of the table tested (at least min_games players each side)"),
    "min_games": BIGINT("the fewest players each side a test needs (effect, interval, p and q null below)")}}
"""The first completed item against gold at 15 minutes, like with like."""


def with_tests(tables: dict[str, dict[str, Column]]) -> dict[str, dict[str, Column]]:
    """`tables` with the columns of their tests (`TESTED`) after their own."""
    return {table: {**columns, **TESTED.get(table, {})} for table, columns in tables.items()}
