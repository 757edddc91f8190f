from django import template

from corrections.freshness import freshness_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def freshness_summary(context):
    """The "Aktualität" numbers for the admin index (for staff)."""
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return None
    return freshness_counts(request.user)
