// A Rocket League replay's page: the score with the winner, the arena and playlist by name, the blue and orange teams
// with their players' names, ranks and whom their values are ranked among, then one table per stat group
// (ballchasing's groups, the design's positional features inside positioning): a row per stat, named in words, a
// column per player by team (a table a team, or a part of one, where they would not fit the screen), each value
// with its percentile turned so that 100 is best, after the goals in order and each player's boost pads
// (`replay_events.js`). Of the stats that measure one
// thing one is shown; stats no player of the replay has (its format does not carry them) are left out and named; an
// upload still queued is followed until it is served or refused. A raw replay read frame by frame is watched in 3D
// (`viewer.js`, loaded once the page's analysis is shown); a game without frames says why in its place.
import { api, el, fmt, header, param, shown, showError } from "./common.js";
import {
  coded, comparedAs, comparedWithText, direction, groupOf, groupOrder, loadMeanings, meaning, shownStats, statLabel,
  statName, statValue,
} from "./rlstats.js";
import { boostPads, goalTimeline } from "./replay_events.js";
import { follow, statusText } from "./upload.js";

const $ = (id) => document.getElementById(id);
const TEAMS = ["Blue", "Orange"];
const FORMATS = { replay: "a raw .replay file (positions read frame by frame)", ballchasing: "ballchasing.com JSON",
                  carball: "a carball analysis" };

header("player.html");

const teamName = (team) => (team === 0 || team === 1 ? TEAMS[team] : "No team");
/** A player deleted at their request keeps their place in the game under a token (`deleted:<hex>`): the page names
 * them so, and links nowhere. */
const isDeleted = (p) => String(p.player_id).startsWith("deleted:");
const playerName = (p) => (isDeleted(p) ? "a deleted player" : p.name || p.player_id);
const playerLink = (p) => (isDeleted(p) ? el("span", { class: "muted" }, playerName(p))
  : el("a", { href: `player.html?player=${encodeURIComponent(p.player_id)}` }, playerName(p)));

function summary(replay) {
  const [blue, orange] = [replay.score_team_0, replay.score_team_1];
  const winner = replay.result === "blue" ? "Blue wins" : replay.result === "orange" ? "Orange wins" : "Draw";
  const parts = [replay.played_at ? new Date(replay.played_at).toLocaleString() : null,
                 coded(replay.playlist_name, replay.playlist), coded(replay.map_name, replay.map_code),
                 replay.team_size ? `${replay.team_size}v${replay.team_size}` : null,
                 replay.duration ? `${fmt(replay.duration / 60, 1)} min${replay.overtime ? " with overtime" : ""}` : null]
    .filter(Boolean).flatMap((part, i) => (i ? [" · ", part] : [part]));
  return [
    el("p", { class: "score", id: "score" }, el("span", { class: "team-0" }, `Blue ${fmt(blue)}`), " – ",
       el("span", { class: "team-1" }, `${fmt(orange)} Orange`), " · ", el("b", { id: "winner" }, `${winner}${replay.overtime ? " in overtime" : ""}`)),
    el("p", { class: "status", id: "summary" }, ...parts),
    el("p", { class: "status", id: "format" }, `Read from ${FORMATS[replay.source] || replay.source}${replay.sources && replay.sources !== replay.source ? ` (also known from: ${replay.sources.split(",").filter((s) => s !== replay.source).map((s) => FORMATS[s] || s).join(", ")})` : ""}.`),
  ];
}

/** What a page says once when some of the game's players are compared with players of unranked games. */
const UNRANKED = "A game that carries no rank (a raw replay does not) ranks its players among the players of unranked games of its playlist, few and of any level, unless a player's rank is known from their other games: those percentiles say little.";

function teams(players) {
  const unranked = players.some((p) => p.compared_with.rank_from === "none");
  return el("div", {}, el("div", { class: "teams", id: "teams" }, [0, 1].map((team) => el("section", { class: `card team team-${team}`, "data-team": team },
    el("h2", {}, `${teamName(team)} team`),
    el("ul", { class: "plain" }, players.filter((p) => p.team === team).map((p) => el("li", { "data-player": p.player_id },
      playerLink(p), p.is_bot ? " (bot)" : "",
      el("span", { class: "muted" }, ` · ${p.rank || "unranked"}`),
      el("div", { class: "muted compared" }, comparedWithText(p.compared_with, playerName(p))))))))),
    unranked ? el("p", { class: "muted", id: "unranked-note" }, UNRANKED) : null);
}

