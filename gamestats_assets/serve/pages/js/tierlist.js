// The tier list of a queue and patch: every champion in each role with its pick rate, win rate, their intervals and
// games, ranked by the lower bound of the win rate's interval with the low-sample rows last; a row opens the
// champion's page.
import { api, el, empty, fmt, header, latest, options, param, pct, rateCell, remember, ROLES, roleName, sortableTable } from "./common.js";
import { fillTiers, queueName, tierFromAddress, tierName, tierNote } from "./tiers.js";

const $ = (id) => document.getElementById(id);
const run = latest();
const LOW_SAMPLE = 100;

header("tierlist.html");

function championPage(row, answer) {
  const query = new URLSearchParams({ champion: row.champion_name, queue: answer.queue, patch: answer.patch });
  if (answer.tier !== "all") query.set("tier", answer.tier);
  location.href = `champion.html?${query}`;
}

/** The tier list of `query`; one the API does not know (a stale link's queue or patch, a tier without games there)
 * falls back to all ranks, then to the default queue and patch. */
async function tierList(query) {
  const asked = [query, { ...query, tier: "" }, { ...query, queue: "", patch: "", tier: "" }];
  for (const [index, attempt] of asked.entries()) {
    try {
      return (await api("/api/v1/lol/tier-list", attempt)).data;
    } catch (error) {
      if (error.status !== 404 || index === asked.length - 1) throw error;
    }
  }
}

/** Shows the tier list asked; the rows of an earlier choice stay marked stale until the new ones arrive. */
function show(wanted = {}) {
  const query = { queue: wanted.queue ?? $("queue").value, patch: wanted.patch ?? $("patch").value,
                  tier: $("tier").value, role: $("role").value, min_games: $("min-games").value || 1 };
  return run({ regions: [$("champions"), $("heading")], fetch: () => tierList(query),
               render: (answer) => draw(query, answer), failed: (error) => `Could not load the tier list: ${error.message}` });
}

function draw(query, answer) {
  if (!answer.queue) {
    $("champions").replaceChildren(empty("No League games have been published yet."));
    return;
  }
  options($("queue"), answer.queues.map((q) => [q, queueName(q)]), answer.queue);
  options($("patch"), answer.patches.map((p) => [p, p]), answer.patch);
  fillTiers($("tier"), answer.tiers, answer.tier);
  $("tier-note").textContent = tierNote(answer.tier);
  remember({ queue: answer.queue, patch: answer.patch, tier: $("tier").value, role: query.role,
             min_games: Number(query.min_games) > 1 ? query.min_games : "" });
  $("title").textContent = `Tier list · ${queueName(answer.queue)} · patch ${answer.patch} · ${tierName(answer.tier)}`;
  $("heading").textContent = `${fmt(answer.champions.length)} champion–role rows${query.role ? ` · ${roleName(query.role)}` : ""}`;
  $("champions").replaceChildren(answer.champions.length ? sortableTable([
    { key: "rank", label: "#", value: (r) => answer.champions.indexOf(r) + 1,
      cell: (r) => r.low_sample ? el("span", { title: "not ranked: too few games" }, "—") : fmt(answer.champions.indexOf(r) + 1) },
    { key: "champion", label: "Champion", text: true, value: (r) => r.champion_name, cell: (r) => r.champion_name || `#${r.champion_id}` },
    { key: "role", label: "Role", text: true, value: (r) => roleName(r.team_position), cell: (r) => roleName(r.team_position) },
    { key: "win", label: "Win rate [95% CI] n", descending: true, value: (r) => r.win_rate_ci_low,
      cell: (r) => rateCell(r.win_rate, r.win_rate_ci_low, r.win_rate_ci_high, r.games, r.low_sample) },
    { key: "pick", label: "Pick rate [95% CI]", descending: true, value: (r) => r.pick_rate,
      cell: (r) => `${pct(r.pick_rate)} [${pct(r.pick_rate_ci_low)}–${pct(r.pick_rate_ci_high)}]` },
    { key: "ban", label: "Ban rate [95% CI]", descending: true, value: (r) => r.ban_rate,
      cell: (r) => `${pct(r.ban_rate)} [${pct(r.ban_rate_ci_low)}–${pct(r.ban_rate_ci_high)}]` },
    { key: "games", label: "Games", descending: true, value: (r) => r.games },
    { key: "kda", label: "KDA", descending: true, value: (r) => r.kda_mean, cell: (r) => fmt(r.kda_mean, 2) },
  ], answer.champions, { sortKey: "rank", onRow: (row) => championPage(row, answer), last: (row) => row.low_sample,
                         caption: `${fmt(answer.champions[0].queue_games)} games of this queue and patch, ${tierName(answer.tier)}` })
    : empty("No champion has that many games in this role."));
  const few = answer.champions.filter((r) => r.low_sample).length;
  $("sample-note").textContent = !few ? "" : few === answer.champions.length
    ? `Every row here is on fewer than ${LOW_SAMPLE} games: none is ranked; they are listed greyed with their games.`
    : `${fmt(few)} rows on fewer than ${LOW_SAMPLE} games are not ranked: they are listed greyed, after the others.`;
}

options($("role"), [["", "All roles"], ...ROLES], param("role") || "");
tierFromAddress($("tier"));
$("min-games").value = Math.max(1, Number(param("min_games")) || 1);
$("queue").addEventListener("change", () => show({ patch: "" }));
$("patch").addEventListener("change", () => show());
$("tier").addEventListener("change", () => show());
$("role").addEventListener("change", () => show());
$("min-games").addEventListener("change", () => show());
show({ queue: param("queue") || "", patch: param("patch") || "" });
