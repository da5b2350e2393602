// A Rocket League player's page, by the player's name: the rank and the predicted rank named as the game names
// them, with the interval on the ladder beside the baseline (the playlist's median rank) and said plainly to rest on
// thin evidence when it is wide, where the rank is heading (its drift over four weeks, said plainly when nothing can
// be told), each stat day by day against the band of same-rank players (the middle 68 % of
// their games), every stat's percentile among them turned so that 100 is best (each bar labelled, its interval over
// the player's games drawn, red only where weak: below the band's bottom quarter with the interval below its median),
// with whom and how many it compares, the skills against peers with the weak ones flagged, the positional heatmap
// from their raw replays (drawn on a canvas: a field outline and shaded cells, a picture no chart library draws) with
// the control to upload one, one game against the band (a hint, not a verdict, with packs for its hints), the rank
// the player stated (marked so) with the form to state one, the training log per pack with the form to log a session,
// the training recommendations for the truly weakest skills and the recent replays; skills, packs, predicted rank and
// outlook each say the rank they were read at (the one the games gave, or the one stated, not verified) and the games
// they stand on, and that few games leave their intervals wide.
import { api, chart, el, fmt, header, latest, options, param, remember, shown, showError, sortableTable } from "./common.js";
import {
  bandName, coded, comparedAs, direction, loadMeanings, shownPercentile, shownStats, statLabel,
} from "./rlstats.js";
import { oneGame } from "./one_game.js";
import { rankOutlook } from "./rank_outlook.js";
import { rankFromText } from "./rank_from.js";
import { statedRank } from "./stated_rank.js";
import { trainingLog } from "./training_log.js";
import { uploadForm } from "./upload.js";

const $ = (id) => document.getElementById(id);
const BASE = "/api/v1/rocket";
/** The regions showing a player's numbers, marked stale while another player's are asked. */
const REGIONS = ["prediction", "outlook", "progress", "percentiles", "field", "heatmap", "one-game", "stated", "training", "weaknesses",
                 "recommendations", "replays"];
const run = latest();
let progress = {}, comparison = [];

header("player.html");

/** A rank percentile (0–100) as `p72`. */
const percentile = (value) => value === null || value === undefined ? "—" : `p${fmt(value)}`;

/** `answer`, or null when it is a 404 (nothing published for the player). */
const unlessMissing = (answer) => answer.catch((error) => { if (error.status === 404) return null; throw error; });

/** Why an answer is empty (its `metadata.reason`), as a sentence, else `fallback`. */
const reasonOf = (answer, fallback) => {
  const reason = answer.metadata.reason;
  return reason ? `${reason[0].toUpperCase()}${reason.slice(1)}.` : fallback;
};

