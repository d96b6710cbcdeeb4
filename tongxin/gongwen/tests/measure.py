"""Measuring rendered PDFs with poppler-utils: text line boxes (pdftotext -bbox-layout), embedded fonts
(pdffonts) and red ink rows (pdftoppm). Positions in millimetres from the paper's top-left corner."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

PT = 25.4 / 72  # mm per point
NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def _run(command: list[str], data: bytes | None = None) -> bytes:
    return subprocess.run(command, input=data, capture_output=True, check=True, timeout=120).stdout  # noqa: S603


def pages_lines(pdf: bytes) -> list[list[Line]]:
    """Each page's text lines, top to bottom."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "doc.pdf"
        path.write_bytes(pdf)
        html = _run(["pdftotext", "-bbox-layout", str(path), "-"]).decode("utf-8")
    # pdftotext writes XHTML; drop the DOCTYPE so ElementTree needs no DTD
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))  # noqa: S314 - our own pdftotext output
    pages = []
    for page in root.iter(f"{NS}page"):
        lines = []
        for line in page.iter(f"{NS}line"):
            words = [w.text or "" for w in line.iter(f"{NS}word")]
            lines.append(
                Line(
                    text="".join(words),
                    left=float(line.get("xMin", 0)) * PT,
                    top=float(line.get("yMin", 0)) * PT,
                    right=float(line.get("xMax", 0)) * PT,
                    bottom=float(line.get("yMax", 0)) * PT,
                )
            )
        pages.append(sorted(lines, key=lambda ln: (round(ln.top, 1), ln.left)))
    return pages


def page_count(pdf: bytes) -> int:
    return len(pages_lines(pdf))


def fonts(pdf: bytes) -> list[str]:
    """The names of the fonts embedded in the PDF."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "doc.pdf"
        path.write_bytes(pdf)
        out = _run(["pdffonts", str(path)]).decode("utf-8")
    names = []
    for row in out.splitlines()[2:]:
        if row.strip():
            names.append(row.split()[0].split("+", 1)[-1])
    return names


def red_rows(pdf: bytes, page: int, *, dpi: int = 150) -> list[tuple[float, float, float]]:
    """Rows of the page holding red ink: (y mm, leftmost x mm, rightmost x mm), top to bottom."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "doc.pdf"
        path.write_bytes(pdf)
        raw = _run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), str(path)])
    # binary PPM: "P6\n<w> <h>\n255\n" + RGB bytes
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    pixels = raw[header.end() :]
    scale = 25.4 / dpi
    rows = []
    for y in range(height):
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        xs = [x for x in range(width) if row[3 * x] > 180 and row[3 * x + 1] < 90 and row[3 * x + 2] < 90]
        if xs:
            rows.append((y * scale, xs[0] * scale, xs[-1] * scale))
    return rows


def bands(
    rows: list[tuple[float, float, float]], *, gap: float = 0.5
) -> list[tuple[float, float, float, float]]:
    """Red rows grouped into bands: (top mm, bottom mm, leftmost x, rightmost x)."""
    out: list[list[float]] = []
    for y, left, right in rows:
        if out and y - out[-1][1] <= gap:
            band = out[-1]
            band[1] = y
            band[2] = min(band[2], left)
            band[3] = max(band[3], right)
        else:
            out.append([y, y, left, right])
    return [(a, b, c, d) for a, b, c, d in out]


def ink_rows(
    pdf: bytes, page: int, box: tuple[float, float, float, float], *, dpi: int = 150
) -> tuple[float, float]:
    """Top and bottom (mm) of the non-white ink inside ``box`` = (left, top, right, bottom) in mm."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "doc.pdf"
        path.write_bytes(pdf)
        raw = _run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", str(path)])
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    assert header is not None
    width = int(header.group(1))
    pixels = raw[header.end() :]
    per_mm = dpi / 25.4
    left, top, right, bottom = (round(v * per_mm) for v in box)
    rows = [y for y in range(top, bottom) if min(pixels[y * width + left : y * width + right]) < 128]
    assert rows, "no ink in the box"
    return rows[0] / per_mm, rows[-1] / per_mm
