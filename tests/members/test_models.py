import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_leg_id_is_unique():
    """Two organisations cannot share a LEG-ID."""
    OrganisationFactory(leg_id="TH-004711")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(leg_id="TH-004711")


def test_organisations_made_by_hand_have_no_leg_id():
    """Many entries without a LEG-ID coexist (NULL, not an empty string)."""
    OrganisationFactory(leg_id=None)
    OrganisationFactory(leg_id=None)
    assert Organisation.objects.filter(leg_id__isnull=True).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(leg_id="")


def test_postcode_keeps_its_leading_zero():
    """07743 (Jena) is stored as text with its leading zero."""
    organisation = OrganisationFactory(postcode="07743")
    organisation.refresh_from_db()
    assert organisation.postcode == "07743"


@pytest.mark.parametrize("postcode", ["7743", "077430", "O7743"])
def test_postcode_must_have_five_digits(postcode):
    """A postcode of the wrong shape is a validation error."""
    organisation = OrganisationFactory.build(postcode=postcode)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "postcode" in error.value.message_dict


def test_export_quota_is_a_percentage():
    """An export quota over 100 cannot be stored."""
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(export_quota=101)


def test_missing_employees_cannot_be_approximate():
    """'ca.' without a number is refused."""
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(employees=None, employees_approximate=True)


def test_keywords_and_wz_division():
    """Keywords split on commas; the WZ division is the code's first two digits."""
    organisation = OrganisationFactory(keywords="Laser, Mikrooptik ,, Sensorik", wz_code="26.51")
    assert organisation.keyword_list == ["Laser", "Mikrooptik", "Sensorik"]
    assert organisation.wz_division == "26"


def test_organisation_in_several_growth_fields():
    """An organisation can belong to several growth fields."""
    from tests.factories import GrowthFieldFactory

    organisation = OrganisationFactory()
    organisation.growth_fields.set(GrowthFieldFactory.create_batch(2))
    assert organisation.growth_fields.count() == 2
