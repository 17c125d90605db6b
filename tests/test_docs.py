"""The README is a front page, and every relative link in it and in docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: [text](target) in Markdown, outside code; targets with a scheme are not ours to check.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
README_LINES = 250


def prose(page: Path) -> str:
    """The page without fenced code blocks or inline code, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes from a page's headings."""
    headings = re.findall(r"^#+ +(.+?) *$", prose(page), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def relative_links(page: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(prose(page))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target, flags=re.I)
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        found = (page.parent / path).resolve() if path else page
        assert found.exists(), f"{page.name}: {target} leads nowhere"
        assert found.is_relative_to(ROOT), f"{page.name}: {target} leaves the repository"
        if anchor and found.suffix == ".md":
            assert anchor in anchors(found), f"{page.name}: {target} names no heading"


def test_the_readme_is_a_front_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_LINES
    for heading in ("The two commands", "Try it by typing", "Where things live", "Changing the content"):
        assert f"\n## {heading}\n" in readme
    # Every page in docs/ is reachable from the front page.
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in readme, page.name


def test_changing_the_content_names_the_golden_test_that_quotes_sentences() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tests = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").glob("test_*.py"))
    golden = set(re.findall(r"^def (test_golden_\w+)", tests, flags=re.M))
    assert golden
    for name in golden:
        assert name in readme


def test_the_link_check_finds_a_broken_link_and_a_missing_anchor(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n[gone](nowhere.md) [here](#a-page) [not here](#nope)\n`[code](x.md)`\n")
    assert relative_links(page) == ["nowhere.md", "#a-page", "#nope"]
    assert anchors(page) == {"a-page"}
