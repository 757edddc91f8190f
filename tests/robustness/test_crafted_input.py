"""Crafted input gets an answer, not a 500 or a table scan (issue 18, case 9)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import NetworkFactory, OrganisationFactory
from tests.permissions.helpers import change_form_data

pytestmark = pytest.mark.django_db


# --- The network form's autocomplete fields ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("profile_source", "abc"),
        ("profile_source", "1e5"),
        ("member_networks", "abc"),
        ("member_networks", "1,x"),
    ],
)
def test_a_non_numeric_autocomplete_value_is_a_form_error(superuser_client, field, value):
    """A value the key cannot hold, posted into an autocomplete field of the network form,
    shows the form again with an error on that field (200), not a 500, and saves nothing."""
    network = NetworkFactory(description="alt")
    url = reverse("admin:networks_network_change", args=[network.pk])
    data = change_form_data(superuser_client.get(url))
    response = superuser_client.post(url, {**data, field: value, "description": "neu"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    network.refresh_from_db()
    assert network.description == "alt"


def test_a_non_numeric_value_in_an_inline_autocomplete_field_is_a_form_error(superuser_client):
    """The same for the growth field of a new row in the network form's inline."""
    network = NetworkFactory()
    url = reverse("admin:networks_network_change", args=[network.pk])
    page = superuser_client.get(url)
    data = change_form_data(page)
    inline = next(
        f.formset
        for f in page.context["inline_admin_formsets"]
        if "growth_field" in f.formset.form.base_fields
    )
    prefix = inline.prefix
    count = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(count + 1)
    data[f"{prefix}-{count}-growth_field"] = "'; DROP TABLE x; --"
    data[f"{prefix}-{count}-network"] = str(network.pk)
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert "growth_field" in response.content.decode()


# --- Punctuation-only searches ----------------------------------------------------------------


def directory_queries(client, query):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("members:list") + query)
    assert response.status_code == 200
    # Savepoints and PostgreSQL's server-side cursors are numbered per connection: not compared.
    statements = [re.sub(r"_django_curs_\w+", "cursor", q["sql"]) for q in context.captured_queries]
    return response, [sql for sql in statements if "SAVEPOINT" not in sql]


@pytest.mark.parametrize("q", ["%", "!", "(", "%%%", "_ _", "&|!", '"', "-"])
def test_a_search_without_letters_or_digits_is_no_search(client, q):
    """``q`` of punctuation only runs exactly the queries of the page without a search: no
    LIKE over every row, no full-text or trigram match; the directory lists everything."""
    OrganisationFactory.create_batch(3)
    plain, plain_sql = directory_queries(client, "")
    response, sql = directory_queries(client, f"?q={q.replace('%', '%25').replace('&', '%26')}")
    assert sql == plain_sql
    assert not any("LIKE" in statement.upper() for statement in sql)
    assert len(response.context["organisations"]) == 3


def test_punctuation_between_words_is_dropped_from_the_search(client):
    """ "optik %" searches for "optik" alone: the stray "%" adds no condition."""
    OrganisationFactory(name="Optikwerke Jena")
    OrganisationFactory(name="Sensortechnik Erfurt")
    _, with_stray = directory_queries(client, "?q=optik+%25")
    response, alone = directory_queries(client, "?q=optik")
    assert with_stray == alone
    assert [o.name for o in response.context["organisations"]] == ["Optikwerke Jena"]


def test_the_api_treats_a_punctuation_search_as_none(client):
    """/api/organisations/?q=% lists every organisation, as without ``q``."""
    OrganisationFactory.create_batch(2)
    response = client.get("/api/organisations/?q=%25")
    assert response.status_code == 200
    assert response.json()["count"] == 2


@pytest.mark.parametrize("sort", ["kind,", ",", "name,,-town"])
def test_a_sort_with_an_empty_part_is_not_a_server_error(client, sort):
    """``sort=kind,`` (a trailing comma, as schemathesis sent it) sorts by the named parts."""
    OrganisationFactory.create_batch(2)
    assert client.get("/api/organisations/", {"sort": sort}).status_code == 200
    assert client.get(reverse("members:list"), {"sort": sort}).status_code == 200
