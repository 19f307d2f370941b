"""
The apps depend on each other one way only, lowest first:

    revisions  <-  athletes  <-  results  <-  corrections  <-  api  <-  archive

`archive` is the project: the pages combining the apps, and the URLs including theirs.

A module may import from its own layer and those below it, never from one above. Imports
are read from the source (at any depth, inside functions too), so a dependency cannot hide.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ["revisions", "athletes", "results", "corrections", "api", "archive"]


def imported_packages(path):
    """The top-level packages a module imports, absolute imports only."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def modules_of(package):
    root = Path(settings.BASE_DIR) / package
    return sorted(path for path in root.rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("package", LAYERS)
def test_no_app_imports_a_layer_above_its_own(package):
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    wrong = [
        f"{path.relative_to(settings.BASE_DIR)}:{line} imports {name}"
        for path in modules_of(package)
        for name, line in imported_packages(path)
        if name in above
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_reads_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def view():\n    from results.models import Result\n")
    assert list(imported_packages(module)) == [("results", 2)]
