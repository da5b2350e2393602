// Where a Rocket League player's rank is heading (`GET /api/v1/rocket/analytics/rank-outlook`): the drift of their
// known ranks and the change predicted over four weeks, each with its interval, said rising or falling only when
// the interval excludes no change; their training of the same weeks, with what their progress adds where the tested
// players show training to matter and, plainly, where they do not; and how well the drift has predicted the published
// players' latest ranks against no change; a rank the player stated is said so (stated, not verified).
import { el, fmt } from "./common.js";

const signed = (value, digits = 1) => `${value > 0 ? "+" : ""}${fmt(value, digits)}`;
const pct = (value) => value === null || value === undefined ? "—" : `${fmt(value * 100, 1)}%`;
const VERDICT = { better: "has predicted the latest rank better than no change",
                  worse: "has predicted the latest rank worse than no change",
                  "not distinguishable": "has not predicted the latest rank better or worse than no change" };

/** The outlook's words: the change over four weeks with its interval, or why none can be told. */
function change(o) {
  if (o.predicted_change === null) return `Too few days with a known rank to tell (${fmt(o.rank_days)}; three are needed).`;
  const words = { rising: "Rising", falling: "Falling", "no change can be told": "No change can be told" }[o.outlook];
  return `${words}: ${signed(o.predicted_change)} divisions in four weeks (95% ${signed(o.change_ci_low)} to ${signed(o.change_ci_high)}), `
    + `from ${fmt(o.rank_days)} days with a known rank, ${o.first_rank_day} to ${o.last_rank_day} (drift ${signed(o.trend_per_week, 2)} a week).`;
}

/** The training effect over the tested players, in words: per 10 points of training progress, with its interval. */
function effect(o) {
  if (o.training_effect === null) return `training's effect is not measured: ${fmt(o.training_effect_players)} tested players with a training progress are too few`;
  const per10 = (value) => signed(value / 10, 2);
  return `over ${fmt(o.training_effect_players)} tested players, each 10 points of progress went with ${per10(o.training_effect)} `
    + `divisions in four weeks beyond the trend (95% ${per10(o.training_effect_ci_low)} to ${per10(o.training_effect_ci_high)})`;
}

/** Whether the player's progress is in the change, and why not where it is not. */
function counted(o) {
  if (o.training_change !== null) return `Counted in the change: ${signed(o.training_change)} divisions for this player's progress (${effect(o)}).`;
  if (o.training_effect === null) return `Not counted in the change: ${effect(o)}.`;
  if (!o.training_effect_applied) {
    const none = o.training_effect_ci_low <= 0 && o.training_effect_ci_high >= 0;
    return `Not counted in the change: ${effect(o)}, ${none ? "which cannot be told from none" : "over too few players to count it"}.`;
  }
  return `Not counted in the change: a progress needs a success rate in both four-week spans (${effect(o)}).`;
}

function training(o) {
  if (!o.training_sessions) return `No training session logged in those four weeks. ${counted(o)}`;
  const before = o.training_success_rate_before === null ? "" : `, against ${pct(o.training_success_rate_before)} in the four weeks before`;
  return `Training in those four weeks: ${fmt(o.training_sessions)} sessions, ${pct(o.training_success_rate)} of shots made `
    + `(95% ${pct(o.training_success_ci_low)}–${pct(o.training_success_ci_high)})${before}. ${counted(o)}`;
}

function tested(backtest) {
  if (backtest.verdict === "unjudged") return "How well the drift predicts ranks is not measured yet (too few players with four ranked days).";
  return `Tested on ${fmt(backtest.players)} players' latest rank, the drift ${VERDICT[backtest.verdict]} `
    + `(mean error ${fmt(backtest.trend_mae, 2)} vs ${fmt(backtest.no_change_mae, 2)} divisions; difference 95% `
    + `${signed(backtest.difference_ci[0], 2)} to ${signed(backtest.difference_ci[1], 2)}).`;
}

/** The outlook card's children for the answer `answer` (its data, or its reason when empty). */
export function rankOutlook(answer) {
  const o = answer.data;
  if (!o) return [el("p", { class: "muted" }, answer.metadata?.reason || "No rank outlook published for this player.")];
  const stated = o.rank_from === "stated"
    ? [el("p", { class: "muted", id: "outlook-from" }, `Their known rank is the one they stated, ${o.rank || "—"} (stated, not verified), on ${fmt(o.rank_days)} day${o.rank_days === 1 ? "" : "s"}; the drift is tested only on ranks games gave.`)] : [];
  return [...stated, el("p", { id: "outlook-change", class: o.outlook === "rising" ? "up" : o.outlook === "falling" ? "down" : null }, change(o)),
          el("p", { class: "muted", id: "outlook-training" }, training(o)),
          el("p", { class: "muted", id: "outlook-tested" }, tested(o.backtest))];
}
