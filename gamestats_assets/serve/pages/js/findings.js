// The League findings page: the discovered patterns, correlations, objectives, objective timing, first dragon against
// first herald, build paths, skill n-grams, teammates near an objective, the objective tree, vision, win model and
// the first completed item against gold at 15 minutes, each finding a sentence with its effect, interval, games and q, filtered by queue, patch, champion, role and rank
// and sorted by evidence, effect or games; the choice kept in the address.
import { api, header, latest, options, param, remember, ROLES, showError, shown } from "./common.js";
import { fillTiers, queueName, tierFromAddress, tierName } from "./tiers.js";
import { drawSection, SECTIONS, sectionFindings } from "./findings_view.js";
import { drawFirstItemGold, firstItemGold } from "./findings_items.js";

const $ = (id) => document.getElementById(id);
const run = latest();
const SORTS = [["evidence", "Evidence (lowest q, most games)"], ["effect", "Effect (largest first)"], ["games", "Games"]];
const COLUMN = { evidence: "q", effect: "effect", games: "n" };

header("findings.html");

function query() {
  return { queue: $("queue").value, patch: $("patch").value, champion: $("champion").value, role: $("role").value,
           tier: $("tier").value, sort: $("sort").value };
}

function show() {
  const asked = query();
  remember({ ...asked, sort: asked.sort === "evidence" ? "" : asked.sort });
  $("title").textContent = ["Findings", asked.champion, asked.queue && queueName(asked.queue),
                            asked.patch && `patch ${asked.patch}`, tierName(asked.tier)].filter(Boolean).join(" · ");
  const regions = SECTIONS.map((s) => $(`section-${s.path}`));
  return run({ regions: [...regions, $("section-first-item-gold")],
               fetch: () => Promise.all([...SECTIONS.map((s) => sectionFindings(s, asked)), firstItemGold(asked)]),
               render: (answers) => {
                 answers.slice(0, -1).forEach((answer, i) => drawSection(regions[i], answer, COLUMN[asked.sort]));
                 drawFirstItemGold($("section-first-item-gold"), answers.at(-1));
               },
               failed: (error) => `Could not load the findings: ${error.message}` });
}

async function start() {
  const [{ data: { champions } }, { data: tiers }] = await Promise.all([api("/api/v1/lol/champions"),
    api("/api/v1/lol/tier-list", { limit: 1 })]);
  const queues = [...new Set(champions.flatMap((c) => c.queues))].filter(Boolean).sort();
  const patches = [...new Set(champions.flatMap((c) => c.patches))].filter(Boolean)
    .sort((a, b) => b.localeCompare(a, "en", { numeric: true }));
  options($("queue"), [["", "Every queue"], ...queues.map((q) => [q, queueName(q)])], param("queue") || "");
  options($("patch"), [["", "Every patch"], ...patches.map((p) => [p, p])], param("patch") || "");
  options($("champion"), [["", "Every champion"], ...champions.map((c) => [c.champion_name, c.champion_name])
    .sort((a, b) => a[0].localeCompare(b[0]))], param("champion") || "");
  options($("role"), [["", "Every role"], ...ROLES], param("role") || "");
  fillTiers($("tier"), tiers.tiers.length ? tiers.tiers : ["all"], param("tier") || "all");
  options($("sort"), SORTS, param("sort") || "evidence");
  for (const id of ["queue", "patch", "champion", "role", "tier", "sort"]) $(id).addEventListener("change", show);
  await show();
}

tierFromAddress($("tier"));
start().catch((error) => { showError(`Could not load the findings: ${error.message}`); shown(); });
