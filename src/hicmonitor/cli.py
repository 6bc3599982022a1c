"""The ``hic`` command. Thin: parses options, calls the modules, prints.

Every sub-command and option a user sees is Dutch. Errors a user can act on are
``HicError``; they are printed without a traceback and end the command with exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hicmonitor.errors import HicError
from hicmonitor.format_nl import number as _n

app = typer.Typer(
    name="hic",
    help="hicmonitor: cijfers, analyse en rapportage over High Impact Crimes.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

_state: dict[str, Path | None] = {"db": None}


@app.callback()
def _root(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Pad naar het DuckDB-bestand (standaard: HICMONITOR_DB of de gebruikersmap).",
        ),
    ] = None,
) -> None:
    _state["db"] = db


def db_path() -> Path | None:
    """The --db option as given (None: the store picks its default)."""
    return _state["db"]


# --- foundation (issue 2): laad, haal, status, cijfers --------------------------------


@app.command("haal")
def haal(
    tabel: Annotated[
        str,
        typer.Argument(
            help="CBS-tabel: 47022NED of 47018NED (politie: geregistreerde misdrijven) "
            "of 70072ned (bevolking per gemeente)."
        ),
    ],
    filter_: Annotated[
        str | None,
        typer.Option(
            "--filter",
            help="OData-filter dat de server toepast, bijv. "
            "\"SoortMisdrijf eq '1.1.1 ' and startswith(Perioden,'2023')\".",
        ),
    ] = None,
    uit: Annotated[
        Path | None,
        typer.Option("--uit", help="Bewaar de gedownloade gegevens als CSV op dit pad."),
    ] = None,
    basis_url: Annotated[
        str | None,
        typer.Option(
            "--basis-url",
            envvar="HICMONITOR_CBS_URL",
            help="Andere server dan die van CBS, bijv. http://127.0.0.1:8000.",
        ),
    ] = None,
) -> None:
    """Download een tabel van CBS (met cbsodata) en laad hem in de database, in één transactie."""
    from hicmonitor import store
    from hicmonitor.sources import cbs_download

    try:
        with err_console.status(f"{tabel} downloaden…") as shown:
            download = cbs_download.fetch(
                tabel,
                filter=filter_,
                base_url=basis_url,
                progress=lambda entity, page: shown.update(
                    f"{tabel} downloaden… {entity}, pagina {page}"
                ),
            )
        con = store.connect_loaded(db_path())
        with err_console.status(f"{tabel} laden…"):
            result = cbs_download.load(con, download, out=uit)
    except HicError as exc:
        err_console.print(f"[bold red]fout:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    for line in result.summary_lines():
        console.print(line, highlight=False)


@app.command("laad")
def laad(
    bestanden: Annotated[list[Path], typer.Argument(help="Een of meer CSV-bestanden.")],
) -> None:
    """Laad bestanden (tidy CSV of CBS/politie open data) in de database, elk in één transactie."""
    from hicmonitor import loading, store
    from hicmonitor.progress import bytes_bar

    con = store.connect_loaded(db_path())
    failed = False
    for path in bestanden:
        try:
            with bytes_bar(err_console, f"{path.name} laden") as progress:
                result = loading.load_file(con, path, progress=progress)
        except HicError as exc:
            err_console.print(f"[bold red]fout:[/] {exc}", highlight=False)
            failed = True
            continue
        console.print(result.summary(), highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command("status")
def status() -> None:
    """Wat er geladen is: bronnen, perioden, regio's, categorieën, rijen."""
    from rich.table import Table

    from hicmonitor import store

    con = store.connect_loaded(db_path())
    src = store.sources(con)
    table = Table(title="Bronnen", title_justify="left")
    for col in ("id", "bestand", "soort", "rijen", "geladen op", "sha256", "herziet"):
        table.add_column(col, justify="right" if col in {"id", "rijen"} else "left")
    for row in src.itertuples():
        # a list column comes back as an array, or as None/NA for sources that revise nothing
        revises = list(row.revises) if hasattr(row.revises, "__iter__") else []
        table.add_row(
            str(row.id),
            row.file_name,
            row.kind,
            _n(row.rows),
            f"{row.loaded_at:%Y-%m-%d %H:%M}",
            row.sha256[:12],
            ", ".join(map(str, revises)),
        )
    console.print(table)
    summary = con.execute(
        """
        SELECT c.period_kind, r.level, min(c.period), max(c.period),
               count(DISTINCT c.region_code), count(DISTINCT c.crime_code), count(*)
        FROM counts c LEFT JOIN regions r ON r.code = c.region_code
        GROUP BY ALL ORDER BY 1, 2
        """
    ).fetchall()
    t2 = Table(title="Misdrijfcijfers", title_justify="left")
    for col in ("periode", "niveau", "van", "tot en met", "regio's", "misdrijfsoorten", "rijen"):
        t2.add_column(col)
    for kind, level, first, last, nreg, ncode, nrows in summary:
        fmt = "%Y" if kind == "jaar" else "%Y-%m"
        t2.add_row(
            kind,
            level or "?",
            first.strftime(fmt),
            last.strftime(fmt),
            _n(nreg),
            _n(ncode),
            _n(nrows),
        )
    console.print(t2)
    from hicmonitor import taxonomy

    present = {r[0] for r in con.execute("SELECT DISTINCT crime_code FROM counts").fetchall()}
    t3 = Table(title="HIC-categorieën", title_justify="left")
    for col in ("categorie", "codes", "aanwezig"):
        t3.add_column(col)
    atm = con.execute("SELECT count(*) FROM atm_attacks").fetchone()[0]
    for cat in taxonomy.categories():
        if cat.from_police_codes:
            have = [c for c in cat.codes if c in present]
            t3.add_row(cat.label, ", ".join(cat.codes), f"{len(have)}/{len(cat.codes)} codes")
        else:
            t3.add_row(cat.label, "eigen reeks (NVB, politie)", f"{atm} rijen")
    console.print(t3)
    pop = con.execute(
        "SELECT min(year), max(year), count(DISTINCT region_code), count(*) FROM population"
    ).fetchone()
    console.print(
        f"Bevolking: {pop[0]}–{pop[1]}, {pop[2]} regio's, {_n(pop[3])} rijen", highlight=False
    )


