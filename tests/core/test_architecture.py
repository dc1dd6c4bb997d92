"""The dependency rules of README's map of the code are checked by import-linter
(`make lint` runs `lint-imports` with pyproject.toml's contracts). These tests show the
check has teeth: a throwaway forbidden import in a copy of the code breaks it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "accounts", "inventory", "orders", "notifications", "returns", "demo"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_of_the_code(tmp_path: Path) -> Path:
    for name in [*PACKAGES, "returns_backoffice"]:
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "*.mo", "*.po"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={**os.environ, "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract(tmp_path):
    result = _lint(_copy_of_the_code(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden_import", "contract"),
    [
        ("inventory/_probe.py", "import returns.models", "inventory knows nothing"),
        ("notifications/_probe.py", "import orders.models", "notifications imports neither"),
        ("orders/_probe.py", "from returns import workflow", "orders does not import returns"),
        ("core/_probe.py", "import accounts.models", "The kernel (core) imports no feature"),
        ("returns/_probe.py", "import returns_backoffice.urls", "No app imports the project"),
    ],
)
def test_a_forbidden_import_breaks_the_check(tmp_path, module, forbidden_import, contract):
    where = _copy_of_the_code(tmp_path)
    (where / module).write_text(forbidden_import + "\n")
    result = _lint(where)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
