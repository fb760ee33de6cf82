"""Every relative link and #anchor in README.md and docs/*.md resolves.

The docs are split into references and journals, and sections move between them; a link
into a section that moved is what a reader meets first, so a broken one fails here.
Anchors are GitHub's: the heading lower-cased, punctuation dropped, spaces as hyphens, and
``-1``, ``-2`` for repeated headings.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADING = re.compile(r"^(#{1,6}) +(.*?)\s*#*\s*$")
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _prose_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of a Markdown file outside fenced code blocks, with their numbers."""
    lines, fence = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            fence = not fence
        elif not fence:
            lines.append((number, line))
    return lines


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (and explicit ``<a id>``s)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in _prose_lines(path):
        heading = HEADING.match(line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(2).strip().lower()).replace(" ", "-")
            repeat = seen.get(slug, 0)
            seen[slug] = repeat + 1
            found.add(slug if repeat == 0 else f"{slug}-{repeat}")
        found.update(re.findall(r'<a (?:name|id)="([^"]+)"', line))
    return found


def test_github_anchors_follow_its_rules(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Walls, notes & dots\n```\n# not a heading\n```\n## Speed\n## Speed\n")
    assert anchors(page) == {"walls-notes--dots", "speed", "speed-1"}


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc: Path) -> None:
    broken = []
    for number, line in _prose_lines(doc):
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # http:, mailto: ...: not this repository's
            path, _, anchor = target.partition("#")
            resolved = (doc.parent / path).resolve() if path else doc
            if not resolved.exists():
                broken.append(f"{doc.name}:{number}: no file {target}")
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{doc.name}:{number}: no section {target}")
    assert not broken, "\n".join(broken)
