"""Adversarial corpus by class (issue 15): every place a Word file can hide personal data,
every form of section 5, public office holders as letters name them, real Kamerstuk text
as background. Built by the tests with their own writer (docxbuild), never with the code
under test. Names are drawn per case from lists with a seeded generator, so the builders
catch the class, not one name: other seeds give other names, places and wording.
"""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from .docxbuild import CT_MAIN, RT, Doc, heading, para, run, table, textbox

LINE = "Alles onder deze streep wordt verwijderd"

FIRST = [
    "Jorieke",
    "Maarten",
    "Femke",
    "Sjoerd",
    "Annelies",
    "Roel",
    "Ilse",
    "Bastiaan",
    "Noortje",
    "Wouter",
    "Liesbeth",
    "Gijs",
    "Marloes",
    "Hidde",
    "Tamara",
    "Joost",
    "Evelien",
    "Stijn",
    "Karlijn",
    "Thijmen",
    "Hatice",
    "Mohamed",
    "Ayşe",
    "Dirk-Jan",
    "Mirjam",
    "Reinier",
]
SYL1 = [
    "Klop",
    "Wind",
    "Berk",
    "Zand",
    "Moer",
    "Hooi",
    "Vaar",
    "Veld",
    "Duin",
    "Kreek",
    "Dorp",
    "Gras",
]
SYL2 = [
    "stra",
    "huizen",
    "ink",
    "berg",
    "horst",
    "beek",
    "dijk",
    "hof",
    "werf",
    "stee",
    "man",
    "sma",
]
TV = ["", "", "", "van", "de", "van der", "ter", "van den"]

# Real published Kamerstuk / beslisnota paragraphs (background; must stay unchanged).
# Source: the published beslisnota 5074177 (18 December 2023), shared/reference.
BACKGROUND = [
    "Ieder jaar wordt de Kamer geïnformeerd over de voortgang op de aanpak van high impact "
    "crimes; overvallen, straatroven, woninginbraken, geweldsdelicten en ram- en plofkraken.",
    "Mede om die reden is Burgemeester Hamming van Zaanstad voorzitter van de Taskforce "
    "Overvallen, waarvan ook politie en OM, maar bijvoorbeeld ook de detailhandel, Koninklijke "
    "Horeca Nederland en de Nederlandse Vereniging van Banken onderdeel uitmaken.",
    "Voor wetenschappelijk onderzoek wordt voornamelijk het WODC benut, maar ook andere "
    "onderzoeksbureaus werken aan de onderbouwing en het toetsen van maatregelen.",
    "De voortgangsrapportage beschrijft een voortzetting van bestaand beleid binnen de "
    "financiële kaders die hiervoor zijn bestemd.",
]


@dataclass
class Case:
    name: str
    doc: Doc
    secrets: list[str]  # personal data that must be gone from every output
    public: list[str] = field(default_factory=list)  # must still be visible (PDF text)
    section5: list[str] = field(default_factory=list)  # section 5 text that must be gone
    keep: list[str] = field(default_factory=list)  # public content that must survive
    vanaf: str | None = None  # --sectie5-vanaf for this document
    refused: bool = False  # without vanaf the tool must refuse (ambiguous section 5)
    filename: str | None = None
    hidden: bool = True  # a secret sits in a place the rebuild leaves out


class Names:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def person(self) -> tuple[str, str]:
        """(full name, surname) of an invented civil servant."""
        first = self.rng.choice(FIRST)
        tv = self.rng.choice(TV)
        sn = self.rng.choice(SYL1) + self.rng.choice(SYL2)
        full = " ".join(x for x in (first, tv, sn) if x)
        return full, sn


def _png_with_text(key: str, value: str) -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    info.add_itxt("Comment", value, zip=True)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _jpeg_with_exif(artist: str) -> bytes:
    from PIL import Image

    im = Image.new("RGB", (8, 8), (30, 30, 200))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x9C9D] = artist.encode("utf-16-le") + b"\0\0"  # XPAuthor
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def _png_with_xmp(creator: str) -> bytes:
    png = _png_with_text("Software", "Teken")
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()
    import struct
    import zlib

    body = b"XML:com.adobe.xmp\0\0\0\0\0" + xmp
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    return png[:-12] + chunk + png[-12:]


