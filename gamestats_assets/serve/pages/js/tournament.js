// The tournament stats page: the context selector (season → division → group → round → match; one division at a
// time unless "all divisions" is chosen), the team and player leaderboards of that context or of the chosen
// match (every row, read page by page), and the match history, polled every 30 s while the chosen round is active.
import { api, chart, distinct, el, fmt, header, latest, options, param, remember, shown, showError, sortableTable } from "./common.js";

const BASE = "/api/v1/tournaments";
const POLL_MS = 30_000;
const OVERALL = "overall";
const ALL = "";
const ALL_DIVISIONS = "all";
const PAGE = 100;
const $ = (id) => document.getElementById(id);
const selects = { season: $("season"), division: $("division"), group: $("group"), round: $("round"), match: $("match") };
let schedule = [], rounds = [], poller = null, tab = "teams";
const run = latest();

header("tournament.html");

function context() {
  const round = selects.round.value;
  const division = selects.division.value;
  return { season_id: selects.season.value, division: division === ALL_DIVISIONS ? null : division,
           group: selects.group.value, round: round === OVERALL ? null : round };
}

/** The standings' query: the context's, or the chosen match's alone. */
const standingsOf = () => ({ ...context(), match_id: selects.match.value || null });

/** Every row of a leaderboard (`kind`), read `PAGE` at a time: the first answer with all the rows in it, and the
 * latest publish of the tables its pages were read from (`published`). */
async function everyRow(path, kind, params) {
  const first = await api(path, { ...params, limit: PAGE });
  const rows = [...first.data[kind]];
  let published = publishedOf(first);
  while (rows.length < first.data.total_count) {
    const next = await api(path, { ...params, limit: PAGE, offset: rows.length });
    if (!next.data[kind].length) break;
    rows.push(...next.data[kind]);
    published = [published, publishedOf(next)].sort().at(-1);
  }
  return { ...first, data: { ...first.data, [kind]: rows }, published };
}

/** The latest publish of the tables an answer was read from (ISO text, "" when none says). */
function publishedOf(answer) {
  return Object.values(answer.metadata.published_at || {}).filter(Boolean).sort().at(-1) || "";
}

const SINCE = { round: "the previous round", match: "the previous match" };

function changeArrow(change, since) {
  const was = since ? ` since ${SINCE[since] || since}` : "";
  if (change === null || change === undefined) return el("span", { class: "same", "aria-label": "new: no earlier rank", title: "no earlier rank" }, "—");
  if (!change) return el("span", { class: "same", "aria-label": `no change${was}`, title: `no change${was}` }, "=");
  return change > 0 ? el("span", { class: "up", "aria-label": `up ${change}${was}`, title: `up ${change}${was}` }, `↑${change}`)
    : el("span", { class: "down", "aria-label": `down ${-change}${was}`, title: `down ${-change}${was}` }, `↓${-change}`);
}

/** Seconds as m:ss. */
const clock = (s) => s === null || s === undefined ? "—" : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}`;

/** What the leaderboard's caption says the rows are of. */
function scopeLabel(answer) {
  const m = answer.metadata;
  const match = m.match_id ? schedule.find((s) => s.match_id === m.match_id) : null;
  const division = m.division || "all divisions";
  return [division, m.group, m.round_name, match ? `match #${match.match_number} ${match.map_display_name || ""}`.trim() : null]
    .filter(Boolean).join(" · ");
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

