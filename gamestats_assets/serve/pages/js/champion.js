// A League champion's page for one queue and patch: the patch trend (win rate with its band), win rate by game
// length, its roles, build paths, skill orders and lane matchups, every rate with its interval and games.
import { api, chart, el, fmt, header, loading, options, param, pct, rateCell, remember, shown, showError, sortableTable, THIN_SAMPLE } from "./common.js";

const $ = (id) => document.getElementById(id);
const base = () => `/api/v1/lol/champions/${encodeURIComponent($("champion").value)}`;
let champions = [];

header("champion.html");

/** A line of `rate` with the band between `low` and `high` filled, over `labels`; `n` gives each point's games. */
function bandChart(canvas, labels, rows, title, highlight) {
  const color = "#2f5bd3";
  chart(canvas, { type: "line", data: { labels, datasets: [
    { label: "95% interval low", data: rows.map((r) => r.win_rate_ci_low * 100), borderWidth: 0, pointRadius: 0, fill: false },
    { label: "95% interval", data: rows.map((r) => r.win_rate_ci_high * 100), borderWidth: 0, pointRadius: 0,
      fill: "-1", backgroundColor: "rgba(47,91,211,.15)" },
    { label: title, data: rows.map((r) => r.win_rate * 100), borderColor: color, backgroundColor: color,
      pointRadius: rows.map((r, i) => (labels[i] === highlight ? 6 : 3)),
      pointStyle: rows.map((r) => (r.games < THIN_SAMPLE ? "crossRot" : "circle")) },
  ] }, options: {
    scales: { y: { min: 0, max: 100, title: { display: true, text: "win rate %" } } },
    plugins: { legend: { labels: { filter: (item) => item.text !== "95% interval low" } },
               tooltip: { callbacks: { afterLabel: (ctx) => `n=${rows[ctx.dataIndex].games}${rows[ctx.dataIndex].games < THIN_SAMPLE ? " (low sample)" : ""}` } } },
  } });
}

const rateColumn = { key: "win_rate", label: "Win rate [95% CI] n", descending: true, value: (r) => r.win_rate,
                     cell: (r) => rateCell(r.win_rate, r.win_rate_ci_low, r.win_rate_ci_high, r.games) };
const gamesColumn = { key: "games", label: "Games", descending: true, value: (r) => r.games };
const empty = () => el("p", { class: "muted" }, "No games on this queue and patch.");

