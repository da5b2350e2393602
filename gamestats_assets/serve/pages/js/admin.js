// The tournament admin page (API token): a round's schedule slots against the matches played, the validation
// list with its actions (assign to a slot, mark as a remake, mark as not a tournament match), and the roster of
// tracked players with each one's backfill progress. The token stays in this tab's session storage.
import { api, el, fmt, header, options, shown, showError, sortableTable } from "./common.js";

const $ = (id) => document.getElementById(id);
const ADMIN = "/api/v1/admin/pubg";
const KEY = "gamestats-api-token";

header("admin.html");

const auth = () => ({ headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`, "Content-Type": "application/json" } });
const when = (value) => value ? new Date(value).toLocaleString() : "—";

async function override(matchId, body, reason) {
  if (!reason.value.trim()) {
    reason.focus();
    $("status").textContent = `Give a reason for the override of ${matchId} first.`;
    return;
  }
  await api(`${ADMIN}/matches/${encodeURIComponent(matchId)}/override`, {},
            { ...auth(), method: "PUT", body: JSON.stringify({ ...body, reason: reason.value.trim() }) });
  $("status").textContent = `Override of ${matchId} saved; the match's next run applies it.`;
}

/** A validation row's actions: a reason, then assign to a slot, mark as the remake of a match, or not a tournament match. */
function actions(match, slots) {
  const apply = (body) => override(match.match_id, body, reason).catch((error) => showError(error.message));
  const reason = el("input", { "aria-label": `reason for ${match.match_id}`, placeholder: "reason", size: 14 });
  const slot = el("select", { "aria-label": `assign ${match.match_id} to a slot` },
    el("option", { value: "" }, "Assign to slot…"), slots.map((s) => el("option", { value: s.slot_id }, `${s.round} #${s.match_number} ${s.scheduled_map || ""}`)));
  slot.addEventListener("change", () => slot.value && apply({ slot_id: slot.value }));
  const remake = el("select", { "aria-label": `mark ${match.match_id} as the remake of a match` },
    el("option", { value: "" }, "Remake of…"), slots.filter((s) => s.match_id && s.match_id !== match.match_id)
      .map((s) => el("option", { value: s.match_id }, `${s.round} #${s.match_number} (${s.match_id.slice(0, 8)})`)));
  remake.addEventListener("change", () => remake.value && apply({ remake_of: remake.value }));
  return el("span", { class: "row-actions" }, reason, " ", slot, " ", remake, " ",
            el("button", { type: "button", onclick: () => apply({ is_tournament_match: false }) }, "Not a tournament match"));
}

async function showRound() {
  const round = $("round").value;
  const [schedule, validation] = await Promise.all([api(`${ADMIN}/schedule`, { round }, auth()), api(`${ADMIN}/validation`, { round }, auth())]);
  const slots = schedule.data.slots;
  $("schedule").replaceChildren(sortableTable([
    { key: "slot", label: "Slot", text: true, value: (s) => `${s.division} ${s.round} #${s.match_number}`, cell: (s) => `${s.division} · ${s.round} · #${s.match_number}` },
    { key: "scheduled", label: "Scheduled", text: true, value: (s) => s.scheduled_at, cell: (s) => when(s.scheduled_at) },
    { key: "map", label: "Map planned / played", text: true, value: (s) => s.scheduled_map, cell: (s) => `${s.scheduled_map || "—"} / ${s.actual_map || "—"}` },
    { key: "status", label: "Status", text: true, value: (s) => s.status, cell: (s) => `${s.status}${s.is_remake ? " (remake)" : ""}` },
    { key: "match", label: "Match", text: true, value: (s) => s.match_id, cell: (s) => s.match_id || "none yet" },
    { key: "started", label: "Started", text: true, value: (s) => s.started_at, cell: (s) => when(s.started_at) },
    { key: "attempts", label: "Attempts", value: (s) => s.attempts },
  ], slots, { sortKey: "scheduled" }));
  $("validation").replaceChildren(validation.data.matches.length ? sortableTable([
    { key: "match", label: "Match", text: true, value: (m) => m.match_id, cell: (m) => m.match_id },
    { key: "created", label: "Played", text: true, value: (m) => m.created_at, cell: (m) => when(m.created_at) },
    { key: "status", label: "Status", text: true, value: (m) => m.validation_status, cell: (m) => `${m.validation_status}${m.overridden ? " (overridden)" : ""}` },
    { key: "reason", label: "Why", text: true, value: (m) => m.reason, cell: (m) => m.reason || "—" },
    { key: "teams", label: "Teams", value: (m) => m.team_count },
    { key: "unmatched", label: "Unknown players", value: (m) => m.unmatched_player_count },
    { key: "actions", label: "Actions", text: true, sortable: false, value: () => 0, cell: (m) => actions(m, slots) },
  ], validation.data.matches, { sortKey: "created" }) : el("p", {}, "No match to validate in this round."));
}

async function showRoster() {
  const players = (await api(`${ADMIN}/players`, {}, auth())).data;
  $("roster").replaceChildren(players.length ? sortableTable([
    { key: "player", label: "Player", text: true, value: (p) => p.player_id, cell: (p) => p.player_id },
    { key: "added", label: "Tracked since", text: true, value: (p) => p.added_at, cell: (p) => when(p.added_at) },
    { key: "backfill", label: "Backfill", text: true, sortable: false, value: () => 0, cell: (p) => {
      const out = el("span", { class: "muted" });
      return el("span", {}, el("button", { type: "button", onclick: async () => {
        try {
          const b = await api(`${ADMIN}/players/${encodeURIComponent(p.player_id)}/backfill`, {}, auth());
          out.textContent = b.backfill ? ` ${b.status}: ${fmt(b.backfill.partitions_done)} of ${fmt(b.backfill.partitions_total)} matches`
            + (b.backfill.partitions_failed ? `, ${b.backfill.partitions_failed} failed` : "") : ` ${b.status}`;
        } catch (error) { out.textContent = ` ${error.message}`; }
      } }, "Progress"), out);
    } },
    { key: "remove", label: "", sortable: false, value: () => 0, cell: (p) => el("button", { type: "button", onclick: async () => {
      await api(`${ADMIN}/players/${encodeURIComponent(p.player_id)}`, {}, { ...auth(), method: "DELETE" }).catch((e) => showError(e.message));
      showRoster();
    } }, "Stop tracking") },
  ], players, { sortKey: "player" }) : el("p", {}, "No player tracked through the roster table."));
}

async function load() {
  const rounds = (await api("/api/v1/tournaments/rounds")).data.rounds;
  options($("round"), rounds.map((r) => [r.round, `${r.name || r.round} (${r.status})`]), (rounds.find((r) => r.status === "active") || rounds.at(-1))?.round);
  $("context").hidden = false;
  await Promise.all([showRound(), showRoster()]);
  $("status").textContent = "Token accepted.";
}

async function start() {
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value);
    load().catch((error) => showError(error.message)).finally(shown);
  });
  $("round").addEventListener("change", () => showRound().catch((error) => showError(error.message)));
  $("add-player").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`${ADMIN}/players`, {}, { ...auth(), method: "POST", body: JSON.stringify({ player_id: $("player-id").value }) });
      $("player-id").value = "";
      await showRoster();
    } catch (error) {
      showError(error.message);
    }
  });
  if (sessionStorage.getItem(KEY)) await load();
  else $("status").textContent = "Enter the API token to see the schedule, validation and roster.";
  shown();
}

start().catch((error) => { showError(`Could not load the admin page: ${error.message}`); shown(); });
