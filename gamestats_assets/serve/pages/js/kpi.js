// The Lineage 2M KPI page: the last day, week or month of the range against the one before and the targets; DAU,
// new users, revenue, ARPU/ARPPU and the paying share per day over a date range, for one server or all (summed over
// servers and countries; ARPU and ARPPU recomputed from the sums); the retention triangle, the split by country,
// server or VIP tier, the economy, and the day-N retention and the accounts flagged as farms, for the same server or
// all; cumulative revenue, the VIP tiers and the farmers by type (PU and non-PU) over every server.
import { api, chart, el, empty, fmt, header, latest, options, param, pct, rateCell, remember, shown, showError, sortableTable } from "./common.js";
import { showCompare, showSplit, showTriangle } from "./kpi_board.js";
import { showEconomy, showRevenue } from "./kpi_economy.js";
import { showAdoption, showFarmerTypes } from "./kpi_farmers.js";

const $ = (id) => document.getElementById(id);
const MAX_DAYS = 366;
const REGIONS = ["compare", "compare-note", "totals", "dau", "revenue", "arpu", "arppu", "paying", "days", "triangle",
                 "split", "diamonds", "reasons", "items", "tier-economy", "cumulative", "vip", "retention",
                 "retention-note", "farms", "farms-note", "farmer-types", "farmer-countries"];
const run = latest();
const splitRun = latest();

header("kpi.html");

/** The Wilson 95 % interval of `k` successes in `n`. */
function wilson(k, n) {
  if (!n) return [null, null];
  const z = 1.96, p = k / n, d = 1 + z * z / n;
  const centre = (p + z * z / (2 * n)) / d, half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function byDay(rows) {
  const days = new Map();
  for (const r of rows) {
    const day = days.get(r.date) || { date: r.date, dau: 0, nru: 0, pu: 0, npu: 0, revenue: 0 };
    day.dau += r.dau; day.nru += r.nru; day.pu += r.pu; day.npu += r.npu; day.revenue += r.revenue_usd || 0;
    days.set(r.date, day);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date)).map((d) => {
    const [low, high] = wilson(d.pu, d.dau);
    return { ...d, arpu: d.dau ? d.revenue / d.dau : null, arppu: d.pu ? d.revenue / d.pu : null,
             paying: d.dau ? d.pu / d.dau : null, paying_low: low, paying_high: high };
  });
}

/** Shows the range and server asked; what an earlier choice showed stays marked stale until the answer. */
function show(event) {
  event?.preventDefault();
  const query = { from: $("from").value, to: $("to").value, server_id: $("server").value };
  const country = { country_code: $("country").value };
  const period = $("period").value;
  remember({ ...query, ...country, period, by: $("split-by").value });
  const range = { from: query.from, to: query.to };
  return run({
    regions: REGIONS.map((id) => $(id).closest(".chart") || $(id)),
    fetch: () => Promise.all([api("/api/v1/l2m/kpis", { ...query, ...country }), api("/api/v1/l2m/retention", query),
                              api("/api/v1/l2m/farms", query),
                              api("/api/v1/l2m/compare", { to: query.to, period, server_id: query.server_id, ...country }),
                              api("/api/v1/l2m/targets"), api("/api/v1/l2m/split", { ...query, ...country, by: $("split-by").value }),
                              api("/api/v1/l2m/economy", { ...query, ...country }), api("/api/v1/l2m/revenue", range),
                              api("/api/v1/l2m/farmer-types", { ...range, ...country }), api("/api/v1/l2m/lifetime", { to: query.to })]),
    render: ([kpis, retention, farms, compare, targets, split, economy, revenue, farmerTypes, lifetime]) => {
      showCompare(compare, period);
      showDays(byDay(kpis.data));
      showTriangle(retention, targets.data.retention, whereOf(query));
      showSplit(split, $("split-by").value);
      showEconomy(economy);
      showRevenue(revenue);
      showFarmerTypes(farmerTypes);
      showAdoption(lifetime);
      showCohorts(query, retention, farms, targets.data.retention);
      $("country-note").textContent = country.country_code
        ? `KPIs, the comparison, the split and the economy: ${country.country_code} only. Retention, farms and revenue `
          + "cover every country: cohorts and farms are kept by server."
        : "";
    },
    failed: (error) => `Could not load the KPIs: ${error.message}`,
  });
}

const whereOf = (query) => query.server_id ? `server ${query.server_id}` : "all servers";

