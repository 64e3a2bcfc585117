"""The supervision HTML as a real browser prints it: Debian's chromium, headless, to PDF and PNG.

CI installs chromium and poppler-utils (``.ci/run``) and sets HECHT_REQUIRE_BROWSER=1, so there a
missing browser fails the test; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hecht.tui.cli.main import main

pytestmark = pytest.mark.usefixtures("frozen_commands", "named_practitioner")
TOOLS = ("chromium", "pdftotext", "pdfinfo")
NAMES = ("Anna Jansen", "Bea de Vries", "Mark Peters")
SIGNALLED, QUIET = ("ZULU", "MIKE"), ("ALPHA",)  # most urgent first: alert, not on track


@pytest.fixture(scope="module")
def browser() -> str:
    """The chromium binary; skipped without one, failed without one when CI requires it."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (apt-get install chromium poppler-utils)"
        if os.environ.get("HECHT_REQUIRE_BROWSER"):
            pytest.fail(f"HECHT_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    return shutil.which("chromium")  # type: ignore[return-value]


def chromium(browser: str, page: Path, *output: str) -> None:
    profile = page.parent / "chromium-profile"
    subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            *output,
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def print_to_pdf(browser: str, page: Path) -> tuple[list[str], int]:
    """Print the page to A4 PDF; return the text of each printed page and the page count."""
    pdf = page.with_suffix(".pdf")
    chromium(browser, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    return [page_text for page_text in text.split("\f") if page_text.strip()], pages


def packet(report_db: str, folder: Path, *extra: str) -> Path:
    folder.mkdir()
    target = folder / "packet.html"
    argv = ["--db", report_db, "report", "supervision", "--format", "html", "--out", str(target)]
    assert main([*argv, *extra]) == 0
    return target


def page_of(code: str, pages: list[str]) -> int:
    """The printed page on which the client's section starts (its heading, then the facts)."""
    for number, text in enumerate(pages):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line, following in zip(lines, lines[1:], strict=False):
            if line == code and following.startswith("week "):
                return number
    raise AssertionError(f"no page starts the section of {code}")


def test_the_printed_packet_has_its_headings_codes_and_a_page_per_client_but_no_names(
    browser, report_db, tmp_path
):
    pages, count = print_to_pdf(browser, packet(report_db, tmp_path / "pseudonymised"))
    text = "\n".join(pages)
    assert "Supervision packet" in pages[0] and "pseudonymised" in pages[0]
    for heading in ("SIGNALS", "SCORES", "ALERTS (CRITICAL ANSWERS)", "LAST NOTE"):
        assert heading in text, heading
    assert "WHO-5 reliably worse since baseline: 72 → 40" in text
    assert not any(name in text for name in NAMES)
    starts = [page_of(code, pages) for code in (*SIGNALLED, *QUIET)]
    assert starts == sorted(set(starts)) and starts[0] >= 1  # after the cover, one page each
    assert count >= 1 + len(SIGNALLED) + len(QUIET)


def test_the_names_do_reach_the_print_when_asked_for(browser, report_db, tmp_path):
    pages, _ = print_to_pdf(browser, packet(report_db, tmp_path / "named", "--names"))
    text = "\n".join(pages)
    assert "with names" in pages[0]
    assert all(name in text for name in NAMES)


def test_the_packet_renders_to_a_screenshot(browser, report_db, tmp_path):
    page = packet(report_db, tmp_path / "screen")
    png = page.with_suffix(".png")
    chromium(browser, page, "--hide-scrollbars", "--window-size=1000,1400", f"--screenshot={png}")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a blank page of this size compresses to a few kilobytes
