"""Turn a .docx into PDF with LibreOffice (``soffice --headless --convert-to pdf``).

Each conversion runs in its own temporary directory with its own LibreOffice user profile, so that
parallel conversions (two task workers, two test processes) do not fight over one profile's lock, and
with ``FONTCONFIG_FILE`` pointing to ``fonts.conf`` beside this file, which maps the office font names
written in the .docx to the free fonts installed on the server (ecosystem.md §a.5).

Plain Python; no Django. Callers turn :class:`RenderUnavailable` and :class:`RenderFailed` into their
own (Chinese) messages.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")


class RenderError(Exception):
    """The PDF could not be made."""


class RenderUnavailable(RenderError):
    """LibreOffice is not installed on this machine."""


class RenderFailed(RenderError):
    """LibreOffice ran but produced no PDF (crash, timeout or a file it could not read)."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """Whether this machine can make PDFs (LibreOffice is on the PATH)."""
    return soffice_path() is not None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the conversion's process group (nothing, when it ended by itself)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def docx_to_pdf(content: bytes, *, timeout: float = 120) -> bytes:
    """The PDF of a .docx file's bytes. Raises RenderUnavailable or RenderFailed."""
    soffice = soffice_path()
    if soffice is None:
        raise RenderUnavailable("LibreOffice (soffice) is not installed")
    if not content:
        raise RenderFailed("empty document")
    with tempfile.TemporaryDirectory(prefix="tongxin-gongwen-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(content)
        profile = folder / "profile"
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
        env["HOME"] = str(folder)  # LibreOffice and fontconfig caches stay inside the temporary directory
        env.setdefault("LANG", "C.UTF-8")
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            # A session of its own: soffice starts oosplash and soffice.bin, and a timeout must stop all.
            process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise RenderUnavailable(f"LibreOffice could not be started: {exc}") from exc
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _stop(process)
            raise RenderFailed(f"LibreOffice did not finish within {timeout} s") from exc
        finally:
            _stop(process)
        target = folder / "document.pdf"
        if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            detail = (stderr or stdout).decode("utf-8", "replace").strip()[-500:]
            raise RenderFailed(f"LibreOffice exit {process.returncode}: {detail or 'no PDF produced'}")
        return target.read_bytes()
