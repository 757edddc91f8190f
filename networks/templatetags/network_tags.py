"""Template helpers of the network pages: a profile's opening sentences, filter chip links."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# A sentence ends at ".", "!" or "?" followed by a space and a capital letter or an opening quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"(])")
# Tokens whose full stop does not end a sentence: "e.V.", "z. B.", "10. Juni", "ca.", "Dr.".
_NO_SENTENCE_END = re.compile(
    r"(?:^|\s|\.)(?:\w|\d+|ca|bzw|usw|vgl|inkl|Dr|Prof|Nr|St|Str|Mio|Mrd)\.$", re.IGNORECASE
)


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, not split after abbreviations or ordinal numbers.

    >>> split_sentences("Gegründet am 10. Juni 2011 vom OptoNet e.V. Zweiter Satz.")
    ['Gegründet am 10. Juni 2011 vom OptoNet e.V. Zweiter Satz.']
    >>> split_sentences("Erster Satz (TRIA). Zweiter Satz.")
    ['Erster Satz (TRIA).', 'Zweiter Satz.']
    """
    sentences, start = [], 0
    text = " ".join((text or "").split())
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()]
        if _NO_SENTENCE_END.search(candidate):
            continue
        sentences.append(candidate)
        start = match.end()
    if text[start:]:
        sentences.append(text[start:])
    return sentences


@register.filter
def first_sentences(text, length=220):
    """As many of the first sentences as fit in ``length`` characters; the first one shortened at
    a word boundary ("…") where it alone is longer. Plain text: the template escapes it."""
    length = int(length)
    chosen = []
    for sentence in split_sentences(text):
        if len(" ".join([*chosen, sentence])) > length:
            break
        chosen.append(sentence)
    if chosen:
        return " ".join(chosen)
    text = " ".join((text or "").split())
    if not text:
        return ""
    shortened = text[: length - 1].rsplit(" ", 1)[0]
    return f"{shortened.rstrip(' ,;:–-')}…"


@register.filter
def display_url(url):
    """A web address as people write it: "optonet-jena.de" for "https://www.optonet-jena.de/"."""
    text = re.sub(r"^https?://(www\.)?", "", url or "", flags=re.IGNORECASE)
    return text.rstrip("/")


@register.simple_tag
def source_citation(source, with_date=False):
    """A source as the network pages cite it: its title (linked where it has an address), its
    publisher and, with ``with_date``, its date; publisher and date only where the title does
    not already name them."""
    if source.url:
        parts = [format_html('<a href="{}" rel="noopener">{}</a>', source.url, source.title)]
    else:
        parts = [conditional_escape(source.title)]
    if source.publisher and source.publisher not in source.title:
        parts.append(format_html(", {}", source.publisher))
    if with_date and source.reference_display not in source.title:
        stand = _("Stand %(date)s") % {"date": source.reference_display}
        parts.append(format_html(' <span class="muted">({})</span>', stand))
    return mark_safe("".join(parts))  # each part is escaped above
