"""The back office's inline fields have accessible names; help texts that fields point at
exist (parsed from the HTML, no browser)."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    KeyFigureFactory,
    MembershipFactory,
    NetworkFactory,
    NetworkGrowthFieldFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")


def unlabelled_inline_fields(html):
    """Visible fields inside the inline groups with neither aria-label nor <label for>."""
    missing = []
    for group in re.findall(
        r'<div class="js-inline-admin-formset inline-group".*?</fieldset>', html, re.S
    ):
        for _tag, attrs in FIELD.findall(group):
            if 'type="hidden"' in attrs:
                continue
            field_id = re.search(r'\bid="([^"]+)"', attrs)
            labelled = "aria-label=" in attrs or (
                field_id and f'for="{field_id.group(1)}"' in group
            )
            if not labelled:
                missing.append(attrs.strip()[:80])
    return missing


def test_inline_fields_are_named_by_column_and_row(superuser_client):
    """Key figures, memberships and network growth-field links: every field has a name."""
    figure = KeyFigureFactory()
    network = NetworkFactory()
    NetworkGrowthFieldFactory(network=network, growth_field=figure.growth_field)
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, network=network)
    pages = [
        reverse("admin:growthfields_growthfield_change", args=[figure.growth_field.pk]),
        reverse("admin:members_organisation_change", args=[organisation.pk]),
        reverse("admin:networks_network_change", args=[network.pk]),
    ]
    for address in pages:
        html = superuser_client.get(address).content.decode()
        assert "inline-group" in html, address
        assert not unlabelled_inline_fields(html), address
    html = superuser_client.get(pages[0]).content.decode()
    assert 'aria-label="Wert, Zeile 1"' in html


def test_leg_upload_help_text_is_the_element_the_field_points_at(superuser_client):
    """Every aria-describedby on the upload form names an element of the page."""
    html = superuser_client.get(reverse("admin:imports_importrun_upload")).content.decode()
    targets = [
        t for value in re.findall(r'aria-describedby="([^"]+)"', html) for t in value.split()
    ]
    assert targets
    for target in targets:
        assert f'id="{target}"' in html, target
