"""The architecture as tests: the layering contract holds and fails when broken, no module
imports itself in a circle, no module grows past about 400 lines, and the picture in
docs/architecture.md is the import graph as it is."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("backoffice", "customers", "review", "cases")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 420  # "about 400"; migrations and data files aside


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*APPS)


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layering_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "complaint"),
    [
        ("cases/models/case.py", "import review.models", "cases is not allowed to import review"),
        ("cases/jobs.py", "import customers.services", "cases is not allowed to import customers"),
        (
            "review/policy.py",
            "import customers.models",
            "review is not allowed to import customers",
        ),
        ("customers/models.py", "import backoffice.urls", "customers is not allowed to import"),
    ],
)
def test_an_import_against_the_layers_breaks_the_contract(tmp_path, module, bad_import, complaint):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{bad_import}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "1 broken" in result.stdout and complaint in result.stdout


def cycles(graph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), function-level imports included."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_in_a_circle(graph):
    # A function-level import that hides a circle counts: grimp sees every import statement.
    assert cycles(graph) == []


def test_no_source_module_is_over_about_400_lines():
    too_long = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_LINES:
                too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}


def app_of(module: str) -> str:
    return module.split(".")[0]


def layer_picture(graph) -> str:
    """The apps and who imports whom, as docs/architecture.md shows it (mermaid)."""
    edges, core_reads = set(), set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            source, target = app_of(module), app_of(imported)
            if source == target:
                continue
            if source == "cases" and target == "customers":
                core_reads.add(imported)
                continue
            edges.add((source, target))
    lines = ["flowchart TD"]
    for source in APPS:
        for target in APPS:
            if (source, target) in edges:
                lines.append(f"    {source} --> {target}")
    if core_reads:
        names = ", ".join(sorted(core_reads))
        lines.append(f'    cases -.->|"{names}"| customers')
    return "\n".join(lines)


def test_the_picture_of_the_layers_is_the_import_graph(graph):
    text = (ROOT / "docs" / "architecture.md").read_text()
    shown = re.search(
        r"<!-- layers:start -->\n```mermaid\n(.*?)\n```\n<!-- layers:end -->", text, re.S
    )
    expected = layer_picture(graph)
    assert shown is not None, f"docs/architecture.md needs the picture:\n{expected}"
    assert shown.group(1) == expected