/** The stats of each group a page shows (a group: its stats, each with every player's value), and the stats no
 * player has, by reason. */
function grouped(players) {
  const values = new Map(), categories = new Map();
  for (const p of players) {
    for (const [category, stats] of Object.entries(p.stats)) {
      for (const [stat, value] of Object.entries(stats)) {
        categories.set(stat, category);
        if (!values.has(stat)) values.set(stat, []);
        values.get(stat).push(value);
      }
    }
  }
  const groups = new Map(), empty = new Map();
  for (const [stat, found] of values) {
    if (found.every((v) => v.value === null)) {
      const reason = found.find((v) => v.null_reason)?.null_reason || "no value";
      if (!empty.has(reason)) empty.set(reason, []);
      empty.get(reason).push([stat, `${groupOf(categories.get(stat)).toLowerCase()}: ${statLabel(stat)}`]);
    }
  }
  const held = [...values.keys()].filter((stat) => values.get(stat).some((v) => v.value !== null));
  for (const [reason, stats] of empty) {  // a stat whose measure another stat of the replay shows is not missing
    const missing = stats.filter(([stat]) => !meaning(stat).same_as.some((other) => held.includes(other)));
    if (missing.length) empty.set(reason, missing); else empty.delete(reason);
  }
  for (const stat of shownStats(held)) {
    const group = groupOf(categories.get(stat));
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(stat);
  }
  return { groups, empty };
}

/** A player's value of `stat` with its percentile (turned so that 100 is best) and what it was ranked among. */
function cell(player, stat) {
  const found = Object.values(player.stats).map((byStat) => byStat[stat]).find(Boolean);
  const percentile = found?.better_percentile ?? found?.rank_percentile;
  const among = player.compared_with;
  return el("td", { title: found?.null_reason || null, "data-stat": stat, "data-player": player.player_id },
    statValue(stat, found?.value),
    percentile !== null && percentile !== undefined
      ? el("span", { class: `muted pct${found.better_percentile === null ? " style" : ""}`,
                     title: `percentile among ${fmt(found.peers)} games of ${among.rank_band} players in ${among.playlist_name || among.playlist}${comparedAs(stat)}; ${direction(stat)}` },
           ` p${fmt(percentile)}`) : null);
}

/** A table of `stats` (rows) for `players` (columns). */
function statTable(stats, players, caption) {
  return el("div", { class: "scroll" }, el("table", { class: "stats" },
    caption ? el("caption", { class: "muted" }, caption) : null,
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Stat"),
      players.map((p) => el("th", { scope: "col", class: `team-${p.team}`, "data-player": p.player_id }, playerName(p))))),
    el("tbody", {}, stats.map((stat) => el("tr", { "data-stat": stat },
      el("th", { scope: "row" }, statName(stat)), players.map((p) => cell(p, stat)))))));
}

/** A stat group's card: a table of `tables`' players each (`tablesOf`). */
function groupTable(group, stats, tables) {
  return el("section", { class: "card", "data-group": group }, el("h2", {}, group),
    tables.map(([team, side]) => statTable(stats, side, team === null ? null : `${teamName(team)} team`)));
}

const PHONE = matchMedia("(max-width: 600px)");
/** The width (px) of the stats' column and of a player's, as the stylesheet lays them out on a phone and wider. */
const COLUMNS = () => (PHONE.matches ? { stat: 115, player: 72 } : { stat: 150, player: 125 });
let drawn = null, fitting = 0;

/** How many players' columns fit beside the stats' in the groups' width. */
const fit = () => Math.max(1, Math.floor(($("groups").clientWidth - 28 - COLUMNS().stat) / COLUMNS().player));

/** The players of each table, so that no table is wider than the page: all in one when they fit, else a table a
 * team, a team of more than fit split into tables of as many as fit. */
function tablesOf(players, most) {
  if (players.length <= most) return [[null, players]];
  return [...new Set(players.map((p) => p.team))].flatMap((team) => {
    const side = players.filter((p) => p.team === team);
    return Array.from({ length: Math.ceil(side.length / most) }, (_, i) => [team, side.slice(i * most, (i + 1) * most)]);
  });
}

