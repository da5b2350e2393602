// The tournament stats page: the context selector (season → division → group → round → match), the team and
// player leaderboards and the match history, polled every 30 s while the chosen round is active.
import { api, chart, distinct, el, fmt, header, loading, options, param, remember, shown, showError, sortableTable } from "./common.js";

const BASE = "/api/v1/tournaments";
const POLL_MS = 30_000;
const OVERALL = "overall";
const ALL = "";
const $ = (id) => document.getElementById(id);
const selects = { season: $("season"), division: $("division"), group: $("group"), round: $("round"), match: $("match") };
let schedule = [], rounds = [], poller = null, tab = "teams";

header("tournament.html");

function context() {
  const round = selects.round.value;
  return { season_id: selects.season.value, division: selects.division.value, group: selects.group.value,
           round: round === OVERALL ? null : round };
}

function changeArrow(change) {
  if (!change) return el("span", { class: "same", "aria-label": "no change" }, "—");
  return change > 0 ? el("span", { class: "up", "aria-label": `up ${change}` }, `↑${change}`)
    : el("span", { class: "down", "aria-label": `down ${-change}` }, `↓${-change}`);
}

/** The last placements as a small line (1st at the top), drawn as SVG: one per row is too many canvases. */
function sparkline(placements) {
  const width = 72, height = 22, worst = Math.max(16, ...placements);
  const x = (i) => placements.length < 2 ? width / 2 : 3 + i * (width - 6) / (placements.length - 1);
  const y = (p) => 3 + (p - 1) * (height - 6) / (worst - 1);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `last placements ${placements.join(", ") || "none"}`);
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  line.setAttribute("points", placements.map((p, i) => `${x(i)},${y(p)}`).join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#2f5bd3");
  line.setAttribute("stroke-width", "1.5");
  svg.append(line);
  placements.forEach((p, i) => {
    const dot = document.createElementNS(svg.namespaceURI, "circle");
    dot.setAttribute("cx", x(i));
    dot.setAttribute("cy", y(p));
    dot.setAttribute("r", p === 1 ? 3 : 1.8);
    dot.setAttribute("fill", p === 1 ? "#c69214" : "#2f5bd3");
    svg.append(dot);
  });
  return el("span", { title: placements.join(" · ") }, svg, el("span", { class: "muted" }, ` ${placements.join(" ")}`));
}

async function showTeams() {
  const answer = await api(`${BASE}/leaderboard/teams`, context());
  const teams = answer.data.teams;
  $("panel-teams").replaceChildren(teams.length ? sortableTable([
    { key: "rank", label: "Rank", value: (t) => t.rank, cell: (t) => el("span", {}, `${t.rank} `, changeArrow(t.rank_change)) },
    { key: "team", label: "Team", text: true, value: (t) => t.team_name, cell: (t) => t.team_name },
    { key: "recent", label: "Last 6", sortable: false, value: () => 0, cell: (t) => sparkline(t.recent_placements) },
    { key: "points", label: "Points", descending: true, value: (t) => t.total_points },
    { key: "kills", label: "Kills", descending: true, value: (t) => t.total_kills },
    { key: "wwcd", label: "WWCD", descending: true, value: (t) => t.wwcd },
    { key: "avg", label: "Avg place", value: (t) => t.avg_placement, cell: (t) => fmt(t.avg_placement, 1) },
    { key: "matches", label: "Matches", descending: true, value: (t) => t.matches_played },
  ], teams, { sortKey: "rank", caption: `${answer.data.total_count} teams · ${answer.metadata.round_name}` })
    : el("p", {}, "No team has played in this context yet."));
}

