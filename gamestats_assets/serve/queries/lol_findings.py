"""League of Legends' findings: the tested results of the published analysis tables (discovered patterns,
correlations, objectives, objective timing, first dragon against first herald, build paths, skill n-grams,
coordination, the objective tree, vision, the win model), each one `Finding` in the same honest form, whatever its
table holds: its effect with a 95 % interval, its games, its Benjamini–Hochberg q, whether it still holds on the queue's
current patch, and a sentence a player reads.

A table becomes findings by one `Source`, declared in `queries/lol_finding_sources.py`: how its rows are read as
findings. What is common is here: the findings of fewer games than the threshold left out, the current-patch
judgement, the filters, the orders and the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from gamestats_assets.published.lol import COLUMNS, MIN_GAMES, Q_THRESHOLD
from gamestats_assets.serve.core.models import field, paged, shape
from gamestats_assets.serve.queries import NotFound, Query
from gamestats_assets.serve.queries.lol import KNOWN, known, optional, patch_order
from gamestats_assets.sources.riot.league import ALL

FEWEST_GAMES = MIN_GAMES
"""The fewest games (on each side of a comparison) a finding is listed on: the pipeline's own threshold for a
pattern, never fewer."""
SIGNIFICANT = Q_THRESHOLD
"""The q below which a finding holds."""

Finding = shape(
    "LolFinding", "A tested result of a published analysis table, with its effect, interval, games and q",
    kind=field(str, "what was tested: `first_core_item`, `skill_max_order`, `first_objective`, `vision_deaths` "
                    "(patterns), `correlation`, `objective`, `objective_timing`, `dragon_vs_herald`, `build_path`, "
                    "`skill_ngram_dpm`, `skill_ngram_win_rate`, `coordination`, `objective_tree_leaf`, `vision_band` "
                    "or `win_model_term`"),
    table=field(str, "the published table the finding is read from"),
    queue=field(str, "the queue tested"), patch=field(str, "the patch tested"),
    champion=field(str | None, "the champion the finding is about (null: not about one champion)"),
    role=field(str | None, "the role the finding is about (null: every role, or a team's)"),
    tier=field(str, "the slice of ranked tiers whose games were tested (`all`: every rank)"),
    subject=field(str, "who or what the finding is about, as its table names it"),
    condition=field(str, "what was compared, as its table names it"),
    metric=field(str, "the measure compared"),
    value_with=field(float | None, "the measure with the condition (null where the effect is a slope, r or "
                                   "coefficient)"),
    baseline=field(float | None, "the measure it is compared with (the other games, or 50 % for a team's win)"),
    effect=field(float, "value_with − baseline (for `dragon_vs_herald`, within games of the same length, as its "
                        "table tests it; for `build_path`, the KDA against the champion's other games as long), or the "
                        "slope, r or log-odds coefficient tested"),
    effect_ci_low=field(float, "the effect's 95 % interval, low end"),
    effect_ci_high=field(float, "the effect's 95 % interval, high end"),
    unit=field(str, "what the effect counts: `win rate` (a share; ×100 for points), `DPM`, `deaths per 10 min "
                    "per vision score per min`, `KDA`, `r` or `log-odds`; for `coordination` the win rate's change "
                    "per teammate near"),
    n=field(int, "the games (or players, teams, takes; a tree's leaf, its training games) with the condition"),
    n_baseline=field(int | None, "the games of the comparison (null where the effect is within one group)"),
    p_value=field(float, "the test's two-sided p"),
    q_value=field(float, "the Benjamini–Hochberg q over every test of its table (for the discovered patterns, "
                         "every test of its slice of ranked tiers)"),
    significant=field(bool, f"q below {SIGNIFICANT}"),
    current_patch=field(str, "the newest patch of the queue in the published games"),
    holds_on_current_patch=field(bool | None, "whether the same finding is significant, the same way, on the "
                                              "current patch (null: the finding is of the current patch, or is "
                                              "not significant)"),
    sentence=field(str, "the finding as a player reads it: who, where, what, effect, interval, n and q"))
FindingsPage = paged("LolFindingsPage", Finding)

ORDERS = {
    "evidence": lambda f: (f["q_value"], -f["n"], f["kind"], f["subject"], f["condition"], f["patch"]),
    "effect": lambda f: (f["kind"], -abs(f["effect"]), f["q_value"], f["subject"], f["condition"], f["patch"]),
    "games": lambda f: (-f["n"], f["q_value"], f["kind"], f["subject"], f["condition"], f["patch"]),
}
"""How findings are listed: by evidence (lowest q first, then most games), by effect (within each kind, the
largest effect either way first: effects of different kinds count different things) or by games."""


@dataclass(frozen=True)
class Source:
    """A published table read as findings under `/api/v1/lol/<path>`: `findings(conn)` makes every finding of the
    table (each a `Finding` but for the current-patch judgement; a sentence ending before the judgement), of
    `kinds`."""

    path: str
    table: str
    summary: str
    findings: Callable[[psycopg.Connection], list[dict]]
    kinds: tuple[str, ...]

    @property
    def tiered(self) -> bool:
        """Whether the table's tests are made within each slice of ranked tiers (it has `tier`)."""
        return "tier" in COLUMNS[self.table]


