"""The memo's life: dossiers, versions, the paraaf route, sending and Woo publication.

Every function takes the open :class:`~hicmonitor.services.workflow.Workflow` and the acting
:class:`~hicmonitor.services.workflow.Actor`, checks the actor's roles, changes the store in
one transaction with an audit entry, and queues the e-mail for whoever is due next
(delivered after the commit when SMTP is configured). Actions that change a dossier take the
``lock`` (the dossier's version counter) the actor saw: when someone else changed the
dossier in between, the action is refused with a Dutch conflict message (optimistic
locking; the version column also guards the UPDATE itself).

The route logic is :mod:`hicmonitor.workflow.route`; what a version's documents say, section
by section, is :mod:`hicmonitor.workflow.documents`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hicmonitor.services.workflow import Actor, Workflow, now, record
from hicmonitor.workflow import accounts as acc
from hicmonitor.workflow import documents as docs
from hicmonitor.workflow import notify, signing
from hicmonitor.workflow import repository as repo
from hicmonitor.workflow import route as rt
from hicmonitor.workflow.errors import AccessDenied, Conflict, InvalidInput, NotFound

KENMERK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "yaml": "application/yaml",
    "zip": "application/zip",
}
CONFLICT = (
    "dit dossier is intussen gewijzigd, door iemand anders of in een ander venster ({what}); "
    "uw actie is niet uitgevoerd. Bekijk de nieuwe stand en probeer het zo nodig opnieuw"
)


# -- views --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierSummary:
    id: int
    year: int
    kenmerk: str
    title: str
    state: str
    state_label: str
    due_label: str | None
    versions: int


@dataclass(frozen=True)
class StepView:
    index: int
    label: str
    kind: str
    status: str  # gedaan | overgenomen | aan de beurt | wacht | retour
    by: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class MarkView:
    step_label: str
    kind: str
    by: str | None
    at: datetime
    version_number: int | None
    version_hash: str
    void: bool  # given on a version that is no longer the one on the route
    comment: str | None  # only for who may see section 5


@dataclass(frozen=True)
class FileView:
    name: str
    kind: str
    fmt: str
    size: int
    sha256: str


@dataclass(frozen=True)
class VersionSummary:
    number: int
    hash: str
    source: str
    by: str
    at: datetime
    note: str
    files: tuple[FileView, ...]


@dataclass(frozen=True)
class DossierView:
    id: int
    year: int
    kenmerk: str
    title: str
    author: str
    state: str
    state_label: str
    lock: int
    steps: tuple[StepView, ...]
    marks: tuple[MarkView, ...]
    versions: tuple[VersionSummary, ...]
    current: int | None
    route_version: int | None
    due: StepView | None
    viewer_due: bool
    is_author: bool
    may_see_section5: bool
    can_upload: bool
    can_offer: bool
    can_send: bool
    can_publish: bool
    sent_on: date | None
    publication: dict[str, Any] | None
    route_hash: str | None


@dataclass(frozen=True)
class VersionView:
    dossier_id: int
    title: str
    kenmerk: str
    number: int
    hash: str
    previous: int | None
    source: str
    by: str
    at: datetime
    note: str
    parts: tuple[docs.PartDiff, ...]
    withheld: int  # hidden parts not shown to this viewer
    may_see_section5: bool
    files: tuple[FileView, ...]
    signed: tuple[FileView, ...] = ()  # the signed copy (only for who may see section 5)
    signed_placement: str | None = None  # blok | paraafblad, once there is a signed copy


# -- helpers ------------------------------------------------------------------------------


def _dossier(s, dossier_id: int):  # noqa: ANN001, ANN202
    d = repo.dossier(s, dossier_id)
    if d is None:
        raise NotFound(f"dossier {dossier_id} bestaat niet")
    return d


def _require_reader(actor: Actor) -> None:
    if not actor.grants:
        raise AccessDenied("uw account heeft geen rol in de werkstroom")


def _require_author(actor: Actor, d) -> None:  # noqa: ANN001
    if actor.user_id != d.author_id or not actor.has(acc.OPSTELLER):
        raise AccessDenied("alleen de opsteller van dit dossier kan dit doen")


def _check_lock(d, lock: int | None, what: str = "de stand is veranderd") -> None:  # noqa: ANN001
    if lock is not None and d.lock_version != lock:
        raise Conflict(CONFLICT.format(what=what))


def _sees5(actor: Actor, d) -> bool:  # noqa: ANN001
    if actor.user_id is None:
        return False
    return acc.may_see_section5(actor.user_id, actor.grants, d.author_id, repo.route_of(d))


def _manifest_hash(files: Sequence[tuple[str, str]]) -> str:
    text = "".join(f"{n}\t{h}\n" for n, h in sorted(files))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _name(s, user_id: int | None) -> str | None:  # noqa: ANN001
    if user_id is None:
        return None
    u = repo.user_by_id(s, user_id)
    return u.display_name if u else None


def _parts(v) -> list[docs.Part]:  # noqa: ANN001
    return docs.parts_from_json(json.loads(v.sections))


# -- what an actor may do -----------------------------------------------------------------

AUTHOR_ACTIONS = ("versie", "rapport", "aanbieden", "verzonden")


def allowed(ws: Workflow, actor: Actor, dossier_id: int) -> frozenset[str]:
    """The actions ``actor``'s roles allow on a dossier, whatever its state (a step that is
    not due is a conflict, not a refusal): ``lezen``, ``sectie5``, the author's actions,
    ``besluit`` (holds a role on the route), ``publiceren`` (woo-coördinator)."""
    if not actor.grants:
        return frozenset()
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        route = repo.route_of(d)
        out = {"lezen"}
        if _sees5(actor, d):
            out.add("sectie5")
        if actor.user_id == d.author_id and actor.has(acc.OPSTELLER):
            out.update(AUTHOR_ACTIONS)
        if any(acc.holds(actor.grants, st) for st in route):
            out.add("besluit")
        if actor.has(acc.WOO):
            out.add("publiceren")
        return frozenset(out)


def require(ws: Workflow, actor: Actor, dossier_id: int, action: str) -> None:
    """Refuse (403) unless ``action`` is among :func:`allowed`."""
    if action not in allowed(ws, actor, dossier_id):
        messages = {
            "besluit": "u staat niet op de route van dit dossier",
            "publiceren": "alleen een woo-coördinator kan publiceren",
            "lezen": "uw account heeft geen rol in de werkstroom",
        }
        raise AccessDenied(messages.get(action, "alleen de opsteller van dit dossier kan dit doen"))


# -- listing and creating -----------------------------------------------------------------


def list_dossiers(ws: Workflow, actor: Actor) -> list[DossierSummary]:
    _require_reader(actor)
    with ws.db.read() as s:
        out = []
        for d in repo.all_dossiers(s):
            route = repo.route_of(d)
            due = route[d.step].label if d.step is not None and d.step < len(route) else None
            out.append(
                DossierSummary(
                    d.id,
                    d.year,
                    d.kenmerk,
                    d.title,
                    d.state,
                    rt.LABELS[d.state],
                    due,
                    len(repo.versions_of(s, d.id)),
                )
            )
        return out


def default_signatories(ws: Workflow, year: int, content_root: Path | None = None) -> list[str]:
    """The signatories of the year's report spec, else the configured ones."""
    from hicmonitor.errors import HicError
    from hicmonitor.reports.spec import default_spec_path, load_spec

    path = default_spec_path(year, content_root)
    if path.is_file():
        try:
            spec = load_spec(path)
            return [o.functie for o in spec.ondertekenaars]
        except HicError:
            pass
    return list(ws.config.ondertekenaars)


