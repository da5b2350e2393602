// A League champion's page for one queue and patch: what to take first (the most played and the best starting
// items, core build, keystone, rune page and summoner spells), the patch trend (win rate with its band), win rate by game length, its
// roles, runes, spells, build paths, fourth to sixth items, boots, the skill path level by level, skill orders and lane
// matchups, every rate with its interval and games.
import { api, bySample, chart, el, empty, fmt, header, latest, loading, options, param, pct, rateCell, remember, roleName,
         shown, showError, sortableTable, thin } from "./common.js";
import { loadTiers, queueName, tierFromAddress, tierName, tierNote } from "./tiers.js";
import { drawSection, SECTIONS, sectionFindings } from "./findings_view.js";

const $ = (id) => document.getElementById(id);
const base = () => `/api/v1/lol/champions/${encodeURIComponent($("champion").value)}`;
const REGIONS = ["summary", "recommended", "trend-chart", "trend-note", "length-chart", "roles", "keystones",
                 "rune-pages", "spells", "starting", "builds", "late-items", "boots", "skill-path", "skill-paths", "skills",
                 "matchups", "findings"];
const run = latest();
let champions = [];

header("champion.html");
tierFromAddress($("tier"));

/** The y axis (in %) around every point and band of `rows`, padded to whole tens: the data fills the chart. */
function fittedAxis(rows) {
  const values = rows.flatMap((r) => [r.win_rate_ci_low, r.win_rate_ci_high, r.win_rate]).filter((v) => v !== null && v !== undefined);
  if (!values.length) return { min: 0, max: 100 };
  const low = Math.min(...values) * 100, high = Math.max(...values) * 100;
  return { min: Math.max(0, Math.floor((low - 2) / 10) * 10), max: Math.min(100, Math.ceil((high + 2) / 10) * 10) };
}

/** A line of `rate` with the band between `low` and `high` filled, over `labels`, on an axis fitted to them. */
function bandChart(canvas, labels, rows, title, highlight) {
  const color = "#2f5bd3";
  chart(canvas, { type: "line", data: { labels, datasets: [
    { label: "95% interval low", data: rows.map((r) => r.win_rate_ci_low * 100), borderWidth: 0, pointRadius: 0, fill: false },
    { label: "95% interval", data: rows.map((r) => r.win_rate_ci_high * 100), borderWidth: 0, pointRadius: 0,
      fill: "-1", backgroundColor: "rgba(47,91,211,.15)" },
    { label: title, data: rows.map((r) => r.win_rate * 100), borderColor: color, backgroundColor: color,
      pointRadius: rows.map((r, i) => (labels[i] === highlight ? 6 : 3)),
      pointStyle: rows.map((r) => (thin(r) ? "crossRot" : "circle")) },
  ] }, options: {
    scales: { y: { ...fittedAxis(rows), title: { display: true, text: "win rate %" } } },
    plugins: { legend: { labels: { filter: (item) => item.text !== "95% interval low" } },
               tooltip: { callbacks: { afterLabel: (ctx) => `n=${rows[ctx.dataIndex].games}${thin(rows[ctx.dataIndex]) ? " (low sample)" : ""}` } } },
  } });
}

const rateOf = (r) => rateCell(r.win_rate, r.win_rate_ci_low, r.win_rate_ci_high, r.games, r.low_sample);
const rateColumn = { key: "win_rate", label: "Win rate [95% CI] n", descending: true, value: (r) => r.win_rate, cell: rateOf };
const gamesColumn = { key: "games", label: "Games", descending: true, value: (r) => r.games };
const pickColumn = { key: "pick", label: "Pick rate", descending: true, value: (r) => r.pick_rate, cell: (r) => pct(r.pick_rate) };
const none = () => empty("No games on this queue and patch.");
const table = (columns) => (rows) => sortableTable(columns, rows, { sortKey: "games", descending: true });
const split = (rows, columns, what) => rows.length ? bySample(rows, table(columns), what) : none();

/** What a build, keystone, rune page or spell pair is called on the page. */
const NAMES = {
  build: (r) => r.core_path || "—",
  keystone: (r) => `${r.keystone_name || `rune ${r.keystone_id}`}${r.primary_style_name ? ` (${r.primary_style_name})` : ""}`,
  page: (r) => `${r.rune_names || r.rune_page}${r.primary_style_name ? ` · ${r.primary_style_name} + ${r.sub_style_name || "?"}` : ""}`,
  spells: (r) => r.spell_names || r.spell_pair,
  starting: (r) => r.starting_item_names || r.starting_items,
  item: (r) => r.item_name || `item ${r.item_id}`,
  path: (r) => [...r.skill_path].join(" "),
};

