"""The API answers as its OpenAPI schema says (issue 18, case 9): schemathesis generates
requests for every operation of /api/schema/ (valid and invalid parameters alike) against the
WSGI application and checks each response: status codes documented, bodies matching their
schema (nullable fields declared), no server error. 10 examples per operation (every operation
of the schema is covered) keep the run well under a minute on a quiet machine."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

from tests.factories import (
    DeclaredMemberCountFactory,
    KeyFigureFactory,
    MembershipFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)


@pytest.fixture
def api_schema(transactional_db):
    """The schema as the application serves it, over data of every kind (some fields empty,
    so that nullable values are exercised)."""
    membership = MembershipFactory()
    OrganisationFactory(
        employees=None, founding_year=None, revenue_meur=None, export_quota=None, leg_id=None
    )
    NetworkGrowthFieldFactory(network=membership.network)
    KeyFigureFactory()
    DeclaredMemberCountFactory(network=membership.network)
    return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_matches_its_schema(case):
    """No operation answers outside its documented responses or with a body its schema
    does not allow."""
    case.call_and_validate()
