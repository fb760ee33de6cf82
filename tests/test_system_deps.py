"""`make` installs every program, library, font and model file the code and the tests use.

A fresh Debian machine has only what the Makefile's APT_PACKAGES brings: a test or a stage that
calls a program from another package passes on a developer's machine and fails there (the
kit tests once called poppler's pdfinfo). Two checks: every external program named in a
subprocess call of capture/ or tests/ belongs to a listed package, and every system file the
code opens (fonts, Tesseract's models, zbar, Chromium) belongs to one, asked of dpkg.
"""

from __future__ import annotations

import ast
import ctypes.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from capture.kit.fonts import PRINT_FONTS, find_font
from capture.synth.handwriting import HAND_FONTS

ROOT = Path(__file__).resolve().parents[1]
# The Debian package of each program a subprocess call may name.
PROGRAM_PACKAGES = {"tesseract": "tesseract-ocr", "chromium": "chromium"}
# Programs of Debian's Essential packages, on every Debian machine (dpkg: "Essential: yes").
ESSENTIAL = {"dpkg-query"}
SUBPROCESS = {"run", "Popen", "call", "check_call", "check_output", "system", "execv", "execvp"}


def apt_packages() -> set[str]:
    text = (ROOT / "Makefile").read_text("utf-8").replace("\\\n", " ")
    line = re.search(r"^APT_PACKAGES\s*:?=(.*)$", text, re.M)
    assert line, "the Makefile has no APT_PACKAGES"
    return set(line.group(1).split())


def _programs(path: Path) -> list[tuple[int, str]]:
    """(line, program) of each subprocess/os call whose command is a literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in SUBPROCESS and node.args):
            continue
        cmd = node.args[0]
        first = cmd.elts[0] if isinstance(cmd, ast.List | ast.Tuple) and cmd.elts else cmd
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value.split()[0]))
    return found


def test_every_program_called_is_installed_by_make() -> None:
    listed = apt_packages()
    problems = []
    for path in sorted([*ROOT.glob("capture/**/*.py"), *ROOT.glob("tests/*.py")]):
        for line, prog in _programs(path):
            if prog in ESSENTIAL:
                continue
            pkg = PROGRAM_PACKAGES.get(Path(prog).name)
            if pkg is None or pkg not in listed:
                problems.append(f"{path.relative_to(ROOT)}:{line} calls {prog!r}, which no "
                                "package of the Makefile's APT_PACKAGES provides")
    assert not problems, "\n".join(problems)


def _system_files() -> list[Path]:
    files = [find_font(f) for f in (*PRINT_FONTS.values(), *HAND_FONTS)]
    files += [Path(p) for p in ("/usr/share/tesseract-ocr/5/tessdata/fra.traineddata",
                                "/usr/share/tesseract-ocr/5/tessdata/eng.traineddata",
                                "/usr/bin/chromium")]
    tesseract = shutil.which("tesseract")
    zbar = ctypes.util.find_library("zbar")  # what pyzbar loads
    assert tesseract and zbar, "tesseract or libzbar is missing: run make install"
    files.append(Path(tesseract).resolve())
    libdirs = [Path("/usr/lib/x86_64-linux-gnu"), Path("/usr/lib/aarch64-linux-gnu"),
               Path("/usr/lib")]
    files += [d / zbar for d in libdirs if (d / zbar).exists()][:1]
    return files


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian machine (no dpkg)")
def test_every_system_file_used_comes_from_a_package_make_installs() -> None:
    listed = apt_packages()
    problems = []
    for f in _system_files():
        out = subprocess.run(["dpkg-query", "-S", str(f)], capture_output=True, text=True)
        owners = {o.split(":")[0].strip() for o in out.stdout.split(": ")[0].split(",")}
        if out.returncode != 0 or not owners & listed:
            problems.append(f"{f}: from {out.stdout.strip() or 'no package'}, not in APT_PACKAGES")
    assert not problems, "\n".join(problems)