/** Shows the range split another way, the rest of the page as it is. */
function resplit() {
  const query = { from: $("from").value, to: $("to").value, server_id: $("server").value, by: $("split-by").value,
                  country_code: $("country").value };
  remember({ ...query, period: $("period").value });
  return splitRun({
    regions: [$("split")],
    fetch: () => api("/api/v1/l2m/split", query),
    render: (split) => showSplit(split, query.by),
    failed: (error) => `Could not load the split: ${error.message}`,
  });
}

/** A line of each day's `key` of `days` (USD), on its own axis. */
function dollars(canvas, days, key, label, color) {
  chart(canvas, { type: "line", data: { labels: days.map((d) => d.date), datasets: [
    { label, data: days.map((d) => d[key]), borderColor: color, backgroundColor: color }] },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "USD" } } } } });
}

function showDays(days) {
  const labels = days.map((d) => d.date);
  const sum = (key) => days.reduce((a, d) => a + d[key], 0);
  const [low, high] = wilson(sum("pu"), sum("dau"));
  $("totals").replaceChildren(
    el("div", { class: "kpi" }, "Mean DAU", el("b", {}, fmt(days.length ? sum("dau") / days.length : null))),
    el("div", { class: "kpi" }, "Revenue", el("b", {}, `$${fmt(sum("revenue"), 2)}`)),
    el("div", { class: "kpi" }, "ARPU", el("b", {}, sum("dau") ? `$${fmt(sum("revenue") / sum("dau"), 3)}` : "—")),
    el("div", { class: "kpi" }, "ARPPU", el("b", {}, sum("pu") ? `$${fmt(sum("revenue") / sum("pu"), 2)}` : "—")),
    el("div", { class: "kpi" }, "Paying share of user-days", el("b", {}, rateCell(sum("dau") ? sum("pu") / sum("dau") : null, low, high, sum("dau")))));
  chart($("dau"), { type: "line", data: { labels, datasets: [
    { label: "DAU", data: days.map((d) => d.dau), borderColor: "#2f5bd3" },
    { label: "new users", data: days.map((d) => d.nru), borderColor: "#c2410c" }] } });
  chart($("revenue"), { type: "bar", data: { labels, datasets: [
    { label: "revenue USD", data: days.map((d) => d.revenue), backgroundColor: "#1a7f37" }] } });
  dollars($("arpu"), days, "arpu", "ARPU: revenue per active user", "#2f5bd3");
  dollars($("arppu"), days, "arppu", "ARPPU: revenue per paying user", "#9a6700");
  chart($("paying"), { type: "line", data: { labels, datasets: [
    { label: "low", data: days.map((d) => d.paying_low * 100), borderWidth: 0, pointRadius: 0 },
    { label: "95% interval", data: days.map((d) => d.paying_high * 100), borderWidth: 0, pointRadius: 0, fill: "-1",
      backgroundColor: "rgba(47,91,211,.15)" },
    { label: "paying users % of DAU", data: days.map((d) => d.paying * 100), borderColor: "#2f5bd3" }] },
    options: { plugins: { legend: { labels: { filter: (item) => item.text !== "low" } } },
               scales: { y: { min: 0, title: { display: true, text: "%" } } } } });
  $("days").replaceChildren(days.length ? sortableTable([
    { key: "date", label: "Day", text: true, value: (d) => d.date, cell: (d) => d.date },
    { key: "dau", label: "DAU", descending: true, value: (d) => d.dau },
    { key: "nru", label: "New", descending: true, value: (d) => d.nru },
    { key: "pu", label: "Paying", descending: true, value: (d) => d.pu },
    { key: "paying", label: "Paying share [95% CI] n", descending: true, value: (d) => d.paying,
      cell: (d) => rateCell(d.paying, d.paying_low, d.paying_high, d.dau) },
    { key: "revenue", label: "Revenue", descending: true, value: (d) => d.revenue, cell: (d) => `$${fmt(d.revenue, 2)}` },
    { key: "arpu", label: "ARPU", descending: true, value: (d) => d.arpu, cell: (d) => fmt(d.arpu, 3) },
    { key: "arppu", label: "ARPPU", descending: true, value: (d) => d.arppu, cell: (d) => fmt(d.arppu, 2) },
  ], days, { sortKey: "date" }) : empty("No day in this range."));
}

