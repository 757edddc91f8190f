"""The directory's filter form: its select options are rendered once per language and data
version (issue 14 item 4), only the selection is marked per request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.templatetags.portal import form_control
from members.filtersets import OrganisationFilterSet
from tests.factories import GrowthFieldFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def validated(params):
    form = OrganisationFilterSet(params).form
    form.is_valid()  # the view validates the parameters before the page is rendered
    return form


def render(params, form=None):
    form = form or validated(params)
    return "".join(str(form_control(form[name])) for name in form.fields if name != "q")


def test_options_are_built_once_and_the_selection_marked_per_request():
    NetworkFactory(slug="optonet", short_name="OptoNet")
    GrowthFieldFactory(slug="optik", name="Optische Technologien")
    first = render({})
    form = validated({"network": "optonet", "wz": "26"})
    with CaptureQueriesContext(connection) as queries:
        second = render({}, form)
    assert len(queries) == 0  # neither networks nor growth fields are read again
    assert '<option value="optonet">OptoNet</option>' in first
    assert first.count(" selected>") == first.count('<option value="" selected>') == 7
    assert '<option value="optonet" selected>OptoNet</option>' in second
    assert '<option value="26" selected>26 – ' in second
    assert second.count(" selected>") == 7  # two chosen, the empty choice of the five others


def test_options_follow_the_language_and_the_data():
    NetworkFactory(slug="optonet", short_name="OptoNet")
    german = render({})
    with translation.override("en"):
        english = render({})
    assert "alle Netzwerke" in german and "alle Netzwerke" not in english
    with CaptureQueriesContext(connection) as queries:
        render({})
    assert len(queries) == 0  # kept
    NetworkFactory(slug="medways", short_name="medways")  # a change: a new data version
    assert '<option value="medways">medways</option>' in render({})
