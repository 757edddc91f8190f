from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The pages a public body's portal must have: imprint, privacy, accessibility statement
    with its feedback form, Leichte Sprache and Gebärdensprache."""

    name = "pages"
    verbose_name = _("Pflichtseiten")
