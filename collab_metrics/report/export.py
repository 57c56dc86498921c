"""An executed report notebook as self-contained HTML and PDF.

The page around the parts is nbconvert's template `collab/` (`index.html.j2`, `report.css`);
a collaboration's `templates/collab/` replaces either file, as `templates/parts/` replaces a
part. A worker renders hundreds of documents at national scale, so it keeps its nbconvert
exporter (and with it the compiled page template) from one document to the next, until a
template file changes.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
import struct
import tempfile
import urllib.parse
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

import collab_metrics
from collab_metrics.model import limits
from collab_metrics.report import cells
from collab_metrics.report import vintage as vintages
from collab_metrics.text.labels import Language

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"

_EXPORTERS: dict[tuple[Any, ...], HTMLExporter] = {}
# Also in charts/chart.py, which writes the charts: importing it would bring matplotlib into
# the workers' light processes (see report/documents.py).
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
# The report's style sheet text: WeasyPrint's CSS, and the font configuration that prints
# every document with it (a sheet without @font-face: see `_parsed_style`).
_STYLESHEETS: dict[str, tuple[Any, Any]] = {}
_INLINE_PNG: Final = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
# Chunks that change nothing in how an 8-bit RGB image's pixels are read: the header, the
# resolution (the charts state theirs), the image data and the end.
_PLAIN_CHUNKS: Final = frozenset({b"IHDR", b"pHYs", b"IDAT", b"IEND"})


def export(
    notebook: Path,
    stem: Path,
    title: str,
    language: str,
    formats: Sequence[str],
    templates: Sequence[Path] = (),
) -> list[Path]:
    """The executed notebook as self-contained HTML (outputs only) and, if asked, PDF,
    written beside `stem`; `templates` are the collaboration's override folders."""
    import nbformat

    node = nbformat.read(notebook, as_version=4)
    vintage_note = vintages.note(node, cast(Language, language))
    node = cells.report_cells(node, cast(Language, language))
    css = stylesheet(templates).read_text(encoding="utf-8")
    resources = {
        "report": {
            "title": title,
            "language": language,
            "version": collab_metrics.__version__,
            "css": css,
            "vintage_note": vintage_note,
        }
    }
    html, _ = _exporter(templates).from_notebook_node(node, resources=resources)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    if "html" in formats or "pdf" in formats:
        html_path = stem.with_suffix(".html")
        html_path.write_text(html, encoding="utf-8")
        written.append(html_path)
    if "pdf" in formats:
        from weasyprint import HTML

        pdf_path = stem.with_suffix(".pdf")
        page, stylesheets, fonts = _parsed_style(html, css)
        with (  # the time limit inside: its timer is off before WeasyPrint is restored
            _inline_pngs_as_files(page) as printed,
            _plain_pngs_as_they_are(),
            limits.time_limit(limits.PDF_EXPORT_SECONDS, f"the PDF export of {stem.name}"),
        ):
            HTML(string=printed, base_url=str(stem.parent)).write_pdf(
                pdf_path, stylesheets=stylesheets, font_config=fonts
            )
        # WeasyPrint parses any other data: URL with urllib, whose parse cache keeps the last
        # 128 URLs: in a worker that renders hundreds of documents, megabytes of old images.
        urllib.parse.clear_cache()  # type: ignore[attr-defined]  # in CPython, not in typeshed
        written.append(pdf_path)
    return written