@app.command("cijfers")
def cijfers(
    regio: Annotated[
        str, typer.Option("--regio", help="Regiocode (NL01, GM0363) of naam.")
    ] = "NL01",
    categorie: Annotated[
        list[str] | None, typer.Option("--categorie", help="HIC-categorie (herhaalbaar).")
    ] = None,
    formaat: Annotated[
        str | None,
        typer.Option("--formaat", help="csv, json, parquet of xlsx: schrijf naar --uit."),
    ] = None,
    uit: Annotated[Path | None, typer.Option("--uit", help="Uitvoerbestand.")] = None,
) -> None:
    """De HIC-tabel per categorie per jaar, landelijk of voor een regio (met inwoners en per 1.000)."""
    from rich.table import Table

    from hicmonitor import export, figures, store, taxonomy
    from hicmonitor.regions_resolve import resolve_region

    con = store.connect_loaded(db_path())
    code, name = resolve_region(con, regio)
    for c in categorie or []:
        taxonomy.category(c)
    counts = store.category_counts(con, regions=[code])
    pop = store.population(con, regions=[code]) if code != "NL01" else None
    table = figures.hic_table(counts, pop, categories=categorie or None)
    if table.empty:
        known = sorted(set(counts["category"]))
        raise HicError(
            f"geen cijfers voor {name} ({code})"
            + (
                f" in categorie {', '.join(categorie)}; wel voor: {', '.join(known) or 'geen'}"
                if categorie
                else ""
            )
        )
    if formaat or uit:
        target = uit or Path(f"hic_cijfers_{code}.{formaat or 'csv'}")
        export.write_frame(table, target, formaat)
        console.print(f"geschreven: {target}", highlight=False)
        return
    with_pop = "per_1000" in table.columns
    if not with_pop:
        wide = figures.wide(table)
        provisional = set(table.loc[table["provisional"], "year"])
        t = Table(title=f"HIC-misdrijven per jaar — {name} ({code})", title_justify="left")
        t.add_column("jaar")
        for cat_id in wide.columns:
            t.add_column(taxonomy.category(cat_id).label, justify="right")
        for year, row in wide.iterrows():
            t.add_row(
                f"{year}{' (voorlopig)' if year in provisional else ''}",
                *(_n(v) for v in row),
            )
        console.print(t)
    for cat_id, part in table.groupby("category", sort=False) if with_pop else []:
        label = taxonomy.category(cat_id).label
        t = Table(title=f"{label} — {name} ({code})", title_justify="left")
        t.add_column("jaar")
        t.add_column("aantal", justify="right")
        if with_pop:
            t.add_column("inwoners", justify="right")
            t.add_column("per 1.000 inw.", justify="right")
        for row in part.itertuples():
            cells = [f"{row.year}{' (voorlopig)' if row.provisional else ''}", _n(row.count)]
            if with_pop:
                cells += [_n(row.inhabitants), _n(row.per_1000, 2)]
            t.add_row(*cells)
        console.print(t)
    if code == "NL01" and (not categorie or "ram_plofkraak" in categorie):
        atm = store.atm_attacks(con)
        if not atm.empty:
            t = Table(
                title="Ram- en plofkraken (eigen reeks; NVB en politie tellen anders: niet optellen)",
                title_justify="left",
            )
            for col in ("jaar", "teller", "soort", "aantal", "bron"):
                t.add_column(col)
            for row in atm.sort_values(["year", "counter"]).itertuples():
                t.add_row(str(row.year), row.counter, row.kind, _n(row.count), row.reference)
            console.print(t)


# --- trends (issue 3): trend, vergelijk, afstemming ------------------------------------


