"""Riot match-v5 documents as msgspec structs: ``MatchDto`` and ``MatchTimelineDto``.

Each document comes with the ``{metadata, info}`` wrapper or as the ``info`` object alone (tournament and
esports servers), so both shapes decode into the same ``MatchInfo`` / ``TimelineInfo``: the wrapper's
fields sit beside the info fields and the wrapper's ``info`` is optional.

Timeline events decode strictly (``forbid_unknown_fields``) into ``Event``, which lists every field the
match-v5 events carry; an event with a field the struct does not know makes the decoder fall back to a
lossless path (see ``parse.py``), so new Riot fields are kept rather than dropped.
"""

from __future__ import annotations

import msgspec


class Position(msgspec.Struct):
    x: int | None = None
    y: int | None = None


class Event(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One ``EventsTimeLineDto``: every field of the documented event types; which are set depends on ``type``."""

    type: str
    timestamp: int | None = None
    realTimestamp: int | None = None
    participantId: int | None = None
    itemId: int | None = None
    afterId: int | None = None
    beforeId: int | None = None
    goldGain: int | None = None
    skillSlot: int | None = None
    levelUpType: str | None = None
    level: int | None = None
    creatorId: int | None = None
    wardType: str | None = None
    killerId: int | None = None
    victimId: int | None = None
    killerTeamId: int | None = None
    teamId: int | None = None
    assistingParticipantIds: list[int] | None = None
    position: Position | None = None
    bounty: int | None = None
    shutdownBounty: int | None = None
    killStreakLength: int | None = None
    killType: str | None = None
    multiKillLength: int | None = None
    buildingType: str | None = None
    towerType: str | None = None
    laneType: str | None = None
    monsterType: str | None = None
    monsterSubType: str | None = None
    name: str | None = None
    transformType: str | None = None
    gameId: int | None = None
    winningTeam: int | None = None
    actualStartTime: int | None = None
    featType: int | None = None
    featValue: int | None = None
    victimDamageDealt: msgspec.Raw = msgspec.Raw()
    victimDamageReceived: msgspec.Raw = msgspec.Raw()


class DamageStats(msgspec.Struct):
    magicDamageDone: int | None = None
    magicDamageDoneToChampions: int | None = None
    magicDamageTaken: int | None = None
    physicalDamageDone: int | None = None
    physicalDamageDoneToChampions: int | None = None
    physicalDamageTaken: int | None = None
    totalDamageDone: int | None = None
    totalDamageDoneToChampions: int | None = None
    totalDamageTaken: int | None = None
    trueDamageDone: int | None = None
    trueDamageDoneToChampions: int | None = None
    trueDamageTaken: int | None = None


class ChampionStats(msgspec.Struct):
    abilityPower: int | None = None
    armor: int | None = None
    attackDamage: int | None = None
    attackSpeed: int | None = None
    health: int | None = None
    healthMax: int | None = None
    magicResist: int | None = None
    movementSpeed: int | None = None


class ParticipantFrame(msgspec.Struct):
    """One ``ParticipantFrameDto``: a participant's state at a frame's timestamp."""

    participantId: int | None = None
    level: int | None = None
    xp: int | None = None
    totalGold: int | None = None
    currentGold: int | None = None
    goldPerSecond: int | None = None
    minionsKilled: int | None = None
    jungleMinionsKilled: int | None = None
    timeEnemySpentControlled: int | None = None
    position: Position | None = None
    damageStats: DamageStats | None = None
    championStats: ChampionStats | None = None


class Frame(msgspec.Struct):
    timestamp: int | None = None
    events: list[Event] = []
    participantFrames: dict[str, ParticipantFrame] = {}


class LooseFrame(msgspec.Struct):
    """A frame whose events are kept as plain dictionaries (the lossless fallback for unknown event fields)."""

    timestamp: int | None = None
    events: list[dict] = []
    participantFrames: dict[str, ParticipantFrame] = {}


class Metadata(msgspec.Struct):
    matchId: str | None = None
    dataVersion: str | None = None


class TimelineParticipant(msgspec.Struct):
    participantId: int
    puuid: str | None = None


class TimelineInfo(msgspec.Struct):
    frameInterval: int | None = None
    gameId: int | None = None
    platformId: str | None = None
    frames: list[Frame] | None = None
    participants: list[TimelineParticipant] | None = None


class LooseTimelineInfo(msgspec.Struct):
    frameInterval: int | None = None
    gameId: int | None = None
    platformId: str | None = None
    frames: list[LooseFrame] | None = None
    participants: list[TimelineParticipant] | None = None


class TimelineDocument(TimelineInfo):
    """A timeline file: the wrapper (``metadata`` + ``info``) or the ``info`` object alone."""

    metadata: Metadata | None = None
    info: TimelineInfo | None = None


class LooseTimelineDocument(LooseTimelineInfo):
    metadata: Metadata | None = None
    info: LooseTimelineInfo | None = None


class Participant(msgspec.Struct):
    """One ``ParticipantDto``: the end-of-game line of a player (the fields the lol tables use)."""

    participantId: int
    championId: int | None = None
    championName: str | None = None
    teamId: int | None = None
    win: bool | None = None
    puuid: str | None = None
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
    item0: int | None = None
    item1: int | None = None
    item2: int | None = None
    item3: int | None = None
    item4: int | None = None
    item5: int | None = None
    item6: int | None = None


class Team(msgspec.Struct):
    teamId: int
    win: bool | None = None


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
    """A match file: the wrapper (``metadata`` + ``info``) or the ``info`` object alone."""

    metadata: Metadata | None = None
    info: MatchInfo | None = None
