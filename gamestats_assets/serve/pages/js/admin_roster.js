// The roster part of the tournament admin page (an organiser's API key, the one the page keeps for this tab): every
// tracked player, from the roster table or the roster file, with name, team, division and their latest backfill;
// before a player is tracked, what their backfill would find (historical matches, how many with telemetry, how many
// left out); and the queue of backfills with their progress in words, a cancel for a running one and a re-trigger
// for a player whose last one ended. Shown once the page has taken the key, refreshed while a backfill runs or
// waits for the pipeline.
import { api, el, fmt, showError, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const ADMIN = "/api/v1/admin/pubg";
const KEY = "gamestats-api-token";
const POLL_MS = 3000;
const state = { poll: null };
const auth = (extra = {}) => ({ ...extra, headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`,
                                                     "Content-Type": "application/json" } });
const when = (value) => value ? new Date(value).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—";
const epoch = (seconds) => seconds ? when(seconds * 1000) : "—";
const playerName = (p) => p.player_name || p.player_id;

function said(message) {
  $("roster-status").textContent = message;
}

function failed(error) {
  showError(error.message);
  said(`Not done: ${error.message}`);
}

const CANCELLED = ["CANCELED", "CANCELING"];

/** "Running: 3 of 12 matches (25%)": a backfill's status in words and its progress in matches; a cancelled one's
 * unbuilt matches are said to be left unbuilt by the cancel, not to have failed. */
function progressText(b) {
  if (!b) return "No backfill yet";
  const share = b.matches_total ? ` (${fmt((100 * b.matches_done) / b.matches_total, 0)}%)` : "";
  const unbuilt = b.matches_total - b.matches_done;
  const rest = CANCELLED.includes(b.status) ? (unbuilt ? `, ${fmt(unbuilt)} left unbuilt by the cancel` : "")
    : (b.matches_failed ? `, ${fmt(b.matches_failed)} failed` : "");
  return `${b.status_label}: ${fmt(b.matches_done)} of ${fmt(b.matches_total)} match${b.matches_total === 1 ? "" : "es"}`
    + share + rest;
}

// ---- preview, then track

async function preview(event) {
  event.preventDefault();
  const given = $("player-id").value.trim();
  const asked = /^account\./.test(given) ? { player_id: given } : { player_name: given };
  try {
    const found = (await api(`${ADMIN}/players/preview`, asked, auth())).data;
    const left = found.telemetry_missing + found.telemetry_failed;
    $("backfill-preview").replaceChildren(
      el("p", {}, el("b", {}, found.player_name || found.player_id), ` (${found.player_id})`,
        found.tracked ? " is tracked already." : ""),
      el("p", { "data-found": found.matches_found }, `Historical matches found: ${fmt(found.matches_found)} in the last `
        + `${fmt(found.window_days)} days.`),
      el("p", { "data-telemetry": found.with_telemetry }, `Telemetry available: ${fmt(found.with_telemetry)}`
        + (left ? ` · left out without telemetry: ${fmt(left)} (${fmt(found.telemetry_missing)} missing, `
                  + `${fmt(found.telemetry_failed)} unreadable)` : "")),
      el("p", {}, `The backfill builds ${fmt(found.to_build)} match${found.to_build === 1 ? "" : "es"}`
        + (found.already_built ? ` (${fmt(found.already_built)} built already)` : "") + "."),
      el("div", { class: "row-actions" },
        found.tracked ? null : el("button", { type: "button", id: "track-player", onclick: () => track(found) },
                                  "Track and start the backfill"),
        el("button", { type: "button", onclick: () => { $("backfill-preview").hidden = true; } }, "Close")));
    $("backfill-preview").hidden = false;
    said("");
  } catch (error) { failed(error); }
}

async function track(found) {
  try {
    const added = await api(`${ADMIN}/players`, {}, auth({ method: "POST", body: JSON.stringify({ player_id: found.player_id }) }));
    $("player-id").value = "";
    $("backfill-preview").hidden = true;
    said(added.added ? `${playerName(added.player)} is tracked; their backfill starts at the pipeline's next sensor tick.`
                     : `${playerName(added.player)} was already tracked.`);
    await refresh();
  } catch (error) { failed(error); }
}

// ---- roster

function askToRemove(player) {
  const dialog = $("confirm-remove");
  $("confirm-remove-text").textContent = `Stop tracking ${playerName(player)} (${player.player_id})`
    + `${player.team_name ? `, ${player.team_name}` : ""}? Their matches already published stay; new ones are no longer detailed.`;
  dialog.returnValue = "";
  dialog.onclose = async () => {
    if (dialog.returnValue !== "remove") return;
    try {
      await api(`${ADMIN}/players/${encodeURIComponent(player.player_id)}`, {}, auth({ method: "DELETE" }));
      said(`${playerName(player)} is no longer tracked.`);
      await refresh();
    } catch (error) { failed(error); }
  };
  dialog.showModal();
}

async function retrigger(player) {
  try {
    const found = (await api(`${ADMIN}/players/preview`, { player_id: player.player_id }, auth())).data;
    if (found.to_build === 0) {
      said(`Nothing to backfill for ${playerName(player)}: their ${fmt(found.already_built)} match`
           + `${found.already_built === 1 ? "" : "es"} with telemetry are built`
           + `${found.with_telemetry < found.matches_found ? `, the other ${fmt(found.matches_found - found.with_telemetry)} have none to build from` : ""}; no backfill asked.`);
      return;
    }
    await api(`${ADMIN}/players/${encodeURIComponent(player.player_id)}/backfill`, {}, auth({ method: "POST" }));
    said(`The backfill of ${playerName(player)} is asked for again: the pipeline's sensor takes it up at its next tick.`);
    await refresh();
  } catch (error) { failed(error); }
}