@app.command("trend")
def trend(
    regio: Annotated[
        str, typer.Option("--regio", help="Regiocode (NL01, GM0363) of naam (Amsterdam).")
    ] = "NL01",
    categorie: Annotated[
        list[str] | None, typer.Option("--categorie", help="HIC-categorie (herhaalbaar).")
    ] = None,
    basisjaar: Annotated[
        str | None,
        typer.Option(
            "--basisjaar", help="Basisjaar van de index: 2019, of 2017-2019 (gemiddelde)."
        ),
    ] = None,
    grafiek: Annotated[
        Path | None,
        typer.Option(
            "--grafiek", help="Schrijf de grafiek: .svg, .png, .json (Vega-Lite) of een map."
        ),
    ] = None,
) -> None:
    """Trend per categorie met de duiding: verandering, index, per 1.000 inwoners, trend vóór corona."""
    from rich.table import Table

    from hicmonitor import store, taxonomy, trend_service
    from hicmonitor.regions_resolve import resolve_region

    con = store.connect_loaded(db_path())
    code, name = resolve_region(con, regio)
    frames = trend_service.load_frames(con)
    cats = trend_service.check_categories(frames, categorie, code)
    if not cats:
        raise HicError(f"geen HIC-cijfers voor {name} ({code}) in de database")
    base = trend_service.resolve_baseline(frames, basisjaar, code)
    result = trend_service.analyse(frames, regions=[code], categories=cats, baseline=base)
    for cat in cats:
        part = result.table[
            (result.table["category"] == cat) & (result.table["region_code"] == code)
        ]
        rows, notes = trend_service.trend_rows(part)
        t = Table(
            title=f"{taxonomy.category(cat).label} — {name} ({code}); index {base.label} = 100",
            title_justify="left",
        )
        for i, col in enumerate(trend_service.TREND_COLUMNS):
            t.add_column(col, justify="left" if i == 0 else "right")
        for row in rows:
            t.add_row(*row)
        console.print(t)
        if notes:
            console.print("– : " + "; ".join(notes), highlight=False)
        d = result.duidingen[(cat, code)]
        d.region_name = name
        console.print(d.text + "\n", highlight=False, soft_wrap=False)
    if frames.national_population_derived and code == "NL01":
        console.print(
            "Inwoners van Nederland: de som van alle gemeenten in dat jaar.", highlight=False
        )
    if grafiek is not None:
        for cat, target in trend_service.chart_targets(grafiek, cats):
            trend_service.write_chart(result.table, cat, code, name, target, baseline=base)
            console.print(f"grafiek geschreven: {target}", highlight=False)


@app.command("vergelijk")
def vergelijk(
    regio: Annotated[str, typer.Argument(help="Gemeente: code (GM0363) of naam.")],
    categorie: Annotated[
        list[str] | None, typer.Option("--categorie", help="HIC-categorie (herhaalbaar).")
    ] = None,
) -> None:
    """Een gemeente naast vergelijkbare gemeenten (CBS-grootteklasse) en alle gemeenten."""
    from rich.table import Table

    from hicmonitor import format_nl as nl
    from hicmonitor import store, taxonomy, trend_service
    from hicmonitor.regions_resolve import resolve_region

    con = store.connect_loaded(db_path())
    code, name = resolve_region(con, regio)
    if not code.startswith("GM") or code == "GM0000":
        raise HicError(f"{name} ({code}) is geen gemeente; vergelijken kan alleen per gemeente")
    frames = trend_service.load_frames(con)
    cats = trend_service.check_categories(frames, categorie, code)
    result = trend_service.analyse(frames, regions=[code], categories=cats)
    if result.peers is None:
        raise HicError("geen jaar met een inwonertal voor alle gemeenten; vergelijken kan niet")
    year = result.peer_year
    for cat in cats:
        rows = result.peers[
            (result.peers["region_code"] == code) & (result.peers["category"] == cat)
        ]
        if rows.empty:
            raise HicError(f"geen inwonertal voor {name} in {year}; vergelijken kan niet")
        r = rows.iloc[0]
        t = Table(
            title=f"{taxonomy.category(cat).label} — {name} ({code}), {year}",
            title_justify="left",
        )
        for col in (
            "tegen",
            "gemeenten",
            "plaats",
            "percentiel",
            "per 1.000 (zij)",
            "verhouding",
            "95%-interval",
            "oordeel",
        ):
            t.add_column(col, justify="left" if col in ("tegen", "oordeel") else "right")
        for scope, label, n, rank, pct in (
            ("class", r["size_class_label"], r["n_class"], r["rank_class"], r["percentile_class"]),
            ("all", "alle gemeenten", r["n_all"], r["rank_all"], r["percentile_all"]),
        ):
            t.add_row(
                str(label),
                nl.number(n),
                nl.number(rank),
                nl.number(pct, 0),
                nl.number(r[f"peer_rate_{scope}"], 2),
                nl.number(r[f"rr_{scope}"], 2),
                f"{nl.number(r[f'rr_{scope}_lo'], 2)}–{nl.number(r[f'rr_{scope}_hi'], 2)}",
                str(r[f"sig_{scope}"]),
            )
        console.print(
            f"{name}: {nl.number(r['count'])} geregistreerd, {nl.number(r['inhabitants'])} "
            f"inwoners, {nl.number(r['rate_per_1000'], 2)} per 1.000 inwoners",
            highlight=False,
        )
        console.print(t)
        d = result.duidingen[(cat, code)]
        peer_text = [
            s
            for s, f in zip(d.sentences, d.sentence_facts, strict=True)
            if "peer_year" in f or "n_all" in f
        ]
        console.print(" ".join(peer_text) + "\n", highlight=False)
    console.print(
        "Plaats 1 = hoogste cijfer per inwoner; percentiel = aandeel van de andere gemeenten "
        "met een lager cijfer. 'Significant' alleen als het 95%-interval van de verhouding "
        "geheel boven of onder 1 ligt (exact, Poisson).",
        highlight=False,
    )


