// The tournament admin page (an organiser's API key): a round's six slots per division and group against the
// matches played, with the forms that set them, delay them and create rounds, the history of their changes with
// an undo of the latest, and the tables' rebuild after a change followed until they are republished; the round's
// decisions (who, why, notes) followed until each took effect, with an undo; the matches to validate, filtered by
// status, division, round and day, each a card with its actions (the roster of tracked players is admin_roster.js's).
// Whether the pipeline runs is said plainly while anything waits on it. The key stays in this tab's session storage.
import { api, el, fmt, header, latest, options, shown, showError } from "./common.js";

const $ = (id) => document.getElementById(id);
const ADMIN = "/api/v1/admin/pubg";
const KEY = "gamestats-api-token";
const POLL_MS = 3000;
const SLOTS = 6;
const STATUS_NAMES = {
  needs_override: "Needs a decision", confirmed: "Confirmed", unscheduled: "Unscheduled",
  remake_candidate: "Remake candidate", mixed_division: "Mixed divisions", remake_failed: "Remake failed",
  remade: "Remade", pending: "Pending", remake_pending: "Remake pending", public_lobby: "Public lobby",
};

header("admin.html");

const state = { season: null, slots: [], published: null, rebuilding: null };
const ACTIONS = { schedule: "Slots set", delay: "Delay", undo: "Undo", override: "Override", round: "Round window" };
const DECISION_STATES = { applied: "Applied", applying: "Applying: the matches are rerun and the standings republished…",
  failed: "Failed: a run of the pipeline failed; the operator sees why in Dagster", waiting: "Waiting for the pipeline's next tick…",
  "pipeline not running": "Waiting: the pipeline is not running" };
