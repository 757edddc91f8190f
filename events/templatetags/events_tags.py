from django import template

from events.selectors import upcoming_events as select_upcoming

register = template.Library()


@register.simple_tag
def upcoming_events(network=None, growth_field=None, limit=5):
    """The next public events of a network or growth field (or all), for an include."""
    return select_upcoming(network=network, growth_field=growth_field, limit=limit)
