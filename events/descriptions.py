"""Event descriptions: plain text with paragraphs and links, or HTML pasted by staff.

Whatever is stored passes ``nh3`` (a maintained Rust HTML sanitiser): only paragraphs, line
breaks, lists, emphasis and links (http, https, mailto) remain; scripts and styles go with their
content, images (tracking pixels), iframes, forms, event handlers and ``javascript:`` links are
removed. Plain text (no tag in it) is kept as it was typed and turned into paragraphs and links
only when shown.
"""

import html
import re

import nh3
from django.utils.html import linebreaks, strip_tags, urlize
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "a", "ul", "ol", "li", "strong", "em", "b", "i"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

# An opening or closing tag, a comment or a doctype: the text is HTML, not plain text.
HTML_TAG = re.compile(r"<\s*(?:[a-zA-Z][a-zA-Z0-9-]*|/\s*[a-zA-Z]|!)")


def is_html(text: str) -> bool:
    return bool(HTML_TAG.search(text or ""))


def clean_html(text: str) -> str:
    """The HTML with everything but the allowed tags and attributes removed."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


def description_clean(text: str) -> str:
    """What is stored: plain text as typed, HTML sanitised."""
    text = (text or "").replace("\r\n", "\n").strip()
    return clean_html(text).strip() if is_html(text) else text


def description_html(text: str) -> SafeString:
    """The description for a page: paragraphs and links, sanitised again on the way out."""
    if not text:
        return mark_safe("")
    if not is_html(text):
        text = linebreaks(urlize(text, nofollow=True, autoescape=True))
    return mark_safe(clean_html(text))  # noqa: S308 - nh3 has just cleaned it


def description_text(text: str) -> str:
    """The description as plain text (calendar files, JSON-LD, feeds)."""
    if not text or not is_html(text):
        return text or ""
    spaced = re.sub(r"</p>|<br\s*/?>|</li>", "\n", clean_html(text))
    return html.unescape(strip_tags(spaced)).strip()