/** The most played of `rows` (ties: the higher lower bound), and the best: the highest lower bound of the win
 * rate's interval among the rows with enough games (ties: more games), or none. */
function picks(rows) {
  const mostPlayed = [...rows].sort((a, b) => b.games - a.games || b.win_rate_ci_low - a.win_rate_ci_low)[0];
  const best = rows.filter((r) => !thin(r)).sort((a, b) => b.win_rate_ci_low - a.win_rate_ci_low || b.games - a.games)[0];
  return { mostPlayed, best };
}

function pickCard(id, title, rows, name) {
  const { mostPlayed, best } = picks(rows);
  const line = (row) => row ? [el("dd", { class: "name" }, name(row)), el("dd", {}, rateOf(row), ` · ${pct(row.pick_rate)} of its games`)]
    : [el("dd", { class: "muted" }, "none with enough games yet")];
  return el("section", { class: "pick", id }, el("h3", {}, title), mostPlayed ? el("dl", {},
    el("dt", {}, "Most played"), line(mostPlayed),
    el("dt", {}, "Best (highest lower bound, enough games)"), line(best)) : empty("No games on this queue and patch."));
}

const SKILLS = ["Q", "W", "E", "R"];
const PLACES = { 4: "Fourth item", 5: "Fifth item", 6: "Sixth item" };

/** The most played skill path (ties: the higher lower bound) level by level: a row per skill, a column per level,
 * the skill each level's point went into marked, above its win rate, games and pick rate. */
function skillGrid(paths) {
  const { mostPlayed } = picks(paths);
  if (!mostPlayed) return none();
  const taken = [...mostPlayed.skill_path];
  const grid = el("table", { class: "skill-grid", "aria-label": "The most played skill path, level by level" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Level"),
      taken.map((_, level) => el("th", { scope: "col" }, String(level + 1))))),
    el("tbody", {}, SKILLS.map((skill) => el("tr", {}, el("th", { scope: "row" }, skill),
      taken.map((point) => el("td", point === skill ? { class: "taken" } : {}, point === skill ? skill : ""))))));
  return el("div", {}, el("p", { class: "path-rate" }, "Most played: ", el("b", {}, NAMES.path(mostPlayed)), " · ",
    rateOf(mostPlayed), ` · ${pct(mostPlayed.pick_rate)} of ${fmt(mostPlayed.champion_games)} players with 15 points`),
    grid);
}

/** The fourth, fifth and sixth items, a table of each place the champion's builds reached. */
function lateItems(rows) {
  if (!rows.length) return none();
  return el("div", {}, Object.entries(PLACES).map(([slot, title]) => {
    const held = rows.filter((r) => r.slot === Number(slot));
    return held.length ? el("div", { class: "place", "data-slot": slot },
      el("h3", {}, `${title} · ${fmt(held[0].champion_games)} builds reached it`), split(held, [
        { key: "item", label: "Item", text: true, value: NAMES.item, cell: NAMES.item },
        gamesColumn, pickColumn, rateColumn], `${title.toLowerCase()}s`)) : null;
  }));
}

/** The core build recommended is a full core: the deepest paths published (three items where there are any). */
const fullCores = (builds) => builds.filter((r) => r.depth === Math.max(...builds.map((b) => b.depth)));