def default_parafering(ws: Workflow, year: int, content_root: Path | None = None):  # noqa: ANN201
    """(level, label, sees) per parafeerder: the spec's ``parafering`` when the spec has
    one (a list of levels), else ``werkstroom.yaml``."""
    from hicmonitor.errors import HicError
    from hicmonitor.reports.spec import default_spec_path, load_spec

    by_level = {p.niveau: p for p in ws.config.parafering}
    levels: list[str] | None = None
    path = default_spec_path(year, content_root)
    if path.is_file():
        try:
            levels = list(getattr(load_spec(path), "parafering", None) or []) or None
        except HicError:
            levels = None
    chosen = (
        [by_level[lv] for lv in levels if lv in by_level] if levels else list(by_level.values())
    )
    return [(p.niveau, p.naam, None if p.ziet == "alles" else tuple(p.ziet)) for p in chosen]


def create_dossier(
    ws: Workflow,
    actor: Actor,
    year: int,
    kenmerk: str,
    *,
    title: str | None = None,
    signatories: Sequence[str] | None = None,
    content_root: Path | None = None,
) -> int:
    """A new dossier (concept) authored by ``actor``; the route from the settings and the
    year's spec (its signatories)."""
    if not actor.has(acc.OPSTELLER):
        raise AccessDenied("alleen een opsteller kan een dossier aanmaken")
    if not 2000 <= year <= 2100:
        raise InvalidInput("jaar: een jaartal van 2000 tot 2100")
    kenmerk = kenmerk.strip()
    if not KENMERK_RE.match(kenmerk):
        raise InvalidInput(
            "kenmerk: letters, cijfers, '.', '_' en '-' (hoogstens 64 tekens, beginnend met "
            "een letter of cijfer)"
        )
    title = " ".join((title or f"Voortgangsrapportage High Impact Crimes {year}").split())
    if not 1 <= len(title) <= 300:
        raise InvalidInput("titel: 1 tot 300 tekens")
    sigs = [" ".join(x.split()) for x in (signatories or []) if x.strip()]
    if not sigs:
        sigs = default_signatories(ws, year, content_root)
    if len(sigs) > 10 or any(not 3 <= len(x) <= 200 for x in sigs):
        raise InvalidInput("ondertekenaars: één tot tien functies van 3 tot 200 tekens")
    route = rt.build_route(default_parafering(ws, year, content_root), sigs)
    with ws.db.write() as s:
        if repo.dossier_by_kenmerk(s, kenmerk) is not None:
            raise InvalidInput(f"er is al een dossier met kenmerk {kenmerk}")
        d = repo.add_dossier(
            s,
            year=year,
            kenmerk=kenmerk,
            title=title,
            author_id=actor.user_id,
            route=json.dumps([st.to_dict() for st in route], ensure_ascii=False),
            state=rt.CONCEPT,
            round=0,
            created_at=now(),
        )
        record(
            s,
            actor,
            "dossier aangemaakt",
            d.id,
            detail={"kenmerk": kenmerk, "jaar": year, "route": [st.label for st in route]},
        )
        return d.id


# -- versions -----------------------------------------------------------------------------


@dataclass
class NewFile:
    name: str
    kind: str  # beslisnota | kamerbrief | spec
    fmt: str
    data: bytes


@dataclass
class VersionResult:
    number: int
    hash: str
    restarted_at: str | None = None
    reason: str = ""
    carried: list[str] = field(default_factory=list)
    voided: int = 0


