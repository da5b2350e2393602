// The Lineage 2M KPI board's farmers by type: the range's farmer accounts split into PU and non-PU farmers, in all
// and by country (`/api/v1/l2m/farmer-types`), and the note that cumulative figures start at the adoption when no
// opening balance was given (`/api/v1/l2m/lifetime`).
import { el, empty, fmt, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);

/** The columns of a farmer-type row: its accounts, farms, revenue and diamond flows. */
const FLOWS = [
  { key: "mean_accounts", label: "Accounts a day", descending: true, value: (t) => t.mean_accounts, cell: (t) => fmt(t.mean_accounts, 1) },
  { key: "account_days", label: "Account-days", descending: true, value: (t) => t.account_days },
  { key: "max_farms", label: "Farms (most a day)", descending: true, value: (t) => t.max_farms },
  { key: "revenue_usd", label: "Revenue", descending: true, value: (t) => t.revenue_usd, cell: (t) => `$${fmt(t.revenue_usd, 2)}` },
  { key: "diamonds_gained", label: "Diamonds +", descending: true, value: (t) => t.diamonds_gained },
  { key: "diamonds_spent", label: "Diamonds −", descending: true, value: (t) => t.diamonds_spent },
  { key: "diamonds_net", label: "Diamonds net", descending: true, value: (t) => t.diamonds_net },
];
const TYPE = { key: "farmer_type", label: "Farmers", text: true, value: (t) => t.farmer_type,
               cell: (t) => t.farmer_type === "PU" ? "PU (paid that day)" : "non-PU" };

/** The range's PU and non-PU farmers, then the same by country. */
export function showFarmerTypes(answer) {
  const { types, countries } = answer.data;
  const { date_from: from, date_to: to, country_code: country } = answer.metadata;
  $("farmer-types").replaceChildren(types.length ? sortableTable([TYPE, ...FLOWS], types)
    : empty("No account flagged as a farmer in this range."));
  $("farmer-countries").replaceChildren(countries.length ? sortableTable([
    { key: "country_code", label: "Country", text: true, value: (t) => t.country_code, cell: (t) => t.country_code },
    TYPE, ...FLOWS], countries) : empty("No farmer account by country in this range."));
  $("farmer-note").textContent = `Accounts flagged as farmers from ${from} to ${to}${country ? `, ${country} only` : ", every country"}: ` +
    "a PU farmer paid on the day it was flagged, a non-PU farmer did not; an account counts once a day it was flagged.";
}

/** Says from which day the cumulative figures count payments when no opening balance gave the game's past. */
export function showAdoption(answer) {
  const totals = answer.data;
  const text = !totals ? ""
    : totals.cumulative_since
      ? `Cumulative figures start at adoption on ${totals.cumulative_since}: lifetime revenue, first payments, NPU, ` +
        "NNPU and VIP tiers count only payments since that day, as no opening balance gave the game's past."
      : "Cumulative figures include the game's past before adoption (an opening balance was given).";
  for (const id of ["adoption", "cumulative-note"]) $(id).textContent = text;
}