def _image_run(rid: str) -> str:
    return (
        '<w:r><w:drawing><wp:inline><wp:extent cx="95250" cy="95250"/>'
        '<wp:docPr id="7" name="Afbeelding"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="x"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill><pic:spPr/></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def _field(instr_pieces: list[str], result: str) -> str:
    instr = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(p)}</w:instrText></w:r>'
        for p in instr_pieces
    )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + instr
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run(result)
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _xlsx_with(name: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Reeks"
    wb.active["A2"] = f"Bron: {name}"
    wb.properties.creator = name
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _memo(*body: str, title: str = "Beslisnota voortgang aanpak High Impact Crimes", **kw) -> Doc:
    return Doc(body=[heading(title), *body], **kw)


def _s5(secret: str) -> list[str]:
    return [heading("5. Informatie die niet openbaar gemaakt kan worden"), para(LINE), para(secret)]


def build(seed: int = 15) -> list[Case]:
    nm = Names(seed)
    c: list[Case] = []
    bg = BACKGROUND

    def P() -> tuple[str, str]:  # noqa: N802
        return nm.person()

    # -- pictures ------------------------------------------------------------------------
    full, sn = P()
    c.append(
        Case(
            "foto-png-tekst",
            _memo(
                para("Foto van het overleg:", _image_run("rIdP")),
                para(bg[0]),
                *_s5("Vertrouwelijke afweging over de planning van de minister."),
                images={"rIdP": _png_with_text("Author", full)},
            ),
            [sn],
            section5=["Vertrouwelijke afweging"],
            keep=[bg[0]],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "foto-jpeg-exif",
            Doc(
                body=[para("Kaart van de wijk.", _image_run("rIdJ")), para(bg[2])],
                images={"rIdJ": _jpeg_with_exif(full)},
            ),
            [sn],
            keep=[bg[2]],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "foto-xmp",
            Doc(body=[para("Grafiek.", _image_run("rIdX"))], images={"rIdX": _png_with_xmp(full)}),
            [sn],
        )
    )

    # -- hyperlinks ----------------------------------------------------------------------
    full, sn = P()
    user = full.split()[0].lower() + "." + sn.lower()
    c.append(
        Case(
            "link-mailto",
            Doc(
                body=[
                    para(
                        "Vragen: ",
                        f'<w:hyperlink r:id="rIdM" w:tooltip={quoteattr("Mail " + full)}>'
                        + run("stuur een bericht")
                        + "</w:hyperlink>",
                        ".",
                    )
                ],
                hyperlinks={"rIdM": f"mailto:{user}@minjenv.example"},
            ),
            [sn, user],
        )
    )
    full, sn = P()
    slug = full.lower().replace(" ", "-")
    c.append(
        Case(
            "link-profiel-slug",
            Doc(
                body=[
                    para(
                        "Zie ",
                        '<w:hyperlink r:id="rIdL">' + run("de profielpagina") + "</w:hyperlink>",
                        " en ",
                        '<w:hyperlink r:id="rIdOk">' + run("rijksoverheid.nl") + "</w:hyperlink>",
                        ".",
                    )
                ],
                hyperlinks={
                    "rIdL": f"https://intranet.minjus.example/profiel/{slug}",
                    "rIdOk": "https://www.rijksoverheid.nl/onderwerpen/criminaliteit",
                },
                app={"HLinks": f"https://intranet.minjus.example/profiel/{slug}"},
            ),
            [sn, slug],
            public=["rijksoverheid.nl"],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "veldcode-hyperlink-gesplitst",
            Doc(
                body=[
                    para(
                        "Contact: ",
                        _field(
                            [
                                " HYPER",
                                'LINK "mailto:',
                                full.split()[0].lower() + "." + sn.lower(),
                                '@minjenv.example" \\o "',
                                full,
                                '" ',
                            ],
                            "mail de behandelaar",
                        ),
                    )
                ]
            ),
            [sn],
        )
    )
    full, sn = P()
    user = (full[0] + sn).lower()
    c.append(
        Case(
            "veldcode-includepicture",
            Doc(
                body=[
                    para(
                        "Logo: ",
                        _field(
                            [
                                f' INCLUDEPICTURE "C:\\\\Users\\\\{user}\\\\Pictures\\\\logo.png" \\* MERGEFORMAT '
                            ],
                            "[logo]",
                        ),
                    )
                ]
            ),
            [user],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "veldcode-docproperty",
            Doc(
                body=[
                    para("Steller: ", _field([" DOCPROPERTY  Behandelaar  \\* MERGEFORMAT "], full))
                ],
                custom={"Behandelaar": full},
            ),
            [sn],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "veldcode-mergefield",
            Doc(body=[para("Beste ", _field([f" MERGEFIELD Naam_{sn} "], f"«{full}»"), ",")]),
            [sn],
        )
    )

    # -- hidden structures ---------------------------------------------------------------
    full, sn = P()
    glossary = f'<w:glossaryDocument xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docParts><w:docPart><w:docPartPr><w:name w:val="Handtekening {escape(full)}"/></w:docPartPr><w:docPartBody>{para("Met vriendelijke groet, " + full)}</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>'
    c.append(
        Case(
            "bouwstenen-glossary",
            Doc(
                body=[para(bg[3])],
                extra_parts={"word/glossary/document.xml": glossary},
                extra_rels=[("rIdGl", RT + "glossaryDocument", "glossary/document.xml", None)],
                extra_overrides={"/word/glossary/document.xml": CT_MAIN + "document.glossary+xml"},
            ),
            [sn],
            keep=[bg[3]],
        )
    )
    full, sn = P()
    sdt = f'<w:sdt><w:sdtPr><w:alias w:val="Opsteller {escape(full)}"/><w:tag w:val="{escape(sn.lower())}_behandelaar"/></w:sdtPr><w:sdtContent>{run("Directie Veiligheid")}</w:sdtContent></w:sdt>'
    c.append(
        Case(
            "inhoudsbesturing-alias-tag",
            Doc(body=[para("Afzender: ", sdt)]),
            [sn],
            public=["Directie Veiligheid"],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "bladwijzer-ref",
            Doc(
                body=[
                    para(
                        f'<w:bookmarkStart w:id="1" w:name="{sn}_advies"/>',
                        run("Het advies volgt hieronder."),
                        '<w:bookmarkEnd w:id="1"/>',
                    ),
                    para("Zie ", _field([f" REF {sn}_advies \\h "], "het advies"), "."),
                ]
            ),
            [sn],
        )
    )
    full, sn = P()
    chart = f'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Overvallen per jaar (bron {escape(full)})</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart><c:ser><c:tx><c:strRef><c:strCache><c:pt idx="0"><c:v>Telling {escape(full)}</c:v></c:pt></c:strCache></c:strRef></c:tx></c:ser></c:barChart></c:plotArea></c:chart><c:externalData r:id="rId1"/></c:chartSpace>'
    chart_rels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/package" Target="../embeddings/werkmap.xlsx"/></Relationships>'
    chart_run = '<w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="3" name="Grafiek"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdC"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    c.append(
        Case(
            "grafiek-werkmap",
            Doc(
                body=[para("Figuur 1.", chart_run)],
                extra_parts={
                    "word/charts/chart1.xml": chart,
                    "word/charts/_rels/chart1.xml.rels": chart_rels,
                    "word/embeddings/werkmap.xlsx": _xlsx_with(full),
                },
                extra_rels=[("rIdC", RT + "chart", "charts/chart1.xml", None)],
                extra_overrides={
                    "/word/charts/chart1.xml": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
                },
            ),
            [sn],
            public=["Overvallen per jaar"],
        )
    )
    full, sn = P()
    dgm = f'<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="1"><dgm:t><a:p><a:r><a:t>Projectleider {escape(full)}</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="2"><dgm:t><a:p><a:r><a:t>Taskforce Overvallen</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>'
    dgm_run = '<w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="4" name="Diagram"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram"><dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" r:dm="rIdD" r:lo="rIdD" r:qs="rIdD" r:cs="rIdD"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    c.append(
        Case(
            "smartart",
            Doc(
                body=[para("Organisatie:", dgm_run)],
                extra_parts={"word/diagrams/data1.xml": dgm},
                extra_rels=[("rIdD", RT + "diagramData", "diagrams/data1.xml", None)],
                extra_overrides={
                    "/word/diagrams/data1.xml": "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"
                },
            ),
            [sn],
            public=["Taskforce Overvallen"],
        )
    )
    full, sn = P()
    user = (full[0] + sn).lower()
    c.append(
        Case(
            "instellingen-variabelen-sjabloon",
            Doc(
                body=[para(bg[1])],
                settings_extra=f'<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataSource r:id="rIdDS"/><w:query w:val="SELECT * FROM C:\\Users\\{user}\\adressen.xlsx"/></w:mailMerge><w:docVars><w:docVar w:name="Steller" w:val="{escape(full)}"/></w:docVars>',
                template_path=f"file:///C:/Users/{user}/Sjablonen/Nota.dotm",
            ),
            [sn, user],
            public=["Hamming"],
            keep=[bg[1]],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "stijl-naar-persoon",
            Doc(
                body=[para("Tekst in een eigen stijl.", style=f"Stijl{sn}")],
                styles_extra=f'<w:style w:type="paragraph" w:styleId="Stijl{sn}"><w:name w:val="Opmaak {escape(full)}"/></w:style>',
            ),
            [sn],
        )
    )
    full, sn = P()
    html = f"<html><body><p>Notitie van {escape(full)}</p></body></html>"
    c.append(
        Case(
            "altchunk",
            Doc(
                body=[para("Bijlage volgt."), '<w:altChunk r:id="rIdAlt"/>'],
                extra_parts={"word/afchunk.html": html},
                extra_rels=[("rIdAlt", RT + "aFChunk", "afchunk.html", None)],
            ),
            [sn],
        )
    )
    full, sn = P()
    inner = Doc(body=[para(f"Interne notitie van {full}.")], core={"dc:creator": full}).save_bytes()
    ole = f'<w:r><w:object><w:control r:id="rIdOle" w:name="Pakket {escape(sn)}"/></w:object></w:r>'
    c.append(
        Case(
            "ingesloten-pakket",
            Doc(
                body=[para("Zie het ingesloten document.", ole)],
                extra_parts={"word/embeddings/Notitie.docx": inner},
                extra_rels=[("rIdOle", RT + "package", "embeddings/Notitie.docx", None)],
            ),
            [sn],
        )
    )
    full, sn = P()
    people = f'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="{escape(full)}"><w15:presenceInfo w15:providerId="AD" w15:userId="{escape(sn.lower())}@minjenv.example"/></w15:person></w15:people>'
    c.append(
        Case(
            "personen-en-opmerking",
            Doc(
                body=[
                    para(
                        '<w:commentRangeStart w:id="0"/>',
                        "Akkoord.",
                        '<w:commentRangeEnd w:id="0"/>',
                        '<w:r><w:commentReference w:id="0"/></w:r>',
                    )
                ],
                comments=[(full, "Graag nog even checken")],
                extra_parts={"word/people.xml": people},
                extra_rels=[
                    (
                        "rIdPeople",
                        "http://schemas.microsoft.com/office/2011/relationships/people",
                        "people.xml",
                        None,
                    )
                ],
            ),
            [sn],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "verborgen-tekst",
            Doc(
                body=[
                    para(
                        "Zichtbaar.",
                        f'<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> Verborgen: {escape(full)}</w:t></w:r>',
                    )
                ]
            ),
            [sn],
        )
    )
    full, sn = P()
    c.append(
        Case(
            "bestandsnaam-auteur",
            Doc(body=[para(bg[2])], core={"dc:creator": full, "dc:title": f"Nota {full}"}),
            [sn],
            filename=f"Nota_{full.replace(' ', '_')}_v3.docx",
            keep=[bg[2]],
        )
    )

    # -- forms of visible personal data --------------------------------------------------
    full, sn = P()
    c.append(
        Case(
            "telefoon-streep-en-schuine",
            Doc(body=[para(f"Bel {full}: 070–370 41 22, 06/41 22 33 44 of 070/3704122.")]),
            [sn, "370 41 22", "41 22 33 44", "3704122"],
            hidden=False,
        )
    )
    full, sn = P()
    local = full.split()[0].lower() + "." + sn.lower()
    c.append(
        Case(
            "email-at-varianten",
            Doc(
                body=[
                    para(
                        f"Mail {local}[at]minjenv.example of {sn.lower()} (at) politie (dot) example."
                    )
                ]
            ),
            [f"{local}[at]", f"{sn.lower()} (at)"],
            hidden=False,
        )
    )
    full, sn = P()
    c.append(
        Case(
            "nfd-nbsp-nobreakhyphen",
            Doc(
                body=[
                    para(
                        unicodedata.normalize("NFD", "Overleg met Zoë ")
                        + sn
                        + "; "
                        + full.split()[0]
                        + "\u00a0"
                        + sn
                        + " en ",
                        run("Eva"),
                        "<w:r><w:noBreakHyphen/></w:r>",
                        run(sn + "-Öztürk") + ".",
                    )
                ]
            ),
            [sn],
            hidden=False,
        )
    )
    full, sn = P()
    c.append(
        Case(
            "hoofdletters-onbekend-koptekst",
            Doc(body=[para(bg[3])], header=[para(f"OPGESTELD DOOR: {full.upper()}")]),
            [sn.upper()],
            keep=[bg[3]],
            hidden=False,
        )
    )
    full, sn = P()
    full2, sn2 = P()
    c.append(
        Case(
            "ambtenaar-naast-functie",
            Doc(
                body=[
                    para(f"Dat meldde de woordvoerder van de minister, {full}, aan de pers."),
                    para("Namens de minister van Justitie en Veiligheid,"),
                    para(full2),
                    para(bg[0]),
                ]
            ),
            [sn, sn2],
            public=["minister van Justitie"],
            keep=[bg[0]],
            hidden=False,
        )
    )
    full, sn = P()
    c.append(
        Case(
            "publieke-vormen",
            Doc(
                body=[
                    para(
                        "Halsema noemde de aanpak effectief; later sprak burgemeester Halsema met het lid Mutluer."
                    ),
                    para(
                        "Minister Yeşilgöz-Zegerius en staatssecretaris Van der Burg reageerden. Hugo de Jonge ook; De Jonge benadrukte de regie."
                    ),
                    para(
                        f"Het verslag is van {full}; {sn} en Van der Burg stemden af. Marcouch en Kolff waren aanwezig, net als korpschef Henk van Essen."
                    ),
                ]
            ),
            [sn],
            public=[
                "Halsema",
                "Mutluer",
                "Yeşilgöz-Zegerius",
                "Van der Burg",
                "De Jonge",
                "Marcouch",
                "Kolff",
                "Van Essen",
            ],
            hidden=False,
        )
    )
    c.append(
        Case(
            "publieke-nummers-en-mailboxen",
            Doc(
                body=[
                    para(
                        "Meld heling via 0800-7000 of 0900-8844; mail info@politie.example of postbus@minjenv.example."
                    ),
                    para(
                        "Stop Heling is een maatregel; De Nederlandsche Bank en de gemeente Den Haag werken mee (Turfmarkt 147, 2511 DP Den Haag)."
                    ),
                    para(
                        "Zie Kamerstukken II 2021/22, 28684, nr. 680 en de Wet gegevensverwerking door samenwerkingsverbanden."
                    ),
                ]
            ),
            [],
            public=[
                "0800-7000",
                "0900-8844",
                "info@politie.example",
                "postbus@minjenv.example",
                "Stop Heling",
                "De Nederlandsche Bank",
                "Den Haag",
                "28684",
            ],
            hidden=False,
        )
    )
    full, sn = P()
    c.append(
        Case(
            "zelfde-achternaam-ambtenaar-en-houder",
            Doc(
                body=[
                    para(
                        f"Ambtenaar Peter Marcouch-{sn} stemde af; burgemeester Marcouch reageerde. Marcouch is positief."
                    )
                ]
            ),
            [sn],
            public=["burgemeester Marcouch", "Marcouch is positief"],
            hidden=False,
        )
    )

    # -- section 5, every form --------------------------------------------------------------
    def memo5(name: str, s5_blocks: list[str], secret: str, **kw) -> None:
        c.append(
            Case(
                name,
                _memo(
                    heading("1. Aanleiding"),
                    para(bg[0]),
                    heading("4. Advies"),
                    para("U wordt geadviseerd de brief te ondertekenen."),
                    *s5_blocks,
                    **kw,
                ),
                [],
                section5=[secret],
                keep=[bg[0], "U wordt geadviseerd de brief te ondertekenen."],
                hidden=False,
            )
        )

    sec = "De minister twijfelt in vertrouwen aan de haalbaarheid van de doelstelling."
    memo5(
        "s5-vet-normaal-zonder-regel",
        [para(run("5. Informatie die niet openbaar gemaakt kan worden", bold=True)), para(sec)],
        sec,
    )
    num = '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>'

    def li(t: str) -> str:
        return (
            '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr>'
            f"{run(t, bold=True)}</w:p>"
        )

    c.append(
        Case(
            "s5-automatische-nummering",
            _memo(
                li("Aanleiding"),
                para(bg[0]),
                li("Geadviseerd besluit"),
                para("Akkoord gaan."),
                li("Kernpunten"),
                para("De brief beschrijft de voortgang."),
                li("Toelichting"),
                para("Geen bijzonderheden."),
                li("Overwegingen"),
                para(sec),
                numbering=num,
            ),
            [],
            section5=[sec],
            keep=[bg[0], "De brief beschrijft de voortgang."],
            hidden=False,
        )
    )
    c.append(
        Case(
            "s5-kop2-andere-woorden",
            _memo(
                heading("1. Aanleiding", 2),
                para(bg[0]),
                heading("2. Besluit", 2),
                para("Akkoord."),
                heading("3. Kern", 2),
                para("Kern."),
                heading("4. Toelichting", 2),
                para("Toelichting."),
                heading("5. Overwegingen", 2),
                para(sec),
            ),
            [],
            section5=[sec],
            keep=[bg[0]],
            hidden=False,
        )
    )
    memo5(
        "s5-regel-over-twee-regels",
        [
            para(run("5. Informatie", bold=True)),
            para("Alles onder deze streep"),
            para("wordt verwijderd"),
            para(sec),
        ],
        sec,
    )
    memo5("s5-hoofdletters", [para(LINE.upper()), para(sec)], sec)
    memo5("s5-regel-in-tabel", [table([[LINE], [sec]])], sec)
    memo5("s5-regel-in-tekstvak", [para(textbox(LINE)), para(sec)], sec)
    memo5(
        "s5-getekende-streep",
        [
            '<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="000000"/></w:pBdr></w:pPr></w:p>',
            para("— alles onder deze streep wordt verwijderd —"),
            para(sec),
        ],
        sec,
    )
    hdr2 = f'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{para(LINE)}</w:hdr>'
    c.append(
        Case(
            "s5-laatste-sectie-koptekst",
            Doc(
                body=[
                    heading("Beslisnota voortgang"),
                    heading("1. Aanleiding"),
                    para(bg[0]),
                    '<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/></w:sectPr></w:pPr></w:p>',
                    para(sec),
                ],
                header=[para("Directie Veiligheid")],
                sect_extra='<w:headerReference w:type="default" r:id="rIdH2"/>',
                extra_parts={"word/header2.xml": hdr2},
                extra_rels=[("rIdH2", RT + "header", "header2.xml", None)],
                extra_overrides={"/word/header2.xml": CT_MAIN + "header+xml"},
            ),
            [],
            section5=[sec],
            keep=[bg[0]],
            hidden=False,
        )
    )
    fn_secret = "Bron: vertrouwelijk gesprek met de korpsleiding over capaciteit."
    c.append(
        Case(
            "s5-voetnoot-en-eindnoot",
            _memo(
                heading("1. Aanleiding"),
                para(bg[0], '<w:r><w:footnoteReference w:id="2"/></w:r>'),
                *_s5(sec)[:2],
                para(
                    sec,
                    '<w:r><w:footnoteReference w:id="3"/></w:r>',
                    '<w:r><w:endnoteReference w:id="4"/></w:r>',
                ),
                footnotes={2: "Kamerstukken II 2022/23, 28684, nr. 700.", 3: fn_secret},
                endnotes={4: "Notitie over de inzet van de korpsleiding in de regio."},
            ),
            [],
            section5=[sec, fn_secret, "Notitie over de inzet van de korpsleiding"],
            keep=[bg[0], "28684"],
            hidden=False,
        )
    )
    c.append(
        Case(
            "s5-memo-als-tabel",
            _memo(
                table(
                    [
                        ["1.", "Aanleiding: " + bg[0]],
                        ["2.", "Geadviseerd besluit: akkoord."],
                        ["3.", "Kernpunten: de voortgang."],
                        ["4.", "Toelichting: geen."],
                        ["5.", "Informatie die niet openbaar gemaakt kan worden"],
                        ["", sec],
                    ]
                )
            ),
            [],
            section5=[sec],
            keep=[bg[0], "Geadviseerd besluit: akkoord.", "Toelichting: geen."],
            hidden=False,
        )
    )
    c.append(
        Case(
            "s5-regel-geciteerd-in-sectie-1",
            _memo(
                heading("1. Aanleiding"),
                para(f"Het sjabloon bevat de zin “{LINE}”; daaronder staat wat niet openbaar is."),
                para(bg[0]),
                heading("4. Advies"),
                para("Tekenen."),
                *_s5(sec),
            ),
            [],
            section5=[sec],
            keep=[bg[0], "Het sjabloon bevat de zin", "Tekenen."],
            hidden=False,
        )
    )
    brief = Doc(
        body=[
            para("Geachte voorzitter,"),
            para("In de beslisnota van vorig jaar is de aanpak toegelicht."),
            heading("4. Uitvoering"),
            para("De uitvoering ligt bij gemeenten."),
            heading("5. Financiële gevolgen"),
            para("De maatregelen worden gedekt uit de begroting van Justitie en Veiligheid."),
            heading("6. Tot slot"),
            para("Ik informeer uw Kamer jaarlijks."),
            para("De minister van Justitie en Veiligheid,"),
            para("D.M. van Weel"),
        ]
    )
    c.append(
        Case(
            "brief-noemt-beslisnota",
            brief,
            [],
            public=[
                "Financiële gevolgen",
                "gedekt uit de begroting",
                "Ik informeer uw Kamer jaarlijks",
                "Van Weel",
            ],
            hidden=False,
        )
    )
    amb = _memo(
        heading("1. Aanleiding"),
        para(bg[0]),
        heading("2. Advies"),
        para("Tekenen."),
        heading("3. Overig"),
        para(sec),
    )
    c.append(
        Case(
            "s5-dubbelzinnig-weigeren",
            amb,
            [],
            section5=[sec],
            keep=[bg[0]],
            vanaf="Overig",
            refused=True,
            hidden=False,
        )
    )
    c.append(
        Case(
            "s5-markering-in-voetnoot-bij-kop",
            _memo(
                heading("1. Aanleiding"),
                para(bg[0]),
                heading("4. Advies"),
                para("Tekenen."),
                para(
                    run("Informatie voor de minister", bold=True),
                    '<w:r><w:footnoteReference w:id="5"/></w:r>',
                ),
                para(sec),
                footnotes={5: LINE + "."},
            ),
            [],
            section5=[sec],
            keep=[bg[0]],
            hidden=False,
        )
    )
    c += many_sections(nm.rng, bg)

    return c


