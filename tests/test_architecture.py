"""The package's shape holds: imports of our own modules sit at module top (an import hidden
inside a function to dodge a cycle hides a layer break), and the layer contracts of
pyproject.toml (import-linter) hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "capture"
LAZY_MARK = "# lazy:"


def function_imports(source: str) -> list[tuple[int, str]]:
    """(line, import text) of every import inside a function body that has no `# lazy:`
    comment on its first line; only our own modules (capture...) and relative imports."""
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, True)
                continue
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                if isinstance(child, ast.Import):
                    ours = any(a.name.split(".")[0] == "capture" for a in child.names)
                else:
                    ours = child.level > 0 or (child.module or "").split(".")[0] == "capture"
                if ours and LAZY_MARK not in lines[child.lineno - 1]:
                    found.append((child.lineno, lines[child.lineno - 1].strip()))
            visit(child, in_function)

    visit(ast.parse(source), False)
    return found


def test_detector_finds_a_hidden_import() -> None:
    src = (
        "import capture.core.model\n"
        "def f():\n"
        "    from capture.app import batch\n"
        "    import capture.vision.dots  # lazy: heavy\n"
        "    class C:\n"
        "        def g(self):\n"
        "            from . import x\n"
        "    return batch\n"
    )
    assert [line for line, _ in function_imports(src)] == [3, 7]


def test_no_import_of_ours_inside_a_function() -> None:
    hidden = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in function_imports(path.read_text("utf-8"))
    ]
    assert not hidden, "imports inside functions (move them to the top):\n" + "\n".join(hidden)


def test_no_module_left_in_the_old_packages() -> None:
    assert not (PACKAGE / "pipeline").exists()
    assert not (PACKAGE / "export").exists()


def test_layer_contracts_hold() -> None:
    # import-linter is a dev dependency: installed next to this interpreter by `make install`.
    exe = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(exe), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_help_loads_no_pipeline() -> None:
    """`capture --help` must stay instant: the CLI imports a command's modules only when that
    command runs (1.5 s of imports otherwise, mostly scipy, the OCR and the report)."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom capture.cli import main\n"
            "r = CliRunner().invoke(main, ['--help'])\nassert r.exit_code == 0, r.output\n"
            "heavy = [m for m in sys.modules if m.startswith(('capture.app.batch', "
            "'capture.vision', 'capture.bench', 'capture.synth', 'scipy', 'onnxruntime'))]\n"
            "print(heavy)\nassert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
