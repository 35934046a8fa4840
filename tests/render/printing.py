"""Print an HTML report to PDF with headless Chromium and read the PDF's text back (poppler)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
PDFTOTEXT = Path("/usr/bin/pdftotext")


def print_to_pdf(html: Path, pdf: Path) -> None:
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(
        [str(PDFTOTEXT), "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
    )
    return done.stdout.decode("utf-8")


class _Rows(HTMLParser):
    """The body rows of every table outside a <details> (what a printed copy must show)."""

    def __init__(self) -> None:
        super().__init__()
        self.details = 0
        self.head = 0
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "details":
            self.details += 1
        elif tag == "thead":
            self.head += 1
        elif tag == "tr" and not self.details and not self.head:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.details -= 1
        elif tag == "thead":
            self.head -= 1
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def row_key(row: list[str]) -> tuple[str, ...]:
    """What starts the row's first printed line: its first cell's first word and the next
    cell's first word, each cut after a hyphen (where a narrow column may wrap)."""
    words = [re.split(r"(?<=-)(?=.)", cell.split()[0])[0] for cell in row[:2] if cell.split()]
    return tuple(words)


def printed_row_starts(text: str, keys: set[tuple[str, ...]]) -> Counter[tuple[str, ...]]:
    """How many lines of the PDF text start with each key (its first word first, then, later
    on the line, a word that starts with its second)."""
    found: Counter[tuple[str, ...]] = Counter()
    patterns = {k: re.compile(r"^\s*" + r"\S*\s+(?:.*\s)?".join(map(re.escape, k))) for k in keys}
    for line in text.splitlines():
        for key, pattern in patterns.items():
            if pattern.match(line):
                found[key] += 1
    return found