/** A player's backfill cell: its status in words and progress (or what it waits for), the matches it left out with
 * why, and a re-trigger once it ended. */
function backfillCell(p) {
  const left = p.request?.left_out || [];
  return el("div", { class: "progress", "data-player": p.player_id, "data-status": p.status },
    el("span", {}, p.backfill && p.status === p.backfill.status ? progressText(p.backfill) : p.status_label),
    left.length ? el("details", { class: "left-out" },
      el("summary", {}, `${fmt(left.length)} match${left.length === 1 ? "" : "es"} left out`),
      el("ul", {}, left.map((m) => el("li", {}, el("code", {}, m.match_id), `: ${m.reason}`)))) : null,
    p.can_retrigger ? el("button", { type: "button", class: "retrigger", onclick: () => retrigger(p) }, "Backfill again") : null);
}

function showRoster(players) {
  $("roster").replaceChildren(players.length ? sortableTable([
    { key: "player", label: "Player", text: true, value: playerName,
      cell: (p) => el("span", {}, el("b", {}, p.player_name || "name not published yet"), el("br"), el("span", { class: "muted" }, p.player_id)) },
    { key: "team", label: "Team", text: true, value: (p) => p.team_name, cell: (p) => p.team_name || "—" },
    { key: "division", label: "Division", text: true, value: (p) => p.division, cell: (p) => p.division || "—" },
    { key: "matches", label: "Matches", value: (p) => p.matches },
    { key: "added", label: "Tracked since", text: true, value: (p) => p.added_at,
      cell: (p) => p.added_at ? when(p.added_at) : "the roster file" },
    { key: "backfill", label: "Backfill", text: true, sortable: false, value: () => 0, cell: backfillCell },
    { key: "remove", label: "", sortable: false, value: () => 0,
      cell: (p) => p.on_roster_table ? el("button", { type: "button", class: "remove", onclick: () => askToRemove(p) }, "Stop tracking")
        : el("span", { class: "muted" }, "in the roster file") },
  ], players, { sortKey: "player" }) : el("p", {}, "No player tracked: add one above, or list them in the roster file."));
  return players.some((p) => p.pending);
}

// ---- queue

async function cancel(backfill) {
  try {
    const cancelled = await api(`${ADMIN}/backfills/${encodeURIComponent(backfill.backfill_id)}/cancel`, {}, auth({ method: "POST" }));
    said(`Backfill ${cancelled.backfill_id}: ${cancelled.status_label.toLowerCase()}; its runs are cancelled, what it built stays.`);
    await refresh();
  } catch (error) { failed(error); }
}

async function showQueue(names) {
  const queue = (await api(`${ADMIN}/backfills`, {}, auth())).data;
  const rows = [...queue.waiting.map((r) => ({ waiting: r, player_id: r.player_id })), ...queue.backfills];
  $("backfills").replaceChildren(rows.length ? sortableTable([
    { key: "player", label: "Player", text: true, value: (b) => names.get(b.player_id) || b.player_id,
      cell: (b) => names.get(b.player_id) || b.player_id },
    { key: "status", label: "Status", text: true, sortable: false, value: () => 0,
      cell: (b) => el("span", { class: "progress", "data-backfill": b.backfill_id || "" },
                      b.waiting ? `Asked by ${b.waiting.requested_by}: waiting for the pipeline's sensor` : progressText(b)) },
    { key: "started", label: "Started", text: true, value: (b) => b.started_at || 0,
      cell: (b) => b.waiting ? when(b.waiting.requested_at) : epoch(b.started_at) },
    { key: "ended", label: "Ended", text: true, value: (b) => b.ended_at || 0, cell: (b) => b.waiting ? "—" : epoch(b.ended_at) },
    { key: "cancel", label: "", sortable: false, value: () => 0,
      cell: (b) => b.can_cancel ? el("button", { type: "button", class: "cancel danger", onclick: () => cancel(b) }, "Cancel") : "" },
  ], rows, {}) : el("p", { class: "muted" }, "No backfill yet."));
  return queue.running > 0 || queue.waiting.length > 0;
}

async function refresh() {
  clearTimeout(state.poll);
  const players = (await api(`${ADMIN}/players`, {}, auth())).data;
  const rosterBusy = showRoster(players);
  const queueBusy = await showQueue(new Map(players.map((p) => [p.player_id, playerName(p)])));
  if (rosterBusy || queueBusy) {
    state.poll = setTimeout(() => refresh().catch((error) => showError(`Could not follow the backfills: ${error.message}`)), POLL_MS);
  }
}

// ---- page: the roster shows once the admin page has taken the key

function start() {
  $("add-player").addEventListener("submit", preview);
  let started = false;
  const begin = () => {
    if (started || $("admin").hidden) return;
    started = true;
    refresh().catch((error) => showError(`Could not load the roster: ${error.message}`));
  };
  new MutationObserver(begin).observe($("admin"), { attributes: true, attributeFilter: ["hidden"] });
  begin();
}

start();
