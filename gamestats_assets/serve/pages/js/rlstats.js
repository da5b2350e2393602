// How the Rocket League pages name, print and choose stats, from their declaration (`GET /api/v1/rocket/stats`):
// a stat by its name in words (its code in the title), its value in its unit, its percentile turned so that 100 is
// best, and one stat of the several that measure one thing. Groups as ballchasing groups them (the design's
// positional features inside positioning).
import { api, el, fmt } from "./common.js";

const GROUPS = { core: "Core", boost: "Boost", movement: "Movement", positioning: "Positioning", positional: "Positioning",
                 mechanical: "Mechanical", game_sense: "Game sense", demo: "Demolitions" };
const ORDER = ["Core", "Boost", "Movement", "Positioning", "Mechanical", "Game sense", "Demolitions"];

let declared = new Map();

/** Reads the stats' declaration once; the other functions use it. */
export async function loadMeanings() {
  declared = new Map((await api("/api/v1/rocket/stats")).data.stats.map((m) => [m.stat_type, m]));
}

/** A stat's declaration (a bare one for a stat the declaration lacks). */
export const meaning = (stat) => declared.get(stat) || { stat_type: stat, label: stat.replaceAll("_", " "), unit: "", better: null, compared: null, same_as: [] };

/** The group a stat category is shown in (`positional` and `positioning` are one). */
export const groupOf = (category) => GROUPS[category] || category.replaceAll("_", " ");

/** Groups in the pages' order, those not listed after, alphabetically. */
export const groupOrder = (a, b) => ((ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99)) || a.localeCompare(b);

/** A stat's name in words: `boost_bcpm` → `boost collected per minute`. */
export const statLabel = (stat) => meaning(stat).label;

/** A stat's name in words with its code in the title. */
export const statName = (stat) => el("span", { title: stat }, statLabel(stat));

/** A name with the code it stands for in the title (`DFH Stadium` for `stadium_p`). */
export const coded = (name, code) => el("span", { title: code || null }, name || code || "—");

/** A stat's value as text in its unit: shares as percentages, seconds with `s`, counts whole. */
export function statValue(stat, value) {
  if (value === null || value === undefined) return "—";
  const unit = meaning(stat).unit;
  if (unit === "share") return `${fmt(value * 100, 1)}%`;
  if (unit === "percent") return `${fmt(value, 1)}%`;
  if (unit === "seconds") return `${fmt(value, value >= 100 ? 0 : 1)} s`;
  if (unit === "count") return fmt(value, Number.isInteger(value) ? 0 : 1);
  return fmt(value, Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1);
}

/** Which way a stat is better, in words. */
export const direction = (stat) => ({ higher: "higher is better", lower: "lower is better" }[meaning(stat).better]
  || "neither better nor worse: where the value lies");

/** How a stat is compared between games, in words ("" when as it is). */
export const comparedAs = (stat) => (meaning(stat).compared ? `, compared ${meaning(stat).compared === "per minute" ? "per minute of the game" : "as a share of the game's length"}` : "");

/** The percentile a page shows for a stat: turned so that 100 is best, or the value's where it is neither. */
export const shownPercentile = (row) => row.better_percentile ?? row.rank_percentile;

/** The stats of `available` a page shows: of those that measure one thing (`same_as`), the first that is
 * available, so no number is shown twice. */
export function shownStats(available) {
  const present = new Set(available);
  return [...present].filter((stat) => {
    const same = meaning(stat).same_as;
    return !same.length || same.find((other) => present.has(other)) === stat;
  });
}

/** A rank band as players say it: `grand-champion` → Grand Champion, `unranked` → unranked. */
export const bandName = (band) => band === "unranked" ? "unranked" : (band || "").split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join(" ");

/** Whom a player's values are ranked among, as a sentence (a replay's `compared_with`). */
export function comparedWithText(compared, name) {
  const games = compared.games ? `${fmt(compared.games)} game${compared.games === 1 ? "" : "s"}` : "no games";
  const playlist = compared.playlist_name || compared.playlist || "the same playlist";
  if (compared.rank_from === "none") {
    return `Compared with ${games} of players of unranked games in ${playlist}: this game carries no rank and none is known for ${name}.`;
  }
  const among = `Compared with ${games} of ${bandName(compared.rank_band)} players in ${playlist}`;
  if (compared.rank_from === "stated") {
    return `${among}, the rank ${name} stated (${compared.rank || bandName(compared.rank_band)}; stated, not verified): this game carries none and no game of theirs gave one.`;
  }
  return compared.rank_from === "profile"
    ? `${among}, ${name}'s latest known rank (${compared.rank || bandName(compared.rank_band)}): this game carries none.`
    : `${among}.`;
}