async function show() {
  loading();
  const query = { queue: $("queue").value, patch: $("patch").value };
  remember({ champion: $("champion").value, ...query });
  $("title").textContent = `${$("champion").value} · ${query.queue} · patch ${query.patch}`;
  try {
    const [trend, lengths, roles, builds, skills, matchups] = await Promise.all([
      api(`${base()}/patch-trend`, { queue: query.queue, limit: 100 }),
      api(`${base()}/length-win-rates`, { ...query, limit: 100 }), api(`${base()}/roles`, { ...query, limit: 10 }),
      api(`${base()}/builds`, { ...query, limit: 50 }), api(`${base()}/skill-orders`, { ...query, limit: 50 }),
      api(`${base()}/matchups`, { ...query, limit: 50 })]);
    const patches = trend.data.sort((a, b) => patchOrder(a.patch) - patchOrder(b.patch));
    const current = patches.find((r) => r.patch === query.patch);
    $("summary").replaceChildren(...(current ? [
      el("div", { class: "kpi" }, "Win rate", el("b", {}, rateCell(current.win_rate, current.win_rate_ci_low, current.win_rate_ci_high, current.games))),
      el("div", { class: "kpi" }, "Pick rate", el("b", {}, `${pct(current.pick_rate)}`),
         el("span", { class: "muted" }, `[${pct(current.pick_rate_ci_low)}–${pct(current.pick_rate_ci_high)}] of ${fmt(current.queue_games)} games`)),
      el("div", { class: "kpi" }, "Change since last patch", el("b", {}, current.win_rate_change === null ? "first patch"
        : `${current.win_rate_change > 0 ? "+" : ""}${fmt(current.win_rate_change * 100, 1)} pts`)),
    ] : [el("p", {}, "No games of this champion on this patch.")]));
    bandChart($("trend"), patches.map((r) => r.patch), patches, "win rate by patch", query.patch);
    const overall = lengths.data.filter((r) => r.depth === 0);
    bandChart($("length"), overall.map((r) => `${r.length_from_min}–${r.length_to_min} min`), overall, "win rate by length");
    $("roles").replaceChildren(roles.data.length ? sortableTable([
      { key: "role", label: "Role", text: true, value: (r) => r.team_position, cell: (r) => r.team_position || "—" },
      gamesColumn, rateColumn,
      { key: "pick", label: "Pick rate [95% CI]", descending: true, value: (r) => r.pick_rate,
        cell: (r) => `${pct(r.pick_rate)} [${pct(r.pick_rate_ci_low)}–${pct(r.pick_rate_ci_high)}]` },
      { key: "kda", label: "KDA", descending: true, value: (r) => r.kda_mean, cell: (r) => fmt(r.kda_mean, 2) },
    ], roles.data, { sortKey: "games", descending: true }) : empty());
    $("builds").replaceChildren(builds.data.length ? sortableTable([
      { key: "path", label: "Core items", text: true, value: (r) => r.core_path, cell: (r) => r.core_path || "—" },
      { key: "depth", label: "Items", value: (r) => r.depth }, gamesColumn, rateColumn,
      { key: "kda", label: "KDA", descending: true, value: (r) => r.kda_mean, cell: (r) => fmt(r.kda_mean, 2) },
      { key: "dpm", label: "DPM", descending: true, value: (r) => r.dpm_mean },
    ], builds.data, { sortKey: "games", descending: true }) : empty());
    $("skills").replaceChildren(skills.data.length ? sortableTable([
      { key: "order", label: "Max order", text: true, value: (r) => r.max_order, cell: (r) => r.max_order },
      gamesColumn, rateColumn, { key: "pick", label: "Pick rate", descending: true, value: (r) => r.pick_rate, cell: (r) => pct(r.pick_rate) },
    ], skills.data, { sortKey: "games", descending: true }) : empty());
    $("matchups").replaceChildren(matchups.data.length ? sortableTable([
      { key: "opponent", label: "Opponent", text: true, value: (r) => r.opponent_champion_name, cell: (r) => r.opponent_champion_name },
      { key: "lane", label: "Lane", text: true, value: (r) => r.team_position, cell: (r) => r.team_position },
      gamesColumn, rateColumn,
      { key: "gold10", label: "Gold @10", descending: true, value: (r) => r.gold_diff_10_mean, cell: (r) => signed(r.gold_diff_10_mean) },
      { key: "xp10", label: "XP @10", descending: true, value: (r) => r.xp_diff_10_mean, cell: (r) => signed(r.xp_diff_10_mean) },
      { key: "gold15", label: "Gold @15", descending: true, value: (r) => r.gold_diff_15_mean, cell: (r) => signed(r.gold_diff_15_mean) },
    ], matchups.data, { sortKey: "games", descending: true }) : empty());
  } catch (error) {
    showError(`Could not load ${$("champion").value}: ${error.message}`);
  }
  shown();
}

const signed = (value) => value === null || value === undefined ? "—" : `${value > 0 ? "+" : ""}${fmt(value)}`;
const patchOrder = (patch) => { const [major, minor] = patch.split(".").map(Number); return major * 1000 + minor; };

function fillChoices(wanted = {}) {
  const picked = champions.find((c) => c.champion_name === $("champion").value) || champions[0];
  options($("queue"), picked.queues.sort().map((q) => [q, q]), wanted.queue || $("queue").value);
  const patches = [...picked.patches].sort((a, b) => patchOrder(b) - patchOrder(a));
  options($("patch"), patches.map((p) => [p, p]), wanted.patch || $("patch").value || patches[0]);
}

async function start() {
  champions = (await api("/api/v1/lol/champions")).data.champions;
  if (!champions.length) {
    $("summary").replaceChildren(el("p", {}, "No League games have been published yet."));
    shown();
    return;
  }
  const wanted = param("champion") || champions[0].champion_name;
  options($("champion"), champions.map((c) => [c.champion_name, `${c.champion_name} (${fmt(c.games)} games)`]),
          champions.some((c) => c.champion_name === wanted) ? wanted : champions[0].champion_name);
  fillChoices({ queue: param("queue"), patch: param("patch") });
  $("champion").addEventListener("change", () => { fillChoices(); show(); });
  $("queue").addEventListener("change", show);
  $("patch").addEventListener("change", show);
  await show();
}

start().catch((error) => { showError(`Could not load the champions: ${error.message}`); shown(); });
