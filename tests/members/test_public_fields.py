"""One rule for what the public sees of an organisation: ``Organisation.PUBLIC_FIELDS``, read
through ``Organisation.objects.public()`` by every public page, export, API response and the
sitemap."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Organisation
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

COLUMN = re.compile(r'"members_organisation"\."(\w+)"')
INNERMOST_CALL = re.compile(r"\([^()]*\)")
PRIVATE_PHONE = "0361 4711 PRIVAT"
PRIVATE_EMAIL = "geheim@privat.example"


@pytest.fixture
def member():
    network = NetworkFactory(slug="optonet")
    organisation = OrganisationFactory(
        name="Jenoptik GmbH", phone=PRIVATE_PHONE, email=PRIVATE_EMAIL, keywords="Laser"
    )
    MembershipFactory(network=network, organisation=organisation)
    return organisation


def public_outputs(member):
    """Every public address that shows organisations."""
    detail = reverse("members:detail", kwargs={"pk": member.pk})
    return [
        reverse("members:list"),
        reverse("members:list") + "?q=Jenoptik",
        detail,
        reverse("members:export") + "?format=csv",
        reverse("members:export") + "?format=xlsx",
        reverse("networks:detail", kwargs={"slug": "optonet"}),
        reverse("api:organisation-list"),
        reverse("api:organisation-detail", kwargs={"pk": member.pk}),
        "/sitemap-members.xml",
    ]


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def selected_columns(sql: str) -> set[str]:
    """The organisation columns a query loads as fields: its select list without its filters
    and without what only goes into a computed value (a search rank, a folded name)."""
    select_list = sql.split(" FROM ", 1)[0]
    while INNERMOST_CALL.search(select_list):
        select_list = INNERMOST_CALL.sub("", select_list)
    return set(COLUMN.findall(select_list))


def test_public_fields_leave_out_telephone_and_email():
    """The list names what is public; contact data is not on it."""
    assert "phone" not in Organisation.PUBLIC_FIELDS
    assert "email" not in Organisation.PUBLIC_FIELDS
    assert set(Organisation.PUBLIC_FIELDS) <= {field.attname for field in Organisation._meta.fields}


def test_a_column_outside_the_data_or_marked_private_is_not_public():
    """Public are the LEG data but the private fields, the identifiers and the change time;
    the search index, the publication flag, the version and the creation time are not."""
    public = set(Organisation.PUBLIC_FIELDS)
    assert public == (
        set(Organisation.DATA_FIELDS) - set(Organisation.PRIVATE_FIELDS)
        | {"id", "leg_id", "updated_at"}
    )
    assert not public & {"search_vector", "published", "version", "created_at"}


def test_the_public_queryset_loads_only_the_public_fields(member):
    """``public()`` reads the published organisations' public columns and nothing else."""
    OrganisationFactory(published=False)
    with CaptureQueriesContext(connection) as queries:
        rows = list(Organisation.objects.public())
    assert rows == [member]
    assert selected_columns(queries.captured_queries[0]["sql"]) == set(Organisation.PUBLIC_FIELDS)


def test_no_public_output_reads_a_column_outside_the_public_fields(client, member):
    """Pages, exports, API and sitemap never select a column that is not public: a field added
    to the model (contact data, notes) stays private until it is named in PUBLIC_FIELDS.
    Today's pages load the search index, the publication flag and the version as well."""
    for url in public_outputs(member):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            content = body(response)
        assert response.status_code == 200, url
        assert b"Jenoptik" in content or url.endswith(("xlsx", ".xml")), url
        for query in queries.captured_queries:
            loaded = selected_columns(query["sql"])
            assert loaded <= set(Organisation.PUBLIC_FIELDS), (url, loaded)


def test_no_public_output_shows_telephone_or_email(client, member):
    """Neither the telephone number nor the e-mail address reaches any public output."""
    for url in public_outputs(member):
        content = body(client.get(url))
        assert PRIVATE_PHONE.encode() not in content, url
        assert PRIVATE_EMAIL.encode() not in content, url
