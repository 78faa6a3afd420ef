"""`nghe-dan poster` as the Office runs it: the PDF is rendered to an image the way a printer or
a phone would see it, and its QR codes are read back with a decoder; the PNG's too."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from bot.__main__ import main
from bot.texts import t
from tests.support.config_files import write
from tests.test_report_cli import nghe_dan

USERNAME = ('username = ""', 'username = "SonNinhBot"')
ZALO_LINK = "https://zalo.me/2841234567890"
ZALO_ON = ("enabled = false", f'enabled = true\ntoken = "2841234567890:zalo"\nlink = "{ZALO_LINK}"')
TELEGRAM_LINK = "https://t.me/SonNinhBot?start=guidon"
A4_POINTS = (595, 842)
EMBEDDED = re.compile(rb"/FontName /[A-Z]{6}\+(\w+)")


def codes_in(image: Image.Image) -> set[str]:
    return {found.text for found in zxingcpp.read_barcodes(image)}


def read_pdf(data: bytes) -> tuple[Image.Image, str, tuple[int, int], int]:
    """The first page as a 150 dpi image, its text, its size in points, and the page count."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=150 / 72).to_pil()
        text = page.get_textpage().get_text_range()
        width, height = page.get_size()
        return image, text, (round(width), round(height)), len(document)
    finally:
        document.close()


def test_the_pdf_and_png_carry_codes_that_open_the_bot(tmp_path: Path) -> None:
    config = write(tmp_path, USERNAME, ZALO_ON)
    pdf, png = tmp_path / "poster.pdf", tmp_path / "to-thong-bao.PNG"
    done = nghe_dan("poster", "--config", str(config), "--out", str(pdf), str(png))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        t("poster.cli.written", path=pdf),
        t("poster.cli.written", path=png),
    ]
    data = pdf.read_bytes()
    image, text, size, pages = read_pdf(data)
    assert (size, pages) == (A4_POINTS, 1)
    assert codes_in(image) == {TELEGRAM_LINK, ZALO_LINK}
    # fpdf2 embeds a subset of each face (FontFile2), named by a tag and the font's own name.
    assert sorted(set(EMBEDDED.findall(data))) == [b"DejaVuSansBold", b"DejaVuSansBook"]
    assert data.count(b"/FontFile2") == 2
    lines = text.splitlines()
    assert "UBND xã Sơn Ninh" in lines
    assert t("poster.telegram_scan") in lines
    assert t("poster.step_1") in lines
    words = " ".join(text.split())
    assert t("poster.title") in words
    assert t("poster.step_3") in words
    with Image.open(BytesIO(png.read_bytes())) as drawn:
        assert drawn.format == "PNG"
        assert drawn.size == (1240, 1754)  # A4 at 150 dpi
        assert codes_in(drawn) == {TELEGRAM_LINK, ZALO_LINK}


def test_with_zalo_off_only_the_telegram_code_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "poster.pdf"
    assert main(["poster", "--config", str(write(tmp_path, USERNAME)), "--out", str(out)]) == 0
    assert codes_in(read_pdf(out.read_bytes())[0]) == {TELEGRAM_LINK}
    assert capsys.readouterr().err == ""


def test_zalo_on_without_its_link_is_said_and_the_poster_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    on = ("enabled = false", 'enabled = true\ntoken = "2841234567890:zalo"')
    config, out = write(tmp_path, USERNAME, on), tmp_path / "poster.png"
    assert main(["poster", "--config", str(config), "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip() == t("poster.cli.zalo_no_link", path=config)
    with Image.open(out) as drawn:
        assert codes_in(drawn) == {TELEGRAM_LINK}


def test_without_the_username_it_says_where_to_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, out = write(tmp_path), tmp_path / "poster.pdf"
    assert main(["poster", "--config", str(config), "--out", str(out)]) == 1
    assert capsys.readouterr().err.strip() == t("poster.cli.no_username", path=config)
    assert not out.exists()


def test_a_bad_config_lists_its_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, ('username = ""', 'username = "Sơn Ninh"'))
    assert main(["poster", "--config", str(config), "--out", str(tmp_path / "p.pdf")]) == 1
    err = capsys.readouterr().err
    assert t("config.invalid_one", path=config) in err
    assert t("poster.bad_username", value="Sơn Ninh") in err


def test_a_file_that_cannot_be_written_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "poster.pdf"
    assert main(["poster", "--config", str(write(tmp_path, USERNAME)), "--out", str(out)]) == 1
    missing = FileNotFoundError(2, "No such file or directory", str(out))
    assert capsys.readouterr().err.strip() == t("poster.cli.cannot_write", path=out, detail=missing)


def test_only_pdf_and_png_are_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["poster", "--config", str(write(tmp_path, USERNAME)), "--out", "poster.docx"])
    assert stopped.value.code == 2
    assert t("poster.cli.bad_suffix", value="poster.docx") in capsys.readouterr().err