function draw(query, [trend, lengths, roles, builds, skills, matchups, keystones, pages, spells, starting, paths, late,
                     boots, findings]) {
  const patches = trend.data.sort((a, b) => patchOrder(a.patch) - patchOrder(b.patch));
  const current = patches.find((r) => r.patch === query.patch);
  $("summary").replaceChildren(...(current ? [
    el("div", { class: "kpi" }, "Win rate", el("b", {}, rateOf(current))),
    el("div", { class: "kpi" }, "Pick rate", el("b", {}, `${pct(current.pick_rate)}`),
       el("span", { class: "muted" }, `[${pct(current.pick_rate_ci_low)}–${pct(current.pick_rate_ci_high)}] of ${fmt(current.queue_games)} games`)),
    ...(roles.data.length ? [el("div", { class: "kpi" }, "Ban rate", el("b", {}, pct(roles.data[0].ban_rate)),
       el("span", { class: "muted" }, `[${pct(roles.data[0].ban_rate_ci_low)}–${pct(roles.data[0].ban_rate_ci_high)}] of ${fmt(roles.data[0].queue_games)} games`))] : []),
    el("div", { class: "kpi" }, "Change since last patch", el("b", {}, current.win_rate_change === null ? "first patch"
      : `${current.win_rate_change > 0 ? "+" : ""}${fmt(current.win_rate_change * 100, 1)} pts`)),
  ] : [empty("No games of this champion on this patch.")]));
  $("recommended").replaceChildren(
    pickCard("pick-starting", "Starting items", starting.data, NAMES.starting),
    pickCard("pick-build", "Core build", fullCores(builds.data), NAMES.build),
    pickCard("pick-keystone", "Keystone", keystones.data, NAMES.keystone),
    pickCard("pick-page", "Rune page", pages.data, NAMES.page),
    pickCard("pick-spells", "Summoner spells", spells.data, NAMES.spells));
  if (patches.length > 1) {
    $("trend-note").textContent = `${patches.length} patches: ${patches[0].patch} to ${patches.at(-1).patch}.`;
    $("trend-chart").hidden = false;
    bandChart($("trend"), patches.map((r) => r.patch), patches, "win rate by patch", query.patch);
  } else {
    $("trend-note").textContent = patches.length
      ? `Only one patch (${patches[0].patch}) has games of this champion in this queue: no trend yet.`
      : "No patch has games of this champion in this queue.";
    Chart.getChart($("trend"))?.destroy();
    $("trend-chart").hidden = true;
  }
  const overall = lengths.data.filter((r) => r.depth === 0);
  bandChart($("length"), overall.map((r) => `${r.length_from_min}–${r.length_to_min} min`), overall, "win rate by length");
  $("roles").replaceChildren(roles.data.length ? sortableTable([
    { key: "role", label: "Role", text: true, value: (r) => roleName(r.team_position), cell: (r) => roleName(r.team_position) },
    gamesColumn, rateColumn,
    { key: "pick", label: "Pick rate [95% CI]", descending: true, value: (r) => r.pick_rate,
      cell: (r) => `${pct(r.pick_rate)} [${pct(r.pick_rate_ci_low)}–${pct(r.pick_rate_ci_high)}]` },
    { key: "kda", label: "KDA", descending: true, value: (r) => r.kda_mean, cell: (r) => fmt(r.kda_mean, 2) },
  ], roles.data, { sortKey: "games", descending: true }) : none());
  $("keystones").replaceChildren(split(keystones.data, [
    { key: "keystone", label: "Keystone", text: true, value: NAMES.keystone, cell: NAMES.keystone },
    gamesColumn, pickColumn, rateColumn], "keystones"));
  $("rune-pages").replaceChildren(split(pages.data, [
    { key: "page", label: "Rune page", text: true, value: NAMES.page, cell: NAMES.page },
    gamesColumn, pickColumn, rateColumn], "rune pages"));
  $("spells").replaceChildren(split(spells.data, [
    { key: "spells", label: "Spells", text: true, value: NAMES.spells, cell: NAMES.spells },
    gamesColumn, pickColumn, rateColumn], "spell pairs"));
  $("starting").replaceChildren(split(starting.data, [
    { key: "items", label: "Starting items", text: true, value: NAMES.starting, cell: NAMES.starting },
    gamesColumn, pickColumn, rateColumn], "starting item sets"));
  $("builds").replaceChildren(split(builds.data, [
    { key: "path", label: "Core items", text: true, value: (r) => r.core_path, cell: NAMES.build },
    { key: "depth", label: "Items", value: (r) => r.depth }, gamesColumn, rateColumn,
    { key: "kda", label: "KDA", descending: true, value: (r) => r.kda_mean, cell: (r) => fmt(r.kda_mean, 2) },
    { key: "dpm", label: "DPM", descending: true, value: (r) => r.dpm_mean },
  ], "builds"));
  $("late-items").replaceChildren(lateItems(late.data));
  $("boots").replaceChildren(split(boots.data, [
    { key: "boots", label: "Boots", text: true, value: NAMES.item, cell: NAMES.item },
    gamesColumn, pickColumn, rateColumn], "boots"));
  $("skill-path").replaceChildren(skillGrid(paths.data));
  $("skill-paths").replaceChildren(split(paths.data, [
    { key: "path", label: "Skill path (levels 1–15)", text: true, value: (r) => r.skill_path, cell: NAMES.path },
    gamesColumn, pickColumn, rateColumn], "skill paths"));
  $("skills").replaceChildren(split(skills.data, [
    { key: "order", label: "Max order", text: true, value: (r) => r.max_order, cell: (r) => r.max_order },
    gamesColumn, rateColumn, pickColumn], "skill orders"));
  $("matchups").replaceChildren(split(matchups.data, [
    { key: "opponent", label: "Opponent", text: true, value: (r) => r.opponent_champion_name, cell: (r) => r.opponent_champion_name },
    { key: "lane", label: "Lane", text: true, value: (r) => roleName(r.team_position), cell: (r) => roleName(r.team_position) },
    gamesColumn, rateColumn,
    { key: "gold10", label: "Gold @10", descending: true, value: (r) => r.gold_diff_10_mean, cell: (r) => signed(r.gold_diff_10_mean) },
    { key: "xp10", label: "XP @10", descending: true, value: (r) => r.xp_diff_10_mean, cell: (r) => signed(r.xp_diff_10_mean) },
    { key: "gold15", label: "Gold @15", descending: true, value: (r) => r.gold_diff_15_mean, cell: (r) => signed(r.gold_diff_15_mean) },
  ], "matchups"));
  drawSection($("findings"), findings, "q");
  $("findings-link").href = `findings.html?${new URLSearchParams({ champion: $("champion").value, queue: query.queue,
                                                                   tier: query.tier })}`;
}

