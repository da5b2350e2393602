// A Rocket League player's page: the rank prediction with its interval beside the baseline, each stat day by
// day against the band of same-rank players (their mean ± one standard deviation), the skills against peers
// with the weak ones flagged, the training recommendations and the recent replays.
import { api, chart, el, fmt, header, loading, options, param, remember, shown, showError, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const BASE = "/api/v1/rocket";
let progress = {}, comparison = [];

header("player.html");

/** A rank percentile (0–100) as `p72`. */
const percentile = (value) => value === null || value === undefined ? "—" : `p${fmt(value)}`;

const optional = (promise) => promise.catch((error) => (error.status === 404 ? null : Promise.reject(error)));

function drawStat() {
  const stat = $("stat").value;
  const days = progress[stat] || [];
  const peers = comparison.find((c) => c.stat_type === stat);
  const labels = days.map((d) => d.date);
  const band = peers && peers.peer_sd !== null ? [peers.peer_mean - peers.peer_sd, peers.peer_mean + peers.peer_sd] : null;
  $("stat-title").textContent = `${stat.replaceAll("_", " ")} over time`;
  chart($("progress"), { type: "line", data: { labels, datasets: [
    ...(band ? [{ label: "band low", data: labels.map(() => band[0]), borderWidth: 0, pointRadius: 0 },
                { label: `same-rank band (${peers.rank_band}, mean ± 1 sd)`, data: labels.map(() => band[1]),
                  borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(26,127,55,.15)" }] : []),
    { label: "player's daily mean", data: days.map((d) => d.mean), borderColor: "#2f5bd3", backgroundColor: "#2f5bd3" },
  ] }, options: { plugins: { legend: { labels: { filter: (item) => item.text !== "band low" } },
                             tooltip: { callbacks: { afterLabel: (ctx) => days[ctx.dataIndex] ? `games=${days[ctx.dataIndex].games}` : "" } } } } });
  $("stat-note").textContent = peers ? `${fmt(days.reduce((a, d) => a + d.games, 0))} games of the player; the band from ${fmt(peers.peer_games)} games of ${fmt(peers.peers)} same-rank players.` : "No same-rank players to compare with.";
}

const THIRDS = [["time_defensive_third_share", "defensive third"], ["time_neutral_third_share", "neutral third"],
                ["time_offensive_third_share", "offensive third"]];

/** The pitch seen from above in three thirds, each shaded by the player's share of time in it (SVG: a picture
 * no chart library draws), with the same-rank players' share beside it. */
function field(stats) {
  const svg = (tag, attributes, text) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const shares = THIRDS.map(([key, name]) => ({ name, stat: stats.find((s) => s.stat_type === key) }));
  if (shares.every((s) => !s.stat)) return el("p", {}, "No positional stats in this player's replays.");
  const picture = svg("svg", { viewBox: "0 0 300 170", width: "100%", role: "img", style: "max-width: 560px",
    "aria-label": shares.map((s) => `${s.name} ${s.stat ? Math.round(s.stat.mean * 100) : "?"}%`).join(", ") });
  picture.append(svg("rect", { x: 0, y: 10, width: 300, height: 150, rx: 18, fill: "#e8efe6", stroke: "#1c2230" }));
  shares.forEach(({ name, stat }, i) => {
    const share = stat ? stat.mean : 0;
    picture.append(svg("rect", { x: i * 100 + 1, y: 11, width: 98, height: 148, fill: `rgba(47,91,211,${Math.min(0.85, share * 1.6).toFixed(2)})` }),
      svg("text", { x: i * 100 + 50, y: 78, "text-anchor": "middle", "font-size": 16, "font-weight": 700, fill: "#1c2230" }, stat ? `${Math.round(share * 100)}%` : "—"),
      svg("text", { x: i * 100 + 50, y: 98, "text-anchor": "middle", "font-size": 10, fill: "#1c2230" }, name),
      svg("text", { x: i * 100 + 50, y: 114, "text-anchor": "middle", "font-size": 9, fill: "#1c2230" },
          stat && stat.peer_mean !== null ? `peers ${Math.round(stat.peer_mean * 100)}% · n=${stat.games}` : ""));
  });
  picture.append(svg("line", { x1: 100, y1: 10, x2: 100, y2: 160, stroke: "#fff", "stroke-width": 2 }),
                 svg("line", { x1: 200, y1: 10, x2: 200, y2: 160, stroke: "#fff", "stroke-width": 2 }),
                 svg("rect", { x: -8, y: 65, width: 10, height: 40, fill: "#c2410c" }),
                 svg("rect", { x: 298, y: 65, width: 10, height: 40, fill: "#c2410c" }));
  return picture;
}

async function show() {
  loading();
  const player_id = $("player").value;
  remember({ player: player_id, stat: $("stat").value });
  $("title").textContent = `Rocket League player · ${player_id}`;
  try {
    const [prog, comp, weak, rank, recs, recent] = await Promise.all([
      api(`${BASE}/analytics/progress`, { player_id }), api(`${BASE}/analytics/comparison`, { player_id }),
      optional(api(`${BASE}/analytics/weaknesses`, { player_id })), optional(api(`${BASE}/analytics/rank-prediction`, { player_id })),
      optional(api(`${BASE}/training/recommendations`, { player_id })), api(`${BASE}/replays/recent`, { player_id, limit: 10 })]);
    progress = prog.data.stats;
    comparison = comp.data.stats;
    const stats = Object.keys(progress).sort();
    options($("stat"), stats.map((s) => [s, s.replaceAll("_", " ")]), stats.includes($("stat").value) ? $("stat").value : param("stat") || stats[0]);
    drawStat();
    $("field").replaceChildren(field(comparison));
    const r = rank?.data;
    $("prediction").replaceChildren(...(r ? [
      el("div", { class: "kpi" }, "Rank index", el("b", {}, fmt(r.rank_index, 1))),
      el("div", { class: "kpi" }, "Predicted", el("b", {}, fmt(r.predicted_rank_index, 1)),
         el("span", { class: "muted" }, r.interval_95 ? `95% interval ${fmt(r.interval_95[0], 1)} – ${fmt(r.interval_95[1], 1)}` : "no interval")),
      el("div", { class: "kpi" }, "Model vs baseline", el("b", {}, `MAE ${fmt(r.model.mae, 2)} vs ${fmt(r.model.baseline_mae, 2)}`),
         el("span", { class: r.model.beats_baseline ? "up" : "down" }, r.model.beats_baseline === null ? "not measured"
           : r.model.beats_baseline ? `beats the mean baseline (${r.model.held_out_players} held-out players)`
           : `does not beat the mean baseline (${r.model.held_out_players} held-out players)`)),
    ] : [el("p", {}, "No rank prediction published for this player.")]));
    $("percentiles").parentElement.style.height = `${Math.max(260, 40 + 14 * comparison.length)}px`;
    chart($("percentiles"), { type: "bar", data: { labels: comparison.map((c) => c.stat_type.replaceAll("_", " ")),
      datasets: [{ label: "rank percentile among same-rank players", data: comparison.map((c) => c.rank_percentile),
                   backgroundColor: comparison.map((c) => (c.z !== null && c.z < -1 ? "#b42318" : "#2f5bd3")) }] },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } } });
    const skills = weak?.data.skills || [];
    $("weaknesses").replaceChildren(skills.length ? sortableTable([
      { key: "skill", label: "Skill", text: true, value: (s) => s.skill, cell: (s) => el("span", { class: s.is_weak ? "down" : null }, `${s.skill}${s.is_weak ? " (weak)" : ""}`) },
      { key: "z", label: "z vs peers", value: (s) => s.z, cell: (s) => fmt(s.z, 2) },
      { key: "pct", label: "Percentile", value: (s) => s.rank_percentile, cell: (s) => percentile(s.rank_percentile) },
      { key: "p", label: "p (adjusted)", value: (s) => s.p_adjusted, cell: (s) => fmt(s.p_adjusted, 3) },
      { key: "matches", label: "Matches n", descending: true, value: (s) => s.matches },
      { key: "peers", label: "Peers", descending: true, value: (s) => s.peers },
    ], skills, { sortKey: "z" }) : el("p", {}, "No skill scores published for this player."));
    const recommended = recs?.data || [];
    $("recommendations").replaceChildren(recommended.length ? el("ul", { class: "plain" }, recommended.map((p) => el("li", {},
      el("b", {}, `${p.pack_name || p.pack_code}`), ` · ${p.pack_code} · ${p.difficulty || ""}`,
      el("div", { class: "muted" }, `${p.skill}: ${p.reason}`)))) : el("p", {}, "No recommendation: no weak skill found."));
    $("replays").replaceChildren(recent.data.length ? el("ul", { class: "plain" }, recent.data.map((m) => el("li", {},
      el("a", { href: `replay.html?id=${m.id}` }, `${m.played_at ? new Date(m.played_at).toLocaleString() : m.id}`),
      ` · ${m.playlist || ""} · ${m.map_code || ""} · ${m.score_team_0}–${m.score_team_1}`))) : el("p", {}, "No replay."));
  } catch (error) {
    showError(`Could not load ${player_id}: ${error.message}`);
  }
  shown();
}

async function start() {
  const players = (await api(`${BASE}/players`)).data.players;
  if (!players.length) {
    $("prediction").replaceChildren(el("p", {}, "No Rocket League player has been published yet."));
    shown();
    return;
  }
  const wanted = param("player");
  options($("player"), players.map((p) => [p.player_id, `${p.player_id} (${p.rank_band || "unranked"})`]),
          players.some((p) => p.player_id === wanted) ? wanted : players[0].player_id);
  $("player").addEventListener("change", show);
  $("stat").addEventListener("change", () => { remember({ stat: $("stat").value }); drawStat(); });
  await show();
}

start().catch((error) => { showError(`Could not load the players: ${error.message}`); shown(); });
