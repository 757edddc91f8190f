"""The README stays short, the documents it points to exist, their links resolve, and their
prose names no commit hashes (a figure names the command that measures it instead)."""

import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
REQUIRED = [
    "docs/import.md",
    "docs/back-office.md",
    "docs/operations.md",
    "docs/security.md",
    "docs/performance.md",
    "docs/decisions/README.md",
]
REQUIRED_DECISIONS = ("leg", "cache", "svg", "simple-history", "kern")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
# 7 to 40 hex digits with at least one digit and one letter a-f, standing alone: a commit hash.
HASH = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


def documents():
    return [README, REPO / "bench" / "README.md", *sorted(DOCS.rglob("*.md"))]


def prose(text):
    """The text without fenced code blocks (commands and sample output)."""
    return FENCE.sub("", text)


def anchors(path):
    """GitHub's anchors of a Markdown file's headings."""
    found = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", prose(path.read_text()), re.M):
        text = unicodedata.normalize("NFC", heading.strip().lower())
        text = re.sub(r"[^\w\- ]", "", text)
        found.add(text.replace(" ", "-"))
    return found


def test_readme_has_at_most_200_lines():
    """The README is what a newcomer reads first: at most 200 lines."""
    lines = README.read_text().splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines"


def test_readme_keeps_the_quick_start_and_ci_command():
    """The quick start is `make run` and `make test`; CI runs the README's `make test`."""
    text = README.read_text()
    assert "make run" in text
    assert "make test" in text
    assert "make test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", REQUIRED)
def test_every_named_document_exists(name):
    """Each document the README sends a reader to exists and is not empty."""
    path = REPO / name
    assert path.is_file(), f"{name} is missing"
    assert path.read_text().strip()


def test_decision_records_are_numbered_and_cover_the_lasting_choices():
    """docs/decisions/ holds numbered records (Context, Decision, Consequences), one for each
    lasting choice named in the brief: the LEG engine, the cache, SVG charts, simple-history,
    KERN."""
    records = sorted((DOCS / "decisions").glob("[0-9][0-9][0-9][0-9]-*.md"))
    names = " ".join(path.name for path in records)
    missing = [word for word in REQUIRED_DECISIONS if word not in names]
    assert not missing, f"no decision record for {missing}"
    for path in records:
        text = path.read_text()
        for section in ("## Context", "## Decision", "## Consequences"):
            assert section in text, f"{path.name} has no '{section}'"


def test_no_commit_hashes_in_prose():
    """Docs say which command measured a figure, and when, never 'figures of commit b25af7b'."""
    found = {}
    for path in documents():
        hashes = HASH.findall(prose(path.read_text()))
        if hashes:
            found[str(path.relative_to(REPO))] = hashes
    assert found == {}


def test_hash_pattern_finds_hashes_and_spares_words():
    """The check itself: a short or full hash is found; plain words and numbers are not."""
    assert HASH.findall("Figures of commit b25af7b, at d7692ee.") == ["b25af7b", "d7692ee"]
    assert HASH.findall("a" * 3 + "1" * 37) == ["a" * 3 + "1" * 37]
    assert HASH.findall("facade deface 2026-11-21 100000 feedbac") == []


def test_every_relative_link_resolves():
    """Every relative link of the README and docs/ names an existing file, and an anchor in it
    names one of its headings."""
    broken = []
    for path in documents():
        for target in LINK.findall(prose(path.read_text())):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            resolved = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(REPO)} → {target}"
            if not resolved.exists():
                broken.append(where)
            elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
                broken.append(f"{where} (no such heading)")
    assert broken == []
