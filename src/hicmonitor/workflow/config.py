"""The workflow's settings as data (``werkstroom.yaml``): the route, the decision parts, the
login limits, the session lifetime and the upload limits.

``HICMONITOR_WERKSTROOM_CONFIG`` points at another file of the same shape. Errors name the
file, the line-free field path and say what is wrong, in Dutch.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hicmonitor.errors import InputError

CONFIG_ENV = "HICMONITOR_WERKSTROOM_CONFIG"
DEFAULT_PATH = Path(str(files("hicmonitor.workflow"))) / "werkstroom.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parafeerder(_Strict):
    niveau: str = Field(min_length=1, max_length=40)
    naam: str = Field(min_length=1, max_length=100)
    ziet: Literal["alles"] | tuple[str, ...] = "alles"


class Inloggen(_Strict):
    max_mislukt: int = Field(5, ge=1, le=100)
    venster_minuten: int = Field(15, ge=1, le=24 * 60)
    blokkade_minuten: int = Field(15, ge=1, le=24 * 60)
    max_per_adres: int = Field(30, ge=1, le=10_000)


class Sessie(_Strict):
    inactief_minuten: int = Field(30, ge=1, le=24 * 60)
    maximaal_uren: int = Field(10, ge=1, le=24 * 7)


class Wachtwoord(_Strict):
    min_lengte: int = Field(12, ge=8, le=128)
    # argon2id cost (RFC 9106, second recommended option: 3 passes, 64 MiB, 4 lanes)
    argon2_tijd: int = Field(3, ge=1, le=20)
    argon2_geheugen_kib: int = Field(65536, ge=8192, le=4 * 1024 * 1024)
    argon2_parallel: int = Field(4, ge=1, le=64)

    @property
    def argon2(self) -> tuple[int, int, int]:
        return (self.argon2_tijd, self.argon2_geheugen_kib, self.argon2_parallel)


class Upload(_Strict):
    max_mb: int = Field(20, ge=1, le=500)
    max_uitgepakt_mb: int = Field(200, ge=1, le=4000)
    max_verhouding: int = Field(200, ge=2, le=10_000)
    max_onderdelen: int = Field(2000, ge=10, le=100_000)


class Tekst(_Strict):
    max_opmerking: int = Field(4000, ge=10, le=100_000)


class Config(_Strict):
    parafering: tuple[Parafeerder, ...] = Field(min_length=1)
    niveaus: tuple[str, ...] = Field(min_length=1)
    besluit: tuple[str, ...] = ()
    ondertekenaars: tuple[str, ...] = Field(min_length=1)
    inloggen: Inloggen = Inloggen()
    sessie: Sessie = Sessie()
    wachtwoord: Wachtwoord = Wachtwoord()
    upload: Upload = Upload()
    tekst: Tekst = Tekst()

    @field_validator("niveaus")
    @classmethod
    def _unique(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError("elk niveau mag maar één keer voorkomen")
        return v

    def model_post_init(self, _: object) -> None:
        unknown = [p.niveau for p in self.parafering if p.niveau not in self.niveaus]
        if unknown:
            raise ValueError(f"parafering: onbekend niveau {unknown[0]!r}; kies uit niveaus")


def parse(text: str, file: str | Path) -> Config:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(file, "geen geldige YAML", line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise InputError(file, "het bestand moet een blok met velden zijn")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise InputError(file, err["msg"], field=field) from None
    except ValueError as exc:
        raise InputError(file, str(exc)) from None


@lru_cache(maxsize=4)
def _load(path: str) -> Config:
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError:
        raise InputError(p, "werkstroominstellingen niet gevonden") from None
    return parse(text, p)


def load(path: str | Path | None = None) -> Config:
    """The settings: ``path``, else ``HICMONITOR_WERKSTROOM_CONFIG``, else the shipped file."""
    chosen = path or os.environ.get(CONFIG_ENV) or DEFAULT_PATH
    return _load(str(chosen))
