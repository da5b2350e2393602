// A PUBG match's page: its fights and engagements (third-party ones marked) and the tracked players' positions
// drawn over the map's coordinates (metres, north up, a 1 km grid: no map artwork is shipped), the teams'
// placements, and the engagements as a table.
import { api, chart, el, fmt, header, param, shown, showError, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const MAP_METRES = { Baltic_Main: 8160, Erangel_Main: 8160, Desert_Main: 8160, Tiger_Main: 8160, Kiki_Main: 8160,
                     Neon_Main: 8160, DihorOtok_Main: 8160, Savage_Main: 4080, Chimera_Main: 3060, Summerland_Main: 2040,
                     Heaven_Main: 1020 };
const PATH_COLOURS = ["#7c3aed", "#0891b2", "#65a30d", "#db2777", "#ea580c", "#475569"];

header("tournament.html");

/** An axis over 0..`size` metres with a tick and grid line every kilometre. */
const kilometres = (size) => ({ min: 0, max: size, ticks: { callback: (v) => `${v / 1000} km` },
  afterBuildTicks: (axis) => { axis.ticks = Array.from({ length: Math.floor(size / 1000) + 1 }, (_, i) => ({ value: i * 1000 })); } });

async function start() {
  const id = param("id");
  if (!id) throw new Error("no match given: open a match from the tournament page's match history");
  const m = (await api(`/api/v1/tournaments/matches/${encodeURIComponent(id)}`)).data;
  const size = MAP_METRES[m.map_name] || 8160;
  $("title").textContent = `Match on ${m.map_name || "an unknown map"}`;
  $("summary").textContent = `${m.created_at ? new Date(m.created_at).toLocaleString() : ""} · ${m.game_mode || ""} · ${fmt(m.duration_s / 60, 0)} min · ${m.rosters} teams, ${m.participants} players · ${m.match_id}`;
  const paths = Object.values(m.tracked_positions.reduce((by, p) => ((by[p.account_id] ||= []).push(p), by), {}));
  const regular = m.engagements.filter((e) => !e.third_party);
  const third = m.engagements.filter((e) => e.third_party);
  chart($("map"), { type: "scatter", data: { datasets: [
    { label: "fight", data: m.fights.map((f) => ({ x: f.center_x_m, y: f.center_y_m, r: 3 + Math.sqrt(f.damage) / 4, f })),
      type: "bubble", backgroundColor: "rgba(47,91,211,.35)", borderColor: "#2f5bd3" },
    { label: "two-team engagement", data: regular.map((e) => ({ x: e.center_x_m, y: e.center_y_m })), pointStyle: "rect",
      pointRadius: 4, backgroundColor: "#1c2230" },
    { label: "third-party engagement", data: third.map((e) => ({ x: e.center_x_m, y: e.center_y_m })), pointStyle: "triangle",
      pointRadius: 7, backgroundColor: "#b42318" },
    ...paths.map((samples, i) => ({ label: `tracked ${samples[0].account_id.slice(0, 14)}…`, type: "line", showLine: true,
      data: samples.map((p) => ({ x: p.x_m, y: p.y_m })), borderColor: PATH_COLOURS[i % PATH_COLOURS.length],
      pointRadius: samples.map((p) => (p.outside_zone ? 4 : 1.5)), borderWidth: 1.5 })),
  ] }, options: { maintainAspectRatio: true, aspectRatio: 1,
    scales: { x: kilometres(size), y: { ...kilometres(size), reverse: true } },
    plugins: { tooltip: { callbacks: { label: (ctx) => ctx.raw.f ? `fight teams ${ctx.raw.f.team_a} v ${ctx.raw.f.team_b}: ${fmt(ctx.raw.f.damage)} damage, ${ctx.raw.f.kills} kills` : `${ctx.dataset.label} (${fmt(ctx.raw.x)} m, ${fmt(ctx.raw.y)} m)` } } } } });
  $("map").dataset.points = String(m.fights.length + m.engagements.length + m.tracked_positions.length);
  $("map-note").textContent = `${m.fights.length} fights, ${m.engagements.length} engagements (${third.length} third-party), ${paths.length} tracked players' paths (larger dots: outside the zone). Coordinates in metres on a ${size / 1000} km map, north up.`;
  $("teams").replaceChildren(sortableTable([
    { key: "placement", label: "Place", value: (t) => t.placement },
    { key: "team", label: "Team", value: (t) => t.team_id },
    { key: "players", label: "Players", text: true, sortable: false, value: () => 0, cell: (t) => t.players.join(", ") },
    { key: "kills", label: "Kills", descending: true, value: (t) => t.kills },
    { key: "damage", label: "Damage", descending: true, value: (t) => t.damage },
  ], m.teams, { sortKey: "placement" }));
  $("engagements").replaceChildren(m.engagements.length ? sortableTable([
    { key: "start", label: "Start", value: (e) => e.started_s, cell: (e) => `${Math.floor(e.started_s / 60)}:${String(Math.floor(e.started_s % 60)).padStart(2, "0")}` },
    { key: "teams", label: "Teams", text: true, value: (e) => e.teams, cell: (e) => el("span", { class: e.third_party ? "down" : null }, `${e.team_ids}${e.third_party ? " (third party)" : ""}`) },
    { key: "fights", label: "Fights", value: (e) => e.fights },
    { key: "duration", label: "Seconds", value: (e) => e.duration_s, cell: (e) => fmt(e.duration_s) },
    { key: "damage", label: "Damage", descending: true, value: (e) => e.damage },
    { key: "knocks", label: "Knocks", descending: true, value: (e) => e.knocks },
    { key: "kills", label: "Kills", descending: true, value: (e) => e.kills },
  ], m.engagements, { sortKey: "start" }) : el("p", {}, "No engagement recorded (the match's telemetry may be missing)."));
  shown();
}

start().catch((error) => { showError(`Could not load the match: ${error.message}`); shown(); });
