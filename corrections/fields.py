"""Which fields anyone may propose a correction to, and which of them LEG's export carries."""

from members.models import Organisation

# The organisation's fields the public pages show, less the LEG-ID and the record date (which
# only the LEG import sets). Telephone and e-mail are never shown, so never proposed.
# Organisation.PUBLIC_FIELDS is being introduced in members; until then the list lives here.
ORGANISATION_FIELDS = (
    "name",
    "legal_form",
    "kind",
    "street",
    "postcode",
    "town",
    "district",
    "website",
    "founding_year",
    "employees",
    "employees_approximate",
    "revenue_meur",
    "revenue_approximate",
    "export_quota",
    "wz_code",
    "keywords",
)
ORGANISATION_FIELDS = tuple(
    name
    for name in ORGANISATION_FIELDS
    if name in getattr(Organisation, "PUBLIC_FIELDS", ORGANISATION_FIELDS)
)

# A network's profile as its page shows it.
NETWORK_FIELDS = (
    "name",
    "short_name",
    "legal_form",
    "website",
    "founded_on",
    "description",
    "topics",
    "activities",
    "labels",
)


def correctable_fields(model) -> tuple[str, ...]:
    return ORGANISATION_FIELDS if model is Organisation else NETWORK_FIELDS


def leg_fields(model) -> frozenset[str]:
    """The fields LEG's export carries (``Organisation.DATA_FIELDS``): a correction accepted
    here must also go to LEG, or the next import writes the old value back."""
    return frozenset(Organisation.DATA_FIELDS) if model is Organisation else frozenset()