function openWeapons(player) {
  const categories = Object.keys(player.weapon_distribution);
  const kills = categories.map((c) => player.weapon_distribution[c].kills);
  const damage = categories.map((c) => player.weapon_distribution[c].damage);
  const share = (values) => { const total = values.reduce((a, b) => a + b, 0); return values.map((v) => total ? 100 * v / total : 0); };
  $("weapons-title").textContent = `${player.player_name} · weapons`;
  $("weapons").showModal();
  chart($("radar"), { type: "radar", data: { labels: categories, datasets: [
    { label: "% of damage", data: share(damage), borderColor: "#2f5bd3", backgroundColor: "rgba(47,91,211,.2)" },
    { label: "% of kills", data: share(kills), borderColor: "#c2410c", backgroundColor: "rgba(194,65,12,.15)" },
  ] }, options: { scales: { r: { beginAtZero: true, ticks: { callback: (v) => `${v}%` } } } } });
  $("weapons-note").textContent = `${fmt(kills.reduce((a, b) => a + b, 0))} kills, ${fmt(damage.reduce((a, b) => a + b, 0))} damage in ${player.matches_played} matches`;
  $("radar").dataset.drawn = "true";
}

async function showPlayers() {
  const answer = await api(`${BASE}/leaderboard/players`, { ...context(), include_weapons: true });
  const players = answer.data.players;
  $("panel-players").replaceChildren(players.length ? sortableTable([
    { key: "rank", label: "Rank", value: (p) => p.rank, cell: (p) => el("span", {}, `${p.rank} `, changeArrow(p.rank_change)) },
    { key: "player", label: "Player", text: true, value: (p) => p.player_name, cell: (p) => p.player_name },
    { key: "team", label: "Team", text: true, value: (p) => p.team_name, cell: (p) => p.team_name },
    { key: "kills", label: "Kills", descending: true, value: (p) => p.total_kills },
    { key: "damage", label: "Damage", descending: true, value: (p) => p.total_damage },
    { key: "avg_damage", label: "Avg dmg", descending: true, value: (p) => p.avg_damage },
    { key: "killsteals", label: "Killsteals", descending: true, value: (p) => p.killsteals },
    { key: "points", label: "Points", descending: true, value: (p) => p.total_points },
  ], players, { sortKey: "rank", onRow: openWeapons,
                caption: `${answer.data.total_count} players · choose a player for their weapons` })
    : el("p", {}, "No player has played in this context yet."));
}

async function showMatches() {
  const answer = await api(`${BASE}/matches/recent`, { ...context(), limit: 100 });
  const chosen = selects.match.value;
  const matches = answer.data.matches.filter((m) => !chosen || m.match_id === chosen)
    .sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)));
  $("panel-matches").replaceChildren(matches.length ? el("ul", { class: "plain" }, matches.map((m) => el("li", {},
    el("div", {}, el("a", { href: `match.html?id=${encodeURIComponent(m.match_id)}` },
      `${m.started_at ? new Date(m.started_at).toLocaleString() : "—"} · ${m.map_name || "unknown map"}`),
      el("span", { class: "muted" }, ` ${m.division} · ${m.round}${m.is_remake ? " · remake" : ""}`)),
    el("div", { class: "match-teams" }, m.teams.map((t) => el("span", {}, `#${t.placement} ${t.team_name} (${t.kills} k)`))))))
    : el("p", {}, "No scored match in this context yet."));
}

const VIEWS = { teams: showTeams, players: showPlayers, matches: showMatches };

/** A round's status now, from its window and this browser's clock (an answer's `status` is as of its publish). */
function statusOf(round) {
  if (!round.starts_at || !round.ends_at) return round.status;
  const now = Date.now();
  return now < Date.parse(round.starts_at) ? "scheduled" : now < Date.parse(round.ends_at) ? "active" : "completed";
}

async function refresh() {
  loading();
  try {
    await VIEWS[tab]();
    const round = rounds.find((r) => r.round === selects.round.value);
    const active = round ? statusOf(round) === "active" : rounds.some((r) => statusOf(r) === "active");
    setPolling(active);
    $("status").textContent = `${active ? "Round in progress: updating every 30 s. " : ""}Updated ${new Date().toLocaleTimeString()}.`;
  } catch (error) {
    showError(`Could not load the ${tab}: ${error.message}`);
  }
  shown();
}

function setPolling(active) {
  if (active && !poller) poller = setInterval(refresh, POLL_MS);
  if (!active && poller) { clearInterval(poller); poller = null; }
}