@app.command("afstemming")
def afstemming(
    bestand: Annotated[
        Path | None,
        typer.Option(
            "--bestand", help="Gepubliceerde cijfers (standaard: de ingebouwde Kamerbrief-cijfers)."
        ),
    ] = None,
) -> None:
    """De landelijke reeks uit de database naast de gepubliceerde HIC-cijfers (2009–2019)."""
    from rich.table import Table

    from hicmonitor import format_nl as nl
    from hicmonitor import loading, store, taxonomy
    from hicmonitor.analysis import reconcile

    con = store.connect_loaded(db_path())
    path = bestand or loading.data_dir() / "nl" / reconcile.PUBLISHED_FILE
    published = reconcile.read_published(path)
    national = store.category_counts(con, regions=["NL01"])
    table = reconcile.reconcile(national, published)
    if table.empty:
        raise HicError(f"{path}: geen jaren die ook in de database staan")
    for cat, part in table.groupby("category", sort=False):
        t = Table(
            title=f"{taxonomy.category(cat).label} — database ({part['definition'].iloc[0]}) "
            "tegen gepubliceerd",
            title_justify="left",
        )
        for col in ("jaar", "database", "gepubliceerd", "verschil", "verschil %"):
            t.add_column(col, justify="left" if col == "jaar" else "right")
        for r in part.itertuples():
            t.add_row(
                str(r.year),
                nl.number(r.store),
                nl.number(r.published),
                nl.signed(r.diff),
                nl.percent(r.diff_pct, sign=True),
            )
        console.print(t)
    summ = reconcile.summary(table)
    console.print("Gemiddeld absoluut verschil per categorie:", highlight=False)
    for r in summ.itertuples():
        console.print(
            f"  {taxonomy.category(r.category).label} ({r.definition}), {r.first_year}–{r.last_year}: "
            f"{nl.number(r.mean_abs_diff)} per jaar ({nl.percent(r.mean_abs_diff_pct)})",
            highlight=False,
        )
    console.print(
        f"Bron gepubliceerd: {path.name}. Verschillen: cijfers worden na publicatie herzien, "
        "en 'geweld' is in de publicatie een eigen definitie (zie docs/afstemming.md).",
        highlight=False,
    )


# --- catalogus (issue 4): catalogus controleer, maatregelen, moties, wetgeving ---------

catalogus_app = typer.Typer(
    help="De catalogus van de HIC-aanpak: maatregelen, moties, wetgeving, partners.",
    no_args_is_help=True,
)
app.add_typer(catalogus_app, name="catalogus")

_MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map", help="Map met de catalogusinhoud (standaard: HICMONITOR_CONTENT of content/)."
    ),
]
_FormaatOpt = Annotated[str, typer.Option("--formaat", help="Uitvoer: tabel, json, csv of xlsx.")]
_UitOpt = Annotated[
    Path | None, typer.Option("--uit", help="Schrijf naar dit bestand (verplicht bij xlsx).")
]
_JaarOpt = Annotated[int | None, typer.Option("--jaar", help="Verslagjaar, zoals 2023.")]


def _catalogus_uitvoer(fmt, rows, items, uit, *, title, columns, extra=None) -> None:
    from hicmonitor.catalog import tables

    if fmt == "tabel":
        if uit is not None:
            raise HicError("--uit werkt alleen met --formaat json, csv of xlsx")
        if not rows:
            console.print(f"{title}: niets gevonden.")
            return
        console.print(tables.rich_table(rows, columns, title))
        return
    text = tables.export(fmt, rows, items, uit, sheet=title, extra=extra)
    if text is not None:
        sys.stdout.write(text)
    else:
        err_console.print(f"geschreven: {uit}", highlight=False)


@catalogus_app.command("controleer")
def catalogus_controleer(map_: _MapOpt = None) -> None:
    """Controleer alle catalogusinhoud: schema, gemeentecodes, verwijzingen, fases, bronnen."""
    from hicmonitor import store
    from hicmonitor.catalog.check import check_content, store_regions

    con = store.connect_loaded(db_path())
    try:
        result = check_content(map_, regions=store_regions(con))
    finally:
        con.close()
    for problem in result.problems:
        console.print(f"[red]fout:[/] {problem}", highlight=False, soft_wrap=True)
    if result.problems:
        console.print(
            f"{result.files} bestanden gecontroleerd: {len(result.problems)} fout(en).",
            highlight=False,
        )
        raise typer.Exit(1)
    c = result.catalog
    console.print(
        f"{result.files} bestanden gecontroleerd, geen fouten: {len(c.measures)} maatregelen, "
        f"{len(c.motions)} moties en toezeggingen, {len(c.legislation)} wetgevingstrajecten, "
        f"{len(c.partners)} partners.",
        highlight=False,
    )


@app.command("maatregelen")
def maatregelen(
    categorie: Annotated[
        str | None, typer.Option("--categorie", help="HIC-categorie, zoals straatroof.")
    ] = None,
    aanpak: Annotated[
        str | None,
        typer.Option(
            "--aanpak",
            help="dadergericht, slachtoffergericht, situationeel, preventief of repressief.",
        ),
    ] = None,
    erkenning_minimaal: Annotated[
        str | None,
        typer.Option(
            "--erkenning-minimaal",
            help='Minimaal erkenningsniveau, zoals "effectief volgens eerste aanwijzingen".',
        ),
    ] = None,
    gemeente: Annotated[
        str | None,
        typer.Option(
            "--gemeente", help="Gemeentecode of -naam; landelijke maatregelen tellen mee."
        ),
    ] = None,
    jaar: _JaarOpt = None,
    formaat: _FormaatOpt = "tabel",
    uit: _UitOpt = None,
    map_: _MapOpt = None,
) -> None:
    """Maatregelen en interventies, met aanpak, status, erkenning en bron."""
    from hicmonitor.catalog import find_measures, load_catalog, tables

    found = find_measures(
        load_catalog(map_),
        category=categorie,
        approach=aanpak,
        min_evidence=erkenning_minimaal,
        municipality=gemeente,
        year=jaar,
    )
    rows = [tables.measure_row(m) for m in found]
    _catalogus_uitvoer(
        formaat, rows, found, uit, title="Maatregelen", columns=tables.MEASURE_COLUMNS
    )


