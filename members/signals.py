"""Signals other apps connect to, so that members needs to know none of them."""

from django.dispatch import Signal

organisation_erased = Signal()
"""Sent by ``members.services.organisation_erase`` (sender: ``Organisation``) inside its
transaction, before the organisation's row is deleted, with ``organisation``, ``secrets``
(the values identifying it in free text, longest first, to be replaced by
``members.services.ERASED``) and ``dry_run`` (then nothing may be written). A receiver removes
what its app keeps of the organisation and returns ``{label: count}`` for the erasure report
(German labels, e.g. ``{"bereinigte Importberichte": 2}``)."""