function showTeams(answer) {
  const teams = answer.data.teams;
  $("panel-teams").replaceChildren(teams.length ? sortableTable([
    { key: "rank", label: "Rank", value: (t) => t.rank, cell: (t) => el("span", {}, `${t.rank} `, changeArrow(t.rank_change, t.rank_change_since)) },
    { key: "team", label: "Team", text: true, value: (t) => t.team_name, cell: (t) => t.team_name },
    { key: "points", label: "Points", descending: true, value: (t) => t.total_points },
    { key: "placement_points", label: "Place pts", descending: true, value: (t) => t.placement_points },
    { key: "kill_points", label: "Kill pts", descending: true, value: (t) => t.kill_points },
    { key: "kills", label: "Kills", descending: true, value: (t) => t.total_kills },
    { key: "knocks", label: "Knocks", descending: true, value: (t) => t.knocks },
    { key: "wwcd", label: "WWCD", descending: true, value: (t) => t.wwcd },
    { key: "avg", label: "Avg place", value: (t) => t.avg_placement, cell: (t) => fmt(t.avg_placement, 1) },
    { key: "recent", label: "Last 6", sortable: false, value: () => 0, cell: (t) => sparkline(t.recent_placements) },
    { key: "matches", label: "Matches", descending: true, value: (t) => t.matches_played },
  ], teams, { sortKey: "rank", caption: `${answer.data.total_count} teams · ${scopeLabel(answer)}` })
    : el("p", {}, "No team has played in this context yet."), decidedNote(answer.decided));
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

/** A player's name, a link to their page (the row itself opens their weapons). */
const playerLink = (p) => el("a", { href: `pubg_player.html?id=${encodeURIComponent(p.player_id)}`,
                                    onclick: (event) => event.stopPropagation() }, p.player_name);

function showPlayers(answer) {
  const players = answer.data.players;
  const perMatch = (p) => p.survival_s === null ? null : p.survival_s / p.matches_played;
  $("panel-players").replaceChildren(players.length ? sortableTable([
    { key: "rank", label: "Rank", value: (p) => p.rank, cell: (p) => el("span", {}, `${p.rank} `, changeArrow(p.rank_change, p.rank_change_since)) },
    { key: "player", label: "Player", text: true, value: (p) => p.player_name, cell: playerLink },
    { key: "points", label: "Points", descending: true, value: (p) => p.total_points },
    { key: "team", label: "Team", text: true, value: (p) => p.team_name, cell: (p) => p.team_name },
    { key: "placement_points", label: "Place pts", descending: true, value: (p) => p.placement_points },
    { key: "kill_points", label: "Kill pts", descending: true, value: (p) => p.kill_points },
    { key: "kills", label: "Kills", descending: true, value: (p) => p.total_kills },
    { key: "knocks", label: "Knocks", descending: true, value: (p) => p.knocks },
    { key: "assists", label: "Assists", descending: true, value: (p) => p.assists },
    { key: "headshots", label: "Headshots", descending: true, value: (p) => p.headshot_kills },
    { key: "damage", label: "Damage", descending: true, value: (p) => p.total_damage },
    { key: "avg_damage", label: "Avg dmg", descending: true, value: (p) => p.avg_damage },
    { key: "survival", label: "Avg survival", descending: true, value: perMatch, cell: (p) => clock(perMatch(p)) },
    { key: "killsteals", label: "Killsteals", descending: true, value: (p) => p.killsteals },
  ], players, { sortKey: "rank", onRow: openWeapons,
                caption: `${answer.data.total_count} players, all shown · ${scopeLabel(answer)} · choose a player for their weapons` })
    : el("p", {}, "No player has played in this context yet."), decidedNote(answer.decided));
}

function showMatches(answer) {
  const roundName = Object.fromEntries(rounds.map((r) => [r.round, r.name || r.round]));
  const chosen = selects.match.value;
  const matches = answer.data.matches.filter((m) => !chosen || m.match_id === chosen)
    .sort((a, b) => String(a.started_at).localeCompare(String(b.started_at)));
  $("panel-matches").replaceChildren(matches.length ? el("ul", { class: "plain" }, matches.map((m) => el("li", {},
    el("div", {}, el("a", { href: `match.html?id=${encodeURIComponent(m.match_id)}` },
      `${m.started_at ? new Date(m.started_at).toLocaleString() : "—"} · ${m.map_display_name || "unknown map"}`),
      el("span", { class: "muted" }, ` ${m.division} · ${roundName[m.round] || m.round}${m.is_remake ? " · remake" : ""}`)),
    el("div", { class: "match-teams" }, m.teams.map((t) => el("span", {}, `#${t.placement} ${t.team_name} (${t.kills} k)`))))))
    : el("p", {}, "No scored match in this context yet."), decidedNote(answer.decided));
}

/** The organisers' decisions standing on the season's matches and lobbies, each with what it did, who made it and
 * why: a match taken out of the standings or a lobby delayed does not change them without a word. */
function decidedNote(decided) {
  if (!decided?.length) return null;
  return el("section", { class: "decided" }, el("h3", {}, "Decided by the organisers"),
    el("div", {}, decided.map((d) => el("p", { "data-decision": d.decision_id, "data-match": d.match_id || "" },
      d.match_id ? el("a", { href: `match.html?id=${encodeURIComponent(d.match_id)}` }, `Match ${d.match_id.slice(0, 12)}…`)
        : el("b", {}, "Delay"),
      `: ${d.what}${d.scored === false ? " (not counted in the standings)" : ""}. By ${d.made_by}. Why: ${d.reason}`,
      el("span", { class: "muted" }, ` · ${new Date(d.made_at).toLocaleString()}`)))));
}

/** `fetchTab`'s answer with the decisions standing on the season (`decided`). */
async function withDecisions(fetchTab) {
  const [answer, decided] = await Promise.all([fetchTab(), api(`${BASE}/decisions`, { season_id: context().season_id })]);
  return { ...answer, decided: decided.data.decisions };
}

/** Each tab's answer (`fetch`) and how it is drawn (`draw`). */
const VIEWS = {
  teams: { fetch: () => withDecisions(() => everyRow(`${BASE}/leaderboard/teams`, "teams", standingsOf())), draw: showTeams },
  players: { fetch: () => withDecisions(() => everyRow(`${BASE}/leaderboard/players`, "players",
                                                       { ...standingsOf(), include_weapons: true })),
             draw: showPlayers },
  matches: { fetch: () => withDecisions(async () => {
    const answer = await api(`${BASE}/matches/recent`, { ...context(), limit: 100 });
    return { ...answer, published: publishedOf(answer) }; }),
             draw: showMatches },
};

/** A round's status now, from its window and this browser's clock (an answer's `status` is as of its publish). */
function statusOf(round) {
  if (!round.starts_at || !round.ends_at) return round.status;
  const now = Date.now();
  return now < Date.parse(round.starts_at) ? "scheduled" : now < Date.parse(round.ends_at) ? "active" : "completed";
}

/** Shows the tab's view of the chosen context; what an earlier choice showed stays marked stale until the answer,
 * and the answer of a choice changed meanwhile is dropped. */
function refresh() {
  const view = VIEWS[tab];
  return run({
    regions: [$(`panel-${tab}`)],
    fetch: view.fetch,
    render: (answer) => { view.draw(answer); showStatus(answer.published); },
    failed: (error) => `Could not load the ${tab}: ${error.message}`,
  });
}

/** Says when the results shown were published, and whether the page polls. */
function showStatus(published) {
  const round = rounds.find((r) => r.round === selects.round.value);
  const active = round ? statusOf(round) === "active" : rounds.some((r) => statusOf(r) === "active");
  setPolling(active);
  const status = $("status");
  status.dataset.published = published || "";
  status.textContent = `${active ? "Round in progress: updating every 30 s. " : ""}`
    + `Updated ${published ? new Date(published).toLocaleString() : "never"} (when these results were published); `
    + `checked ${new Date().toLocaleTimeString()}.`;
}

function setPolling(active) {
  if (active && !poller) poller = setInterval(refresh, POLL_MS);
  if (!active && poller) { clearInterval(poller); poller = null; }
}

function fill(level, wanted) {
  const season = selects.season.value;
  if (level <= 1) {
    const divisions = [...new Set([...schedule].sort((a, b) => a.division_order - b.division_order)
      .map((s) => s.division).filter(Boolean))];
    options(selects.division, [...divisions.map((d) => [d, d]), [ALL_DIVISIONS, "All divisions (together)"]],
            divisions.includes(wanted.division) || wanted.division === ALL_DIVISIONS ? wanted.division : divisions[0] || ALL_DIVISIONS);
  }
  const division = selects.division.value === ALL_DIVISIONS ? ALL : selects.division.value;
  if (level <= 2) {
    const groups = distinct(schedule.filter((s) => !division || s.division === division).map((s) => s.group));
    options(selects.group, [[ALL, "All groups"], ...groups.map((g) => [g, g])], wanted.group);
    selects.group.disabled = groups.length === 0;
  }
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
    ...matches.map((s) => [s.match_id, `${division ? "" : `${s.division} `}#${s.match_number} ${s.map_display_name || ""}`.trim()])], wanted.match);
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
  const wanted = { division: param("division"), group: param("group") || ALL, round: param("round"), match: param("match") || ALL };
  const seasons = (await api(`${BASE}/seasons`)).data.seasons;
  if (!seasons.length) {
    $("panel-teams").replaceChildren(el("p", {}, "No tournament season has been published yet."));
    shown();
    return;
  }
  options(selects.season, seasons.map((s) => [s.season_id, s.season_name || s.season_id]), param("season") || seasons[0].season_id);
  await loadSeason(wanted);
  selects.season.addEventListener("change", async () => { await loadSeason({}); await refresh(); });
  selects.division.addEventListener("change", () => { fill(2, {}); refresh(); });
  selects.group.addEventListener("change", () => { fill(3, {}); refresh(); });
  selects.round.addEventListener("change", () => { fill(4, {}); refresh(); });
  selects.match.addEventListener("change", () => { fill(4, { match: selects.match.value }); refresh(); });
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