SECTION_TITLES = [
    "Aanleiding",
    "Geadviseerd besluit",
    "Kernpunten",
    "Toelichting",
    "Financiële gevolgen",
    "Communicatie",
    "Vervolg",
    "Uitvoering",
    "Afstemming",
]


def many_sections(rng: random.Random, bg: list[str]) -> list[Case]:
    """Memos with 6 to 9 numbered sections and the marker line in different places: only
    the nearest heading above the line can pull the cut up, and only when it is numbered
    5; public sections before the line (5, 6, 7 ... when the line comes later) stay."""
    out: list[Case] = []
    for variant in (
        "na-latere-sectie",
        "direct-na-kop-5",
        "in-subparagraaf-5",
        "in-sectie-met-subkoppen",
        "kop-5-verderop-genummerd-als-lijst",
    ):
        n = rng.randint(6, 9)
        secret = f"Vertrouwelijke inschatting {rng.randint(100, 999)} over het draagvlak bij de korpsleiding."
        body: list[str] = []
        keep: list[str] = [bg[0]]

        # section k: heading "k. Title" and a public paragraph unique to it
        def public_text(k: int) -> str:
            return f"Openbare tekst van onderdeel {k}: {SECTION_TITLES[(k - 1) % len(SECTION_TITLES)].lower()} zonder bijzonderheden."

        if variant == "na-latere-sectie":
            at = rng.randint(6, n)  # the line at the end of section `at` (> 5)
            for k in range(1, n + 1):
                body += [
                    heading(f"{k}. {SECTION_TITLES[k - 1]}"),
                    para(bg[0] if k == 1 else public_text(k)),
                ]
                if k > 1:
                    keep.append(public_text(k))
                if k == at:
                    body += [para(LINE), para(secret)]
                    break
        elif variant == "direct-na-kop-5":
            for k in range(1, n + 1):
                body.append(heading(f"{k}. {SECTION_TITLES[k - 1]}"))
                if k == 5:
                    body += [para(LINE), para(secret)]
                else:
                    body.append(para(bg[0] if k == 1 else public_text(k)))
                    if 1 < k < 5:
                        keep.append(public_text(k))
        elif variant == "in-subparagraaf-5":
            for k in range(1, n + 1):
                body.append(heading(f"{k}. {SECTION_TITLES[k - 1]}"))
                if k == 5:
                    body += [
                        heading("5.1 Achtergrond", 2),
                        para(secret),
                        heading("5.2 Vertrouwelijk", 2),
                        para(LINE),
                        para(secret),
                    ]
                else:
                    body.append(para(bg[0] if k == 1 else public_text(k)))
                    if 1 < k < 5:
                        keep.append(public_text(k))
            # the line sits under 5.2; section 5 opens at "5." so 5.1 goes too
        elif variant == "in-sectie-met-subkoppen":
            at = rng.randint(6, n)
            for k in range(1, n + 1):
                body.append(heading(f"{k}. {SECTION_TITLES[k - 1]}"))
                if k == at:
                    body += [
                        heading(f"{k}.1 Stand van zaken", 2),
                        para(public_text(k)),
                        heading(f"{k}.2 Intern", 2),
                        para(LINE),
                        para(secret),
                    ]
                    keep.append(public_text(k))
                    break
                body.append(para(bg[0] if k == 1 else public_text(k)))
                if k > 1:
                    keep.append(public_text(k))
        else:  # typed "5." appears as a list item inside section 2; the line is in section 7+
            at = rng.randint(7, n) if n >= 7 else n
            for k in range(1, n + 1):
                body.append(heading(f"{k}. {SECTION_TITLES[k - 1]}"))
                body.append(para(bg[0] if k == 1 else public_text(k)))
                if k > 1:
                    keep.append(public_text(k))
                if k == 2:
                    body += [
                        para("4. Eerdere stap: de brief van vorig jaar."),
                        para("5. Volgende stap: de Kamer informeren."),
                    ]
                    keep.append("5. Volgende stap: de Kamer informeren.")
                if k == at:
                    body += [para(LINE), para(secret)]
                    break
        out.append(
            Case(
                f"s5-{n}-secties-{variant}",
                _memo(*body),
                [],
                section5=[secret],
                keep=keep,
                hidden=False,
            )
        )
    return out


def _save_bytes(self: Doc) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = self.save(Path(d) / "x.docx")
        return p.read_bytes()


Doc.save_bytes = _save_bytes  # type: ignore[attr-defined]
__all__ = ["LINE", "Case", "build", "zipfile"]
