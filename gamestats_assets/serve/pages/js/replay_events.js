// A replay's goal timeline and boost pads, as its page shows them after the teams: each goal in order with its
// moment in the game (m:ss of play, an overtime goal as OT +m:ss), the scoring team, scorer, assister and the score
// after it (where the 3D viewer draws the game, a goal's time is a button that seeks it there), or why the game has
// no timeline; then each player's big and small pads and boost collected (each with what was stolen from the
// opponents' half beside it), with each team's total. Both fit a phone's width (`rocket.css`), in a container that would
// scroll sideways were a name too long to wrap.
import { el, fmt } from "./common.js";

const TEAMS = ["Blue", "Orange"];
const teamName = (team) => (team === 0 || team === 1 ? TEAMS[team] : "No team");

/** `seconds` as m:ss. */
export const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

/** A goal's moment as the timeline shows it: m:ss of play, or OT +m:ss in overtime. */
export const moment = (goal) => (goal.overtime ? `OT +${clock(goal.overtime_seconds ?? 0)}` : clock(goal.game_seconds));

const who = (name, id) => name || id || "unknown";

/** The card of the replay's goals in order; `seek(goal)` moves the 3D viewer to a goal (none without a viewer). */
export function goalTimeline(replay, seek) {
  const { goals, reason } = replay.timeline;
  const rows = goals.map((goal) => el("tr", { class: `team-${goal.team}`, "data-goal": goal.goal },
    el("td", { class: "moment", title: goal.overtime ? "in overtime" : `${clock(goal.clock)} left on the clock` },
      seek && goal.sample !== null ? el("button", { type: "button", class: "seek", onclick: () => seek(goal),
        "aria-label": `${moment(goal)}: watch goal ${goal.goal} in the 3D replay` }, moment(goal)) : moment(goal)),
    el("td", { class: "text" }, el("b", { class: "scorer" }, who(goal.scorer_name, goal.scorer_id)),
      el("span", { class: "muted side" }, ` · ${teamName(goal.team)}`)),
    el("td", { class: "text assister" }, goal.assister_id ? who(goal.assister_name, goal.assister_id) : "—"),
    el("td", { class: "running" }, `${goal.score_team_0}–${goal.score_team_1}`)));
  return el("section", { class: "card", id: "timeline" }, el("h2", {}, "Goals"),
    reason ? el("p", { class: "muted", id: "timeline-reason" }, goals.length ? `Not the score's goals: ${reason}.`
      : `No goal timeline: ${reason}; the goals per player are in the core stats below.`) : null,
    goals.length ? el("div", { class: "scroll" }, el("table", { class: "timeline" },
      el("thead", {}, el("tr", {}, ["Time", "Goal", "Assist", "Score"]
        .map((heading, i) => el("th", { scope: "col", class: i === 1 || i === 2 ? "text" : null }, heading)))),
      el("tbody", {}, rows))) : null);
}

/** A pad count (or boost) with what of it was stolen beside it. */
const pads = (taken, stolen) => [fmt(taken), stolen ? el("span", { class: "muted" }, ` (${fmt(stolen)} stolen)`) : null];

/** The card of each player's boost pads and a total row per team. */
export function boostPads(replay) {
  const lines = replay.boost_pads;
  if (!lines.some((line) => line.big !== null || line.small !== null)) return null;
  return el("section", { class: "card", id: "pads" }, el("h2", {}, "Boost pads"),
    el("div", { class: "scroll" }, el("table", { class: "pads" },
      el("thead", {}, el("tr", {}, ["Player", "Big pads", "Small pads", "Boost collected"]
        .map((heading) => el("th", { scope: "col" }, heading)))),
      el("tbody", {}, lines.map((line) => el("tr", {
        class: `team-${line.team}${line.player_id ? "" : " total"}`, "data-player": line.player_id,
        "data-team-total": line.player_id ? null : String(line.team) },
        el("td", { class: "text" }, line.player_id ? who(line.name, line.player_id) : `${teamName(line.team)} total`),
        el("td", { "data-figure": "big" }, pads(line.big, line.big_stolen)),
        el("td", { "data-figure": "small" }, pads(line.small, line.small_stolen)),
        el("td", { "data-figure": "collected" }, pads(line.collected, line.stolen))))))),
    el("p", { class: "muted" }, "A big pad gives 100 boost, a small one 12; stolen: taken in the opponents' half."));
}
