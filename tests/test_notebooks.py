"""The example notebooks (examples/notebooks/) run from top to bottom without an error."""

from __future__ import annotations

import doctest
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tianping import notebook as notebook_module

NOTEBOOKS = Path(__file__).resolve().parent.parent / "examples" / "notebooks"


def _html_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]


@pytest.mark.parametrize("name", ["fairness_audit.ipynb", "privacy_scan.ipynb"])
def test_the_example_notebook_runs(name: str) -> None:
    path = NOTEBOOKS / name
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    shown = _html_outputs(notebook)
    assert any('class="tianping-result"' in html and "<svg" in html for html in shown)


def test_the_notebooks_are_stored_without_outputs() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, path.name


def test_the_notebook_helpers_docstring_examples_run() -> None:
    result = doctest.testmod(notebook_module)
    assert result.attempted > 0 and result.failed == 0