function fill(level, wanted) {
  const season = selects.season.value;
  if (level <= 1) {
    options(selects.division, [[ALL, "All divisions"], ...distinct(schedule.map((s) => s.division)).map((d) => [d, d])], wanted.division);
  }
  if (level <= 2) {
    const groups = distinct(schedule.filter((s) => !selects.division.value || s.division === selects.division.value).map((s) => s.group));
    options(selects.group, [[ALL, "All groups"], ...groups.map((g) => [g, g])], wanted.group);
    selects.group.disabled = groups.length === 0;
  }
  const division = selects.division.value;
  const group = selects.group.value;
  const slots = schedule.filter((s) => (!division || s.division === division) && (!group || s.group === group));
  if (level <= 3) {
    const played = new Set(slots.map((s) => s.round));
    options(selects.round, [[OVERALL, "Overall"], ...rounds.filter((r) => played.has(r.round) || !schedule.length)
      .map((r) => [r.round, `${r.name || r.round}${statusOf(r) === "active" ? " (live)" : ""}`])], wanted.round || OVERALL);
  }
  const round = selects.round.value;
  const matches = round === OVERALL ? [] : slots.filter((s) => s.round === round && s.match_id);
  options(selects.match, [[ALL, round === OVERALL ? "Pick a round first" : "All matches"],
    ...matches.map((s) => [s.match_id, `#${s.match_number} ${s.map_name || ""}`.trim()])], wanted.match);
  selects.match.disabled = round === OVERALL;
  remember({ season: season, division: selects.division.value, group: selects.group.value,
             round: round === OVERALL ? null : round, match: selects.match.value, tab });
}

async function loadSeason(wanted) {
  const season_id = selects.season.value;
  const [slots, seasonRounds] = await Promise.all([api(`${BASE}/schedule`, { season_id }), api(`${BASE}/rounds`, { season_id })]);
  schedule = slots.data.matches;
  rounds = seasonRounds.data.rounds;
  fill(1, wanted);
}

function selectTab(name, focus = false) {
  tab = name;
  for (const key of Object.keys(VIEWS)) {
    const button = $(`tab-${key}`);
    button.setAttribute("aria-selected", String(key === name));
    button.tabIndex = key === name ? 0 : -1;
    $(`panel-${key}`).hidden = key !== name;
    if (key === name && focus) button.focus();
  }
  remember({ tab: name });
}

async function start() {
  tab = VIEWS[param("tab")] ? param("tab") : "teams";
  const wanted = { division: param("division") || ALL, group: param("group") || ALL, round: param("round"), match: param("match") || ALL };
  const seasons = (await api(`${BASE}/seasons`)).data.seasons;
  if (!seasons.length) {
    $("panel-teams").replaceChildren(el("p", {}, "No tournament season has been published yet."));
    shown();
    return;
  }
  options(selects.season, seasons.map((s) => [s.season_id, s.season_id]), param("season") || seasons[0].season_id);
  await loadSeason(wanted);
  selects.season.addEventListener("change", async () => { await loadSeason({}); await refresh(); });
  selects.division.addEventListener("change", () => { fill(2, {}); refresh(); });
  selects.group.addEventListener("change", () => { fill(3, {}); refresh(); });
  selects.round.addEventListener("change", () => { fill(4, {}); refresh(); });
  selects.match.addEventListener("change", () => { fill(4, { match: selects.match.value }); if (tab === "matches") refresh(); else selectAndShow("matches"); });
  const names = Object.keys(VIEWS);
  names.forEach((name, i) => {
    const button = $(`tab-${name}`);
    button.addEventListener("click", () => selectAndShow(name));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) selectAndShow(names[(i + step + names.length) % names.length], true);
    });
  });
  selectTab(tab);
  await refresh();
}

function selectAndShow(name, focus = false) {
  selectTab(name, focus);
  refresh();
}

start().catch((error) => { showError(`Could not load the tournament: ${error.message}`); shown(); });
