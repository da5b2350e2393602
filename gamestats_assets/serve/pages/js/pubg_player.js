// A PUBG tournament player's page, as pubg.op.gg shows one: their career by kind of match (matches, wins, average
// placement, kills, damage, killsteal rate with its interval), their standing in each season they played, and their
// tournament matches newest first, each with its map, placement, kills, knocks, assists, headshots, damage,
// survival and points, linked to the match's page (placement, kills and points first, to be in sight on a phone);
// older matches a page at a time; a search finds another player by name (`pubg_find.js`).
import { api, el, empty, fmt, header, param, pct, shown, showError, sortableTable } from "./common.js";
import { playerSearch } from "./pubg_find.js";

const $ = (id) => document.getElementById(id);
const PAGE = 20;
const id = param("id");
const listed = [];
let total = 0;

header("tournament.html");
playerSearch();

const clock = (s) => s === null || s === undefined ? "—" : `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
const KINDS = { all: "All matches", ranked: "Ranked", normal: "Normal" };
const kindName = (kind) => KINDS[kind] || kind;
const roundOf = (m) => [m.division_id, m.group_id, m.round_id].filter(Boolean).join(" · ");

function drawCareer(career) {
  $("career").replaceChildren(career.length ? sortableTable([
    { key: "kind", label: "Matches of", text: true, value: (c) => kindName(c.match_type), cell: (c) => el("span", { title: c.match_type }, kindName(c.match_type)) },
    { key: "matches", label: "Matches", descending: true, value: (c) => c.matches },
    { key: "wins", label: "Wins", descending: true, value: (c) => c.wins },
    { key: "placement", label: "Avg place", value: (c) => c.avg_placement, cell: (c) => fmt(c.avg_placement, 1) },
    { key: "kills", label: "Kills", descending: true, value: (c) => c.kills },
    { key: "damage", label: "Damage", descending: true, value: (c) => c.damage_dealt, cell: (c) => fmt(c.damage_dealt) },
    { key: "killsteals", label: "Killsteal rate [95% CI]", descending: true, value: (c) => c.killsteal_rate,
      cell: (c) => c.killsteal_rate === null ? "—" : `${pct(c.killsteal_rate)} [${pct(c.killsteal_rate_ci_low)}–${pct(c.killsteal_rate_ci_high)}]` },
  ], career, { sortKey: "kind" }) : empty("No career published for this player yet."));
}

function drawSeasons(seasons) {
  $("seasons").replaceChildren(seasons.length ? sortableTable([
    { key: "season", label: "Season", text: true, value: (s) => s.season_id, cell: (s) => s.season_id },
    { key: "team", label: "Team", text: true, value: (s) => s.team_name || "", cell: (s) => s.team_name || "—" },
    { key: "rank", label: "Rank", value: (s) => s.rank },
    { key: "points", label: "Points", descending: true, value: (s) => s.points },
    { key: "matches", label: "Matches", descending: true, value: (s) => s.matches },
    { key: "kills", label: "Kills", descending: true, value: (s) => s.kills },
    { key: "knocks", label: "Knocks", descending: true, value: (s) => s.knocks },
    { key: "damage", label: "Avg damage", descending: true, value: (s) => s.avg_damage, cell: (s) => fmt(s.avg_damage) },
    { key: "placement", label: "Avg place", value: (s) => s.avg_placement, cell: (s) => fmt(s.avg_placement, 1) },
  ], seasons, { sortKey: "season" }) : empty("Not on a season's standings."));
}

function drawMatches() {
  $("matches-heading").textContent = `Tournament matches · ${fmt(listed.length)} of ${fmt(total)}`;
  $("matches").replaceChildren(listed.length ? sortableTable([
    { key: "when", label: "When", descending: true, value: (m) => m.created_at || "",
      cell: (m) => el("a", { href: `match.html?id=${encodeURIComponent(m.match_id)}` }, m.created_at ? new Date(m.created_at).toLocaleString() : m.match_id) },
    { key: "place", label: "Place", value: (m) => m.placement },
    { key: "kills", label: "Kills", descending: true, value: (m) => m.kills },
    { key: "points", label: "Points", descending: true, value: (m) => m.points },
    { key: "map", label: "Map", text: true, value: (m) => m.map_display_name || "", cell: (m) => m.map_display_name || "—" },
    { key: "round", label: "Round", text: true, value: (m) => roundOf(m), cell: roundOf },
    { key: "knocks", label: "Knocks", descending: true, value: (m) => m.knocks },
    { key: "assists", label: "Assists", descending: true, value: (m) => m.assists },
    { key: "headshots", label: "Headshots", descending: true, value: (m) => m.headshot_kills },
    { key: "damage", label: "Damage", descending: true, value: (m) => m.damage_dealt, cell: (m) => fmt(m.damage_dealt) },
    { key: "survival", label: "Survived", descending: true, value: (m) => m.survival_s, cell: (m) => clock(m.survival_s) },
  ], listed, { sortKey: "when", descending: true }) : empty("No tournament match published for this player."));
  $("more").hidden = listed.length >= total;
}

async function more() {
  const answer = (await api(`/api/v1/tournaments/players/${encodeURIComponent(id)}`, { limit: PAGE, offset: listed.length })).data;
  listed.push(...answer.matches.rows);
  total = answer.matches.total_count;
  return answer;
}

async function start() {
  if (!id) {
    $("summary").replaceChildren(empty("No player chosen: find one by name above, or open one from the tournament's standings."));
    shown();
    return;
  }
  const player = await more();
  $("title").textContent = `${player.player_name || player.account_id} · PUBG player`;
  $("summary").textContent = player.account_id;
  drawCareer(player.career);
  drawSeasons(player.seasons);
  drawMatches();
  $("more").addEventListener("click", () => more().then(drawMatches).catch((error) => showError(`Could not load older matches: ${error.message}`)));
  shown();
}

start().catch((error) => { showError(`Could not load the player: ${error.message}`); shown(); });
