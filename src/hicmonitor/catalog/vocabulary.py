"""The catalogue's vocabularies (approaches, evidence levels, statuses, stages), read from
``vocabulary.yaml`` in this package.

The evidence levels follow the joint recognition system of the Samenwerkingsverband
Erkenning van Interventies (NJi, Movisie, Trimbos, RIVM; see
https://www.nji.nl/interventies/erkenningsprocedure and
https://www.justitieleinterventies.nl/erkenningstraject).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Term:
    id: str
    label: str


@dataclass(frozen=True)
class GroupRule:
    """A measure with this approach (and, when given, this character) goes to ``group``."""

    approach: str
    character: str | None
    group: str


@dataclass(frozen=True)
class Vocabulary:
    approaches: tuple[Term, ...]
    characters: tuple[Term, ...]
    evidence_rank: dict[str, int]  # level -> rank; insertion order is the display order
    measure_statuses: tuple[str, ...]
    motion_kinds: tuple[str, ...]
    motion_statuses: tuple[str, ...]
    legislative_stages: tuple[str, ...]
    partner_sectors: tuple[str, ...]
    unknown: str
    placeholder_patterns: tuple[re.Pattern[str], ...]
    letter_groups: tuple[Term, ...] = ()
    letter_group_rules: tuple[GroupRule, ...] = ()

    @property
    def letter_group_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.letter_groups)

    def letter_group(
        self, approaches: list[str], characters: list[str], own: str | None = None
    ) -> str:
        """The letter group of a measure: its own, else the first rule it meets, else the
        last group."""
        if own:
            return own
        for rule in self.letter_group_rules:
            if rule.approach in approaches and (
                rule.character is None or rule.character in characters
            ):
                return rule.group
        return self.letter_groups[-1].id

    @property
    def approach_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.approaches)

    @property
    def character_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.characters)

    @property
    def evidence_levels(self) -> tuple[str, ...]:
        return tuple(self.evidence_rank)

    def stage_index(self, stage: str) -> int:
        return self.legislative_stages.index(stage)

    def is_placeholder(self, text: str) -> bool:
        return any(p.search(text) for p in self.placeholder_patterns)


@cache
def vocabulary() -> Vocabulary:
    """The vocabularies, read once from the package data."""
    doc = yaml.safe_load(files("hicmonitor.catalog").joinpath("vocabulary.yaml").read_text("utf-8"))
    return Vocabulary(
        approaches=tuple(Term(t["id"], t["label"]) for t in doc["approaches"]),
        characters=tuple(Term(t["id"], t["label"]) for t in doc["characters"]),
        evidence_rank={t["id"]: int(t["rank"]) for t in doc["evidence_levels"]},
        measure_statuses=tuple(doc["measure_statuses"]),
        motion_kinds=tuple(doc["motion_kinds"]),
        motion_statuses=tuple(doc["motion_statuses"]),
        legislative_stages=tuple(doc["legislative_stages"]),
        partner_sectors=tuple(doc["partner_sectors"]),
        unknown=doc["unknown"],
        placeholder_patterns=tuple(re.compile(p) for p in doc["placeholder_patterns"]),
        letter_groups=tuple(Term(t["id"], t["label"]) for t in doc["letter_groups"]),
        letter_group_rules=tuple(
            GroupRule(r["aanpak"], r.get("karakter"), r["groep"]) for r in doc["letter_group_rules"]
        ),
    )
