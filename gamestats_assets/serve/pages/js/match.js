// A PUBG match's page: over the map's coordinates (metres, north up, a 1 km grid: no map artwork is shipped) where
// each team landed, every kill (where the victim fell and where the killer stood), the safe zone of each phase,
// the fights and engagements (third-party ones marked) and the tracked players' paths; a team selector keeps one
// team's landings and kills; the teams' placements, every player's result, the kill feed along the match's time
// and the engagements; the organisers' decisions standing on the match, with who and why. Teams go by their
// tournament team's name (the match's team number where it has none), players by their names, linked to their page.
import { api, chart, el, fmt, header, options, param, remember, shown, showError, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const PATH_COLOURS = ["#7c3aed", "#0891b2", "#65a30d", "#db2777", "#ea580c", "#475569"];
let match = null, teamNames = {};

/** A team of the match by its tournament name, else by its number in the match. */
const teamName = (id) => id === null || id === undefined ? "?" : teamNames[id] || `team ${id}`;

header("tournament.html");

/** An axis over 0..`size` metres with a tick and grid line every kilometre. */
const kilometres = (size) => ({ min: 0, max: size, ticks: { callback: (v) => `${v / 1000} km` },
  afterBuildTicks: (axis) => { axis.ticks = Array.from({ length: Math.floor(size / 1000) + 1 }, (_, i) => ({ value: i * 1000 })); } });

/** A team's colour: hues spread by the golden angle, so neighbouring team numbers differ. */
const teamColour = (team, alpha = 1) => `hsla(${Math.round((team * 137.508) % 360)}, 70%, 42%, ${alpha})`;

const km = (metres) => metres === null || metres === undefined ? "—" : `${(metres / 1000).toFixed(1)} km`;
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/** Draws each phase's safe zone as a ring in metres (Chart.js sizes points in pixels, so rings are drawn here)
 * and a faint line from each killer to their victim, under the points. */
const mapLayers = {
  id: "mapLayers",
  beforeDatasetsDraw(c, _args, layers) {
    const { ctx, scales: { x, y } } = c;
    const perMetre = Math.abs(x.getPixelForValue(1000) - x.getPixelForValue(0)) / 1000;
    ctx.save();
    ctx.strokeStyle = "rgba(28,34,48,.18)";
    ctx.lineWidth = 1;
    for (const k of layers.kills) {
      ctx.beginPath();
      ctx.moveTo(x.getPixelForValue(k.killer_x_m), y.getPixelForValue(k.killer_y_m));
      ctx.lineTo(x.getPixelForValue(k.victim_x_m), y.getPixelForValue(k.victim_y_m));
      ctx.stroke();
    }
    layers.circles.forEach((z, i) => {
      const last = i === layers.circles.length - 1;
      ctx.beginPath();
      ctx.arc(x.getPixelForValue(z.x_m), y.getPixelForValue(z.y_m), z.radius_m * perMetre, 0, 2 * Math.PI);
      ctx.strokeStyle = last ? "rgba(180,35,24,.9)" : "rgba(47,91,211,.55)";
      ctx.lineWidth = last ? 2 : 1.2;
      ctx.setLineDash(last ? [] : [5, 4]);
      ctx.stroke();
    });
    ctx.restore();
    c.canvas.dataset.circles = String(layers.circles.length);
  },
};

function drawMap() {
  const m = match;
  const team = $("team").value;
  const ofTeam = (id) => !team || String(id) === team;
  const size = m.map_size_m;
  const landings = m.landings.filter((l) => ofTeam(l.team_id));
  const kills = m.kills.filter((k) => ofTeam(k.killer_team_id) || ofTeam(k.victim_team_id));
  const credited = kills.filter((k) => k.killer_x_m !== null && k.killer_y_m !== null);
  const paths = Object.values(m.tracked_positions.reduce((by, p) => ((by[p.account_id] ||= []).push(p), by), {}));
  const regular = m.engagements.filter((e) => !e.third_party);
  const third = m.engagements.filter((e) => e.third_party);
  const points = (rows, xy, extra = {}) => rows.map((r) => ({ x: r[xy[0]], y: r[xy[1]], row: r, ...extra }));
  chart($("map"), { type: "scatter", data: { datasets: [
    { label: "landing", data: points(landings, ["x_m", "y_m"]), pointRadius: 4.5, pointStyle: "circle",
      backgroundColor: landings.map((l) => teamColour(l.team_id, 0.85)), borderColor: "#fff", borderWidth: 1,
      describe: (r) => `${teamName(r.team_id)} · ${r.player_name} landed at ${clock(r.landed_at_s)}` },
    { label: "kill: victim", data: points(kills, ["victim_x_m", "victim_y_m"]), pointStyle: "crossRot", pointRadius: 6,
      borderWidth: 2, borderColor: "#b42318", backgroundColor: "#b42318",
      describe: (r) => `${clock(r.elapsed_s)} ${r.victim_name || "?"} (${teamName(r.victim_team_id)}) killed${r.killer_name ? ` by ${r.killer_name} (${teamName(r.killer_team_id)}), ${fmt(r.distance_m)} m` : " by the zone or a fall"}` },
    { label: "kill: killer", data: points(credited, ["killer_x_m", "killer_y_m"]), pointStyle: "triangle", pointRadius: 5,
      backgroundColor: credited.map((k) => teamColour(k.killer_team_id)), borderColor: "#1c2230", borderWidth: 1,
      describe: (r) => `${clock(r.elapsed_s)} ${r.killer_name || "?"} (${teamName(r.killer_team_id)}) killed ${r.victim_name || "?"} from ${fmt(r.distance_m)} m` },
    { label: "safe zone centre", data: points(m.circles, ["x_m", "y_m"]), pointStyle: "star", pointRadius: 6,
      borderColor: "#2f5bd3", backgroundColor: "#2f5bd3",
      describe: (r) => `phase ${r.phase}: ${fmt(r.radius_m)} m radius, shown at ${clock(r.appeared_s)}` },
    { label: "fight", data: m.fights.map((f) => ({ x: f.center_x_m, y: f.center_y_m, r: 3 + Math.sqrt(f.damage) / 4, row: f })),
      type: "bubble", backgroundColor: "rgba(47,91,211,.18)", borderColor: "rgba(47,91,211,.6)", hidden: !!team,
      describe: (f) => `fight ${teamName(f.team_a)} v ${teamName(f.team_b)}: ${fmt(f.damage)} damage, ${f.kills} kills` },
    { label: "two-team engagement", data: points(regular, ["center_x_m", "center_y_m"]), pointStyle: "rect",
      pointRadius: 4, backgroundColor: "#1c2230", hidden: true },
    { label: "third-party engagement", data: points(third, ["center_x_m", "center_y_m"]), pointStyle: "rectRot",
      pointRadius: 7, backgroundColor: "#f59e0b", borderColor: "#1c2230", hidden: !!team },
    ...paths.map((samples, i) => ({ label: `tracked: ${samples[0].player_name || samples[0].account_id} (${teamName(samples[0].team_id)})`, type: "line", showLine: true,
      data: samples.map((p) => ({ x: p.x_m, y: p.y_m })), borderColor: PATH_COLOURS[i % PATH_COLOURS.length],
      pointRadius: samples.map((p) => (p.outside_zone ? 4 : 1.5)), borderWidth: 1.5, hidden: true })),
  ] }, plugins: [mapLayers], options: { maintainAspectRatio: true, aspectRatio: 1,
    scales: { x: kilometres(size), y: { ...kilometres(size), reverse: true } },
    plugins: { mapLayers: { kills: credited, circles: m.circles },
               legend: { labels: { usePointStyle: true, boxWidth: 8 } },
               tooltip: { callbacks: { label: (ctx) => ctx.dataset.describe && ctx.raw.row ? ctx.dataset.describe(ctx.raw.row)
                 : `${ctx.dataset.label} (${fmt(ctx.raw.x)} m, ${fmt(ctx.raw.y)} m)` } } } } });
  const canvas = $("map");
  canvas.dataset.points = String(landings.length + kills.length + credited.length + m.fights.length + m.engagements.length + m.tracked_positions.length);
  canvas.setAttribute("aria-label", `${landings.length} landings, ${kills.length} kills and ${m.circles.length} safe zones on a ${size / 1000} km map`);
  $("map-note").textContent = `${team ? `${teamName(Number(team))}: ` : ""}${landings.length} landings (coloured by team), ${kills.length} kills (× where the victim fell, ▲ where the killer stood, a line between), ${m.circles.length} safe zones (dashed rings, the last in red), ${m.fights.length} fights (bubbles by damage), ${third.length} third-party engagements (◆); engagements and tracked players' paths (${paths.length}) can be switched on in the legend. Coordinates in metres on a ${size / 1000} km map, north up.`;
}

/** The organisers' decisions standing on this match: what each did, who made it and why. */
function showDecided(decided) {
  $("decided").replaceChildren(...(decided.length ? [el("section", { class: "decided" },
    el("h2", {}, "Decided by the organisers"),
    ...decided.map((d) => el("p", { "data-decision": d.decision_id },
      `${d.kind === "removal" ? "Removed from the tournament" : "Overridden"}: ${d.what}`
      + `${d.scored === false ? " (not counted in the standings)" : ""}. By ${d.made_by}. Why: ${d.reason}`,
      el("span", { class: "muted" }, ` · ${new Date(d.made_at).toLocaleString()}`))))] : []));
}

async function start() {
  const id = param("id");
  if (!id) throw new Error("no match given: open a match from the tournament page's match history");
  const [answer, decisions] = await Promise.all([api(`/api/v1/tournaments/matches/${encodeURIComponent(id)}`),
                                                 api("/api/v1/tournaments/decisions")]);
  const m = match = answer.data;
  showDecided(decisions.data.decisions.filter((d) => d.match_id === m.match_id));
  teamNames = Object.fromEntries(m.teams.filter((t) => t.team_name).map((t) => [t.team_id, t.team_name]));
  $("title").textContent = `Match on ${m.map_display_name || "an unknown map"}`;
  $("summary").textContent = `${m.created_at ? new Date(m.created_at).toLocaleString() : ""} · ${m.game_mode_display_name || m.game_mode || ""} · ${fmt(m.duration_s / 60, 0)} min · ${m.rosters} teams, ${m.participants} players · ${m.match_id}`;
  const teams = [...new Set(m.landings.map((l) => l.team_id).concat(m.teams.map((t) => t.team_id)))].filter((t) => t !== null).sort((a, b) => a - b);
  const wanted = param("team");
  options($("team"), [["", "every team"], ...teams.map((t) => [String(t), teamName(t)])], teams.map(String).includes(wanted) ? wanted : "");
  $("team").addEventListener("change", () => { remember({ team: $("team").value }); drawMap(); });
  drawMap();
  if (!m.landings.length && !m.kills.length) $("map-note").prepend(el("b", {}, "No telemetry published for this match: only its fights, if any. "));
  $("teams").replaceChildren(sortableTable([
    { key: "placement", label: "Place", value: (t) => t.placement },
    { key: "team", label: "Team", text: true, value: (t) => teamName(t.team_id), cell: (t) => teamName(t.team_id) },
    { key: "players", label: "Players", text: true, sortable: false, value: () => 0, cell: (t) => el("span", { class: "names" }, t.players.join(", ")) },
    { key: "kills", label: "Kills", descending: true, value: (t) => t.kills },
    { key: "damage", label: "Damage", descending: true, value: (t) => t.damage },
  ], m.teams, { sortKey: "placement" }));
  $("players").replaceChildren(m.players.length ? sortableTable([
    { key: "placement", label: "Place", value: (p) => p.placement },
    { key: "player", label: "Player", text: true, value: (p) => p.player_name || "",
      cell: (p) => el("a", { href: `pubg_player.html?id=${encodeURIComponent(p.account_id)}` }, p.player_name || p.account_id) },
    { key: "team", label: "Team", text: true, value: (p) => teamName(p.team_id), cell: (p) => teamName(p.team_id) },
    { key: "kills", label: "Kills", descending: true, value: (p) => p.kills },
    { key: "knocks", label: "Knocks", descending: true, value: (p) => p.knocks },
    { key: "assists", label: "Assists", descending: true, value: (p) => p.assists },
    { key: "headshots", label: "Headshots", descending: true, value: (p) => p.headshot_kills },
    { key: "damage", label: "Damage", descending: true, value: (p) => p.damage_dealt },
    { key: "taken", label: "Taken", descending: true, value: (p) => p.damage_received },
    { key: "survival", label: "Survived", descending: true, value: (p) => p.survival_s, cell: (p) => p.survival_s === null ? "—" : clock(p.survival_s) },
    { key: "walked", label: "Walked", descending: true, value: (p) => p.walk_distance_m, cell: (p) => km(p.walk_distance_m) },
    { key: "rode", label: "Rode", descending: true, value: (p) => p.ride_distance_m, cell: (p) => km(p.ride_distance_m) },
  ], m.players, { sortKey: "placement" }) : el("p", {}, "No player result published for this match."));
  $("feed-heading").textContent = `Kill feed · ${fmt(m.kills.length)} kills`;
  $("feed").replaceChildren(...(m.kills.length ? m.kills.map((k) => el("li", {},
    el("span", { class: "muted" }, `${clock(k.elapsed_s)} `),
    `${k.killer_name || "the zone or a fall"} (${teamName(k.killer_team_id)}) → ${k.victim_name || "?"} (${teamName(k.victim_team_id)})`,
    k.distance_m === null ? "" : el("span", { class: "muted" }, ` · ${fmt(k.distance_m)} m`)))
    : [el("li", { class: "muted" }, "No kill recorded (the match's telemetry may be missing).")]));
  $("engagements").replaceChildren(m.engagements.length ? sortableTable([
    { key: "start", label: "Start", value: (e) => e.started_s, cell: (e) => clock(e.started_s) },
    { key: "teams", label: "Teams", text: true, value: (e) => e.teams, cell: (e) => el("span", { class: e.third_party ? "down" : null }, `${String(e.team_ids).split(",").map((id) => teamName(Number(id))).join(" v ")}${e.third_party ? " (third party)" : ""}`) },
    { key: "fights", label: "Fights", value: (e) => e.fights },
    { key: "duration", label: "Seconds", value: (e) => e.duration_s, cell: (e) => fmt(e.duration_s) },
    { key: "damage", label: "Damage", descending: true, value: (e) => e.damage },
    { key: "knocks", label: "Knocks", descending: true, value: (e) => e.knocks },
    { key: "kills", label: "Kills", descending: true, value: (e) => e.kills },
  ], m.engagements, { sortKey: "start" }) : el("p", {}, "No engagement recorded (the match's telemetry may be missing)."));
  shown();
}

start().catch((error) => { showError(`Could not load the match: ${error.message}`); shown(); });