function drawStat() {
  const stat = $("stat").value;
  const days = progress[stat] || [];
  const peers = comparison.find((c) => c.stat_type === stat);
  const labels = days.map((d) => d.date);
  const band = peers && peers.band_low !== null ? [peers.band_low, peers.band_high] : null;
  $("stat-title").replaceChildren(el("span", { title: stat }, statLabel(stat)), " over time");
  chart($("progress"), { type: "line", data: { labels, datasets: [
    ...(band ? [{ label: "band low", data: labels.map(() => band[0]), borderWidth: 0, pointRadius: 0 },
                { label: `same-rank band (${bandName(peers.rank_band)}, middle 68 % of games)`, data: labels.map(() => band[1]),
                  borderWidth: 0, pointRadius: 0, fill: "-1", backgroundColor: "rgba(26,127,55,.15)" }] : []),
    { label: "player's daily mean", data: days.map((d) => d.mean), borderColor: "#2f5bd3", backgroundColor: "#2f5bd3" },
  ] }, options: { plugins: { legend: { labels: { filter: (item) => item.text !== "band low" } },
                             tooltip: { callbacks: { afterLabel: (ctx) => days[ctx.dataIndex] ? `games=${days[ctx.dataIndex].games}` : "" } } } } });
  const games = days.reduce((a, d) => a + d.games, 0);
  $("stat-note").textContent = peers ? `${fmt(games)} game${games === 1 ? "" : "s"} of the player; the band from ${fmt(peers.peer_games)} games of ${fmt(peers.peers)} same-rank players.` : "No same-rank players to compare with.";
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

const dpr = () => window.devicePixelRatio || 1;

/** The pitch seen from above, the player's own goal on the left, each cell shaded by the share of the player's
 * time in it (`data.cells`, rows from the own goal, columns across), over the field's lines. */
function drawHeatmap(canvas, data) {
  const { columns, rows } = data.grid;
  const cssWidth = canvas.parentElement.clientWidth || 560;
  const goal = 0.045, ratio = dpr();
  const width = cssWidth, cell = width * (1 - 2 * goal) / rows, height = cell * columns;
  canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  const left = width * goal, right = left + cell * rows;
  ctx.fillStyle = "#e8efe6";
  ctx.fillRect(left, 0, cell * rows, height);
  const top = Math.max(...data.cells.map((c) => c.share), 0);
  for (const c of data.cells) {
    ctx.fillStyle = `rgba(47,91,211,${(0.08 + 0.87 * (c.share / top)).toFixed(3)})`;
    ctx.fillRect(left + c.cell_y * cell, (columns - 1 - c.cell_x) * cell, cell, cell);
  }
  ctx.strokeStyle = "#1c2230"; ctx.lineWidth = 1.5;
  ctx.strokeRect(left, 0.75, cell * rows, height - 1.5);
  ctx.strokeStyle = "rgba(255,255,255,.9)"; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(left + cell * rows / 2, 0); ctx.lineTo(left + cell * rows / 2, height); ctx.stroke();
  ctx.beginPath(); ctx.arc(left + cell * rows / 2, height / 2, cell * 0.9, 0, 2 * Math.PI); ctx.stroke();
  const goalWidth = height * 1786 / 8192;
  ctx.fillStyle = "#2f5bd3"; ctx.fillRect(0, (height - goalWidth) / 2, left, goalWidth);
  ctx.fillStyle = "#c2410c"; ctx.fillRect(right, (height - goalWidth) / 2, width - right, goalWidth);
  canvas.dataset.cells = String(data.cells.length);
}

/** The heatmap with what it stands on: how many of the player's games had positions (raw replays only). */
function showHeatmap(data) {
  const canvas = $("heatmap");
  const without = data.games - data.games_with_positions;
  const json = data.sources_without.length ? data.sources_without.join(" or ") : "ballchasing";
  drawHeatmap(canvas, data);
  canvas.setAttribute("aria-label", data.cells.length ? `Time in ${data.cells.length} cells of the pitch over ${data.games_with_positions} games` : "No positions for this player");
  $("heatmap-note").textContent = !data.games_with_positions
    ? `No positions: this player's ${fmt(data.games)} games came as ${json} JSON, which carries no car positions. Upload a raw .replay of one of their games below for a heatmap.`
    : `Share of ${fmt(data.seconds / 60, 1)} minutes on the pitch in ${data.grid.columns} × ${data.grid.rows} cells of ${data.grid.cell_uu} uu (own goal on the left, blue; darker: more time), from ${fmt(data.games_with_positions)} of ${fmt(data.games)} games (raw replays)${without ? `; the other ${fmt(without)} came as ${json} JSON, which has no positions` : ""}.`;
}

/** The player's result in a game: won or lost with their team's colour, null when their team is unknown. */
const outcome = (m) => (m.team === 0 || m.team === 1) && m.result
  ? `${m.result === "draw" ? "draw" : m.result === ["blue", "orange"][m.team] ? "won" : "lost"} (${["blue", "orange"][m.team]})` : null;

const BAR_PX = 22;
const COLOURS = { weak: "#b42318", better: "#2f5bd3", style: "#98a2b3" };
/** The comparison's stats a page shows: one of those that measure one thing. */
const shownComparison = () => {
  const keep = new Set(shownStats(comparison.map((c) => c.stat_type)));
  return comparison.filter((c) => keep.has(c.stat_type));
};

/** Every shown stat's percentile among same-rank players, turned so that 100 is best, one horizontal bar each, every
 * bar labelled, its 95 % interval over the player's games drawn across it; red only where weak (below the band's
 * bottom quarter with the interval below its median), grey for a style (neither better nor worse: where the value
 * lies). */
function drawPercentiles(comp) {
  const canvas = $("percentiles");
  const rows = shownComparison();
  canvas.parentElement.style.height = `${60 + BAR_PX * rows.length}px`;
  const colour = (c) => (c.weak ? COLOURS.weak : c.better ? COLOURS.better : COLOURS.style);
  const label = (c) => `${statLabel(c.stat_type)}${c.weak ? " (weak)" : c.better ? "" : " (style)"}`;
  canvas.dataset.stats = rows.map((c) => c.stat_type).join(",");
  chart(canvas, { type: "bar", data: { labels: rows.map(label),
    datasets: [
      { label: "percentile among same-rank players (100: best)", data: rows.map(shownPercentile),
        backgroundColor: rows.map(colour) },
      { label: "95 % interval over the player's games", data: rows.map((c) => c.percentile_ci),
        backgroundColor: "rgba(28,34,48,.55)", barPercentage: 0.2, grouped: false },
    ] },
    options: { indexAxis: "y", scales: { x: { min: 0, max: 100, position: "top" },
                                         y: { ticks: { autoSkip: false, font: { size: 11 },
                                                       color: (ctx) => (rows[ctx.index]?.weak ? COLOURS.weak : "#1c2230") } } },
               plugins: { tooltip: { callbacks: { afterLabel: (ctx) => {
                 const c = rows[ctx.dataIndex];
                 return c ? `${c.stat_type}: ${direction(c.stat_type)}${comparedAs(c.stat_type)}; ${fmt(c.games)} games${c.percentile_ci ? `, interval p${fmt(c.percentile_ci[0])}–p${fmt(c.percentile_ci[1])}` : ", no interval from one game"}` : "";
               } } } } } });
  const weak = rows.filter((c) => c.weak);
  const games = Math.max(0, ...rows.map((c) => c.games));
  $("percentiles-who").textContent = comparedWith(comp);
  $("percentiles-note").textContent = `Each bar: the player's mean percentile over their ${fmt(games)} game${games === 1 ? "" : "s"} among the same band's players of the same playlist, turned so that 100 is best (lower-is-better stats such as shots against are turned), with its 95 % interval. Red (weak): below p${fmt(comp.weak_below)} with the whole interval below p50${weak.length ? ` — ${weak.map((c) => statLabel(c.stat_type)).join(", ")}` : "; none here"}. Grey: a style, neither better nor worse. Totals are compared per minute of the game and times as a share of it. ${games < 2 ? "One game gives no interval, so nothing is flagged." : ""}`;
}

/** With whom the comparison compares, and how many. */
function comparedWith(comp) {
  if (!comp.rank_band) return "No same-rank players to compare with.";
  const players = comp.rank_band === "unranked" ? "players of unranked games" : `${bandName(comp.rank_band)} players`;
  const among = `Percentiles among up to ${fmt(comp.ranked_among)} games of ${players} in the same playlist (${fmt(comp.peers)} such players, ${fmt(comp.peer_games)} games, in every playlist)`;
  if (comp.rank_from === "stated") return `${among}: this player's games carry no rank, so the rank they stated sets the band (stated, not verified).`;
  return comp.rank_from === "none"
    ? `${among}: this player's games carry no rank (raw replays do not) and none is known from other games, so they are compared with other unranked games, few and of any level. Stating a rank below compares them with players of that band.`
    : comp.rank_from === "profile"
      ? `${among}: some of this player's games carry no rank, so their latest known rank sets the band.`
      : `${among}, the band of the player's most played rank.`;
}

/** Shows the chosen player; what an earlier choice showed stays marked stale until the answer, and the answer of a
 * choice changed meanwhile is dropped. */
function show() {
  const player_id = $("player").value;
  remember({ player: player_id, stat: $("stat").value });
  $("title").textContent = `Rocket League player · ${$("player").selectedOptions[0]?.dataset.name || player_id}`;
  return run({
    regions: REGIONS.map((id) => $(id).closest(".chart, .heatmap") || $(id)),
    fetch: () => Promise.all([
      api(`${BASE}/player`, { player_id }), api(`${BASE}/analytics/progress`, { player_id }), api(`${BASE}/analytics/comparison`, { player_id }),
      api(`${BASE}/analytics/weaknesses`, { player_id }), api(`${BASE}/analytics/rank-prediction`, { player_id }),
      api(`${BASE}/training/recommendations`, { player_id }), api(`${BASE}/replays/recent`, { player_id, limit: 10 }),
      api(`${BASE}/analytics/heatmap`, { player_id }), unlessMissing(api(`${BASE}/analytics/game`, { player_id })),
      api(`${BASE}/training/progress`, { player_id }), api(`${BASE}/analytics/rank-outlook`, { player_id })]),
    render: (answers) => showPlayer(player_id, answers),
    failed: (error) => `Could not load ${player_id}: ${error.message}`,
  });
}

/** Draws `player_id`'s answers (`show`'s, in its order). */
function showPlayer(player_id, [who, prog, comp, weak, rank, recs, recent, heat, game, training, outlook]) {
  const me = who.data;
  const stated = me.stated ? `${me.stated.rank} (stated, not verified)` : null;
  $("title").replaceChildren(`Rocket League player · ${me.name || player_id}`,
    el("span", { class: "muted", id: "player-meta" }, ` ${[me.rank, stated, me.platform, `${fmt(me.games)} games`, me.name ? player_id : null].filter(Boolean).join(" · ")}`));
  $("one-game").replaceChildren(...oneGame(game, me.name || player_id));
  $("stated").replaceChildren(...statedRank(player_id, me.stated, show));
  const suggested = [...new Set([...(game?.data.recommendations || []), ...recs.data].map((p) => p.pack_code))];
  $("training").replaceChildren(...trainingLog(player_id, training.data, suggested, show));
  progress = prog.data.stats;
  comparison = comp.data.stats;
  const stats = shownStats(Object.keys(progress)).sort((a, b) => statLabel(a).localeCompare(statLabel(b)));
  options($("stat"), stats.map((s) => [s, statLabel(s)]), stats.includes($("stat").value) ? $("stat").value : param("stat") || stats[0]);
  drawStat();
  $("field").replaceChildren(field(comparison));
  showHeatmap(heat.data);
  $("prediction").replaceChildren(...prediction(rank));
  const rankOf = (from) => (from === "stated" ? me.stated?.rank : me.rank);
  const mostGames = (rows) => Math.max(0, ...rows.map((r) => r.matches || 0));
  $("outlook").replaceChildren(...rankOutlook(outlook));
  drawPercentiles(comp.data);
  const skills = weak.data.skills;
  $("weaknesses-from").textContent = skills.length ? rankFromText(skills[0].rank_from, rankOf(skills[0].rank_from), mostGames(skills)) : "";
  $("weaknesses").replaceChildren(skills.length ? sortableTable([
    { key: "skill", label: "Skill", text: true, value: (s) => s.skill_name,
      cell: (s) => el("span", { class: s.weak ? "down" : null, title: s.skill }, `${s.skill_name}${s.weak ? " (weak)" : ""}`) },
    { key: "pct", label: "Percentile (95% interval)", value: (s) => s.rank_percentile,
      cell: (s) => s.rank_percentile === null ? "—" : `${percentile(s.rank_percentile)} (${percentile(s.percentile_ci_low)}–${percentile(s.percentile_ci_high)})` },
    { key: "z", label: "z vs peers", value: (s) => s.z, cell: (s) => fmt(s.z, 2) },
    { key: "p", label: "p (adjusted)", value: (s) => s.p_adjusted, cell: (s) => fmt(s.p_adjusted, 3) },
    { key: "detected", label: "Test", value: (s) => s.is_weak,
      cell: (s) => (s.is_weak === null ? "—" : s.is_weak ? "detected" : "not detected") },
    { key: "matches", label: "Games n", descending: true, value: (s) => s.matches },
    { key: "peers", label: "Peers", descending: true, value: (s) => s.peers },
  ], skills, { sortKey: "pct", caption: `Percentile among same-rank players of the same playlist (100: best), its 95 % interval for the luck of the player's games. Weak (red): below p${fmt(weak.data.weak_below)} with the interval below p50. Test: whether the skill stays below the peers' median after a false-discovery correction over every player and skill (5 %).` })
    : el("p", {}, reasonOf(weak, "No skill scores published for this player.")));
  const recommended = recs.data;
  $("recommendations-from").textContent = recommended.length
    ? `Packs within a metal of the rank. ${rankFromText(recommended[0].rank_from, rankOf(recommended[0].rank_from), mostGames(recommended))}` : "";
  $("recommendations").replaceChildren(recommended.length ? el("ul", { class: "plain" }, recommended.map((p) => el("li", { "data-skill": p.skill },
    el("b", {}, `${p.pack_name || p.pack_code}`), ` · ${p.pack_code} · ${p.difficulty || ""}`,
    el("div", { class: "muted" }, el("span", { title: p.skill }, p.skill_name), `: ${p.reason}`,
       p.rank_percentile === null ? "" : ` (${percentile(p.rank_percentile)}, 95% ${percentile(p.percentile_ci_low)}–${percentile(p.percentile_ci_high)}, ${fmt(p.matches)} games against ${fmt(p.peers)} players)`))))
    : el("p", {}, `No recommendation. ${reasonOf(recs, "No weak skill found.")}`));
  $("replays").replaceChildren(recent.data.length ? el("ul", { class: "plain" }, recent.data.map((m) => el("li", {},
    el("a", { href: `replay.html?id=${m.id}` }, `${m.played_at ? new Date(m.played_at).toLocaleString() : m.id}`),
    " · ", coded(m.playlist_name, m.playlist), " · ", coded(m.map_name, m.map_code),
    ` · ${[`blue ${m.score_team_0}–${m.score_team_1} orange`, outcome(m)].filter(Boolean).join(" · ")}`))) : el("p", {}, "No replay."));
}

/** The rank, the predicted rank with its interval on the ladder (said plainly to rest on thin evidence when wide),
 * and the model's error beside the baseline's (the playlist's median rank) on held-out players. */
function prediction(rank) {
  const r = rank.data;
  if (!r) return [el("p", {}, reasonOf(rank, "No rank prediction published for this player."))];
  const m = r.model;
  const verdict = { better: "errs less than", worse: "errs more than", "not distinguishable": "is not distinguishable from" }[m.verdict];
  return [
    el("div", { class: "kpi", id: "rank" }, "Rank", el("b", { class: "rank" }, r.rank || "unranked"),
       el("span", { class: "muted" }, `division index ${fmt(r.rank_index, 0)} of ${r.scale[0]}–${r.scale[1]}`),
       el("span", { class: "muted", id: "rank-from" }, r.rank_from === "stated"
         ? `the rank they stated (stated, not verified), which the model neither learned from nor is judged on; predicted from ${fmt(r.games)} game${r.games === 1 ? "" : "s"}`
         : `the rank their games gave; predicted from ${fmt(r.games)} game${r.games === 1 ? "" : "s"}`)),
    el("div", { class: "kpi", id: "predicted" }, "Predicted from their stats", el("b", { class: "rank" }, r.predicted_rank || "—"),
       el("span", { class: "muted" }, r.interval_95
         ? `95% interval ${r.interval_95_ranks[0]} to ${r.interval_95_ranks[1]} (divisions ${fmt(r.interval_95[0], 1)}–${fmt(r.interval_95[1], 1)}${r.interval_clipped ? ", cut at the ladder's end" : ""})`
         : "no interval"),
       r.thin_evidence ? el("p", { class: "thin-evidence", id: "thin-evidence" }, r.interval_divisions === null
         ? "The evidence is thin: too few players trained the model to bound its interval."
         : r.games < 5
         ? `The evidence is thin: the stats are of ${fmt(r.games)} game${r.games === 1 ? "" : "s"}, mostly their luck, and the interval spans ${fmt(r.interval_divisions, 1)} divisions.`
         : `The evidence is thin: the interval spans ${fmt(r.interval_divisions, 1)} divisions, more than a whole metal, so the stats say little of this player's rank.`) : null),
    el("div", { class: "kpi", id: "baseline" }, "Model vs baseline", el("b", {}, `MAE ${fmt(m.mae, 1)} vs ${fmt(m.baseline_mae, 1)} divisions`),
       el("span", { class: "muted" }, `Baseline: ${m.baseline} (${r.playlist_name || r.playlist || "—"}: ${r.baseline_rank || "—"}).`),
       el("span", { class: m.beats_baseline ? "up" : "down" }, m.verdict === "unjudged" ? "not measured"
         : `The model ${verdict} the baseline: ${fmt(Math.abs(m.mae_difference), 1)} divisions ${m.mae_difference < 0 ? "fewer" : "more"} on average (95% ${fmt(m.difference_ci[0], 1)} to ${fmt(m.difference_ci[1], 1)}), over ${fmt(m.held_out_players)} held-out players.`),
       el("span", { class: "muted", id: "coverage" }, m.coverage === null ? "The interval's coverage is not measured."
         : `Its 95% interval held ${fmt(100 * m.coverage, 0)}% of them (95% ${fmt(100 * m.coverage_ci[0], 0)}–${fmt(100 * m.coverage_ci[1], 0)}%), ${fmt(m.interval_width, 1)} divisions wide on average (median ${fmt(m.interval_median_width, 1)}); the baseline's held ${m.baseline_coverage === null ? "—" : fmt(100 * m.baseline_coverage, 0) + "%"} at ${fmt(m.baseline_interval_width, 1)} divisions.`)),
  ];
}

async function start() {
  const [answer] = await Promise.all([api(`${BASE}/players`), loadMeanings()]);
  const players = answer.data.players;
  if (!players.length) {
    $("prediction").replaceChildren(el("p", {}, "No Rocket League player has been published yet."));
    shown();
    return;
  }
  const wanted = param("player");
  const listed = players.map((p) => [p.player_id, `${p.name || p.player_id} (${bandName(p.rank_band || "unranked")})`]);
  // A player linked to by id stays chosen when the list (the 200 with most games) leaves them out.
  const linked = wanted && !players.some((p) => p.player_id === wanted) ? [[wanted, wanted]] : [];
  options($("player"), [...linked, ...listed], wanted || players[0].player_id);
  for (const option of $("player").options) {
    const found = players.find((p) => p.player_id === option.value);
    if (found?.name) option.dataset.name = found.name;
  }
  $("upload-control").replaceChildren(uploadForm());
  $("player").addEventListener("change", show);
  $("stat").addEventListener("change", () => { remember({ stat: $("stat").value }); drawStat(); });
  await show();
}

start().catch((error) => { showError(`Could not load the players: ${error.message}`); shown(); });
