// Where the rank a player's skills, packs, predicted rank and outlook are read at comes from (`rank_from`), in words
// beside their figures: the rank their games gave, or the one they stated (not verified), with the games the figures
// stand on and, when those are few, that their intervals are wide.
import { fmt } from "./common.js";

/** Games under which a player's figures are said to rest on few games: the rank model's thin evidence
 * (`THIN_GAMES`). */
const FEW_GAMES = 5;

const counted = (n, word) => `${fmt(n)} ${word}${n === 1 ? "" : "s"}`;

/** The rank a row was read at and the games behind it, in words: "compared at the rank they stated, Diamond I
 * Division 1 (stated, not verified), from 3 games"; empty without a `rank_from`. */
export function comparedAt(rankFrom, rank, games) {
  const from = games === null || games === undefined ? "" : `, from ${counted(games, "game")}`;
  if (rankFrom === "stated") return `Compared at the rank they stated, ${rank || "their rank"} (stated, not verified)${from}.`;
  if (rankFrom === "game") return `Compared at the rank their games gave${rank ? `, ${rank}` : ""}${from}.`;
  return "";
}

/** That `games` are few, and what that does to the figures' intervals; empty when they are not few. */
export function fewGames(games) {
  if (games === null || games === undefined || games >= FEW_GAMES) return "";
  return `${counted(games, "game")} ${games === 1 ? "is" : "are"} few: the figures are mostly those games' luck, so each 95 % interval is wide, and more games narrow it.`;
}

/** `comparedAt` and `fewGames` as one text. */
export const rankFromText = (rankFrom, rank, games) => [comparedAt(rankFrom, rank, games), fewGames(games)].filter(Boolean).join(" ");