@app.command("moties")
def moties(
    status: Annotated[
        str | None, typer.Option("--status", help="open, in uitvoering, afgedaan of onbekend.")
    ] = None,
    jaar: Annotated[
        int | None,
        typer.Option("--jaar", help="Alleen wat de voortgangsrapportage van dit jaar beantwoordt."),
    ] = None,
    formaat: _FormaatOpt = "tabel",
    uit: _UitOpt = None,
    map_: _MapOpt = None,
) -> None:
    """Moties en toezeggingen, met hun status en afdoening."""
    from hicmonitor.catalog import find_motions, load_catalog, tables

    found = find_motions(load_catalog(map_), status=status, year=jaar)
    rows = [tables.motion_row(m, jaar) for m in found]
    _catalogus_uitvoer(
        formaat, rows, found, uit, title="Moties en toezeggingen", columns=tables.MOTION_COLUMNS
    )


@app.command("wetgeving")
def wetgeving(
    jaar: Annotated[
        int | None, typer.Option("--jaar", help="De stand aan het eind van dit jaar.")
    ] = None,
    formaat: _FormaatOpt = "tabel",
    uit: _UitOpt = None,
    map_: _MapOpt = None,
) -> None:
    """Wetgevingstrajecten met hun laatste fase."""
    from hicmonitor.catalog import legislation_latest_stage, load_catalog, tables

    found = legislation_latest_stage(load_catalog(map_), jaar)
    rows = [tables.track_row(ts) for ts in found]
    extra = [
        {
            "laatste_fase": ts.latest.model_dump(by_alias=True, exclude_none=True)
            if ts.latest
            else None
        }
        for ts in found
    ]
    _catalogus_uitvoer(
        formaat,
        rows,
        [ts.track for ts in found],
        uit,
        title="Wetgevingstrajecten",
        columns=tables.TRACK_COLUMNS,
        extra=extra,
    )


# --- rapport (issue 5) -----------------------------------------------------------------


