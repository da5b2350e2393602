// What every page shares: the site header, reading the API, the loading, empty and error states (`latest` runs a
// view's requests, newest answer only), sortable tables, rates with their sample size and interval, role names,
// and the "data shown" mark the tests and benchmark wait for.

export const THIN_SAMPLE = 30;

const PAGES = [["index.html", "Home"], ["tournament.html", "Tournament"], ["tierlist.html", "Tier list"],
               ["champion.html", "Champion"], ["findings.html", "Findings"],
               ["player.html", "RL player"], ["kpi.html", "L2M KPIs"], ["admin.html", "Admin"]];

const errorBox = () => document.getElementById("errors");

/** Shows `message` in the error banner in place of what it showed: the newest failure, never a stack of them. */
export function showError(message) {
  errorBox()?.replaceChildren(el("p", {}, message));
}

/** Empties the error banner: called when a request succeeds, so an error shown before does not linger. */
export function clearErrors() {
  errorBox()?.replaceChildren();
}

window.addEventListener("error", (event) => showError(`error: ${event.message || event.target?.src || event}`), true);
window.addEventListener("unhandledrejection", (event) => showError(`error: ${event.reason?.message || event.reason}`));

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

export function header(current) {
  const nav = el("header", { class: "site" }, el("span", { class: "brand" }, "gamestats"),
    PAGES.map(([href, name]) => el("a", { href, "aria-current": href === current ? "page" : null }, name)),
    el("a", { href: "/docs" }, "API"));
  document.body.prepend(nav);
  const note = el("p", { class: "loading-note", id: "loading-note", role: "status" }, "Loading…");
  const main = document.querySelector("main");
  if (main) main.prepend(note); else nav.after(note);
}

const PLACES = ["query", "path", "body", "header"];

/** What an error answer says, as a reader reads it: a refused request (a list of validation errors) names each value
 * refused and why, in words; any other, its status and detail. */
export function detailText(status, detail) {
  if (Array.isArray(detail)) {
    const refused = detail.map((d) => {
      const name = (d.loc || []).filter((part) => !PLACES.includes(part)).join(" ") || "the request";
      const given = d.input === undefined || d.input === null || typeof d.input === "object" ? "" : ` "${d.input}"`;
      const why = d.type === "string_pattern_mismatch" ? "not a value accepted here"
        : String(d.msg || "not accepted").replace(/^Value error, /, "");
      return `${name}${given}: ${why}`;
    });
    return `Not accepted: ${refused.join("; ")}.`;
  }
  return `${status}: ${typeof detail === "string" && detail ? detail : "the server gave no reason"}`;
}

/** The JSON of `path` with `params` (empty ones left out); an answer that is not 2xx throws its `detail`. */
export async function api(path, params = {}, options = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(detailText(response.status, body.detail));
    error.status = response.status;
    throw error;
  }
  return body;
}

/** Marks the page's data as shown: `body[data-state=ready]` and the `data-shown` performance mark. */
export function shown() {
  document.body.dataset.state = "ready";
  if (!performance.getEntriesByName("data-shown").length) performance.mark("data-shown");
}

/** Marks the page loading (`body[data-state=loading]`, the header's "Loading…" note shown) and `regions` stale:
 * faded and `aria-busy` until `fresh(...regions)`, so numbers of an earlier selection never pass for the new one. */
export function loading(...regions) {
  document.body.dataset.state = "loading";
  for (const region of regions) {
    region.classList.add("stale");
    region.setAttribute("aria-busy", "true");
  }
}

/** `regions` no longer stale. */
export function fresh(...regions) {
  for (const region of regions) {
    region.classList.remove("stale");
    region.removeAttribute("aria-busy");
  }
}

/**
 * A view's requests, newest first: the function returned runs `fetch()` with `regions` marked stale; when its
 * answer is still the newest asked, the error banner clears, `render(answer)` draws it and the regions are fresh;
 * an answer of a request superseded meanwhile is dropped (counted in `body[data-dropped]`). A failure of the newest
 * shows `failed(error)` (default: the error's message) in the banner, its regions left marked stale. Resolves to
 * whether this request was the newest.
 */
export function latest() {
  let newest = 0;
  return async function run({ regions = [], fetch, render, failed = (error) => error.message }) {
    const turn = ++newest;
    loading(...regions);
    let answer, error;
    try {
      answer = await fetch();
    } catch (caught) {
      error = caught;
    }
    if (turn !== newest) {
      document.body.dataset.dropped = String(Number(document.body.dataset.dropped || 0) + 1);
      return false;
    }
    if (error) {
      showError(failed(error));
    } else {
      clearErrors();
      try {
        render(answer);
        fresh(...regions);
      } catch (drawing) {
        showError(failed(drawing));
      }
    }
    shown();
    return true;
  };
}

/** What a region shows when there is nothing to show: `message`, muted. */
export const empty = (message) => el("p", { class: "muted empty" }, message);