def current_patches(conn: psycopg.Connection) -> dict[str, str]:
    """The newest patch of each queue of `KNOWN`: every counted game is there."""
    found: dict[str, str] = {}
    for row in conn.execute(f"SELECT DISTINCT queue, patch FROM {KNOWN}").fetchall():
        if row["queue"] not in found or patch_order(row["patch"]) > patch_order(found[row["queue"]]):
            found[row["queue"]] = row["patch"]
    return found


def same(finding: dict) -> tuple:
    return (finding["kind"], finding["queue"], finding["tier"], finding["role"], finding["subject"],
            finding["condition"])


def judged(findings: list[dict], current: dict[str, str]) -> list[dict]:
    """`findings` with the queue's current patch and whether each significant finding of an earlier patch holds
    there (the same finding significant with an effect of the same sign), said at the end of its sentence."""
    newest = {same(f): f for f in findings if f["patch"] == current.get(f["queue"])}
    out = []
    for finding in findings:
        patch = current.get(finding["queue"], finding["patch"])
        holds, note = None, ""
        if finding["significant"] and finding["patch"] != patch:
            there = newest.get(same(finding))
            holds = bool(there and there["significant"] and (there["effect"] > 0) == (finding["effect"] > 0))
            if holds:
                note = f" Still holds on the current patch {patch}."
            elif there is None:
                note = f" No longer found on the current patch {patch}."
            else:
                note = f" No longer holds on the current patch {patch} ({phrase_q(there['q_value'])} there)."
        out.append({**finding, "current_patch": patch, "holds_on_current_patch": holds,
                    "sentence": finding["sentence"] + note})
    return out


def phrase_q(q: float) -> str:
    """A q as the sentences say it: two significant digits, below 0.001 as such."""
    return "q < 0.001" if q < 0.001 else f"q = {q:.2g}"


def listed(source: Source) -> Query:
    """The findings of `source` of a queue, patch, champion, role, slice of ranked tiers and kind (each or all; a
    404 for a queue, patch, slice or champion the published games do not hold), on at least `min_games` games
    each side, in an order of `ORDERS`, `limit` from `offset`, with how many there are."""

    def compute(conn: psycopg.Connection, queue: str | None, patch: str | None, champion: str | None,
                role: str | None, tier: str, kind: str | None, order: str, min_games: int, limit: int,
                offset: int) -> dict:
        known(conn, optional(queue), optional(patch), tier)
        if champion is not None and conn.execute(f"SELECT 1 FROM {KNOWN} WHERE lower(champion_name) = lower(%s) "
                                                 "LIMIT 1", (champion,)).fetchone() is None:
            raise NotFound(f"champion {champion!r} not found in {KNOWN}")
        made = source.findings(conn)
        findings = judged([f for f in made if f["n"] >= min_games
                           and (f["n_baseline"] is None or f["n_baseline"] >= min_games)], current_patches(conn))
        chosen = [f for f in findings if (queue is None or f["queue"] == queue)
                  and (patch is None or f["patch"] == patch) and f["tier"] == tier
                  and (champion is None or (f["champion"] or "").lower() == champion.lower())
                  and (role is None or f["role"] == role) and (kind is None or f["kind"] == kind)]
        if tier != ALL and not source.tiered:
            raise NotFound(f"no findings of tier {tier!r} in lol.{source.table}: its tests count every rank")
        chosen.sort(key=ORDERS[order])
        return {"rows": chosen[offset:offset + limit], "total_count": len(chosen)}

    compute.__qualname__ = f"listed.{source.table}"
    return Query((f"lol.{source.table}", KNOWN), FindingsPage, compute)