@app.command("rapport")
def rapport(
    jaar: Annotated[
        int | None,
        typer.Option("--jaar", help="Rapportjaar (standaard: het laatste volledige jaar)."),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            help="Rapportspecificatie (YAML); standaard content/rapporten/<jaar>.yaml.",
        ),
    ] = None,
    uit: Annotated[Path, typer.Option("--uit", help="Uitvoermap.")] = Path("out"),
    formaat: Annotated[
        str, typer.Option("--formaat", help="Formaten, komma-gescheiden: docx,pdf,html.")
    ] = "docx,pdf,html",
) -> None:
    """Maak de Kamerbrief en de beslisnota (Word, PDF, HTML) voor een rapportjaar."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from hicmonitor import store
    from hicmonitor.reports import rapport as rp
    from hicmonitor.reports.figures import check_year, latest_complete_year
    from hicmonitor.reports.spec import default_spec_path, load_spec

    try:
        formats = rp.parse_formats(formaat)
        con = store.connect_loaded(db_path())
        year = jaar if jaar is not None else latest_complete_year(con)
        check_year(con, year)
        spec_path = spec if spec is not None else default_spec_path(year)
        report_spec = load_spec(spec_path)
        if report_spec.jaar != year:
            raise HicError(
                f"{spec_path}: de specificatie is voor {report_spec.jaar}, gevraagd is {year}"
            )
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task("rapport maken", total=None)
            paths = rp.make_reports(
                con,
                report_spec,
                uit,
                formats,
                progress=lambda msg: bar.update(task, description=msg),
            )
    except HicError as exc:
        err_console.print(f"[bold red]fout:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    for p in paths:
        console.print(f"geschreven: {p}", highlight=False)


# --- woo (issue 6) ---------------------------------------------------------------------


@app.command("woo")
def woo(
    documenten: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Word-documenten (.docx) om te publiceren, of: controleer BESTAND --tegen ORIGINEEL."
        ),
    ] = None,
    uit: Annotated[Path, typer.Option("--uit", help="Map voor de publicatie.")] = Path(
        "woo-publicatie"
    ),
    rapport: Annotated[
        int | None,
        typer.Option(
            "--rapport",
            help="Publiceer de gegenereerde Kamerbrief en beslisnota van dit rapportjaar.",
        ),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            help="Rapportspecificatie bij --rapport (standaard content/rapporten/<jaar>.yaml).",
        ),
    ] = None,
    voorstel: Annotated[
        bool, typer.Option("--voorstel", help="Schrijf voorgestelde lakkingen ter beoordeling.")
    ] = False,
    toepassen: Annotated[
        list[Path] | None,
        typer.Option("--toepassen", help="Beoordeeld voorstelbestand (per document) toepassen."),
    ] = None,
    tegen: Annotated[
        Path | None, typer.Option("--tegen", help="Origineel document voor 'controleer'.")
    ] = None,
    personen: Annotated[
        Path | None, typer.Option("--personen", help="Personenregister (YAML).")
    ] = None,
) -> None:
    """Publiceer onder de Woo: sectie 5 eruit, persoonsgegevens gelakt (5.1.2e), lekcontrole."""
    try:
        from hicmonitor.woo.detect import Detector
        from hicmonitor.woo.publish import check_against, publish, write_proposal
        from hicmonitor.woo.register import load_register

        detector = Detector(load_register(personen))
        documenten = documenten or []
        if rapport is not None:
            if documenten:
                raise HicError("geef óf Word-documenten óf --rapport JAAR, niet allebei")
            _woo_rapport(rapport, spec, uit, detector)
            return
        if not documenten:
            raise HicError("geef Word-documenten (.docx) om te publiceren, of --rapport JAAR")
        if documenten and str(documenten[0]) == "controleer":
            if len(documenten) != 2 or tegen is None:
                raise HicError("gebruik: hic woo controleer BESTAND --tegen ORIGINEEL.docx")
            leaks = check_against(documenten[1], tegen, detector)
            if leaks:
                for lk in leaks:
                    err_console.print(f"[red]lek:[/] {lk}", highlight=False)
                raise HicError(f"lekcontrole mislukt: {len(leaks)} lek(ken) in {documenten[1]}")
            console.print(f"[green]geen lekken[/] in {documenten[1]}")
            return
        if voorstel:
            for doc in documenten:
                path = write_proposal(doc, uit, detector)
                console.print(f"voorstel geschreven: {path} (zet 'besluit' op ja of nee)")
            return
        decisions = {}
        if toepassen:
            if len(toepassen) != len(documenten):
                raise HicError("geef per document één --toepassen voorstelbestand")
            decisions = dict(zip(documenten, toepassen, strict=True))
        pub = publish(list(documenten), uit, detector, decisions=decisions)
        for o in pub.documents:
            for w_ in o.result.warnings:
                err_console.print(f"[yellow]waarschuwing:[/] {o.source.name}: {w_}")
            console.print(
                f"{o.source.name}: {len(o.result.findings)} lakking(en), "
                f"sectie 5 {'verwijderd' if o.result.section5_found else 'niet gevonden'}, "
                f"{o.pages} pagina('s) -> {o.docx.name}, {o.pdf.name}"
            )
        console.print(f"inventarislijst: {pub.inventory_csv}, {pub.inventory_xlsx}")
        console.print(f"lakverslag: {pub.log_csv}")
        console.print("[green]lekcontrole geslaagd[/]")
    except HicError as exc:
        err_console.print(f"[bold red]fout:[/] {exc}", highlight=False)
        raise typer.Exit(1) from exc


def _woo_rapport(year: int, spec: Path | None, uit: Path, detector) -> None:  # noqa: ANN001
    """`hic woo --rapport JAAR`: the generated documents, redacted at the source."""
    from hicmonitor import store
    from hicmonitor.reports.figures import check_year
    from hicmonitor.reports.spec import default_spec_path, load_spec
    from hicmonitor.woo.generated import publish_report

    con = store.connect_loaded(db_path())
    check_year(con, year)
    spec_path = spec if spec is not None else default_spec_path(year)
    report_spec = load_spec(spec_path)
    if report_spec.jaar != year:
        raise HicError(
            f"{spec_path}: de specificatie is voor {report_spec.jaar}, gevraagd is {year}"
        )
    with err_console.status("woo-publicatie maken") as status:
        pub = publish_report(
            con, report_spec, uit, detector, progress=lambda msg: status.update(msg)
        )
    for o in pub.documents:
        for w_ in o.result.warnings:
            err_console.print(f"[yellow]waarschuwing:[/] {o.kind}: {w_}")
        console.print(
            f"{o.kind}: {len(o.result.findings)} lakking(en), sectie 5 "
            f"{'verwijderd' if o.result.section5_found else 'niet aanwezig'} -> "
            + ", ".join(f.name for f in o.files)
        )
    console.print(f"inventarislijst: {pub.inventory_csv}, {pub.inventory_xlsx}")
    console.print(f"lakverslag: {pub.log_csv}")
    console.print("[green]lekcontrole geslaagd[/]")


# --- nabijheid (issue 7) ---------------------------------------------------------------

nabijheid_app = typer.Typer(
    help="Bijna-herhaling (near repeat) en herhaald slachtofferschap op incidentdata "
    "(Knox-test). Incidentdata is niet openbaar en wordt nooit gepubliceerd.",
    no_args_is_help=True,
)
app.add_typer(nabijheid_app, name="nabijheid")

_NabBestand = Annotated[
    Path | None, typer.Argument(help="Incidentbestand (CSV, ook .csv.gz); of gebruik --bron.")
]
_NabBron = Annotated[int | None, typer.Option("--bron", help="Geladen incidentbestand (id).")]
_NabCrs = Annotated[
    str | None,
    typer.Option("--crs", help="Stelsel van x/y (bv. EPSG:28992), of doelstelsel bij lon/lat."),
]
_NabSla = Annotated[
    bool,
    typer.Option("--sla-ongeldige-over", help="Regels met ongeldige waarden overslaan en tellen."),
]
_NabDelict = Annotated[
    str, typer.Option("--delict", help="Soort incident voor de tekst, bv. woninginbraak.")
]
_NabTijdstip = Annotated[
    str, typer.Option("--tijdstip", help="Bij een tijdvenster: begin, midden of eind.")
]
_NabFormaat = Annotated[str, typer.Option("--formaat", help="tabel, csv of json.")]
_NabUitvoer = Annotated[
    Path | None, typer.Option("--uitvoer", help="Schrijf csv/json naar dit bestand.")
]


def _nab_edges(text: str, option: str) -> list[float]:
    out = []
    for part in text.replace(";", ",").split(","):
        p = part.strip().lower()
        if p in ("inf", "∞", "oneindig"):
            out.append(float("inf"))
            continue
        try:
            out.append(float(p))
        except ValueError:
            raise HicError(
                f"{option}: '{part}' is geen getal (gebruik bv. 0,100,200,inf)"
            ) from None
    return out


def _nab_incidents(bestand, bron, crs, sla_over):
    """(frame, precision, name) from a file or a loaded source."""
    from hicmonitor import incidents_store
    from hicmonitor.sources.incidents import read_incidents

    if (bestand is None) == (bron is None):
        raise HicError("geef een incidentbestand of --bron op (één van beide)")
    if bestand is not None:
        s = read_incidents(bestand, crs=crs, skip_invalid=sla_over)
        if s.skipped:
            err_console.print(
                f"{len(s.skipped_lines)} regel(s) overgeslagen, eerste: regel "
                f"{s.skipped[0].line}, veld '{s.skipped[0].field}': {s.skipped[0].message}"
            )
        return s.frame, s.precision, str(bestand)
    con = incidents_store.connect(db_path())
    try:
        st = incidents_store.read(con, bron)
    finally:
        con.close()
    return st.frame, st.precision, f"bron {bron} ({st.file_name})"


def _nab_check_delict(delict: str) -> None:
    from hicmonitor.analysis.nearrepeat_report import NOUNS

    if delict not in NOUNS:
        raise HicError(f"--delict: onbekend '{delict}'; kies uit {', '.join(NOUNS)}")


@nabijheid_app.command("laad")
def nabijheid_laad(
    bestand: Annotated[Path, typer.Argument(help="Incidentbestand (CSV, ook .csv.gz).")],
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
    delict: Annotated[
        str | None, typer.Option("--delict", help="HIC-categorie van alle incidenten.")
    ] = None,
) -> None:
    """Laad een incidentbestand in de (niet-openbare) incidententabel."""
    from hicmonitor import incidents_store, taxonomy
    from hicmonitor.sources.incidents import read_incidents

    code = None
    if delict is not None:
        cats = {c.id: c for c in taxonomy.categories()}
        if delict not in cats or not cats[delict].codes:
            raise HicError(f"--delict: onbekend '{delict}'; kies uit {', '.join(cats)}")
        code = cats[delict].codes[0]
    s = read_incidents(bestand, crs=crs, skip_invalid=sla_over)
    con = incidents_store.connect(db_path())
    try:
        res = incidents_store.load(con, s, crime_code=code)
    finally:
        con.close()
    if res.new:
        console.print(
            f"bron {res.source_id}: {res.rows} incidenten geladen uit {bestand.name} "
            f"({s.crs}, resolutie {s.precision}; {len(s.skipped_lines)} regels overgeslagen, "
            f"{s.duplicates} dubbele id's samengevoegd)"
        )
    else:
        console.print(f"{bestand.name} was al geladen als bron {res.source_id}; niets veranderd")


@nabijheid_app.command("bronnen")
def nabijheid_bronnen() -> None:
    """Toon de geladen incidentbestanden."""
    from hicmonitor import incidents_store

    con = incidents_store.connect(db_path())
    try:
        frame = incidents_store.sets(con)
    finally:
        con.close()
    if frame.empty:
        console.print("nog geen incidentbestanden geladen (hic nabijheid laad BESTAND)")
        return
    console.print(frame.to_string(index=False))


@nabijheid_app.command("analyse")
def nabijheid_analyse(
    bestand: _NabBestand = None,
    bron: _NabBron = None,
    afstanden: Annotated[
        str, typer.Option("--afstanden", help="Grenzen afstandsbanden in m; 'inf' = open.")
    ] = "0,0.1,200,400,600",
    dagen: Annotated[
        str, typer.Option("--dagen", help="Grenzen tijdbanden in dagen; 'inf' = open.")
    ] = "0,7,14,21",
    nrc: Annotated[
        str | None,
        typer.Option(
            "--nrc",
            help="Banden als de Near Repeat Calculator: 'afstand,aantal,dagen,aantal' "
            "(bv. 100,3,7,3); vervangt --afstanden/--dagen.",
        ),
    ] = None,
    rechts: Annotated[
        bool, typer.Option("--rechts-gesloten", help="Banden (a, b] in plaats van [a, b).")
    ] = False,
    inclusief: Annotated[
        bool, typer.Option("--inclusief-laagste", help="Als R cut(include.lowest=TRUE).")
    ] = False,
    metriek: Annotated[
        str, typer.Option("--metriek", help="manhattan of euclidisch.")
    ] = "manhattan",
    permutaties: Annotated[int, typer.Option("--permutaties", help="Aantal permutaties.")] = 999,
    zaad: Annotated[
        int | None, typer.Option("--zaad", help="Startwaarde toevalsgenerator.")
    ] = None,
    tijdstip: _NabTijdstip = "midden",
    formaat: _NabFormaat = "tabel",
    uitvoer: _NabUitvoer = None,
    kaart: Annotated[
        Path | None, typer.Option("--kaart", help="Heatmap van de Knox-ratio's (.png/.svg).")
    ] = None,
    delict: _NabDelict = "incident",
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
) -> None:
    """Knox-test: paren incidenten per afstands- en tijdband tegen permutaties van de data."""
    from rich.progress import Progress

    from hicmonitor.analysis import nearrepeat as nr
    from hicmonitor.analysis import nearrepeat_report as rep

    _nab_check_delict(delict)
    if formaat not in ("tabel", "csv", "json"):
        raise HicError(f"--formaat: onbekend '{formaat}' (tabel, csv of json)")
    metric = {"manhattan": "manhattan", "euclidisch": "euclidean", "euclidean": "euclidean"}.get(
        metriek
    )
    if metric is None:
        raise HicError(f"--metriek: onbekend '{metriek}' (manhattan of euclidisch)")
    if nrc is not None:
        parts = _nab_edges(nrc, "--nrc")
        if len(parts) != 4 or not all(float(p).is_integer() for p in parts[1::2]):
            raise HicError("--nrc: verwacht 'afstand,aantal,dagen,aantal', bv. 100,3,7,3")
        space, time = nr.nrc_bands(parts[0], int(parts[1]), parts[2], int(parts[3]))
    else:
        closed = "right" if rechts else "left"
        space = nr.bands(
            _nab_edges(afstanden, "--afstanden"), closed=closed, include_lowest=inclusief
        )
        time = nr.bands(_nab_edges(dagen, "--dagen"), closed=closed, include_lowest=inclusief)
    frame, precision, name = _nab_incidents(bestand, bron, crs, sla_over)
    t, tpd = nr.event_times(frame, precision, tijdstip, source=name)
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("permutaties", total=permutaties)
        result = nr.knox_test(
            x,
            y,
            t,
            space,
            time,
            metric=metric,
            nrep=permutaties,
            seed=zaad,
            ticks_per_day=tpd,
            progress=lambda done, total: progress.update(task, completed=done),
        )
    if formaat == "csv":
        text = rep.write_csv(result)
    elif formaat == "json":
        text = rep.to_json(result, source=name, delict=delict)
    else:
        text = None
    if text is not None and uitvoer is not None:
        uitvoer.write_text(text, encoding="utf-8")
        err_console.print(f"geschreven: {uitvoer}")
    elif text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        console.print(
            f"{name}: {result.n_events} incidenten, {result.permutations} permutaties, "
            f"{metriek}, zaad {zaad}"
        )
        for table in rep.rich_tables(result):
            console.print(table)
        for line in rep.summary_nl(result, delict):
            console.print(line)
    if kaart is not None:
        rep.heatmap(result, kaart)
        err_console.print(f"kaart: {kaart}")


@nabijheid_app.command("herhaling")
def nabijheid_herhaling(
    bestand: _NabBestand = None,
    bron: _NabBron = None,
    vensters: Annotated[
        str, typer.Option("--vensters", help="Vensters in dagen, bv. 7,28,365.")
    ] = "7,28,365",
    tijdstip: _NabTijdstip = "midden",
    formaat: _NabFormaat = "tabel",
    uitvoer: _NabUitvoer = None,
    delict: _NabDelict = "incident",
    crs: _NabCrs = None,
    sla_over: _NabSla = False,
) -> None:
    """Herhaald slachtofferschap: aandeel locaties dat binnen 7/28/365 dagen opnieuw is getroffen."""
    import json

    from hicmonitor.analysis import nearrepeat as nr
    from hicmonitor.analysis import nearrepeat_report as rep
    from hicmonitor.analysis.repeat import location_keys, repeat_victimisation

    _nab_check_delict(delict)
    if formaat not in ("tabel", "csv", "json"):
        raise HicError(f"--formaat: onbekend '{formaat}' (tabel, csv of json)")
    windows = [int(v) for v in _nab_edges(vensters, "--vensters")]
    frame, precision, name = _nab_incidents(bestand, bron, crs, sla_over)
    t, tpd = nr.event_times(frame, precision, tijdstip, source=name)
    keys, kind = location_keys(frame)
    res = repeat_victimisation(keys, t, tpd, windows, key=kind)
    if formaat == "tabel":
        for line in rep.repeat_summary_nl(res, delict):
            console.print(line)
        console.print(res.distribution.to_string(index=False))
        return
    if formaat == "csv":
        text = res.summary_frame().to_csv(index=False) + "\n" + res.distribution.to_csv(index=False)
    else:
        text = json.dumps(
            {
                "bron": name,
                "locatie": res.key,
                "incidenten": res.n_incidents,
                "locaties": res.n_locations,
                "locaties_herhaald": res.n_repeat_locations,
                "vensters": res.summary_frame().to_dict("records"),
                "verdeling": res.distribution.to_dict("records"),
            },
            ensure_ascii=False,
            indent=2,
        )
    if uitvoer is not None:
        uitvoer.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def main() -> None:
    try:
        app()
    except HicError as exc:  # raised outside Typer's own handling
        err_console.print(f"[bold red]fout:[/] {exc}", highlight=False)
        sys.exit(1)
