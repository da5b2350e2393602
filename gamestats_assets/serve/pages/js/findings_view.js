// How a League finding reads on a page (the findings page and the champion page): its sentence, effect with its
// 95 % interval, games and q in a table sortable by effect and by evidence, the findings that no longer hold on the
// current patch marked; a section whose findings are not about one champion, or not narrowed to ranks, says so.
import { api, el, empty, fmt, sortableTable } from "./common.js";

/** The sections of findings (`#section-<path>` on the findings page), each the API's route; `champions`: its
 * findings can be about one champion; `tiered`: its tests are made within a slice of ranked tiers. */
export const SECTIONS = [{ path: "patterns", champions: true, tiered: true }, { path: "correlations" },
                         { path: "objectives" },
                         { path: "vision" }, { path: "win-model" }, { path: "objective-timing" },
                         { path: "dragon-vs-herald" }, { path: "build-paths", champions: true, tiered: true },
                         { path: "skill-ngrams", champions: true }, { path: "coordination" },
                         { path: "objective-tree" }];

const POINTS = { "win rate": 100 };

/** The effect as its unit counts it: win rates in points, the others as they are. */
export function effectText(row) {
  const scale = POINTS[row.unit] || 1, digits = scale === 100 ? 1 : row.unit === "DPM" ? 0 : 2;
  const signed = (v) => `${v * scale > 0 ? "+" : ""}${fmt(v * scale, digits)}`;
  const unit = scale === 100 ? "pts" : row.unit;
  return `${signed(row.effect)} [${signed(row.effect_ci_low)} to ${signed(row.effect_ci_high)}] ${unit}`;
}

export const qText = (q) => (q < 0.001 ? "< 0.001" : String(Number(Number(q).toPrecision(2))));

/** Whether a finding's effect is a win rate's: only such a finding says what helps win. */
export const aboutWinning = (row) => row.unit === "win rate";

/** The sentence; one of an earlier patch that no longer holds on the current one marked as such, one whose effect
 * is not a win rate's (damage per minute, KDA, deaths, r, log-odds) said to be no win-rate difference. */
function sentenceCell(row) {
  const outdated = row.holds_on_current_patch === false;
  return el("span", { class: outdated ? "finding outdated" : "finding",
                      title: outdated ? `no longer holds on ${row.current_patch}` : null }, row.sentence,
    aboutWinning(row) ? null : el("small", { class: "measure" }, `Measures ${row.unit}, not winning.`));
}

/** A sortable table of findings; `sortKey` the column sorted first ("q" for evidence, "effect" or "n"). */
export function findingsTable(rows, sortKey = "q") {
  return sortableTable([
    { key: "finding", label: "Finding", text: true, sortable: false, value: (r) => r.sentence, cell: sentenceCell },
    { key: "effect", label: "Effect [95% CI]", descending: true, cell: effectText,
      value: (r) => Math.abs(r.effect) * (POINTS[r.unit] || 1) },
    { key: "n", label: "n", descending: true, value: (r) => r.n },
    { key: "q", label: "q", value: (r) => r.q_value, cell: (r) => qText(r.q_value) },
  ], rows, { sortKey, descending: sortKey !== "q" });
}

/** The findings of `section` asked with `query`: none asked of a champion where the section's findings are not
 * about one, nor of a slice of ranks where its tests count every rank (`tiered`), each said in its place. */
export async function sectionFindings(section, query, limit = 50) {
  if (query.champion && !section.champions) return { unchampioned: true };
  if (query.tier && !section.tiered) return { untiered: true };
  return api(`/api/v1/lol/${section.path}`, { ...query, limit });
}

export function drawSection(region, answer, sortKey, what = "findings") {
  if (answer.unchampioned) {
    region.replaceChildren(empty("These findings are not about one champion: choose every champion to see them."));
    return;
  }
  if (answer.untiered) {
    region.replaceChildren(empty("These tests count games of every rank: none is narrowed to one rank yet."));
    return;
  }
  const total = answer.metadata.total_count, rows = answer.data, q = answer.metadata.q_threshold;
  if (!rows.length) {
    region.replaceChildren(empty(`No ${what} here on at least ${fmt(answer.metadata.min_games)} games.`));
    return;
  }
  const held = rows.filter((r) => r.significant), weak = rows.filter((r) => !r.significant);
  region.replaceChildren(el("div", {},
    el("p", { class: "muted" }, `${fmt(total)} ${what}${total > rows.length ? `, the first ${fmt(rows.length)} shown` : ""}, `
      + `each on at least ${fmt(answer.metadata.min_games)} games: ${fmt(held.length)} significant (q below ${q}), `
      + `${fmt(weak.length)} not.`),
    held.length ? el("div", { class: "significant" }, findingsTable(held, sortKey))
      : empty(`None of these is significant (q below ${q}): no claim is made of any.`),
    weak.length ? el("details", { class: "not-significant" },
      el("summary", {}, `${fmt(weak.length)} not significant (q ${q} or above): tested, no effect told apart from none`),
      findingsTable(weak, sortKey)) : null));
}
