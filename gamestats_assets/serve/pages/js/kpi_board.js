// The Lineage 2M KPI board's comparisons: a period's KPIs against the period before and their targets
// (`/api/v1/l2m/compare`), the retention triangle of the range's install cohorts against the retention targets
// (`/api/v1/l2m/retention`, `/api/v1/l2m/targets`), and the range split by country, server or VIP tier
// (`/api/v1/l2m/split`).
import { el, empty, fmt, pct, rateCell, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const PERIODS = { day: "day", week: "7 days", month: "30 days" };
const KPIS = {
  mean_dau: { label: "Mean DAU", show: (v) => fmt(v) },
  new_users: { label: "New users", show: (v) => fmt(v) },
  revenue_usd: { label: "Revenue", show: (v) => `$${fmt(v, 2)}` },
  arpu_usd: { label: "ARPU", show: (v) => `$${fmt(v, 3)}` },
  arppu_usd: { label: "ARPPU", show: (v) => `$${fmt(v, 2)}` },
  paying_rate: { label: "Paying rate", show: (v) => pct(v) },
};
const RETENTION_DAYS = [1, 3, 7, 30];

/** The change of a KPI as text, with its direction's class; a rate's change in points with its interval. */
function changed(metric, current, previous) {
  if (metric.change === null) {
    const partial = [previous, current].find((p) => p.days_published < p.days);
    return el("small", { "data-change": metric.metric }, partial
      ? `no comparison: ${partial.date_from} to ${partial.date_to} has ${partial.days_published} of its ${partial.days} days published`
      : "no earlier period to compare with");
  }
  const direction = metric.change > 0 ? "up" : metric.change < 0 ? "down" : "same";
  const sign = metric.change > 0 ? "+" : "";
  const text = metric.metric === "paying_rate"
    ? `${sign}${fmt(metric.change * 100, 1)} pts [${fmt(metric.change_ci_low * 100, 1)} to ${fmt(metric.change_ci_high * 100, 1)}]`
    : `${sign}${metric.change_share === null ? KPIS[metric.metric].show(metric.change) : pct(metric.change_share)}`;
  return el("small", {}, "vs ", KPIS[metric.metric].show(metric.previous), ": ",
            el("span", { class: direction, "data-change": metric.metric }, text));
}

/** A KPI's target as judged on the days published: pro-rated for a total, not judged yet for a per-user figure
 * of a partial period. */
function targetText(metric, current) {
  const show = KPIS[metric.metric].show;
  if (metric.target === null) return "no target set";
  if (metric.target_due === null) {
    return `target ${show(metric.target)}: judged once all ${current.days} days are published (${current.days_published} are)`;
  }
  const prorated = metric.target_due === metric.target ? ""
    : ` pro-rated to ${current.days_published} of ${current.days} days: ${show(metric.target_due)}`;
  return `target ${show(metric.target)}${prorated}: ${metric.target_met ? "met" : "not met"}`;
}

/** Each KPI of the period against the period before and its target, and whether both periods are whole. */
export function showCompare(answer, period) {
  const { current, previous, complete, metrics } = answer.data;
  $("compare-title").textContent = `The last ${PERIODS[period]} (${current.date_from} to ${current.date_to}) against the ${PERIODS[period]} before`;
  $("compare").replaceChildren(...metrics.map((m) => el("div", { class: "kpi", "data-metric": m.metric },
    KPIS[m.metric].label,
    el("b", {}, m.metric === "paying_rate"
      ? rateCell(m.current, current.paying_rate_ci_low, current.paying_rate_ci_high, m.n, false) : KPIS[m.metric].show(m.current)),
    changed(m, current, previous),
    el("small", { class: m.target_met === null ? null : m.target_met ? "up" : "down", "data-target": m.metric },
       targetText(m, current)))));
  const gaps = [current, previous].filter((p) => p.days_published < p.days)
    .map((p) => `${p.date_from} to ${p.date_to} has ${p.days_published} of its ${p.days} days published`);
  $("compare-note").textContent = [
    complete ? "" : `Only whole periods are compared: ${gaps.join("; ")}. A total's target is pro-rated to the days published.`,
    "Each user counts once a period: the paying rate is paying users over active users, its 95% Wilson interval " +
    "and n; its change is in percentage points with Newcombe's 95% interval (the same users in both periods make " +
    "it wider than it needs to be). ARPU and ARPPU are the period's revenue per active and per paying user.",
  ].filter(Boolean).join(" ");
}

/** The retention triangle: a row per install cohort of the range, a column per Dn with its rate, interval and n,
 * each cell marked against the retention target; a Dn the published days do not reach yet is blank. */
export function showTriangle(retention, targets, where) {
  $("triangle-title").textContent = `Retention by install cohort (${where})`;
  const cohorts = new Map();
  for (const r of retention.data) {
    const row = cohorts.get(r.cohort_date) || { cohort_date: r.cohort_date, size: r.cohort_size };
    row[r.day_n] = r;
    cohorts.set(r.cohort_date, row);
  }
  const rows = [...cohorts.values()].sort((a, b) => a.cohort_date.localeCompare(b.cohort_date));
  if (!rows.length) {
    $("triangle").replaceChildren(empty("No cohort in this range is old enough for a day-N return yet."));
    $("triangle-note").textContent = "";
    return;
  }
  const head = el("tr", {}, el("th", { class: "text", scope: "col" }, "Installed"), el("th", { scope: "col" }, "Users"),
    ...RETENTION_DAYS.map((n) => el("th", { scope: "col" }, `D${n}`,
      el("small", {}, targets[`d${n}`] === null ? "no target" : `target ${pct(targets[`d${n}`], 0)}`))));
  const cell = (r, n) => {
    if (!r) return el("td", { "data-day": n, "data-label": `D${n}` }, "");
    const target = targets[`d${n}`];
    return el("td", { "data-day": n, "data-label": `D${n}`,
                      class: target === null ? null : r.retention_rate >= target ? "met" : "missed" },
              pct(r.retention_rate), el("small", {}, `[${pct(r.ci_low, 0)}–${pct(r.ci_high, 0)}] n=${fmt(r.cohort_size)}`));
  };
  const body = rows.map((row) => el("tr", { "data-cohort": row.cohort_date },
    el("td", { class: "text", "data-label": "Installed" }, row.cohort_date), el("td", { "data-label": "Users" }, fmt(row.size)),
    ...RETENTION_DAYS.map((n) => cell(row[n], n))));
  $("triangle").replaceChildren(el("table", { class: "triangle stacked" }, el("thead", {}, head), el("tbody", {}, ...body)));
  $("triangle-note").textContent = "A cohort's users registered that day; Dn is the share active n days later, " +
    "with its 95% Wilson interval and n. Green: at or above the target; red: below it.";
}

/** The range split by `by`: each segment's users, new users, paying rate, revenue and ARPPU. */
export function showSplit(answer, by) {
  const { whole, segments } = answer.data;
  const names = { country: "Country", server: "Server", vip_tier: "VIP tier" };
  $("split").replaceChildren(segments.length ? sortableTable([
    { key: "segment", label: names[by], text: true, value: (s) => s.segment, cell: (s) => s.segment },
    { key: "active_users", label: "Users", descending: true, value: (s) => s.active_users },
    { key: "new_users", label: "New", descending: true, value: (s) => s.new_users },
    { key: "paying_rate", label: "Paying [95% CI] n", descending: true, value: (s) => s.paying_rate,
      cell: (s) => rateCell(s.paying_rate, s.paying_rate_ci_low, s.paying_rate_ci_high, s.active_users) },
    { key: "revenue_usd", label: "Revenue", descending: true, value: (s) => s.revenue_usd, cell: (s) => `$${fmt(s.revenue_usd, 2)}` },
    { key: "arppu_usd", label: "ARPPU", descending: true, value: (s) => s.arppu_usd, cell: (s) => fmt(s.arppu_usd, 2) },
  ], segments) : empty("No active user in this range."));
  $("split-note").textContent = `${fmt(whole.active_users)} users active from ${whole.date_from} to ${whole.date_to}, ` +
    `each in the ${by === "vip_tier" ? names[by] : names[by].toLowerCase()} of their last active day` +
    (by === "vip_tier" ? " (the tier at the end of that day: a user who paid is no longer Free)." : ".");
}
