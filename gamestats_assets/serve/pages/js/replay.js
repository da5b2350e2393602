// A Rocket League replay's page: the score with the winner, the blue and orange teams with their players' names and
// ranks, then one table per stat group (ballchasing's groups, the design's positional features inside positioning),
// a row per player by team with each stat and its percentile among same-rank players. Stats no player of the
// replay has (its format does not carry them) are left out and named; an upload still queued is followed until it
// is served or refused.
import { api, el, fmt, header, param, shown, showError } from "./common.js";
import { groupOf, groupOrder, statLabel, statValue } from "./rlstats.js";
import { follow, statusText } from "./upload.js";

const $ = (id) => document.getElementById(id);
const TEAMS = ["Blue", "Orange"];
const FORMATS = { replay: "a raw .replay file (positions read frame by frame)", ballchasing: "ballchasing.com JSON",
                  carball: "a carball analysis" };

header("player.html");

const teamName = (team) => (team === 0 || team === 1 ? TEAMS[team] : "No team");
const playerName = (p) => p.name || p.player_id;

function summary(replay) {
  const [blue, orange] = [replay.score_team_0, replay.score_team_1];
  const winner = replay.result === "blue" ? "Blue wins" : replay.result === "orange" ? "Orange wins" : "Draw";
  return [
    el("p", { class: "score", id: "score" }, el("span", { class: "team-0" }, `Blue ${fmt(blue)}`), " – ",
       el("span", { class: "team-1" }, `${fmt(orange)} Orange`), " · ", el("b", { id: "winner" }, `${winner}${replay.overtime ? " in overtime" : ""}`)),
    el("p", { class: "status", id: "summary" }, [replay.played_at ? new Date(replay.played_at).toLocaleString() : null, replay.playlist,
      replay.map_code, replay.team_size ? `${replay.team_size}v${replay.team_size}` : null].filter(Boolean).join(" · ")),
    el("p", { class: "status", id: "format" }, `Read from ${FORMATS[replay.source] || replay.source}${replay.sources && replay.sources !== replay.source ? ` (also known from: ${replay.sources.split(",").filter((s) => s !== replay.source).map((s) => FORMATS[s] || s).join(", ")})` : ""}.`),
  ];
}

function teams(players) {
  return el("div", { class: "teams", id: "teams" }, [0, 1].map((team) => el("section", { class: `card team team-${team}`, "data-team": team },
    el("h2", {}, `${teamName(team)} team`),
    el("ul", { class: "plain" }, players.filter((p) => p.team === team).map((p) => el("li", {},
      el("a", { href: `player.html?player=${encodeURIComponent(p.player_id)}` }, playerName(p)), p.is_bot ? " (bot)" : "",
      el("span", { class: "muted" }, ` · ${p.rank || "unranked"}`)))))));
}

/** The stats of each group (a group: its stats, each with every player's value), and the stats no player has. */
function grouped(players) {
  const groups = new Map(), empty = new Map();
  for (const p of players) {
    for (const [category, stats] of Object.entries(p.stats)) {
      for (const [stat, value] of Object.entries(stats)) {
        const group = groupOf(category);
        if (!groups.has(group)) groups.set(group, new Map());
        if (!groups.get(group).has(stat)) groups.get(group).set(stat, []);
        groups.get(group).get(stat).push(value);
      }
    }
  }
  for (const [group, stats] of groups) {
    for (const [stat, values] of stats) {
      const twin = [...stats.keys()].find((other) => other !== stat && other.endsWith(`_${stat}`) && statLabel(other) === statLabel(stat));
      if (twin) stats.delete(stat);  // a design feature that is ballchasing's stat of the same name, shown once
      else if (values.every((v) => v.value === null)) {
        stats.delete(stat);
        const reason = values.find((v) => v.null_reason)?.null_reason || "no value";
        if (!empty.has(reason)) empty.set(reason, []);
        empty.get(reason).push(`${group.toLowerCase()}: ${statLabel(stat)}`);
      }
    }
    if (!stats.size) groups.delete(group);
  }
  return { groups, empty };
}

function groupTable(group, stats, players) {
  const names = [...stats.keys()].sort();
  return el("section", { class: "card", "data-group": group }, el("h2", {}, group), el("div", { class: "scroll" }, el("table", {},
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Player"), names.map((s) => el("th", { scope: "col", title: s }, statLabel(s))))),
    el("tbody", {}, players.map((p) => el("tr", { class: `team-${p.team}` },
      el("td", {}, el("a", { href: `player.html?player=${encodeURIComponent(p.player_id)}` }, playerName(p))),
      names.map((s) => {
        const stat = Object.values(p.stats).map((byStat) => byStat[s]).find(Boolean);
        return el("td", { title: stat?.null_reason || null }, statValue(s, stat?.value),
                  stat?.rank_percentile !== null && stat?.rank_percentile !== undefined
                    ? el("span", { class: "muted", title: "percentile among same-rank players" }, ` p${fmt(stat.rank_percentile)}`) : null);
      })))))));
}

function analysis(replay) {
  const players = replay.players;
  const { groups, empty } = grouped(players);
  const hidden = [...empty.values()].reduce((n, stats) => n + stats.length, 0);
  $("groups").replaceChildren(
    ...[...groups.keys()].sort(groupOrder).map((group) => groupTable(group, groups.get(group), players)),
    hidden ? el("section", { class: "card", id: "hidden-stats" }, el("h2", {}, `${hidden} stats not in this replay`),
      el("p", { class: "muted" }, `No player of this game has a value for them (read from ${FORMATS[replay.source] || replay.source}); why, for each:`),
      el("ul", { class: "plain" }, [...empty].map(([reason, stats]) => el("li", {}, el("b", {}, `${reason}: `), stats.join(", "))))) : null);
}

async function start() {
  const id = param("id");
  if (!id) throw new Error("no replay given: open a replay from a player's page");
  let replay = (await api(`/api/v1/rocket/replays/${encodeURIComponent(id)}`)).data;
  $("title").textContent = `Replay ${replay.id}`;
  if (replay.status !== "processed") {
    $("progress").textContent = statusText(replay);
    shown();
    if (replay.status === "failed") return;
    replay = await follow(replay.id, (answer, running) => { $("progress").textContent = statusText(answer, running); });
    if (replay.status !== "processed") return;
    $("progress").textContent = "";
  }
  const side = (team) => replay.players.filter((p) => p.team === team).map(playerName).join(", ");
  $("title").textContent = `Replay · ${side(0) || "?"} vs ${side(1) || "?"}`;
  $("match").replaceChildren(...summary(replay), teams(replay.players));
  analysis(replay);
  shown();
}

start().catch((error) => { showError(`Could not load the replay: ${error.message}`); shown(); });
