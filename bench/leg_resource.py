"""Step (5) of the benchmark: a plain django-import-export resource for the LEG company sheet.

This is what a Django shop would write first: one ``Field(attribute=…, column_name=…)`` per LEG
header, each with the widget the library itself picks for that model field type (it does not
pick one for a declared ``Field``: without ``widget=`` a declared field gets the generic
``Widget``, which passes text through and makes ``""`` fail on integer columns), the library's
default instance loader, ``use_bulk`` with ``batch_size=1000`` and ``skip_unchanged=False``.

German values are converted only as far as needed for the import to run at all:

* ``LEG-ID``: surrounding spaces stripped (``" TH-000123"`` is 10 characters and PostgreSQL
  refuses it for the ``varchar(9)`` column).
* ``Beschäftigte``, ``Umsatz Mio EUR``, ``Exportquote %``: ``k. A.`` / ``k.A.`` / ``-`` become
  empty, the ``ca.`` prefix and ``%`` suffix are cut off and the thousands dots removed
  (``1.234,5`` is otherwise no number). The decimal comma is left to the default widgets: they
  call Django's ``sanitize_separators``, which reads ``12,5`` as 12.5 while the active language is
  German (``LANGUAGE_CODE = "de"``).
* ``Stand``: the library's ``DateWidget`` with ``format="%d.%m.%Y"`` (its default formats are
  Django's ``DATE_INPUT_FORMATS``, which have no ``dd.mm.yyyy``).

Everything else goes in as the file has it, which the engine would have normalised or refused:
postcodes without their leading zero, ``Art`` as the label instead of the choice value, WZ codes
in every spelling, websites without a scheme, malformed e-mail addresses; the "ca." flags stay
False. ``Wachstumsfelder`` and ``Netzwerke`` are not imported at all (m2m and memberships are not
supported with ``use_bulk``), no history rows are written, and nothing is validated
(``clean_model_instances`` is False by default). The resource therefore does *less* work than
``import_leg``; the comparison flatters it.
"""

from import_export import resources
from import_export.fields import Field
from import_export.widgets import CharWidget, DateWidget, DecimalWidget, IntegerWidget, Widget

from members.models import Organisation

NO_DATA = {"k. A.", "k.A.", "-"}
NUMBER_COLUMNS = ("Beschäftigte", "Umsatz Mio EUR", "Exportquote %")


def plain_number(value):
    """``ca. 1.234,5 %`` → ``1234,5``; no-data markers → empty."""
    value = (value or "").strip()
    if value in NO_DATA:
        return ""
    return value.removeprefix("ca.").removesuffix("%").strip().replace(".", "")


class LegOrganisationResource(resources.ModelResource):
    leg_id = Field(attribute="leg_id", column_name="LEG-ID", widget=CharWidget())
    name = Field(attribute="name", column_name="Name", widget=CharWidget())
    legal_form = Field(attribute="legal_form", column_name="Rechtsform", widget=CharWidget())
    kind = Field(attribute="kind", column_name="Art", widget=CharWidget())
    street = Field(attribute="street", column_name="Straße", widget=CharWidget())
    postcode = Field(attribute="postcode", column_name="PLZ", widget=CharWidget())
    town = Field(attribute="town", column_name="Ort", widget=CharWidget())
    district = Field(attribute="district", column_name="Landkreis", widget=CharWidget())
    phone = Field(attribute="phone", column_name="Telefon", widget=CharWidget())
    email = Field(attribute="email", column_name="E-Mail", widget=CharWidget())
    website = Field(attribute="website", column_name="Website", widget=CharWidget())
    founding_year = Field(
        attribute="founding_year", column_name="Gründungsjahr", widget=IntegerWidget()
    )
    employees = Field(attribute="employees", column_name="Beschäftigte", widget=IntegerWidget())
    revenue_meur = Field(
        attribute="revenue_meur", column_name="Umsatz Mio EUR", widget=DecimalWidget()
    )
    export_quota = Field(
        attribute="export_quota", column_name="Exportquote %", widget=DecimalWidget()
    )
    wz_code = Field(attribute="wz_code", column_name="WZ 2008", widget=CharWidget())
    keywords = Field(attribute="keywords", column_name="Schlagworte", widget=Widget())
    record_date = Field(
        attribute="record_date", column_name="Stand", widget=DateWidget(format="%d.%m.%Y")
    )

    class Meta:
        model = Organisation
        fields = (
            "leg_id",
            "name",
            "legal_form",
            "kind",
            "street",
            "postcode",
            "town",
            "district",
            "phone",
            "email",
            "website",
            "founding_year",
            "employees",
            "revenue_meur",
            "export_quota",
            "wz_code",
            "keywords",
            "record_date",
        )
        import_id_fields = ["leg_id"]
        use_bulk = True
        batch_size = 1000
        skip_unchanged = False

    def before_import_row(self, row, **kwargs):
        row["LEG-ID"] = (row["LEG-ID"] or "").strip()
        for column in NUMBER_COLUMNS:
            row[column] = plain_number(row[column])
