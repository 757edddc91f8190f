"""Helpers for the permission tests: posting back a change form as the page showed it."""

import datetime

from django.contrib.auth.models import Group
from django.test import Client


def make_staff(django_user_model, username, group=None):
    """An active staff user, in ``group`` (by name) if one is given."""
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    if group is not None:
        user.groups.add(Group.objects.get(name=group))
    return user


def client_for(user):
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def _posted(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def change_form_data(response) -> dict:
    """The data a browser would post for an admin change page left as it is: the main form's
    fields (with the hidden loaded_version) and every inline formset with its management
    form. Read-only fields are not form fields and are not posted, as in a browser."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
                continue
            data[bound.html_name] = _posted(value)

    add(response.context["adminform"].form)
    inlines = response.context.get("inline_admin_formsets") or []  # none on a revert page
    for inline in inlines:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
