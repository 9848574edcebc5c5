"""docs/simulator.md shows the version table exactly as versions.py has it."""

from pathlib import Path

from routers.simulator import versions

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def test_the_docs_carry_the_version_table_versions_py_defines():
    assert versions.markdown() in DOC.read_text()