/** Shows the chosen champion, queue and patch; what an earlier choice showed stays marked stale until then. */
function show() {
  const champion = $("champion").value;
  const query = { queue: $("queue").value, patch: $("patch").value, tier: $("tier").value };
  remember({ champion, ...query });
  $("title").textContent = `${champion} · ${queueName(query.queue)} · patch ${query.patch} · ${tierName(query.tier)}`;
  $("tier-note").textContent = `${tierNote(query.tier)} The summary, the charts and the tables count these games.`;
  const url = base();
  return run({
    regions: REGIONS.map($),
    fetch: () => Promise.all([
      api(`${url}/patch-trend`, { queue: query.queue, tier: query.tier, limit: 100 }),
      ...["length-win-rates", "roles", "builds", "skill-orders", "matchups", "keystones", "rune-pages", "spells",
        "starting-items", "skill-paths", "late-items", "boots"]
        .map((path) => api(`${url}/${path}`, { ...query, limit: 100 })),
      sectionFindings(SECTIONS[0], { champion: $("champion").value, queue: query.queue, tier: query.tier })]),
    render: (answers) => draw(query, answers),
    failed: (error) => `Could not load ${champion}: ${error.message}`,
  });
}

/** The tiers the champion has games of in the chosen queue and patch read (the page marked loading meanwhile),
 * then the page shown. */
function tiered() {
  loading();
  return loadTiers($("tier"), $("champion").value, $("queue").value, $("patch").value).then(() => show());
}

const signed = (value) => value === null || value === undefined ? "—" : `${value > 0 ? "+" : ""}${fmt(value)}`;
const patchOrder = (patch) => { const [major, minor] = patch.split(".").map(Number); return major * 1000 + minor; };

function fillChoices(wanted = {}) {
  const picked = champions.find((c) => c.champion_name === $("champion").value) || champions[0];
  options($("queue"), picked.queues.sort().map((q) => [q, queueName(q)]), wanted.queue || $("queue").value);
  const patches = [...picked.patches].sort((a, b) => patchOrder(b) - patchOrder(a));
  options($("patch"), patches.map((p) => [p, p]), wanted.patch || $("patch").value || patches[0]);
}

/** Says that no champion of the address's name is published, with the way back, instead of another's numbers. */
function unknown(name) {
  $("title").textContent = `No champion named “${name}”`;
  $("notice").replaceChildren(el("div", { class: "notice", role: "status" },
    `No published League game has a champion named “${name}”. `, el("a", { href: "tierlist.html" }, "Back to the tier list"),
    ", or pick a champion above."));
  $("champion-data").hidden = true;
  $("champion").prepend(el("option", { value: "", selected: true, disabled: true }, "Pick a champion"));
}

async function start() {
  champions = (await api("/api/v1/lol/champions")).data.champions;
  if (!champions.length) {
    $("summary").replaceChildren(empty("No League games have been published yet."));
    shown();
    return;
  }
  const asked = param("champion");
  const found = asked === null ? champions[0] : champions.find((c) => c.champion_name.toLowerCase() === asked.toLowerCase());
  options($("champion"), champions.map((c) => [c.champion_name, `${c.champion_name} (${fmt(c.games)} games)`]), found?.champion_name);
  $("champion").addEventListener("change", () => {
    $("notice").replaceChildren();
    $("champion-data").hidden = false;
    fillChoices();
    tiered();
  });
  $("queue").addEventListener("change", tiered);
  $("patch").addEventListener("change", tiered);
  $("tier").addEventListener("change", show);
  if (!found) {
    unknown(asked);
    shown();
    return;
  }
  fillChoices({ queue: param("queue"), patch: param("patch") });
  await tiered();
}

start().catch((error) => { showError(`Could not load the champions: ${error.message}`); shown(); });