def add_version_upload(
    ws: Workflow,
    actor: Actor,
    dossier_id: int,
    *,
    memo: tuple[str, bytes] | None = None,
    letter: tuple[str, bytes] | None = None,
    note: str = "",
    section5_from: str | None = None,
    lock: int | None = None,
) -> VersionResult:
    """A new version from Word documents the team edited: the memo and/or the letter; a
    document not uploaded is carried over from the previous version."""
    if memo is None and letter is None:
        raise InvalidInput("kies een Word-document (.docx) om te uploaden")
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        _require_author(actor, d)
        _check_lock(d, lock)
        if not rt.may_add_version(repo.position_of(d)):
            raise Conflict(f"de nota is {rt.LABELS[d.state]}: een nieuwe versie kan niet meer")
        prev = repo.latest_version(s, dossier_id)
        prev_files = repo.files_of(s, prev.id) if prev else []
        carried = {
            f.kind: NewFile(f.name, f.kind, f.fmt, repo.blob(s, f.sha256) or b"")
            for f in prev_files
            if f.fmt == "docx" and f.kind in docs.KINDS
        }
        prev_from = prev.section5_from if prev else None
    section5 = _clean_section5_from(section5_from) if section5_from else prev_from
    if memo is None and docs.MEMO not in carried:
        raise InvalidInput("de eerste versie heeft een beslisnota nodig (Word, .docx)")
    new: dict[str, NewFile] = {}
    for kind, upload in ((docs.MEMO, memo), (docs.LETTER, letter)):
        if upload is None:
            continue
        fname, data = upload
        if not fname.lower().endswith(".docx"):
            raise InvalidInput(f"{kind}: alleen Word-documenten (.docx) worden aanvaard")
        docs.check_docx(data, kind, ws.config.upload)
        new[kind] = NewFile(f"{kind}.docx", kind, "docx", data)
    files = {**carried, **new}
    parts: list[docs.Part] = []
    for kind in docs.KINDS:
        if kind in files:
            parts += docs.docx_parts(
                files[kind].data, kind, section5_from=section5 if kind == docs.MEMO else None
            )
    uploaded = ", ".join(n for n, _ in (u for u in (memo, letter) if u is not None))
    return _add_version(
        ws,
        actor,
        dossier_id,
        list(files.values()),
        parts,
        source="upload",
        note=_upload_note(note, uploaded),
        spec_yaml=None,
        section5_from=section5,
        lock=lock,
    )


def _upload_note(note: str, uploaded: str) -> str:
    note = " ".join(note.split())
    if not uploaded:
        return note
    return f"{note} (geüpload: {uploaded[:200]})" if note else f"geüpload: {uploaded[:200]}"


