"""Riot match-v5 `MatchDto` as msgspec structs (the timeline's are in `timeline.py`).

A document comes with the `{metadata, info}` wrapper or as the `info` object alone (tournament and
esports servers), so both shapes decode into the same `MatchInfo`: the wrapper's fields sit beside the
info fields and the wrapper's `info` is optional.
"""

from __future__ import annotations

import msgspec


class Metadata(msgspec.Struct):
    matchId: str | None = None
    dataVersion: str | None = None


class PerkSelection(msgspec.Struct):
    perk: int | None = None


class PerkStyle(msgspec.Struct):
    """One rune path of a player: `primaryStyle` (keystone first, then three minor runes) or `subStyle` (two)."""

    description: str | None = None
    style: int | None = None
    selections: list[PerkSelection] = []


class Perks(msgspec.Struct):
    styles: list[PerkStyle] = []


class Participant(msgspec.Struct):
    """One `ParticipantDto`: the end-of-game line of a player (the fields the lol tables use)."""

    participantId: int
    championId: int | None = None
    championName: str | None = None
    teamId: int | None = None
    win: bool | None = None
    puuid: str | None = None
    summonerId: str | int | None = None
    summonerName: str | None = None
    riotIdName: str | None = None
    riotIdGameName: str | None = None
    riotIdTagline: str | None = None
    teamPosition: str | None = None
    individualPosition: str | None = None
    lane: str | None = None
    role: str | None = None
    kills: int | None = None
    deaths: int | None = None
    assists: int | None = None
    champLevel: int | None = None
    goldEarned: int | None = None
    goldSpent: int | None = None
    totalDamageDealtToChampions: int | None = None
    totalDamageTaken: int | None = None
    damageDealtToObjectives: int | None = None
    totalMinionsKilled: int | None = None
    neutralMinionsKilled: int | None = None
    visionScore: int | None = None
    wardsPlaced: int | None = None
    wardsKilled: int | None = None
    visionWardsBoughtInGame: int | None = None
    detectorWardsPlaced: int | None = None
    timePlayed: int | None = None
    gameEndedInEarlySurrender: bool | None = None
    """A remake: the game was ended by an early surrender vote (absent from files older than the field)."""
    item0: int | None = None
    item1: int | None = None
    item2: int | None = None
    item3: int | None = None
    item4: int | None = None
    item5: int | None = None
    item6: int | None = None
    summoner1Id: int | None = None
    summoner2Id: int | None = None
    spell1Id: int | None = None
    spell2Id: int | None = None
    """The summoner spells as tournament servers name them (`summoner1Id` / `summoner2Id` elsewhere)."""
    perks: Perks | None = None
    """The rune page (`perks.styles[].selections[].perk`); parsed into the `rune_*` columns."""


class Ban(msgspec.Struct):
    championId: int | None = None
    """The champion banned; -1 (or absent) for a ban not used."""
    pickTurn: int | None = None


class Team(msgspec.Struct):
    teamId: int
    win: bool | None = None
    bans: list[Ban] | None = None


class MatchInfo(msgspec.Struct):
    gameId: int | None = None
    platformId: str | None = None
    gameCreation: int | None = None
    gameStartTimestamp: int | None = None
    gameEndTimestamp: int | None = None
    gameDuration: int | None = None
    gameVersion: str | None = None
    gameMode: str | None = None
    gameType: str | None = None
    queueId: int | None = None
    mapId: int | None = None
    participants: list[Participant] | None = None
    teams: list[Team] | None = None
    frames: msgspec.Raw = msgspec.Raw()
    """Present only in timelines: tells a timeline dropped in under a match file's name."""


class MatchDocument(MatchInfo):
    """A match file: the wrapper (`metadata` + `info`) or the `info` object alone."""

    metadata: Metadata | None = None
    info: MatchInfo | None = None