function analysis(replay) {
  drawn = replay;
  fitting = fit();
  const players = replay.players;
  const tables = tablesOf(players, fitting);
  const { groups, empty } = grouped(players);
  const hidden = [...empty.values()].reduce((n, stats) => n + stats.length, 0);
  $("groups").replaceChildren(
    el("p", { class: "muted", id: "percentile-note" }, "pNN: the value's percentile among the games of the same rank band and playlist, turned so that 100 is best (for a style, neither better nor worse, where the value lies); a total is compared per minute of the game and a time as a share of it, so an overtime does not inflate it. One game's percentile says little of a player."),
    ...[...groups.keys()].sort(groupOrder).map((group) => groupTable(group, groups.get(group), tables)),
    hidden ? el("section", { class: "card", id: "hidden-stats" }, el("h2", {}, `${hidden} stats not in this replay`),
      el("p", { class: "muted" }, `No player of this game has a value for them (read from ${FORMATS[replay.source] || replay.source}); why, for each:`),
      el("ul", { class: "plain" }, [...empty].map(([reason, stats]) => el("li", {}, el("b", {}, `${reason}: `),
        stats.map(([, name]) => name).join(", "))))) : null);
}

async function start() {
  const id = param("id");
  if (!id) throw new Error("no replay given: open a replay from a player's page");
  const [answer] = await Promise.all([api(`/api/v1/rocket/replays/${encodeURIComponent(id)}`), loadMeanings()]);
  let replay = answer.data;
  $("title").textContent = `Replay ${replay.id}`;
  if (replay.status !== "processed") {
    $("progress").textContent = statusText(replay);
    shown();
    if (replay.status === "failed" || replay.status === "refused") return;
    replay = await follow(replay.id, (followed, running) => { $("progress").textContent = statusText(followed, running); });
    if (replay.status !== "processed") return;
    $("progress").textContent = "";
  }
  const side = (team) => replay.players.filter((p) => p.team === team).map(playerName).join(", ");
  $("title").textContent = `Replay · ${side(0) || "?"} vs ${side(1) || "?"}`;
  $("match").replaceChildren(...summary(replay), teams(replay.players));
  const watched = replay.source === "replay" && !replay.frames_null_reason;
  $("events").replaceChildren(...[goalTimeline(replay, watched ? seekViewer : null), boostPads(replay)].filter(Boolean));
  analysis(replay);
  addEventListener("resize", () => { if (drawn && fit() !== fitting) analysis(drawn); });
  shown();
  if (watched) watch(replay.id); else unwatched(replay);
}

/** What a game without frames says in place of its 3D viewer: no 3D replay and no heatmap, and why (a raw replay
 * read from its header alone, or a game known from JSON alone: for a ballchasing import, why its replay file could not
 * be had, as its frame figures' null reason says). */
function unwatched(replay) {
  const frameless = replay.players.flatMap((p) => Object.values(p.stats)).map((stats) => stats.position_variance?.null_reason);
  const why = replay.frames_null_reason || frameless.find(Boolean) || `it is known from ${FORMATS[replay.source] || replay.source}, which carries no frames`;
  const section = $("viewer");
  section.hidden = false;
  section.dataset.state = "missing";
  section.replaceChildren(el("h2", {}, "3D replay"), el("p", { class: "muted", id: "no-frames" }, `No 3D replay and no heatmap: ${why}.`));
}

/** The 3D viewer moved to `goal` (the goal its timeline marks at the same sample), brought into view. */
function seekViewer(goal) {
  const section = $("viewer");
  section.scrollIntoView({ block: "start" });
  section.querySelector(`.viewer-goal[data-sample="${goal.sample}"]`)?.click();
}

/** The replay's 3D viewer, its module asked for once the analysis is shown; a viewer that fails says so in its
 * own section, leaving the analysis as it is. */
function watch(id) {
  const section = $("viewer");
  section.hidden = false;
  import("./viewer.js").then(({ mountViewer }) => mountViewer(section, id)).catch((error) => {
    section.dataset.state = "failed";
    section.replaceChildren(el("h2", {}, "3D replay"), el("p", { class: "muted" }, `The 3D replay could not be drawn: ${error.message}`));
  });
}

start().catch((error) => { showError(`Could not load the replay: ${error.message}`); shown(); });
