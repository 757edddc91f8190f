"""Sort options read in the page's language, "(descending)" included."""

import pytest

pytestmark = pytest.mark.django_db


def test_descending_sort_options_are_translated(client):
    english = client.get("/en/members/").content.decode()
    assert "Employees (descending)" in english
    german = client.get("/mitglieder/").content.decode()
    assert "Beschäftigte (absteigend)" in german
