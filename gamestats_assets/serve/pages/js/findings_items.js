// The findings page's first completed item against gold at 15 minutes (`/api/v1/lol/first-item-gold`): in each cell
// of role, game length and gold at 15, an item's win rate with its interval and n against the cell's other first
// items, the effect with its interval and q as published; only the significant ones listed as such, the others
// folded, the untested ones (too few players a side) folded too, low samples greyed with their n.
import { api, el, empty, fmt, pct, rateCell, roleName, sortableTable } from "./common.js";
import { qText } from "./findings_view.js";

const points = (v) => `${v > 0 ? "+" : ""}${fmt(v * 100, 1)}`;
const band = (from, to, unit) => (to === null ? `${fmt(from)}${unit} and over` : `${fmt(from)}–${fmt(to)}${unit}`);

const COLUMNS = [
  { key: "role", label: "Role", text: true, value: (r) => r.team_position, cell: (r) => roleName(r.team_position) },
  { key: "length", label: "Game length", value: (r) => r.length_from_min, cell: (r) => band(r.length_from_min, r.length_to_min, " min") },
  { key: "gold", label: "Gold at 15", value: (r) => r.gold_15_from, cell: (r) => band(r.gold_15_from, r.gold_15_to, "") },
  { key: "item", label: "First item", text: true, value: (r) => r.item_name, cell: (r) => r.item_name || `item ${r.item_id}` },
  { key: "win_rate", label: "Win rate [95% CI] n", descending: true, value: (r) => r.win_rate,
    cell: (r) => rateCell(r.win_rate, r.win_rate_ci_low, r.win_rate_ci_high, r.games, r.low_sample) },
  { key: "others", label: "Other first items", descending: true, value: (r) => r.other_win_rate,
    cell: (r) => `${pct(r.other_win_rate)} n=${fmt(r.other_games)}` },
  { key: "effect", label: "Effect [95% CI]", descending: true, value: (r) => (r.effect === null ? null : Math.abs(r.effect)),
    cell: (r) => (r.effect === null ? "untested"
      : `${points(r.effect)} [${points(r.effect_ci_low)} to ${points(r.effect_ci_high)}] pts`) },
  { key: "q", label: "q", value: (r) => r.q_value, cell: (r) => (r.q_value === null ? "—" : qText(r.q_value)) },
];

/** The tested rows and the untested ones of one queue, patch and role (or all), each the first page of 100, unless
 * a champion or a slice of ranks is asked: these rows are of every champion and rank. */
export async function firstItemGold(query) {
  if (query.champion) return { unchampioned: true };
  if (query.tier && query.tier !== "all") return { untiered: true };
  const asked = (sample) => api("/api/v1/lol/first-item-gold",
    { queue: query.queue, patch: query.patch, role: query.role, sample, limit: 100 });
  const [tested, untested] = await Promise.all([asked("tested"), asked("untested")]);
  return { tested, untested };
}

const counted = (answer) => `${fmt(answer.metadata.total_count)}${answer.metadata.total_count > answer.data.length
  ? ` (the first ${fmt(answer.data.length)} shown)` : ""}`;

export function drawFirstItemGold(region, answer) {
  if (answer.unchampioned || answer.untiered) {
    region.replaceChildren(empty(answer.unchampioned
      ? "These rows compare the players of every champion: choose every champion to see them."
      : "These rows count games of every rank: choose every rank to see them."));
    return;
  }
  const { tested, untested: untestedAnswer } = answer, q = tested.metadata.q_threshold;
  const rows = tested.data, low = untestedAnswer.data;
  if (!rows.length && !low.length) {
    region.replaceChildren(empty("No first completed item is published for this queue, patch and role."));
    return;
  }
  const held = rows.filter((r) => r.significant), weak = rows.filter((r) => !r.significant);
  const fewest = (rows[0] || low[0]).min_games;
  const table = (shown) => sortableTable(COLUMNS, shown, { last: (r) => r.low_sample });
  region.replaceChildren(el("div", {},
    el("p", { class: "muted", "data-counts": "" }, `${counted(tested)} tested: ${fmt(held.length)} significant `
      + `(q below ${q}), ${fmt(weak.length)} not; ${counted(untestedAnswer)} untested (fewer than ${fmt(fewest)} `
      + "players on a side). Low samples are greyed with their n."),
    held.length ? el("div", { class: "significant" }, table(held))
      : empty(`None of these is significant (q below ${q}): no claim is made of any.`),
    weak.length ? el("details", { class: "not-significant" },
      el("summary", {}, `${fmt(weak.length)} not significant (q ${q} or above)`), table(weak)) : null,
    low.length ? el("details", { class: "low-sample" },
      el("summary", {}, `${fmt(low.length)} untested: too few players on a side`), table(low)) : null));
}
