// One game of a player against the players of their band (`GET /api/v1/rocket/analytics/game`): each stat's
// percentile among the band's single games beside the middle half of those games, the bottom quarter's named as
// hints (one game: a hint, not a verdict), and packs for the skills the hints read; with no rank known, no band to
// compare it in, and the player told to state theirs.
import { el, fmt } from "./common.js";
import { coded, comparedWithText, meaning, shownStats, statLabel, statValue } from "./rlstats.js";

/** A stat's value as compared between games, in words (per minute, share of the game, or as it is). */
function comparedValue(stat, value) {
  if (value === null || value === undefined) return "—";
  const compared = meaning(stat).compared;
  if (compared === "per minute") return `${fmt(value, 2)}/min`;
  if (compared) return `${fmt(value * 100, 1)}% of the game`;
  return statValue(stat, value);
}

/** The game's stats (one of those that measure one thing), hints first, each with its percentile in the band. */
function statsTable(stats) {
  const shown = new Set(shownStats(stats.map((s) => s.stat_type)));
  const rows = stats.filter((s) => shown.has(s.stat_type) && s.better_percentile !== null)
    .sort((a, b) => a.better_percentile - b.better_percentile);
  return el("table", { id: "one-game-stats" },
    el("caption", { class: "muted" }, "Each stat of this game: its percentile among the band's single games of the playlist (100: best), and the middle half of those games."),
    el("thead", {}, el("tr", {}, ["Stat", "This game", "Percentile in the band", "Band's middle half (one game)"].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((s) => el("tr", { "data-stat": s.stat_type, class: s.hint ? "hint" : null },
      el("td", { class: s.hint ? "down text" : "text", title: s.stat_type }, `${statLabel(s.stat_type)}${s.hint ? " (hint)" : ""}`),
      el("td", {}, statValue(s.stat_type, s.value)),
      el("td", {}, `p${fmt(s.better_percentile)} of ${fmt(s.band_games)}`),
      el("td", {}, s.band_low === null ? "—" : `${comparedValue(s.stat_type, s.band_low)} – ${comparedValue(s.stat_type, s.band_high)}`)))));
}

/** The view of `answer` (null: no published game) for the player named `name`. */
export function oneGame(answer, name) {
  if (!answer) return [el("p", {}, "No published game of this player yet.")];
  const g = answer.data;
  const hinted = g.hints.filter((stat) => shownStats(g.hints).includes(stat));
  const head = [
    el("p", {}, el("a", { href: `replay.html?id=${g.match_id}`, id: "one-game-link" },
      g.played_at ? new Date(g.played_at).toLocaleString() : g.match_id), " · ", coded(g.playlist_name, g.playlist)),
    el("p", { class: "thin-evidence", id: "one-game-note" }, g.note)];
  if (g.compared_with.rank_from === "none") return head;
  return [
    ...head,
    el("p", { class: "muted", id: "one-game-who" }, comparedWithText(g.compared_with, name)),
    el("p", { id: "one-game-hints" }, hinted.length
      ? `In the band's bottom quarter in this game (p${fmt(g.weak_below)} and below): ${hinted.map(statLabel).join(", ")}.`
      : `No stat of this game in the band's bottom quarter (below p${fmt(g.weak_below)}).`),
    el("div", { class: "scroll" }, statsTable(g.stats)),
    el("h3", {}, "Training for this game's hints"),
    g.recommendations.length
      ? el("ul", { class: "plain", id: "one-game-packs" }, g.recommendations.map((p) => el("li", { "data-skill": p.skill, "data-pack": p.pack_code },
        el("b", {}, p.pack_name || p.pack_code), ` · ${p.pack_code}${p.difficulty ? ` · ${p.difficulty}` : ""}`,
        el("div", { class: "muted" }, `${p.skill_name}: ${g.skills.find((s) => s.skill === p.skill).hints.map(statLabel).join(", ")} in the bottom quarter in this game`))))
      : el("p", { id: "one-game-packs" }, "No pack: no stat a skill is read from is in the band's bottom quarter in this game."),
  ];
}
