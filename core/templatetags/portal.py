"""Template helpers shared by the public pages: figures, sortable headers, pagination."""

from django import forms, template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

from core.cache import cached
from core.formatting import format_amount

register = template.Library()

SORT_PARAMETER = "sort"


@register.simple_tag
def amount(value, approximate=False, decimals=None):
    """A number in the page's language, "ca." where estimated, "keine Angaben" where missing."""
    return format_amount(value, approximate=approximate, decimals=decimals)


# A column's sort direction -> the mark shown and what a screen reader hears instead.
SORT_STATES = {
    "ascending": (" ▲", gettext_lazy("(aufsteigend sortiert)")),
    "descending": (" ▼", gettext_lazy("(absteigend sortiert)")),
    "none": (" ↕", gettext_lazy("(sortieren)")),
}


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, key, label, numeric=False, anchor="ergebnisse"):
    """A column header that sorts by ``key``; a second click reverses the order.

    The link keeps the active filters, goes back to page 1 and to ``#anchor``, the results'
    heading (``tabindex="-1"``), so keyboard focus lands on the results after sorting.
    """
    request = context["request"]
    current = request.GET.get(SORT_PARAMETER, context.get("default_sort", ""))
    if current == key:
        direction, next_sort = "ascending", f"-{key}"
    elif current == f"-{key}":
        direction, next_sort = "descending", key
    else:
        direction, next_sort = "none", f"-{key}" if numeric else key
    query = request.GET.copy()
    query[SORT_PARAMETER] = next_sort
    query.pop("page", None)
    mark, state = SORT_STATES[direction]
    return {
        "label": label,
        "direction": direction,
        "mark": mark,
        "state": state,
        "url": f"?{query.urlencode()}#{anchor}",
        "numeric": numeric,
    }


@register.simple_tag
def page_range(page_obj):
    """Page numbers around the current one, with "…" for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


def _options(field):
    return format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((str(value), label) for value, label in field.choices),
    )


def _select_options(form):
    """Every select's options of ``form``, without a selection: for a form that sets
    ``cache_select_options`` (its choices depend on the data, never on the request) built once
    per language and data version (core.cache) and kept on the form for its other fields."""
    if not getattr(form, "cache_select_options", False):
        return None
    options = getattr(form, "_cached_select_options", None)
    if options is None:
        form_class = type(form)

        def build():
            return {
                name: str(_options(field))
                for name, field in form.fields.items()
                if isinstance(field.widget, forms.Select)
                and not field.widget.allow_multiple_selected
            }

        options = cached(f"select-options:{form_class.__module__}.{form_class.__qualname__}", build)
        form._cached_select_options = options
    return options


@register.simple_tag
def form_control(bound_field):
    """A filter form's control. Selects are written here in one pass: Django's widget templates
    render every option through its own template, which made the directory's ~200 options
    the larger part of the page's time; where the form allows it, the options are rendered once
    per language and data version and only the selection is marked per request. Other
    controls render as Django renders them."""
    field = bound_field.field
    if not isinstance(field.widget, forms.Select) or field.widget.allow_multiple_selected:
        return bound_field.as_widget()
    current = bound_field.value()
    current = "" if current is None else str(current)
    cached_options = _select_options(bound_field.form)
    if cached_options is not None and bound_field.name in cached_options:
        value = escape(current)
        options = mark_safe(
            cached_options[bound_field.name].replace(
                f'<option value="{value}">', f'<option value="{value}" selected>', 1
            )
        )
    else:
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(value), mark_safe(" selected") if str(value) == current else "", label)
                for value, label in field.choices
            ),
        )
    invalid = mark_safe(' aria-invalid="true"') if bound_field.errors else ""
    return format_html(
        '<select name="{}" id="{}"{}>{}</select>',
        bound_field.html_name,
        bound_field.id_for_label,
        invalid,
        options,
    )


@register.simple_tag
def lang_de(translation=""):
    """`` lang="de"`` on a page in another language, for content kept only in German
    (profiles, strengths, notes, sources, organisation data; WCAG 3.1.2). Given the English
    version of a text (``{% lang_de growth_field.description_en %}``), nothing where one exists,
    since the page then shows it."""
    if translation or (get_language() or "de").startswith("de"):
        return ""
    return mark_safe(' lang="de"')