def _parsed_style(html: str, css: str) -> tuple[str, list[Any], Any]:
    """The page for WeasyPrint, its style sheets and its font configuration: the report's
    style sheet parsed once per process, not once per document (a fifth of an actor
    extract's PDF export), with one font configuration for every document printed with it
    (Fontconfig and Pango set up once: 5 ms a document). A sheet with `@font-face` (a
    collaboration's own) is parsed for each document, with a font configuration of the
    document's own that holds its fonts.

    WeasyPrint gives a style sheet passed this way the user's origin, below the page's own
    (the author's): the same cascade only when the page has no other style sheet and the
    report's has no `!important`. Then it is taken out of the page (the PDF's pages are the
    same pixels, measured); otherwise, e.g. a notebook output with a `<style>` of its own,
    it stays in the page and is parsed there, and WeasyPrint makes the fonts (None).
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    element = f"<style>\n{css}\n</style>"
    if html.count("<style") != 1 or element not in html or "!important" in css:
        return html, [], None
    page = html.replace(element, "", 1)
    if "@font-face" in css:  # its fonts are files in a folder of the configuration's own,
        # removed when the configuration is: kept, they would outlive a worker's process
        fonts = FontConfiguration()
        return page, [CSS(string=css, font_config=fonts)], fonts
    parsed = _STYLESHEETS.get(css)
    if parsed is None:
        _STYLESHEETS.clear()  # one report's style sheet at a time
        fonts = FontConfiguration()
        parsed = _STYLESHEETS[css] = (CSS(string=css, font_config=fonts), fonts)
    stylesheet, fonts = parsed
    return page, [stylesheet], fonts


@contextlib.contextmanager
def _inline_pngs_as_files(page: str) -> Iterator[str]:
    """The page with each inline PNG (every chart) in a file of its own, while it lasts.

    WeasyPrint's HTML parser (pure Python) spends 11 ms of an actor extract's PDF export
    on its chart's base64 text, 0.2 s of a national joint report's; a file URL costs next
    to nothing. The same images, read from the files; an image repeated is one file.
    """
    with tempfile.TemporaryDirectory(prefix="collab-pdf-") as folder:
        files: dict[str, str] = {}

        def as_file(match: re.Match[str]) -> str:
            if match[1] not in files:
                image = Path(folder) / f"image-{len(files)}.png"
                image.write_bytes(base64.b64decode(match[1]))
                files[match[1]] = image.as_uri()
            return f'src="{files[match[1]]}"'

        yield _INLINE_PNG.sub(as_file, page)


@contextlib.contextmanager
def _plain_pngs_as_they_are() -> Iterator[None]:
    """While it lasts, WeasyPrint puts a plain PNG's image data into the PDF as it is.

    WeasyPrint decodes every PNG and encodes it again for the PDF, at zlib level 6
    (`RasterImage._get_png_data`): 49 ms for an actor extract's chart, measured, about a
    third of its PDF export then. The IDAT of an 8-bit RGB PNG without interlacing, as
    the charts are written, already is what a PDF image with PNG predictors holds (ISO
    32000-1, 7.4.4.4; WeasyPrint declares exactly that stream: FlateDecode, predictor
    15, 3 colours, 8 bits), so such an image goes in as it is: the same pixels. Any
    other image goes WeasyPrint's way. Upstream names this pass-through as an
    optimisation left to do (Kozea/WeasyPrint#1481). Where WeasyPrint has no such
    method any more, it is left alone: the PDF is the same, only slower (a test fails
    then, so that it is noticed).
    """
    from weasyprint.images import RasterImage

    own = RasterImage.__dict__.get("_get_png_data")
    if not isinstance(own, staticmethod):
        yield
        return
    weasyprint_way = own.__func__
    RasterImage._get_png_data = staticmethod(lambda image: _image_data(image, weasyprint_way))
    try:
        yield
    finally:
        RasterImage._get_png_data = own


def _image_data(image: Any, weasyprint_way: Callable[[Any], bytes]) -> bytes:
    """The PDF image data of a Pillow image WeasyPrint opened from its bytes (in memory,
    also when they came from a file)."""
    source = getattr(image, "fp", None)
    if image.format == "PNG" and isinstance(source, io.BytesIO):
        data = _plain_rgb_png_data(source.getvalue())
        if data is not None:
            return data
    return weasyprint_way(image)


def _plain_rgb_png_data(png: bytes) -> bytes | None:
    """The image data (the IDAT chunks joined) of a well-formed 8-bit RGB PNG without
    interlacing and with no chunk that changes how its pixels are read; else None."""
    if not png.startswith(_PNG_SIGNATURE):
        return None
    position, data, kinds = len(_PNG_SIGNATURE), [], list[bytes]()
    while position + 12 <= len(png):
        length, kind = struct.unpack_from(">I4s", png, position)
        end = position + 8 + length
        if end + 4 > len(png) or kind not in _PLAIN_CHUNKS:
            return None
        body = png[position + 8 : end]
        if zlib.crc32(kind + body) != struct.unpack_from(">I", png, end)[0]:
            return None
        if kind == b"IHDR" and (kinds or body[8:] != b"\x08\x02\x00\x00\x00"):
            return None  # not first, or not 8-bit RGB, deflate, adaptive, not interlaced
        kinds.append(kind)
        if kind == b"IDAT":
            data.append(body)
        if kind == b"IEND":
            break
        position = end + 4
    if kinds[:1] != [b"IHDR"] or kinds[-1:] != [b"IEND"] or not data:
        return None
    return b"".join(data)


def stylesheet(templates: Sequence[Path]) -> Path:
    """The report's style sheet: a collaboration's `collab/report.css`, else the package's."""
    own = [folder / "collab" / "report.css" for folder in templates]
    return next((css for css in own if css.is_file()), TEMPLATES / "collab" / "report.css")


def _exporter(templates: Sequence[Path]) -> HTMLExporter:
    """This process's exporter for these override folders, made again when one of their
    page templates changed (a collaboration editing its `templates/collab/`)."""
    from nbconvert import HTMLExporter

    key = (tuple(str(folder) for folder in templates), _stamps(templates))
    exporter = _EXPORTERS.get(key)
    if exporter is None:
        _EXPORTERS.clear()  # one report's folders at a time: nothing piles up
        exporter = HTMLExporter(
            template_name="collab",
            extra_template_basedirs=[*(str(folder) for folder in templates), str(TEMPLATES)],
            exclude_anchor_links=True,  # the analyst's markdown headings get no "¶"
        )
        _EXPORTERS[key] = exporter
    return exporter


def _stamps(templates: Sequence[Path]) -> tuple[tuple[str, int], ...]:
    """Each override page template by path and modification time."""
    found: list[tuple[str, int]] = []
    for folder in templates:
        page = folder / "collab"
        if page.is_dir():
            found.extend((str(f), f.stat().st_mtime_ns) for f in sorted(page.rglob("*")))
    return tuple(found)
