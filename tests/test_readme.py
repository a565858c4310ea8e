"""README.md shows the state diagram generated from the code, so the two cannot drift."""

from pathlib import Path

from cases.diagram import mermaid

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_state_diagram_is_generated_from_the_code():
    text = README.read_text()
    start = text.index("<!-- state-diagram:start -->")
    end = text.index("<!-- state-diagram:end -->")
    block = text[start:end]
    assert f"```mermaid\n{mermaid()}\n```" in block, (
        "README.md's state diagram is stale: paste `python manage.py state_diagram` into it"
    )


def test_readme_shows_the_two_commands():
    text = README.read_text()
    assert "make demo" in text and "make test" in text
