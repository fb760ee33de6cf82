"""Every output of the tool reaches the disk through capture/io/atomic.py.

A static check over the package: no direct file writes outside atomic.py, so a crash, a
SIGKILL or a full disk can never leave a half-written output behind.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "capture"
# The sample generator and the benches write their own test material, not the tool's outputs.
OUTSIDE = {"synth", "bench"}
# Appending to OUT/capture.log is not an output a reader parses: a cut last line is harmless;
# the OCR's page list for Tesseract lives in a private temporary folder.
ALLOWED = {("app/batch.py", "open:a"), ("tools/tesseract.py", "write_text")}


def _writes(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
        owner = getattr(getattr(f, "value", None), "id", "")
        if name in ("write_text", "write_bytes", "replace", "rename", "fdopen", "mkstemp") and (
                name not in ("replace", "rename") or owner == "os"):
            found.append((name, node.lineno))
        elif name == "open":
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            text = mode.value if isinstance(mode, ast.Constant) else "r"
            if any(c in str(text) for c in "wax+"):
                found.append((f"open:{text}", node.lineno))
    return found


def test_no_direct_writes_outside_atomic_py() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "io/atomic.py" or rel.split("/")[0] in OUTSIDE:
            continue
        offenders += [(rel, what, line) for what, line in _writes(path)
                      if (rel, what) not in ALLOWED]
    assert not offenders, offenders


def test_the_check_sees_a_direct_write(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom pathlib import Path\nPath('x').write_text('y')\n"
                   "open('z', 'w')\nos.replace('a', 'b')\n")
    assert [w for w, _ in _writes(bad)] == ["write_text", "open:w", "replace"]