def _clean_section5_from(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > 500:
        raise InvalidInput("'sectie 5 begint bij': hoogstens 500 tekens")
    return text


def add_version_from_report(
    ws: Workflow,
    actor: Actor,
    dossier_id: int,
    con: Any,
    *,
    spec_path: Path | None = None,
    formats: Sequence[str] = ("docx", "pdf", "html"),
    note: str = "",
    lock: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> VersionResult:
    """A new version built by ``hic rapport`` from the store and the year's spec: the
    rendered files, the spec and their sha256."""
    from hicmonitor.reports.spec import default_spec_path
    from hicmonitor.services import reports

    if "docx" not in formats:
        raise InvalidInput("een versie heeft de Word-bestanden (docx) nodig")
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        _require_author(actor, d)
        _check_lock(d, lock)
        if not rt.may_add_version(repo.position_of(d)):
            raise Conflict(f"de nota is {rt.LABELS[d.state]}: een nieuwe versie kan niet meer")
        year, kenmerk = d.year, d.kenmerk
    path = spec_path or default_spec_path(year)
    spec = reports.resolve_spec(con, year, path)
    if spec.kenmerk != kenmerk:
        raise InvalidInput(
            f"{path}: de specificatie heeft kenmerk {spec.kenmerk}, het dossier {kenmerk}"
        )
    tmp = Path(tempfile.mkdtemp(prefix="hic-werk-rapport-"))
    try:
        written = reports.make_reports(con, spec, tmp, list(formats), progress=progress)
        files = []
        for p in written:
            kind = p.name.split("_", 1)[0]
            files.append(NewFile(p.name, kind, p.suffix.lstrip("."), p.read_bytes()))
        spec_text = Path(path).read_text("utf-8")
        files.append(NewFile("specificatie.yaml", "spec", "yaml", spec_text.encode("utf-8")))
        parts: list[docs.Part] = []
        for kind in docs.KINDS:
            docx = next((f for f in files if f.kind == kind and f.fmt == "docx"), None)
            if docx is not None:
                parts += docs.docx_parts(docx.data, kind)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _add_version(
        ws,
        actor,
        dossier_id,
        files,
        parts,
        source="rapport",
        note=note.strip(),
        spec_yaml=spec_text,
        section5_from=None,
        lock=lock,
    )


def _changed_fn(s, dossier_id: int, new_parts: list[docs.Part]):  # noqa: ANN001, ANN202
    cache: dict[str, frozenset[str] | None] = {}

    def changed(h: str) -> frozenset[str] | None:
        if h not in cache:
            v = repo.version_by_hash(s, dossier_id, h)
            if v is None:
                cache[h] = None
            else:
                diff = docs.changed_parts(_parts(v), new_parts)
                cache[h] = diff or None  # same text, other files: cannot show the change
        return cache[h]

    return changed


def _carry(
    s, d, restart: rt.Restart, marks: dict[int, str], route, version, reason: str
) -> list[str]:  # noqa: ANN001
    """Record the carried-over parafen of ``restart.carried`` in the dossier's new round."""
    labels = []
    given = [m for m in repo.marks_of(s, d.id) if m.kind in ("akkoord", "overgenomen")]
    for i in restart.carried:
        if i not in marks:
            continue
        orig = next((m for m in reversed(given) if m.step == i and m.seen_hash == marks[i]), None)
        repo.add_mark(
            s,
            dossier_id=d.id,
            version_id=version.id,
            version_hash=version.hash,
            seen_hash=marks[i],
            round=d.round,
            step=i,
            step_label=route[i].label,
            kind="overgenomen",
            user_id=orig.user_id if orig else None,
            comment=reason,
            at=now(),
        )
        labels.append(route[i].label)
    return labels


def _add_version(
    ws: Workflow,
    actor: Actor,
    dossier_id: int,
    files: list[NewFile],
    parts: list[docs.Part],
    *,
    source: str,
    note: str,
    spec_yaml: str | None,
    section5_from: str | None,
    lock: int | None,
) -> VersionResult:
    shas = [(f.name, docs.sha256(f.data)) for f in files]
    h = _manifest_hash(shas)
    queued: list[int] = []
    with ws.db.write() as s:
        d = _dossier(s, dossier_id)
        _require_author(actor, d)
        _check_lock(d, lock)
        pos = repo.position_of(d)
        if not rt.may_add_version(pos):
            raise Conflict(f"de nota is {rt.LABELS[d.state]}: een nieuwe versie kan niet meer")
        prev = repo.latest_version(s, dossier_id)
        if prev is not None and prev.hash == h:
            raise InvalidInput(
                f"deze bestanden zijn gelijk aan versie {prev.number}; er is niets veranderd"
            )
        for f, (_, sha) in zip(files, shas, strict=True):
            repo.put_blob(s, sha, f.data)
        v = repo.add_version(
            s,
            [
                {"name": f.name, "kind": f.kind, "fmt": f.fmt, "sha256": sha, "size": len(f.data)}
                for f, (_, sha) in zip(files, shas, strict=True)
            ],
            dossier_id=dossier_id,
            number=(prev.number + 1) if prev else 1,
            hash=h,
            source=source,
            created_by=actor.user_id,
            created_at=now(),
            note=note[:2000],
            spec_yaml=spec_yaml,
            section5_from=section5_from,
            sections=json.dumps(docs.parts_to_json(parts), ensure_ascii=False),
        )
        d.current_hash = h
        record(
            s,
            actor,
            "versie toegevoegd",
            d.id,
            h,
            {"versie": v.number, "bron": source, "bestanden": dict(shas)},
        )
        result = VersionResult(v.number, h)
        if pos.state in (rt.TER_PARAFERING, rt.TER_EINDPARAAF):
            route = repo.route_of(d)
            marks = repo.effective_marks(s, d)
            restart = rt.restart_point(
                route, marks, h, _changed_fn(s, dossier_id, parts), ws.config.besluit
            )
            voided = len(marks)
            new_pos = rt.restart_on_new_version(pos, route, restart, h)
            repo.set_position(d, new_pos)
            carried = _carry(s, d, restart, marks, route, v, _carry_reason(restart))
            result.restarted_at = route[restart.step].label if restart.step < len(route) else None
            result.reason, result.carried, result.voided = restart.reason, carried, voided
            record(
                s,
                actor,
                "route herstart",
                d.id,
                h,
                {
                    "vanaf": result.restarted_at,
                    "reden": restart.reason,
                    "gewijzigd": sorted(restart.changed),
                    "vervallen parafen": voided,
                    "overgenomen": carried,
                },
            )
            queued = _queue_due(s, d, new_pos, route)
        _flush(s)
    _deliver(ws, queued)
    return result


def _carry_reason(restart: rt.Restart) -> str:
    return "paraaf overgenomen: de wijziging valt buiten wat deze stap opnieuw moet zien"


# -- the route ----------------------------------------------------------------------------


def offer(ws: Workflow, actor: Actor, dossier_id: int, *, lock: int | None = None) -> str:
    """The author offers the memo for initialling; returns the label of the step now due."""
    with ws.db.write() as s:
        d = _dossier(s, dossier_id)
        _require_author(actor, d)
        _check_lock(d, lock)
        if d.current_hash is None:
            raise InvalidInput("voeg eerst een versie toe")
        pos = repo.position_of(d)
        route = repo.route_of(d)
        if pos.state != rt.CONCEPT:
            raise Conflict(f"aanbieden kan niet: de nota staat op '{rt.LABELS[pos.state]}'")
        current = repo.version_by_hash(s, d.id, d.current_hash)
        marks = repo.effective_marks(s, d)
        restart = rt.restart_point(
            route, marks, d.current_hash, _changed_fn(s, d.id, _parts(current)), ws.config.besluit
        )
        new_pos = rt.offer(pos, route, restart, d.current_hash)
        repo.set_position(d, new_pos)
        carried: list[str] = []
        if new_pos.round != pos.round:
            carried = _carry(s, d, restart, marks, route, current, _carry_reason(restart))
        label = route[restart.step].label if restart.step < len(route) else rt.LABELS[new_pos.state]
        record(
            s,
            actor,
            "aangeboden",
            d.id,
            d.current_hash,
            {
                "versie": current.number,
                "vanaf": label,
                "reden": restart.reason,
                "overgenomen": carried,
            },
        )
        queued = _queue_due(s, d, new_pos, route)
        _flush(s)
    _deliver(ws, queued)
    return label


def _flush(s) -> None:  # noqa: ANN001
    """Write now: a stale dossier (its version column moved on) is a Conflict, raised by
    :meth:`WorkflowDB.write`."""
    s.flush()


def decide(
    ws: Workflow,
    actor: Actor,
    dossier_id: int,
    step: int,
    version_hash: str,
    *,
    approve: bool,
    comment: str | None = None,
    lock: int | None = None,
) -> str:
    """Akkoord (paraaf / eindparaaf) or retour met opmerkingen on the due step. Returns the
    new state's label."""
    comment = (comment or "").strip()
    if len(comment) > ws.config.tekst.max_opmerking:
        raise InvalidInput(f"opmerkingen: hoogstens {ws.config.tekst.max_opmerking} tekens")
    at = now()
    # the last eindparaaf: the signed copy is made before the write transaction (rendering
    # takes a moment), and checked against the marks inside it
    prepared = _prepare_signed(ws, actor, dossier_id, step, version_hash, at) if approve else None
    with ws.db.write() as s:
        d = _dossier(s, dossier_id)
        route = repo.route_of(d)
        if not 0 <= step < len(route):
            raise InvalidInput("onbekende stap")
        st = route[step]
        if not acc.holds(actor.grants, st):
            raise AccessDenied(f"deze stap is voor {st.label}")
        _check_lock(d, lock)
        pos = repo.position_of(d)
        if not approve and not comment:
            raise InvalidInput("geef bij retour uw opmerkingen voor de opsteller")
        new_pos = (
            rt.approve(pos, route, step, version_hash)
            if approve
            else rt.send_back(pos, step, version_hash)
        )
        v = repo.version_by_hash(s, d.id, version_hash)
        kind = "akkoord" if approve else "retour"
        repo.add_mark(
            s,
            dossier_id=d.id,
            version_id=v.id,
            version_hash=version_hash,
            seen_hash=version_hash,
            round=d.round,
            step=step,
            step_label=st.label,
            kind=kind,
            user_id=actor.user_id,
            comment=comment or None,
            at=at,
        )
        repo.set_position(d, new_pos)
        action = ("eindparaaf" if st.kind == rt.EINDPARAAF else "paraaf") if approve else "retour"
        record(
            s,
            actor,
            action,
            d.id,
            version_hash,
            {"stap": st.label, "versie": v.number, "opmerkingen": len(comment)},
        )
        if new_pos.state == rt.GETEKEND:
            _store_signed(s, actor, d, route, v, prepared)
        queued = _queue_due(s, d, new_pos, route)
        _flush(s)
    _deliver(ws, queued)
    return rt.LABELS[new_pos.state]


# -- the signed copy ----------------------------------------------------------------------


@dataclass(frozen=True)
class SignedCopy:
    lines: tuple[signing.SignLine, ...]
    placement: str
    files: tuple[NewFile, ...]


def _sign_lines(s, d, route, planned: tuple[int, datetime] | None = None):  # noqa: ANN001, ANN202
    """The block's rows from the marks of the dossier's current round (and ``planned``: the
    akkoord about to be given)."""
    marks = repo.marks_of(s, d.id)
    given: dict[int, tuple[datetime, bool]] = {}
    for m in marks:
        if m.round != d.round or m.kind not in ("akkoord", "overgenomen"):
            continue
        if m.kind == "overgenomen":  # the date the paraaf was really given
            orig = [
                x for x in marks if x.kind == "akkoord" and x.step == m.step
                and x.version_hash == m.seen_hash
            ]  # fmt: skip
            given[m.step] = (orig[-1].at if orig else m.at, True)
        else:
            given[m.step] = (m.at, False)
    if planned is not None:
        given[planned[0]] = (planned[1], False)
    return tuple(signing.block_lines(route, given))


def _memo_file(s, version_id: int):  # noqa: ANN001, ANN202
    return next(
        (f for f in repo.files_of(s, version_id) if f.kind == docs.MEMO and f.fmt == "docx"),
        None,
    )


def _make_signed(name: str, data: bytes, lines: Sequence[signing.SignLine]) -> SignedCopy:
    """The signed copy's DOCX (the block filled) and its PDF (rendered from that DOCX)."""
    from hicmonitor.woo.render import render_pdf

    docx, placement = signing.fill_docx(data, lines)
    stem = f"{Path(name).stem}_getekend"
    tmp = Path(tempfile.mkdtemp(prefix="hic-werk-getekend-"))
    try:
        (tmp / f"{stem}.docx").write_bytes(docx)
        render_pdf(tmp / f"{stem}.docx", tmp / f"{stem}.pdf")
        pdf = (tmp / f"{stem}.pdf").read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return SignedCopy(
        tuple(lines),
        placement,
        (
            NewFile(f"{stem}.docx", docs.MEMO, "docx", docx),
            NewFile(f"{stem}.pdf", docs.MEMO, "pdf", pdf),
        ),
    )


def _prepare_signed(
    ws: Workflow, actor: Actor, dossier_id: int, step: int, version_hash: str, at: datetime
) -> SignedCopy | None:
    """The signed copy as it will be when this akkoord is the last one; None otherwise."""
    with ws.db.read() as s:
        d = repo.dossier(s, dossier_id)
        if d is None:
            return None
        route = repo.route_of(d)
        last = len(route) - 1
        if not (
            d.state == rt.TER_EINDPARAAF
            and d.step == step == last
            and d.route_hash == version_hash
            and acc.holds(actor.grants, route[step])
        ):
            return None
        v = repo.version_by_hash(s, d.id, version_hash)
        memo = _memo_file(s, v.id) if v else None
        if memo is None:
            return None
        lines = _sign_lines(s, d, route, (step, at))
        name, data = memo.name, repo.blob(s, memo.sha256) or b""
    return _make_signed(name, data, lines)


def _store_signed(s, actor: Actor, d, route, v, prepared: SignedCopy | None) -> None:  # noqa: ANN001
    """Keep the signed copy with the dossier (made now when the prepared one does not fit
    the marks as they are), with an audit entry."""
    memo = _memo_file(s, v.id)
    if memo is None:
        return
    lines = _sign_lines(s, d, route)
    copy_ = prepared
    if copy_ is None or copy_.lines != lines:
        copy_ = _make_signed(memo.name, repo.blob(s, memo.sha256) or b"", lines)
    t = now()
    shas = {}
    for f in copy_.files:
        sha = docs.sha256(f.data)
        repo.put_blob(s, sha, f.data)
        repo.add_signed_file(
            s,
            dossier_id=d.id,
            version_id=v.id,
            version_hash=v.hash,
            round=d.round,
            name=f.name,
            kind=f.kind,
            fmt=f.fmt,
            sha256=sha,
            size=len(f.data),
            placement=copy_.placement,
            at=t,
        )
        shas[f.name] = sha
    record(
        s,
        actor,
        "getekend exemplaar",
        d.id,
        v.hash,
        {
            "versie": v.number,
            "bestanden": shas,
            "plaats": copy_.placement,
            "blok": [f"{x.role}: {x.date_text} {x.box.lower()} {x.mark}" for x in lines],
        },
    )


def record_sent(
    ws: Workflow, actor: Actor, dossier_id: int, sent_on: date, *, lock: int | None = None
) -> None:
    """The signed letter went to parliament on ``sent_on``."""
    today = now().date()
    with ws.db.write() as s:
        d = _dossier(s, dossier_id)
        _require_author(actor, d)
        _check_lock(d, lock)
        signed = [
            m.at for m in repo.marks_of(s, d.id) if m.kind == "akkoord" and m.round == d.round
        ]
        if sent_on > today:
            raise InvalidInput("de verzenddatum ligt in de toekomst")
        if signed and sent_on < max(signed).date():
            raise InvalidInput("de verzenddatum ligt vóór de ondertekening")
        new_pos = rt.mark_sent(repo.position_of(d))
        repo.set_position(d, new_pos)
        d.sent_on = sent_on
        record(s, actor, "verzonden", d.id, d.route_hash, {"datum": sent_on.isoformat()})
        queued = _queue_due(s, d, new_pos, repo.route_of(d))
        _flush(s)
    _deliver(ws, queued)


@dataclass(frozen=True)
class PublicationResult:
    files: dict[str, str]
    package_sha256: str
    redactions: int
    warnings: tuple[str, ...]


def publish(
    ws: Workflow, actor: Actor, dossier_id: int, *, lock: int | None = None
) -> PublicationResult:
    """Woo publication of the signed version: section 5 removed, 5.1.2e redaction, inventory,
    leak check (the existing pipeline); the package is kept with the dossier."""
    from hicmonitor.services import woo

    if not actor.has(acc.WOO):
        raise AccessDenied("alleen een woo-coördinator kan publiceren")
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        _check_lock(d, lock)
        rt.mark_published(repo.position_of(d))  # raises unless the memo was sent
        v = repo.version_by_hash(s, d.id, d.route_hash)
        signed = {
            f.kind: f for f in repo.signed_files_of(s, v.id) if f.fmt == "docx"
        }  # the signed copy of the memo replaces the frozen memo
        inputs = [
            (f.kind, repo.blob(s, signed.get(f.kind, f).sha256) or b"")
            for f in repo.files_of(s, v.id)
            if f.fmt == "docx" and f.kind in docs.KINDS
        ]
        source = {k: f.sha256 for k, f in signed.items()}
        section5_from, version_hash, version_id = v.section5_from, v.hash, v.id
        seen_lock = d.lock_version
    tmp = Path(tempfile.mkdtemp(prefix="hic-werk-woo-"))
    try:
        sources: list[Path] = []
        vanaf: dict[Path, str] = {}
        for kind, data in sorted(inputs, key=lambda x: docs.KINDS.index(x[0])):
            p = tmp / "in" / f"{kind}.docx"
            p.parent.mkdir(exist_ok=True)
            p.write_bytes(data)
            sources.append(p)
            if kind == docs.LETTER:
                vanaf[p] = "geen"  # a letter to parliament has no section 5
            elif section5_from:
                vanaf[p] = section5_from
        out = tmp / "uit"
        pub = woo.publish_documents(sources, out, ws.detector(), vanaf=vanaf)
        names = sorted(p.name for p in out.iterdir() if p.is_file())
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for n in names:
                info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, (out / n).read_bytes())
        shas = {n: docs.sha256((out / n).read_bytes()) for n in names}
        package = buf.getvalue()
        redactions = sum(len(o.result.findings) for o in pub.documents)
        warnings = tuple(w for o in pub.documents for w in o.result.warnings)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    package_sha = docs.sha256(package)
    with ws.db.write() as s:
        d = _dossier(s, dossier_id)
        _check_lock(d, seen_lock, "er is intussen gepubliceerd of iets gewijzigd")
        new_pos = rt.mark_published(repo.position_of(d))
        repo.put_blob(s, package_sha, package)
        repo.add_publication(
            s,
            dossier_id=d.id,
            version_id=version_id,
            version_hash=version_hash,
            package_sha256=package_sha,
            files=json.dumps(shas),
            published_by=actor.user_id,
            at=now(),
        )
        repo.set_position(d, new_pos)
        record(
            s,
            actor,
            "gepubliceerd",
            d.id,
            version_hash,
            {
                "pakket": package_sha,
                "bestanden": shas,
                "lakkingen": redactions,
                "getekend exemplaar": source,
            },
        )
        queued = _queue_due(s, d, new_pos, repo.route_of(d))
        _flush(s)
    _deliver(ws, queued)
    return PublicationResult(shas, package_sha, redactions, warnings)


# -- reading ------------------------------------------------------------------------------


def _file_views(s, version_id: int) -> tuple[FileView, ...]:  # noqa: ANN001
    return tuple(
        FileView(f.name, f.kind, f.fmt, f.size, f.sha256) for f in repo.files_of(s, version_id)
    )


def dossier_view(ws: Workflow, actor: Actor, dossier_id: int) -> DossierView:
    _require_reader(actor)
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        route = repo.route_of(d)
        sees5 = _sees5(actor, d)
        versions = repo.versions_of(s, d.id)
        numbers = {v.hash: v.number for v in versions}
        all_marks = repo.marks_of(s, d.id)
        marks = tuple(
            MarkView(
                m.step_label,
                m.kind,
                _name(s, m.user_id),
                m.at,
                numbers.get(m.version_hash),
                m.version_hash,
                m.round != d.round or (m.kind != "retour" and m.version_hash != d.route_hash),
                m.comment if sees5 else None,
            )
            for m in all_marks
        )
        current_round = {m.step: m for m in all_marks if m.round == d.round and m.kind != "retour"}
        steps = []
        for i, st in enumerate(route):
            m = current_round.get(i)
            if m is not None:
                status = "overgenomen" if m.kind == "overgenomen" else "gedaan"
                steps.append(StepView(i, st.label, st.kind, status, _name(s, m.user_id), m.at))
            elif d.step == i and d.state in (rt.TER_PARAFERING, rt.TER_EINDPARAAF):
                steps.append(StepView(i, st.label, st.kind, "aan de beurt"))
            elif d.state == rt.CONCEPT and d.returned_by == i:
                steps.append(StepView(i, st.label, st.kind, "retour"))
            else:
                steps.append(StepView(i, st.label, st.kind, "wacht"))
        due = (
            steps[d.step]
            if d.step is not None
            and d.step < len(steps)
            and d.state in (rt.TER_PARAFERING, rt.TER_EINDPARAAF)
            else None
        )
        is_author = actor.user_id == d.author_id and actor.has(acc.OPSTELLER)
        pub = repo.publication_of(s, d.id)
        publication = None
        if pub is not None:
            publication = {
                "at": pub.at,
                "by": _name(s, pub.published_by),
                "files": json.loads(pub.files),
                "package": pub.package_sha256,
                "version": numbers.get(pub.version_hash),
            }
        return DossierView(
            d.id,
            d.year,
            d.kenmerk,
            d.title,
            _name(s, d.author_id) or "?",
            d.state,
            rt.LABELS[d.state],
            d.lock_version,
            tuple(steps),
            marks,
            tuple(
                VersionSummary(
                    v.number,
                    v.hash,
                    v.source,
                    _name(s, v.created_by) or "?",
                    v.created_at,
                    v.note,
                    _file_views(s, v.id) if sees5 else (),
                )
                for v in versions
            ),
            versions[-1].number if versions else None,
            numbers.get(d.route_hash) if d.route_hash else None,
            due,
            due is not None and acc.holds(actor.grants, route[due.index]),
            is_author,
            sees5,
            is_author and rt.may_add_version(repo.position_of(d)),
            is_author and d.state == rt.CONCEPT and d.current_hash is not None,
            is_author and d.state == rt.GETEKEND,
            actor.has(acc.WOO) and d.state == rt.VERZONDEN,
            d.sent_on,
            publication,
            d.route_hash,
        )


def version_view(ws: Workflow, actor: Actor, dossier_id: int, number: int) -> VersionView:
    """A version with its text section by section against the previous version; section 5
    only for who may see it (and each such view is in the audit trail)."""
    _require_reader(actor)
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        v = repo.version(s, dossier_id, number)
        if v is None:
            raise NotFound(f"dossier {dossier_id} heeft geen versie {number}")
        prev = repo.version(s, dossier_id, number - 1) if number > 1 else None
        sees5 = _sees5(actor, d)
        parts = docs.diff(_parts(prev) if prev else None, _parts(v))
        shown = tuple(p for p in parts if sees5 or not p.hidden)
        withheld = len(parts) - len(shown)
        by = _name(s, v.created_by) or "?"
        files = _file_views(s, v.id) if sees5 else ()
        signed_rows = repo.signed_files_of(s, v.id)
        signed = (
            tuple(FileView(f.name, f.kind, f.fmt, f.size, f.sha256) for f in signed_rows)
            if sees5
            else ()
        )
        view = VersionView(
            d.id,
            d.title,
            d.kenmerk,
            v.number,
            v.hash,
            prev.number if prev else None,
            v.source,
            by,
            v.created_at,
            v.note,
            shown,
            withheld,
            sees5,
            files,
            signed,
            signed_rows[0].placement if signed_rows else None,
        )
        has_hidden = any(p.hidden for p in parts)
    if sees5 and has_hidden:
        with ws.db.write() as s:
            record(s, actor, "sectie 5 bekeken", dossier_id, v.hash, {"versie": number})
    return view


def version_file(
    ws: Workflow, actor: Actor, dossier_id: int, number: int, name: str
) -> tuple[bytes, str, str]:
    """(data, media type, file name) of a version's file: the full documents hold section 5,
    so only who may see it can download them (and the download is in the audit trail)."""
    _require_reader(actor)
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        if not _sees5(actor, d):
            raise AccessDenied(
                "de volledige documenten bevatten sectie 5: alleen de opsteller en de rollen op "
                "de route kunnen ze downloaden"
            )
        v = repo.version(s, dossier_id, number)
        f = None
        if v is not None:  # the version's own files, then its signed copy
            f = next((f for f in repo.files_of(s, v.id) if f.name == name), None) or next(
                (f for f in repo.signed_files_of(s, v.id) if f.name == name), None
            )
        if f is None:
            raise NotFound("dit bestand hoort niet bij deze versie")
        data = repo.blob(s, f.sha256) or b""
        media, h, fname = MEDIA.get(f.fmt, "application/octet-stream"), v.hash, f.name
    with ws.db.write() as s:
        record(s, actor, "sectie 5 bekeken", dossier_id, h, {"versie": number, "bestand": fname})
    return data, media, fname


def publication_package(ws: Workflow, actor: Actor, dossier_id: int) -> tuple[bytes, str]:
    """The Woo package (public: section 5 removed, redacted) as a zip, for every role."""
    _require_reader(actor)
    with ws.db.read() as s:
        d = _dossier(s, dossier_id)
        pub = repo.publication_of(s, d.id)
        if pub is None:
            raise NotFound("dit dossier is nog niet gepubliceerd")
        return repo.blob(s, pub.package_sha256) or b"", f"woo-{d.kenmerk}.zip"


# -- notifications ------------------------------------------------------------------------


def _queue_due(s, d, pos: rt.Position, route) -> list[int]:  # noqa: ANN001
    """Queue the e-mail to whoever is due now; returns the outbox ids."""
    t = now()
    link = f"{notify.base_url()}/werk/dossiers/{d.id}"
    what = f"'{d.title}' (kenmerk {d.kenmerk})"
    recipients: list[tuple[Any, str, str]] = []
    if pos.state in (rt.TER_PARAFERING, rt.TER_EINDPARAAF) and pos.step is not None:
        st = route[pos.step]
        kind = "eindparaaf" if st.kind == rt.EINDPARAAF else "paraaf"
        for u, q in repo.holders(s, st.role):
            if acc.holds([acc.Grant(st.role, q)], st):
                recipients.append(
                    (
                        u,
                        f"Ter {kind}: {d.title}",
                        f"De beslisnota {what} wacht op uw {kind} als {st.label}.",
                    )
                )
    elif pos.state == rt.CONCEPT and pos.returned_by is not None:
        u = repo.user_by_id(s, d.author_id)
        label = route[pos.returned_by].label
        recipients.append(
            (
                u,
                f"Retour met opmerkingen: {d.title}",
                f"{label} heeft de beslisnota {what} teruggestuurd met opmerkingen. Lees ze in de werkstroom.",
            )
        )
    elif pos.state == rt.GETEKEND:
        u = repo.user_by_id(s, d.author_id)
        recipients.append(
            (
                u,
                f"Getekend: {d.title}",
                f"De beslisnota {what} is getekend. Verzend de brief en meld de verzenddatum.",
            )
        )
    elif pos.state == rt.VERZONDEN:
        for u, _ in repo.holders(s, acc.WOO):
            recipients.append(
                (
                    u,
                    f"Ter publicatie (Woo): {d.title}",
                    f"De brief bij {what} is verzonden. De nota kan onder de Woo worden gepubliceerd.",
                )
            )
    elif pos.state == rt.GEPUBLICEERD:
        u = repo.user_by_id(s, d.author_id)
        recipients.append(
            (u, f"Gepubliceerd: {d.title}", f"De Woo-publicatie van {what} is klaar.")
        )
    ids = []
    seen: set[int] = set()
    for u, subject, text in recipients:
        if u is None or u.blocked or not u.email or u.id in seen:
            continue
        seen.add(u.id)
        body = f"Beste {u.display_name},\n\n{text}\n\nOpenen: {link}\n\n-- hicmonitor werkstroom\n"
        m = repo.add_message(
            s,
            at=t,
            to_user_id=u.id,
            to_address=u.email,
            subject=subject[:300],
            body=body,
            status="wacht",
            attempts=0,
        )
        ids.append(m.id)
    return ids


def _deliver(ws: Workflow, ids: list[int]) -> None:
    """Send queued messages when SMTP is configured (after the commit); a failure leaves
    the message in the outbox with its error."""
    settings = notify.smtp_settings()
    if settings is None or not ids:
        return
    for mid in ids:
        with ws.db.read() as s:
            m = repo.message(s, mid)
            to, subject, body = m.to_address, m.subject, m.body
        error = None
        try:
            notify.deliver(settings, to, subject, body)
        except (OSError, Exception) as exc:  # noqa: BLE001 - any SMTP failure stays in the outbox
            error = f"{type(exc).__name__}: {exc}"[:500]
        with ws.db.write() as s:
            m = repo.message(s, mid)
            m.attempts += 1
            if error is None:
                m.status, m.sent_at = "verzonden", now()
            else:
                m.status, m.last_error = "fout", error


@dataclass(frozen=True)
class MessageView:
    id: int
    at: datetime
    to: str
    subject: str
    status: str
    error: str | None


def outbox(ws: Workflow, status: str | None = None) -> list[MessageView]:
    with ws.db.read() as s:
        return [
            MessageView(m.id, m.at, m.to_address, m.subject, m.status, m.last_error)
            for m in repo.messages(s, status)
        ]


def send_outbox(ws: Workflow) -> tuple[int, int]:
    """Send every waiting or failed message (``hic werkstroom berichten --verstuur``)."""
    if notify.smtp_settings() is None:
        from hicmonitor.workflow.errors import InvalidInput as _Invalid

        raise _Invalid(f"geen SMTP-server ingesteld ({notify.SMTP_ENV})")
    with ws.db.read() as s:
        ids = [m.id for m in repo.messages(s) if m.status in ("wacht", "fout")]
    _deliver(ws, ids)
    with ws.db.read() as s:
        sent = sum(1 for i in ids if repo.message(s, i).status == "verzonden")
    return sent, len(ids) - sent


def parse_date(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput("datum: JJJJ-MM-DD, bijvoorbeeld 2023-12-19") from None