/** Day-N retention (cohorts of the range pooled per N, with the Wilson interval of the pooled rate, against the
 * retention target of each N where one is set) and the
 * accounts flagged as farms per day, over the server chosen (a cohort by the server its users started on, a farm
 * by its accounts on that server) or every server. */
function showCohorts(query, retention, farms, targets) {
  const where = whereOf(query);
  $("retention-title").textContent = `Retention (${where})`;
  $("farms-title").textContent = `Accounts flagged as farms (${where})`;
  const byN = new Map();
  for (const r of retention.data) {
    const n = byN.get(r.day_n) || { day_n: r.day_n, cohort: 0, retained: 0, cohorts: 0 };
    n.cohort += r.cohort_size; n.retained += r.retained_users; n.cohorts += 1;
    byN.set(r.day_n, n);
  }
  const days = [...byN.values()].sort((a, b) => a.day_n - b.day_n).map((n) => ({ ...n, rate: n.retained / n.cohort, ci: wilson(n.retained, n.cohort) }));
  chart($("retention"), { type: "bar", data: { labels: days.map((d) => `D${d.day_n}`), datasets: [
    { type: "line", label: "retained %", data: days.map((d) => d.rate * 100), borderColor: "#2f5bd3",
      backgroundColor: "#2f5bd3", pointRadius: 5 },
    { type: "line", label: "target %", data: days.map((d) => targets[`d${d.day_n}`] == null ? null : targets[`d${d.day_n}`] * 100),
      borderColor: "#1a7f37", backgroundColor: "#1a7f37", borderDash: [6, 4], pointStyle: "line", pointRadius: 8,
      spanGaps: true },
    { label: "95% interval", data: days.map((d) => [d.ci[0] * 100, d.ci[1] * 100]), backgroundColor: "rgba(47,91,211,.18)",
      barPercentage: 0.35, order: 1 }] },
    options: { plugins: { tooltip: { callbacks: { afterLabel: (ctx) => days[ctx.dataIndex] ? `n=${days[ctx.dataIndex].cohort} users in ${days[ctx.dataIndex].cohorts} cohorts` : "" } } },
               scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } } } });
  $("retention-note").textContent = days.length ? days.map((d) => `D${d.day_n} ${pct(d.rate)} [${pct(d.ci[0])}–${pct(d.ci[1])}] n=${fmt(d.cohort)}`).join(" · ")
    : "No cohort in this range is old enough for a day-N return yet.";
  const perDay = new Map();
  for (const f of farms.data) perDay.set(f.date, (perDay.get(f.date) || 0) + f.accounts);
  const labels = [...perDay.keys()].sort();
  chart($("farms"), { type: "bar", data: { labels, datasets: [
    { label: "accounts flagged", data: labels.map((d) => perDay.get(d)), backgroundColor: "#9a6700" }] } });
  $("farms-note").textContent = farms.data.length ? `${new Set(farms.data.map((f) => f.farm_key)).size} farms; ${fmt(farms.data.reduce((a, f) => a + f.accounts, 0))} account-days flagged on ${where}.`
    : `No account flagged as a farm on ${where} in this range.`;
}

async function start() {
  const servers = (await api("/api/v1/l2m/servers")).data.servers;
  if (!servers.length) {
    $("totals").replaceChildren(el("p", {}, "No Lineage 2M day has been published yet."));
    shown();
    return;
  }
  const last = servers.map((s) => s.last_day).sort().at(-1);
  const first = servers.map((s) => s.first_day).sort()[0];
  const earliest = new Date(Date.parse(last) - (MAX_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  $("from").value = param("from") || (first > earliest ? first : earliest);
  $("to").value = param("to") || last;
  options($("server"), [["", "All servers"], ...servers.map((s) => [String(s.server_id), `${s.server_id} (${s.countries.join(", ")})`])],
          param("server_id") || "");
  const countries = [...new Set(servers.flatMap((s) => s.countries).filter(Boolean))].sort();
  options($("country"), [["", "All countries"], ...countries.map((c) => [c, c])], param("country_code") || "");
  $("period").value = param("period") || "week";
  $("split-by").value = param("by") || "country";
  $("range").addEventListener("submit", show);
  $("server").addEventListener("change", show);
  $("country").addEventListener("change", show);
  $("period").addEventListener("change", show);
  $("split-by").addEventListener("change", resplit);
  await show();
}

start().catch((error) => { showError(`Could not load the servers: ${error.message}`); shown(); });
