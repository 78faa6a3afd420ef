"""The notice-board poster on an A4 page: a PDF to print (fpdf2) and a PNG for chat groups (Pillow).

Both formats draw one layout, so they cannot drift apart: the page is first laid out as a list
of text lines and dark QR modules placed in millimetres, measured with the font's own advance
widths, and each format then draws exactly that list. The type is large for elderly readers; a
page with much to say is laid out again a little smaller until it fits on one sheet.

The font is DejaVu Sans as matplotlib ships it (every Vietnamese letter, nothing more to
install); fpdf2 embeds the subset the page uses, so the PDF prints the same on any machine. The
QR codes are segno's, at error correction level M (a poster gets creased and stained), each
module drawn as a filled square rather than a scaled bitmap, so printers and viewers keep the
edges sharp.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

import matplotlib as mpl
import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from bot.dialogs.poster import Poster

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4, in mm
MARGIN = 14.0
MM_PER_POINT = 25.4 / 72
LEADING = 1.3  # line height as a share of the type size
QUIET_ZONE = 4  # modules of white around a QR code, as the standard asks
PNG_DPI = 150
FONT_FAMILY = "DejaVu"
SMALLEST_SCALE = 0.6
DARK = (0, 0, 0)
BLUE = (11, 61, 145)
GREY = (70, 70, 70)
Colour = tuple[int, int, int]
# A space that may end a line: any but one between two digits.
_UNBROKEN = re.compile(r"(?<!\d) +| +(?!\d)")


def font_file(bold: bool) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(mpl.get_data_path()) / "fonts" / "ttf" / name


@cache
def _metrics(bold: bool) -> ImageFont.FreeTypeFont:
    """The font at 1,000 units to the point, to measure text at any size."""
    return ImageFont.truetype(str(font_file(bold)), 1000, layout_engine=ImageFont.Layout.BASIC)


def _width(text: str, size: float, bold: bool) -> float:
    return _metrics(bold).getlength(text) / 1000 * size * MM_PER_POINT


@dataclass(frozen=True, slots=True)
class _Text:
    x: float  # left end of the baseline, mm
    y: float
    size: float  # points
    bold: bool
    colour: Colour
    text: str


@dataclass(frozen=True, slots=True)
class _Box:
    x: float
    y: float
    width: float
    height: float


class _Page:
    """Lines placed from the top down within the margins."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.y = MARGIN
        self.items: list[_Text | _Box] = []

    def gap(self, mm: float) -> None:
        self.y += mm * self.scale

    def lines(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        colour: Colour = DARK,
        centre: float | None = None,
        left: float = MARGIN,
        width: float = PAGE_WIDTH - 2 * MARGIN,
    ) -> None:
        """`text` wrapped at spaces to `width`, centred on `centre` or from `left`."""
        size *= self.scale
        for line in _wrapped(text, size, bold, width):
            self.y += size * MM_PER_POINT * LEADING
            x = left if centre is None else centre - _width(line, size, bold) / 2
            self.items.append(_Text(x, self.y, size, bold, colour, line))

    def qr(self, link: str, x: float, side: float) -> None:
        code = segno.make(link, error="m", micro=False)
        rows = [list(row) for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]
        module = side / len(rows)
        for r, row in enumerate(rows):
            for start, end in _dark_runs(row):
                box = _Box(x + start * module, self.y + r * module, (end - start) * module, module)
                self.items.append(box)
        self.y += side


def _wrapped(text: str, size: float, bold: bool, width: float) -> Iterator[str]:
    """Lines broken at spaces, but never inside a number written in groups (0239 3800 000)."""
    line = ""
    for word in _UNBROKEN.split(text.strip()):
        joined = f"{line} {word}" if line else word
        if line and _width(joined, size, bold) > width:
            yield line
            line = word
        else:
            line = joined
    if line:
        yield line


def _dark_runs(row: list[int]) -> Iterator[tuple[int, int]]:
    """Each run of dark modules in a row, as one rectangle: fewer shapes, no seams."""
    start = None
    for i, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            yield start, i
            start = None


def _codes(page: _Page, poster: Poster) -> None:
    count = len(poster.codes)
    column = (PAGE_WIDTH - 2 * MARGIN) / count
    side = (85.0 if count == 1 else 72.0) * page.scale
    top, bottom = page.y, page.y
    for i, code in enumerate(poster.codes):
        centre = MARGIN + column * (i + 0.5)
        page.y = top
        page.lines(code.label, 22, bold=True, colour=BLUE, centre=centre, width=column)
        page.gap(1)
        page.qr(code.link, centre - side / 2, side)
        page.lines(code.scan, 15, bold=True, centre=centre, width=column - 4)
        page.lines(code.link, 10, colour=GREY, centre=centre, width=column - 4)
        bottom = max(bottom, page.y)
    page.y = bottom


def _layout(poster: Poster, scale: float) -> _Page:
    page = _Page(scale)
    centre = PAGE_WIDTH / 2
    page.lines(poster.commune, 22, bold=True, centre=centre)
    page.gap(2)
    page.lines(poster.title, 30, bold=True, colour=BLUE, centre=centre)
    page.gap(1)
    page.lines(poster.lead, 16, centre=centre)
    page.gap(5)
    _codes(page, poster)
    page.gap(6)
    page.lines(poster.how, 20, bold=True, colour=BLUE)
    for step in poster.steps:
        page.lines(step, 17)
    if poster.schedule:
        page.gap(5)
        page.lines(poster.schedule_title, 17, bold=True, colour=BLUE)
        for line in poster.schedule:
            page.lines(line, 13)
    if poster.contact:
        page.gap(5)
        page.lines(poster.contact, 15, bold=True, centre=centre)
    return page


def _fitted(poster: Poster) -> list[_Text | _Box]:
    """The layout at the largest scale that fits on the page."""
    scale = 1.0
    page = _layout(poster, scale)
    while page.y > PAGE_HEIGHT - MARGIN and scale > SMALLEST_SCALE:
        scale -= 0.05
        page = _layout(poster, scale)
    return page.items


def poster_pdf(poster: Poster) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(poster.title)
    pdf.set_lang("vi")
    pdf.add_font(FONT_FAMILY, "", font_file(bold=False))
    pdf.add_font(FONT_FAMILY, "B", font_file(bold=True))
    pdf.add_page()
    pdf.set_fill_color(*DARK)
    for item in _fitted(poster):
        if isinstance(item, _Box):
            pdf.rect(item.x, item.y, item.width, item.height, style="F")
        else:
            pdf.set_font(FONT_FAMILY, "B" if item.bold else "", item.size)
            pdf.set_text_color(*item.colour)
            pdf.text(item.x, item.y, item.text)
    return bytes(pdf.output())


@cache
def _png_font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(bold)), pixels, layout_engine=ImageFont.Layout.BASIC)


def poster_png(poster: Poster) -> bytes:
    per_mm = PNG_DPI / 25.4
    size = (round(PAGE_WIDTH * per_mm), round(PAGE_HEIGHT * per_mm))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for item in _fitted(poster):
        if isinstance(item, _Box):
            left, top = round(item.x * per_mm), round(item.y * per_mm)
            right = round((item.x + item.width) * per_mm) - 1
            lower = round((item.y + item.height) * per_mm) - 1
            draw.rectangle((left, top, right, lower), fill=DARK)
        else:
            font = _png_font(item.bold, round(item.size * PNG_DPI / 72))
            xy = (item.x * per_mm, item.y * per_mm)
            draw.text(xy, item.text, font=font, fill=item.colour, anchor="ls")
    out = BytesIO()
    image.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI), optimize=True)
    return out.getvalue()
