"""Erasing an organisation tells other apps through ``members.signals.organisation_erased``
(members imports none of them): each receiver gets the organisation, its identifying values
and the dry-run flag, and what it reports appears in the erasure's report. (That ``imports``
cleans its reports this way: tests/audit/test_privacy.py.)"""

import pytest

from members.models import Organisation
from members.services import organisation_erase
from members.signals import organisation_erased
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """A receiver connected for one test; it records its calls and reports one trace."""
    calls = []

    def receiver(sender, *, organisation, secrets, dry_run, **kwargs):
        calls.append((sender, organisation.pk, list(secrets), dry_run))
        return {"Spuren im Testmodul": 2}

    organisation_erased.connect(receiver, dispatch_uid="test_erasure_signal")
    yield calls
    organisation_erased.disconnect(dispatch_uid="test_erasure_signal")


@pytest.mark.parametrize("dry_run", [False, True])
def test_receivers_are_told_and_their_counts_reported(received, dry_run):
    """The receiver is called once, inside the erasure, with the organisation, its identifying
    values (longest first) and ``dry_run``; its count is in the report."""
    organisation = OrganisationFactory(name="Zeta Datenschutz GmbH", leg_id="TH-000777")
    pk = organisation.pk

    report = organisation_erase(organisation=organisation, dry_run=dry_run)

    [(sender, told_pk, secrets, flag)] = received
    assert (sender, told_pk, flag) == (Organisation, pk, dry_run)
    assert secrets[:2] == ["Zeta Datenschutz GmbH", "TH-000777"]
    assert report.elsewhere["Spuren im Testmodul"] == 2
    assert Organisation.objects.filter(pk=pk).exists() is dry_run