export const fmt = (value, digits = 0) => value === null || value === undefined || Number.isNaN(value) ? "—"
  : Number(value).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const pct = (value, digits = 1) => value === null || value === undefined ? "—" : `${fmt(value * 100, digits)}%`;

/** A rate as text with its interval and sample size, and whether the sample is thin (`lowSample` when the row
 * says so, else fewer than `THIN_SAMPLE`). */
export function rate(value, low, high, n, lowSample) {
  const interval = low === null || low === undefined ? "" : ` [${pct(low)}–${pct(high)}]`;
  return { text: `${pct(value)}${interval} n=${fmt(n)}`, thin: lowSample ?? n < THIN_SAMPLE };
}

export function rateCell(value, low, high, n, lowSample) {
  const { text, thin } = rate(value, low, high, n, lowSample);
  return el("span", { class: thin ? "thin" : null,
                      title: thin ? (lowSample === undefined ? `fewer than ${THIN_SAMPLE} games` : "low sample") : null }, text);
}

/** Whether a row's sample is thin: its published `low_sample`, else fewer than `THIN_SAMPLE` games. */
export const thin = (row) => row.low_sample ?? row.games < THIN_SAMPLE;

/**
 * `rows` with the enough-sample ones first, drawn by `table(rows)`, and the low-sample ones collapsed below them
 * under a line counting them (opened by a click); `what` names the rows ("builds").
 */
export function bySample(rows, table, what) {
  const enough = rows.filter((r) => !thin(r)), few = rows.filter(thin);
  const parts = [enough.length ? table(enough)
    : empty(`No ${what} with enough games for a confident rate yet${few.length ? "; the low-sample ones are below" : ""}.`)];
  if (few.length) {
    parts.push(el("details", { class: "low-sample" },
      el("summary", {}, `${fmt(few.length)} low-sample ${what} (rates on few games, wide intervals)`), table(few)));
  }
  return el("div", {}, parts);
}

/** The Riot role (`teamPosition`) as players name it; an empty one (a queue without roles) as "—". */
export const ROLES = [["TOP", "Top"], ["JUNGLE", "Jungle"], ["MIDDLE", "Mid"], ["BOTTOM", "Bot"], ["UTILITY", "Support"]];
export const roleName = (role) => (ROLES.find(([value]) => value === role) || [role, role || "—"])[1];

/**
 * A table of `rows` under `columns` ({key, label, value(row) for sorting, cell(row) for showing, text}),
 * re-sorted by a column when its header button is pressed (again: the other way); the rows `last` picks (thin
 * samples) stay after all the others whatever the order, marked `thin`. On a phone each row stacks into a card of
 * its cells, each cell labelled by its column (`data-label`), so no column is cut.
 */
export function sortableTable(columns, rows, { onRow, caption, sortKey, descending = false, last = () => false } = {}) {
  const table = el("table", { class: "stacked" });
  let key = sortKey, down = descending;
  const head = el("thead");
  const body = el("tbody");
  const draw = () => {
    const column = columns.find((c) => c.key === key);
    const sorted = column ? [...rows].sort((a, b) => (last(a) - last(b))
      || compare(column.value(a), column.value(b)) * (down ? -1 : 1)) : rows;
    head.replaceChildren(el("tr", {}, columns.map((c) => el("th", {
      scope: "col", class: c.text ? "text" : null, "data-key": c.key,
      "aria-sort": c.key === key ? (down ? "descending" : "ascending") : null,
    }, c.sortable === false ? c.label : el("button", { type: "button", onclick: () => {
      down = c.key === key ? !down : !!c.descending; key = c.key; draw();
    } }, c.label)))));
    body.replaceChildren(...sorted.map((row) => el("tr", {
      class: [onRow ? "clickable" : "", last(row) ? "thin-row" : ""].filter(Boolean).join(" ") || null,
      ...(onRow ? { tabindex: 0, onclick: () => onRow(row),
        onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onRow(row); } } } : {}),
    }, columns.map((c) => el("td", { class: c.text ? "text" : null, "data-label": c.label?.textContent ?? c.label },
      c.cell ? c.cell(row) : fmt(c.value(row)))))));
  };
  if (caption) table.append(el("caption", { class: "muted" }, caption));
  table.append(head, body);
  draw();
  return table;
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

export function options(select, values, selected) {
  select.replaceChildren(...values.map(([value, label]) => el("option", { value, selected: value === selected }, label)));
}

export function distinct(values) {
  return [...new Set(values.filter((v) => v !== null && v !== undefined))].sort();
}

/** The query string's value of `key`. */
export const param = (key) => new URLSearchParams(location.search).get(key);

/** Writes `values` into the address bar without reloading, so a view can be shared. */
export function remember(values) {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(values)) {
    if (value) url.searchParams.set(key, value); else url.searchParams.delete(key);
  }
  history.replaceState(null, "", url);
}

/** A Chart.js chart on `canvas`, replacing the one it held. */
export function chart(canvas, config) {
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false,
                                                   ...config.options } });
}
