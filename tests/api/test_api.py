"""The API as a whole: root, schema, licence, read-only methods."""

import json

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from tests.factories import GrowthFieldFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_root_lists_the_endpoints_and_names_the_licence(api_client, settings, license_link):
    """/api/ links every endpoint and the schema and names the data licence."""
    response = api_client.get("/api/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == license_link
    data = response.json()
    assert data["license"] == settings.PORTAL_DATA_LICENSE
    assert data["schema"] == "http://testserver/api/schema/"
    assert data["endpoints"] == {
        "growth-fields": "http://testserver/api/growth-fields/",
        "networks": "http://testserver/api/networks/",
        "organisations": "http://testserver/api/organisations/",
        "events": "http://testserver/api/events/",
    }


def test_url_names_are_namespaced():
    """The endpoints are named in the ``api`` namespace."""
    assert reverse("api:api-root") == "/api/"
    assert reverse("api:api-schema") == "/api/schema/"
    assert reverse("api:growthfield-list") == "/api/growth-fields/"
    assert reverse("api:growthfield-detail", kwargs={"slug": "automobil"}) == (
        "/api/growth-fields/automobil/"
    )
    assert reverse("api:network-list") == "/api/networks/"
    assert reverse("api:network-detail", kwargs={"slug": "optonet"}) == "/api/networks/optonet/"
    assert reverse("api:organisation-list") == "/api/organisations/"
    assert reverse("api:organisation-detail", kwargs={"pk": 7}) == "/api/organisations/7/"


def test_schema_is_an_openapi_3_document_with_every_path(api_client):
    """/api/schema/ serves the OpenAPI 3 document as JSON, listing every endpoint."""
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/growth-fields/",
        "/api/growth-fields/{slug}/",
        "/api/networks/",
        "/api/networks/{slug}/",
        "/api/organisations/",
        "/api/organisations/{id}/",
        "/api/events/",
        "/api/events/{id}/",
    }
    for path in schema["paths"].values():
        assert set(path) == {"get"}


def test_schema_documents_the_filters_and_no_personal_data(api_client):
    """The organisation list documents every directory filter; phone and e-mail are absent."""
    schema = api_client.get("/api/schema/").json()
    parameters = {
        parameter["name"]
        for parameter in schema["paths"]["/api/organisations/"]["get"]["parameters"]
    }
    assert {"q", "growth_field", "network", "kind", "district", "wz", "size", "leg_id"} <= (
        parameters
    )
    assert {"sort", "page", "page_size"} <= parameters
    organisation = schema["components"]["schemas"]["Organisation"]["properties"]
    assert "phone" not in organisation
    assert "email" not in organisation
    page = schema["components"]["schemas"]["PaginatedOrganisationList"]
    assert "license" in page["required"]


def test_schema_as_yaml_on_request(api_client):
    """Asked for YAML, the schema comes as YAML."""
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


@pytest.fixture
def objects():
    return {
        "growth-fields": GrowthFieldFactory(slug="automobil"),
        "networks": NetworkFactory(slug="optonet"),
        "organisations": OrganisationFactory(),
    }


def detail_path(endpoint, obj):
    key = obj.pk if endpoint == "organisations" else obj.slug
    return f"/api/{endpoint}/{key}/"


@pytest.mark.parametrize("endpoint", ["growth-fields", "networks", "organisations"])
def test_writes_are_not_allowed(api_client, objects, endpoint):
    """POST, PUT, PATCH and DELETE answer 405 and change nothing."""
    obj = objects[endpoint]
    detail = detail_path(endpoint, obj)
    assert api_client.post(f"/api/{endpoint}/", {}, format="json").status_code == 405
    assert api_client.put(detail, {}, format="json").status_code == 405
    assert api_client.patch(detail, {}, format="json").status_code == 405
    assert api_client.delete(detail).status_code == 405
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("endpoint", ["growth-fields", "networks", "organisations"])
def test_head_and_options_are_allowed(api_client, objects, endpoint):
    """HEAD and OPTIONS work; OPTIONS names only the safe methods."""
    assert api_client.head(f"/api/{endpoint}/").status_code == 200
    response = api_client.options(detail_path(endpoint, objects[endpoint]))
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("endpoint", ["growth-fields", "networks", "organisations"])
def test_every_response_links_the_licence(api_client, objects, endpoint, settings, license_link):
    """Lists name the licence in the body; lists, details and errors carry the Link header."""
    listing = api_client.get(f"/api/{endpoint}/")
    assert listing.json()["license"] == settings.PORTAL_DATA_LICENSE
    assert listing["Link"] == license_link
    assert api_client.get(detail_path(endpoint, objects[endpoint]))["Link"] == license_link
    missing = api_client.get(f"/api/{endpoint}/999999/")
    assert missing.status_code == 404
    assert missing["Link"] == license_link


def test_responses_are_json_only(api_client, objects):
    """A browser asking for HTML still gets JSON (there is no browsable API)."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = api_client.get("/api/networks/", HTTP_ACCEPT=browser)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_schema_validates_without_warnings(tmp_path):
    """drf-spectacular generates the schema without a warning and it validates as OpenAPI 3."""
    call_command(
        "spectacular",
        validate=True,
        fail_on_warn=True,
        file=str(tmp_path / "schema.yaml"),
    )
    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["paths"]