const validation = latest();
const auth = (extra = {}) => ({ ...extra, headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`,
                                                     "Content-Type": "application/json" } });
const send = (path, method, body) => api(path, {}, auth({ method, body: JSON.stringify(body) }));
const when = (value) => value ? new Date(value).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "—";
const clock = (value) => value ? new Date(value).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "—";
const statusName = (status) => STATUS_NAMES[status] || status || "—";
const badge = (status) => el("span", { class: `badge ${status || ""}` }, statusName(status));
const roundName = (id) => state.season?.rounds.find((r) => r.round === id)?.name || id;
/** A division's name, with the group when the division has several. */
const lobbyName = (division, group) => lobbies().filter((l) => l.division === division).length > 1
  ? `${division} · group ${group}` : division;
const lobbies = () => state.season?.lobbies || [];
/** A `datetime-local` value (this browser's time zone) for an ISO instant, and back. */
const localInput = (iso) => { const d = new Date(iso); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); };
const instant = (local) => new Date(local).toISOString();
const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function said(message) {
  $("status").textContent = message;
}

function failed(error) {
  showError(error.message);
  said(`Not saved: ${error.message}`);
}

/** "Pro · Round 1 · #2 Miramar · 19:45": a slot as a choice names its division, round, number, map and time. */
const slotLabel = (s) => `${lobbyName(s.division, s.group)} · ${s.round_name || s.round} · #${s.match_number} `
  + `${s.scheduled_map_name || s.scheduled_map || ""} · ${clock(s.scheduled_at)}`;

// ---- schedule

function selectedLobby() {
  const [division, group] = JSON.parse($("lobby").value || "[null, null]");
  return { division, group };
}

async function loadSeason() {
  const answer = await api(`${ADMIN}/season`, {}, auth());
  state.season = answer.data;
  const rounds = state.season.rounds;
  const current = $("round").value;
  options($("round"), rounds.map((r) => [r.round, r.name ? `${r.name} (${r.round})` : r.round]),
          rounds.some((r) => r.round === current) ? current : rounds.at(-1)?.round);
  const lobby = $("lobby").value;
  options($("lobby"), lobbies().map((l) => [JSON.stringify([l.division, l.group]), lobbyName(l.division, l.group)]),
          lobby || JSON.stringify([lobbies()[0]?.division, lobbies()[0]?.group]));
  options($("filter-division"), [["", "All divisions"], ...[...new Set(lobbies().map((l) => l.division))].map((d) => [d, d])],
          $("filter-division").value);
  options($("filter-round"), [["", "All rounds"], ...rounds.map((r) => [r.round, r.name || r.round])], $("filter-round").value);
  options($("delay-from"), Array.from({ length: SLOTS }, (_, i) => [String(i + 1), `Match ${i + 1}`]), $("delay-from").value || "1");
}

async function loadSlots() {
  const answer = (await api(`${ADMIN}/schedule`, {}, auth())).data;
  state.slots = answer.slots;
  state.published = answer.published_at;
}

function showSchedule() {
  fillSlotForm(...showSlots());
  showHistory().catch((error) => showError(`Could not load the changes of the slots: ${error.message}`));
}

/** The chosen round's slots of the chosen lobby, and whether the tables are being rebuilt with an edit of them. */
function showSlots() {
  const round = state.season.rounds.find((r) => r.round === $("round").value);
  const { division, group } = selectedLobby();
  $("round-window").textContent = round
    ? `${round.name || round.round}: from ${when(round.starts_at)} to ${when(round.ends_at)} (times in ${zone()})`
      + (round.applied ? "" : " · saved, applies at the tournament tables' next build") : "No round yet: create one below.";
  const slots = state.slots.filter((s) => s.round === round?.round && s.division === division && s.group === group)
    .sort((a, b) => a.match_number - b.match_number);
  $("schedule").replaceChildren(...(slots.length ? slots.map((s) => el("li", { "data-slot": s.slot_id },
    el("h3", {}, `Match ${s.match_number}: ${clock(s.scheduled_at)} · ${s.scheduled_map_name || s.scheduled_map}`),
    s.delay_minutes ? el("p", { class: "muted" }, `planned ${clock(s.planned_at)}, delayed ${s.delay_minutes > 0 ? "+" : ""}${s.delay_minutes} min`
      + (s.edit_reason ? ` (${s.edit_reason})` : "")) : null,
    el("p", {}, "Status: ", badge(s.status), s.attempts > 1 ? ` · ${s.attempts} attempts` : ""),
    el("p", {}, "Actual match: ", s.match_id
      ? el("a", { href: `match.html?id=${encodeURIComponent(s.match_id)}` }, `${s.match_id.slice(0, 12)}…`) : "not yet linked",
      s.match_id ? ` (${clock(s.started_at)}, ${s.actual_map_name || "—"})` : ""),
    s.remake_reason ? el("p", { "data-remake-reason": "" }, `Remade: ${s.remake_reason}`) : null,
    s.created_by ? el("p", { class: "muted", "data-created-by": "" }, `Slot created by ${s.created_by}`) : null,
    s.applied ? null : el("p", { class: "muted" }, "Saved; the tournament tables are being rebuilt with it, and each match's next run applies it."),
  )) : [el("li", {}, `No slot of ${lobbyName(division, group)} in this round yet: set its six below.`)]));
  showRebuild(slots);
  return [slots, round];
}

/** "Rebuilding" while a slot shown is saved but not yet published, polling until it is; then when the tables were
 * republished with it. */
function showRebuild(slots) {
  const pending = slots.filter((s) => !s.applied).length;
  if (pending) {
    state.rebuilding = true;
    $("rebuild").dataset.state = "rebuilding";
    $("rebuild").textContent = `Rebuilding the tournament tables: ${pending} of these slots wait for it…`;
    clearTimeout(state.rebuild);
    state.rebuild = setTimeout(() => loadSlots().then(showSlots)
      .catch((error) => showError(`Could not follow the rebuild: ${error.message}`)), POLL_MS);
    showPipeline(true).catch(() => {});
    return;
  }
  $("rebuild").dataset.state = state.rebuilding ? "republished" : "published";
  $("rebuild").textContent = state.published ? (state.rebuilding
    ? `Republished ${when(state.published)}: the tournament tables show these times.`
    : `Tournament tables published ${when(state.published)}.`) : "";
  state.rebuilding = false;
}

const slotBefore = (s) => `#${s.match_number} ${clock(s.scheduled_at)} ${s.map_display_name || s.map_name}`;

/** The chosen round's latest changes of the chosen lobby's slots, each with the slots before it; the latest with
 * "Undo". */
async function showHistory() {
  const { division, group } = selectedLobby();
  const round = $("round").value;
  if (!round || !division) { $("history").replaceChildren(); return; }
  const answer = await api(`${ADMIN}/rounds/${encodeURIComponent(round)}/schedule/history`,
                           { season_id: state.season.season_id, division, group }, auth());
  if ($("round").value !== round || selectedLobby().division !== division || selectedLobby().group !== group) return;
  const edits = answer.data.edits;
  $("history").replaceChildren(...(edits.length ? edits.map((e) => el("li", { "data-edit": e.edit_id },
    el("p", {}, `${ACTIONS[e.action] || e.action} · ${when(e.edited_at)}`, e.reason ? ` (${e.reason})` : "",
      e.undone_by ? " · undone" : ""),
    el("p", { class: "muted" }, "Before: ", e.previous.length ? e.previous.map(slotBefore).join(" · ") : "no slot"),
    e.can_undo ? undoControl(`edit ${e.edit_id}`, (reason) => undoEdit(e, reason)) : null,
  )) : [el("li", { class: "muted" }, "No change of these slots through this page yet.")]));
}

/** A reason field and an "Undo" button: an undo is a decision, and says why. */
function undoControl(what, undo) {
  const reason = el("input", { "aria-label": `reason to undo ${what}`, class: "undo-reason", placeholder: "Reason (required)", maxlength: 500 });
  return el("div", { class: "pick" }, reason, el("button", { type: "button", class: "undo", onclick: () => {
    if (!reason.value.trim()) { reason.focus(); said(`Give a reason to undo ${what} first.`); return; }
    undo(reason.value.trim());
  } }, "Undo"));
}

async function undoEdit(edit, reason) {
  try {
    await send(`${ADMIN}/schedule/edits/${edit.edit_id}/undo`, "POST", { reason });
    said(`${ACTIONS[edit.action] || edit.action} of ${when(edit.edited_at)} undone: the slots are back as they were.`);
    await refreshSchedule();
  } catch (error) { failed(error); }
}

// ---- decisions

/** The chosen round's decisions, newest first, each with who made it, why and how far it took effect; followed
 * until every one is applied or failed, then the schedule and the matches are read again. */
async function showDecisions() {
  const round = $("round").value;
  if (!round) { $("decisions").replaceChildren(); return; }
  const answer = await api(`${ADMIN}/decisions`, { season_id: state.season.season_id, round }, auth());
  if ($("round").value !== round) return;
  const decisions = answer.data.decisions;
  $("decisions").replaceChildren(...(decisions.length ? decisions.map((d) => el("li", { "data-decision": d.decision_id, "data-state": d.status },
    el("p", {}, el("b", {}, `${ACTIONS[d.kind] || d.kind}`), d.match_id ? ` of match ${d.match_id.slice(0, 12)}…` : "",
      d.division ? ` · ${lobbyName(d.division, d.group)}` : "", ` · ${when(d.made_at)} by `, el("b", {}, d.made_by),
      d.undone_by ? ` · undone by decision ${d.undone_by}` : "", d.undoes ? ` · undoes decision ${d.undoes}` : ""),
    el("p", {}, `Why: ${d.reason}`), d.notes ? el("p", { class: "muted" }, `Notes: ${d.notes}`) : null,
    el("p", { class: "decision-state" }, d.status === "applied" ? `Applied ${when(d.applied_at)}: the standings show it.`
      : DECISION_STATES[d.status] || d.status),
    d.can_undo ? undoControl(`decision ${d.decision_id}`, (reason) => undoDecision(d, reason)) : null,
  )) : [el("li", { class: "muted" }, "No decision on this round yet.")]));
  const waiting = decisions.some((d) => !["applied", "failed"].includes(d.status));
  clearTimeout(state.following);
  if (waiting) {
    state.followed = true;
    state.following = setTimeout(() => showDecisions().catch((error) => showError(`Could not follow the decisions: ${error.message}`)), POLL_MS);
  } else if (state.followed) {
    state.followed = false;
    await refreshSchedule();
  }
  await showPipeline(waiting);
}

async function undoDecision(decision, reason) {
  try {
    await send(`${ADMIN}/decisions/${decision.decision_id}/undo`, "POST", { reason });
    said(`Decision ${decision.decision_id} undone; the pipeline reruns what it moved and republishes the standings.`);
    await refreshSchedule();
  } catch (error) { failed(error); }
}

/** Says plainly that the pipeline is not running while anything on the page waits on it. */
async function showPipeline(waiting) {
  const health = await api("/api/v1/health");
  const stopped = waiting && !health.pipeline.running;
  $("pipeline").hidden = !stopped;
  $("pipeline").textContent = stopped ? `${health.pipeline.message} The operator starts it with "gamestats up".` : "";
}

function fillSlotForm(slots, round) {
  const maps = state.season.maps;
  const start = round ? new Date(round.starts_at) : new Date();
  $("slot-inputs").replaceChildren(...Array.from({ length: SLOTS }, (_, i) => {
    const number = i + 1;
    const slot = slots.find((s) => s.match_number === number);
    const planned = slot ? slot.planned_at : new Date(+(slots[0] ? new Date(slots[0].planned_at) : start) + i * 45 * 60000).toISOString();
    const map = el("select", { name: `map-${number}`, "aria-label": `map of match ${number}` },
      maps.map((m) => el("option", { value: m.map_name, selected: (slot ? slot.scheduled_map : maps[i % maps.length].map_name) === m.map_name }, m.display)));
    return el("fieldset", {}, el("legend", {}, `Match ${number}`),
      el("input", { type: "datetime-local", name: `time-${number}`, "aria-label": `planned time of match ${number}`, required: true, value: localInput(planned) }),
      map);
  }));
}

async function saveSlots(event) {
  event.preventDefault();
  const { division, group } = selectedLobby();
  const form = $("slots-form");
  const slots = Array.from({ length: SLOTS }, (_, i) => ({
    match_number: i + 1, scheduled_at: instant(form.elements[`time-${i + 1}`].value), map_name: form.elements[`map-${i + 1}`].value,
  }));
  const notes = $("slots-notes").value.trim();
  try {
    await send(`${ADMIN}/rounds/${encodeURIComponent($("round").value)}/schedule`, "PUT",
               { season_id: state.season.season_id, division_id: division, group_id: group, slots,
                 reason: $("slots-reason").value.trim(), ...(notes ? { notes } : {}) });
    said(`Six slots of ${lobbyName(division, group)} in ${roundName($("round").value)} saved; the tournament tables are being rebuilt.`);
    await refreshSchedule();
  } catch (error) { failed(error); }
}

async function saveDelay(event) {
  event.preventDefault();
  const { division, group } = selectedLobby();
  const minutes = Number($("delay-minutes").value);
  const notes = $("delay-notes").value.trim();
  try {
    await send(`${ADMIN}/rounds/${encodeURIComponent($("round").value)}/delay`, "POST", {
      season_id: state.season.season_id, division_id: division, group_id: group, from_match: Number($("delay-from").value),
      minutes, reason: $("delay-reason").value.trim(), ...(notes ? { notes } : {}) });
    said(`Matches ${$("delay-from").value} to ${SLOTS} of ${lobbyName(division, group)} moved by ${minutes} min.`);
    await refreshSchedule();
  } catch (error) { failed(error); }
}

async function saveRound(event) {
  event.preventDefault();
  const id = $("round-id").value.trim();
  try {
    await send(`${ADMIN}/rounds/${encodeURIComponent(id)}`, "PUT", {
      season_id: state.season.season_id, name: $("round-name").value.trim(),
      starts_at: instant($("round-starts").value), ends_at: instant($("round-ends").value),
      reason: $("round-reason").value.trim() });
    said(`Round ${id} saved.`);
    await loadSeason();
    $("round").value = id;
    await refreshSchedule();
  } catch (error) { failed(error); }
}

function fillRoundForm() {
  const round = state.season.rounds.find((r) => r.round === $("round").value);
  if (!round) return;
  $("round-id").value = round.round;
  $("round-name").value = round.name || "";
  $("round-starts").value = localInput(round.starts_at);
  $("round-ends").value = localInput(round.ends_at);
}

async function refreshSchedule() {
  await Promise.all([loadSeason(), loadSlots()]);
  showSchedule();
  await Promise.all([showValidation(), showDecisions()]);
}

// ---- validation

function filterParams() {
  const day = $("filter-date").value;
  const from = day ? new Date(`${day}T00:00`) : null;
  return { status: $("filter-status").value, division: $("filter-division").value, round: $("filter-round").value,
           played_from: from?.toISOString(), played_to: from ? new Date(+from + 86400000).toISOString() : null };
}

/** The slots a match can be assigned to, grouped by division and round, each named in full. */
function slotChoices(match) {
  const groups = new Map();
  for (const s of [...state.slots].sort((a, b) => `${a.division}${a.scheduled_at}`.localeCompare(`${b.division}${b.scheduled_at}`))) {
    const key = `${lobbyName(s.division, s.group)} · ${s.round_name || s.round}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  return el("select", { "aria-label": `slot for match ${match.match_id}`, class: "slot-choice" },
    el("option", { value: "" }, "Assign to slot…"),
    [...groups].map(([label, slots]) => el("optgroup", { label }, slots.map((s) => el("option", { value: s.slot_id }, slotLabel(s))))));
}

function remakeChoices(match) {
  const played = state.slots.filter((s) => s.match_id && s.match_id !== match.match_id);
  return el("select", { "aria-label": `original of match ${match.match_id}`, class: "remake-choice" },
    el("option", { value: "" }, "Remake of…"),
    played.map((s) => el("option", { value: s.match_id }, `${slotLabel(s)} (match ${s.match_id.slice(0, 8)}, ${clock(s.started_at)})`)));
}

function actions(match) {
  const reason = el("input", { "aria-label": `reason for match ${match.match_id}`, placeholder: "Reason (required)", maxlength: 500 });
  const notes = el("input", { "aria-label": `notes for match ${match.match_id}`, placeholder: "Notes (optional)", maxlength: 2000 });
  const apply = async (body, what) => {
    if (!reason.value.trim()) {
      reason.focus();
      said(`Give a reason for the decision on match ${match.match_id} first.`);
      return;
    }
    try {
      await send(`${ADMIN}/matches/${encodeURIComponent(match.match_id)}/override`, "PUT",
                 { ...body, reason: reason.value.trim(), ...(notes.value.trim() ? { notes: notes.value.trim() } : {}) });
      said(`Match ${match.match_id}: ${what}; the pipeline reruns it and republishes the standings.`);
      await Promise.all([showValidation(), showDecisions()]);
    } catch (error) { failed(error); }
  };
  const slot = slotChoices(match);
  const remake = remakeChoices(match);
  return el("div", { class: "actions" }, reason, notes,
    el("div", { class: "pick" }, slot, el("button", { type: "button", onclick: () => slot.value
      ? apply({ slot_id: slot.value }, `assigned to ${slot.selectedOptions[0].textContent}`) : slot.focus() }, "Assign")),
    el("div", { class: "pick" }, remake, el("button", { type: "button", onclick: () => remake.value
      ? apply({ remake_of: remake.value }, `marked as a remake of ${remake.value}`) : remake.focus() }, "Mark as remake")),
    el("div", { class: "row-actions" },
      el("button", { type: "button", onclick: () => apply({ is_tournament_match: false }, "marked as not a tournament match") }, "Not a tournament match"),
      el("button", { type: "button", onclick: () => apply({ status: "confirmed", is_tournament_match: true }, "confirmed as it stands") }, "Confirm as it is")));
}

function matchCard(m) {
  return el("article", { class: "match", "data-match": m.match_id, "data-status": m.validation_status },
    el("h3", {}, el("a", { href: `match.html?id=${encodeURIComponent(m.match_id)}` }, `Match ${m.match_id.slice(0, 12)}…`),
      " ", badge(m.validation_status), m.overridden ? " (overridden)" : ""),
    el("p", {}, `${when(m.created_at)} · ${m.map_display_name || m.map_name || "—"}`),
    el("p", {}, m.division ? `${lobbyName(m.division, m.group)} · ${m.round_name || m.round || "no round"}` : "No single division",
      ` · ${fmt(m.team_count)} ${m.team_count === 1 ? "team" : "teams"} from ${m.division || "the tournament"}`,
      m.unmatched_player_count ? ` · ${fmt(m.unmatched_player_count)} unknown players` : ""),
    el("p", { class: "muted" }, m.reason || ""),
    m.override_pending ? el("p", { class: "muted" }, "An override is saved; the pipeline is rerunning the match.") : null,
    actions(m));
}

/** Shows the matches the filters ask for; the list of earlier filters stays marked stale until the answer, and an
 * answer to filters changed since is dropped. */
function showValidation() {
  const filters = filterParams();
  return validation({
    regions: [$("validation")],
    fetch: () => api(`${ADMIN}/validation`, filters, auth()),
    render: (answer) => showMatches(answer.data.matches, filters),
    failed: (error) => `Could not load the matches to validate: ${error.message}`,
  });
}

function showMatches(matches, { status, division, round }) {
  $("validation-count").textContent = `${matches.length} match${matches.length === 1 ? "" : "es"}`
    + (status ? ` · ${statusName(status).toLowerCase()}` : "")
    + (division || round ? " · matches of no single division or round are listed under every one" : "");
  $("validation").replaceChildren(...(matches.length ? matches.map(matchCard)
    : [el("p", {}, "No match here needs a decision.")]));
}

// ---- page

async function load() {
  options($("filter-status"), [["needs_override", STATUS_NAMES.needs_override], ["", "Every status"],
    ...["unscheduled", "remake_candidate", "mixed_division", "remake_failed", "confirmed"].map((s) => [s, statusName(s)])],
    $("filter-status").value || "needs_override");
  await Promise.all([loadSeason(), loadSlots()]);
  $("admin").hidden = false;
  $("login").hidden = true;
  showSchedule();
  fillRoundForm();
  await Promise.all([showValidation(), showDecisions()]);
  said("Key accepted.");
}

async function start() {
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value);
    load().catch((error) => showError(error.message)).finally(shown);
  });
  $("round").addEventListener("change", () => { showSchedule(); fillRoundForm(); showDecisions().catch((error) => showError(error.message)); });
  $("lobby").addEventListener("change", showSchedule);
  $("filters").addEventListener("change", showValidation);
  $("slots-form").addEventListener("submit", saveSlots);
  $("delay-form").addEventListener("submit", saveDelay);
  $("round-form").addEventListener("submit", saveRound);
  if (sessionStorage.getItem(KEY)) await load();
  else said("Enter an organiser's API key to see the schedule, the matches to validate and the roster.");
  shown();
}

start().catch((error) => { showError(`Could not load the admin page: ${error.message}`); shown(); });
