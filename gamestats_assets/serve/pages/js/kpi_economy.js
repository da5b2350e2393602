// The Lineage 2M KPI board's economy and revenue: diamonds gained and spent per day, the diamond sources and sinks,
// the key items and the economy by VIP tier (`/api/v1/l2m/economy`), and the cumulative revenue with the VIP tiers
// of the range's last day (`/api/v1/l2m/revenue`, over every server).
import { chart, el, empty, fmt, pct, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const SHOWN_ITEMS = 10;

export function showEconomy(answer) {
  const { days, reasons, items, tiers } = answer.data;
  chart($("diamonds"), { type: "bar", data: { labels: days.map((d) => d.date), datasets: [
    { label: "gained", data: days.map((d) => d.diamonds_gained), backgroundColor: "#1a7f37" },
    { label: "spent", data: days.map((d) => d.diamonds_spent), backgroundColor: "#b42318" }] },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "diamonds" } } } } });
  $("reasons").replaceChildren(reasons.length ? sortableTable([
    { key: "reason", label: "Reason", text: true, value: (r) => r.reason, cell: (r) => r.reason },
    { key: "direction", label: "Flow", text: true, value: (r) => r.direction, cell: (r) => r.direction },
    { key: "amount", label: "Diamonds", descending: true, value: (r) => r.amount },
    { key: "share", label: "Share", descending: true, value: (r) => r.share, cell: (r) => pct(r.share) },
  ], reasons) : empty("No diamond moved in this range."));
  const itemTable = (rows) => sortableTable([
    { key: "item_name", label: "Item", text: true, value: (i) => i.item_name, cell: (i) => i.item_name || `item ${i.item_id}` },
    { key: "gained", label: "Gained", descending: true, value: (i) => i.gained },
    { key: "spent", label: "Spent", descending: true, value: (i) => i.spent },
    { key: "net", label: "Net", descending: true, value: (i) => i.net },
  ], rows);
  const rest = items.slice(SHOWN_ITEMS);
  $("items").replaceChildren(...(items.length ? [itemTable(items.slice(0, SHOWN_ITEMS)),
    ...(rest.length ? [el("details", {}, el("summary", {}, `${rest.length} more items`), itemTable(rest))] : [])]
    : [empty("No key item moved in this range.")]));
  $("tier-economy").replaceChildren(tiers.length ? sortableTable([
    { key: "vip_tier", label: "Tier", text: true, value: (t) => t.vip_tier, cell: (t) => t.vip_tier },
    { key: "diamonds_gained", label: "Diamonds +", descending: true, value: (t) => t.diamonds_gained },
    { key: "diamonds_spent", label: "Diamonds −", descending: true, value: (t) => t.diamonds_spent },
    { key: "items_gained", label: "Items +", descending: true, value: (t) => t.items_gained },
    { key: "items_spent", label: "Items −", descending: true, value: (t) => t.items_spent },
  ], tiers) : empty("No economy row in this range."));
}

export function showRevenue(answer) {
  const { days, tiers, last_day: last } = answer.data;
  chart($("cumulative"), { type: "line", data: { labels: days.map((d) => d.date), datasets: [
    { label: "lifetime revenue USD", data: days.map((d) => d.cumulative_revenue_usd), borderColor: "#1a7f37", yAxisID: "y" },
    { label: "users who ever paid", data: days.map((d) => d.payers_ever), borderColor: "#9a6700", yAxisID: "payers" }] },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "USD" } },
                         payers: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                                   title: { display: true, text: "payers" } } } } });
  $("vip-title").textContent = last ? `VIP tiers on ${last} (all servers)` : "VIP tiers (all servers)";
  $("vip").replaceChildren(tiers.length ? sortableTable([
    { key: "vip_tier", label: "Tier", text: true, value: (t) => t.vip_tier, cell: (t) => t.vip_tier },
    { key: "users", label: "Users", descending: true, value: (t) => t.users },
    { key: "payers", label: "Paid in range", descending: true, value: (t) => t.payers },
    { key: "revenue_usd", label: "Revenue", descending: true, value: (t) => t.revenue_usd, cell: (t) => `$${fmt(t.revenue_usd, 2)}` },
    { key: "revenue_share", label: "Share", descending: true, value: (t) => t.revenue_share, cell: (t) => pct(t.revenue_share) },
    { key: "cumulative_revenue_usd", label: "Lifetime", descending: true, value: (t) => t.cumulative_revenue_usd,
      cell: (t) => `$${fmt(t.cumulative_revenue_usd, 2)}` },
  ], tiers) : empty("Nobody has paid by the end of this range."));
  $("vip-note").textContent = "A user's tier is that of their lifetime revenue (A from the first payment, up to G); " +
    "revenue is what the tier's users paid in the range.";
}
