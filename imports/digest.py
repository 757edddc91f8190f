"""Unchanged rows cost a hash: digests of the raw rows an organisation was last imported from.

After every applied import, each company row that was cleaned and compared leaves a digest
(``ImportedRowDigest``, a side table one-to-one with the organisation): a BLAKE2b hash of the
row's raw cells (and of where each column stands), the fingerprint of what the cleaning
depended on (``rules_fingerprint``: ``leg.CLEANING_RULES_VERSION``, the cleaning code, the
growth-field and network names and aliases) and the organisation's ``version`` after the import.

The next import reads all digests whose fingerprint is current and whose organisation is still
at that version, in one query. A row whose digest matches is counted unchanged without being
cleaned or compared (``RowSkipper.split``); every other row goes through the full path. Any
edit of the organisation (back office, correction, revert: each counts ``version`` up), a
membership or growth-field link changed by hand (the digest is forgotten, ``forget``), a new
alias or a changed cleaning rule makes the row go through the full path again, so counts,
changes and history are those of the full path. The warnings of a skipped row are not repeated:
the run counts the rows skipped unseen (``ImportRun.unseen``) and names the earlier runs that
reported their warnings (``ImportRun.unseen_warning_runs``).
"""

import hashlib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import connection

from core import normalizers, text
from members import choices as member_choices
from members.models import Organisation

from . import columns as column_spec
from . import leg
from .issues import IssueList
from .models import ImportedRowDigest

# The modules whose code decides what a row cleans to: any change to them re-cleans every row.
_CLEANING_CODE = (leg, column_spec, normalizers, text, member_choices)
_STAGE = "imports_digest_stage"


def enabled() -> bool:
    return getattr(settings, "LEG_IMPORT_DIGESTS", True)


def _code_digest() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for module in _CLEANING_CODE:
        try:
            digest.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):  # no source shipped: the version constant decides alone
            digest.update(module.__name__.encode())
    return digest.digest()


def rules_fingerprint(growth_field_index: dict, network_index: dict) -> str:
    """What cleaning a row depends on besides the row: rules version, code, names, aliases."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"rules {leg.CLEANING_RULES_VERSION}\x00".encode())
    digest.update(_code_digest())
    for index in (growth_field_index, network_index):
        digest.update(repr(sorted(index.items())).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _row_digest(prefix, cells) -> str:
    digest = prefix.copy()
    try:
        # CSV cells are text, XLSX text cannot hold NUL either: NUL separates unambiguously.
        digest.update(b"s" + "\x00".join(cells).encode("utf-8", "surrogatepass"))
    except TypeError:  # numbers, dates or empty cells of an XLSX: their repr keeps the type
        digest.update(b"r" + repr(list(cells)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class RowSkipper:
    """Splits each chunk of a company sheet into rows to clean and rows skipped unseen.

    ``known`` maps LEG-ID -> (digest, run id, warned) of the digests still valid. Rows that are
    cleaned keep their digest here (``cleaned``) so the import can record them once applied.
    """

    def __init__(self, *, rules: str, known: dict):
        self.rules = rules
        self.known = known
        self.cleaned = {}  # leg_id -> (row, digest)
        self.unseen = 0
        self.warning_runs = Counter()
        self._prefix = None
        self._leg_at = None

    @classmethod
    def for_import(cls, growth_field_index, network_index):
        rules = rules_fingerprint(growth_field_index, network_index)
        return cls(rules=rules, known=_valid_digests(rules))

    def _start(self, column_map):
        layout = sorted(column_map.index.items())
        self._prefix = hashlib.blake2b(repr(layout).encode(), digest_size=16)
        self._leg_at = column_map.index["leg_id"]

    def split(self, chunk, column_map, first_row_of):
        """The rows of ``chunk`` to clean; the others are counted unchanged.

        A skipped row's LEG-ID is entered in ``first_row_of`` (the cleaner's record of the
        LEG-IDs seen), so a later row with the same LEG-ID is reported as doubled exactly as
        before; a row whose LEG-ID was seen already is never skipped.
        """
        if self._prefix is None:
            self._start(column_map)
        at, known, prefix = self._leg_at, self.known, self._prefix
        cleaned, to_clean = self.cleaned, []
        for row, cells in chunk:
            raw = cells[at] if at < len(cells) else None
            leg_id = str(raw or "").strip().upper()
            digest = _row_digest(prefix, cells)
            previous = known.get(leg_id)
            if previous is not None and previous[0] == digest and leg_id not in first_row_of:
                first_row_of[leg_id] = row
                self.unseen += 1
                if previous[2]:
                    self.warning_runs[previous[1]] += 1
                continue
            cleaned[leg_id] = (row, digest)
            to_clean.append((row, cells))
        return to_clean

    def record(self, *, run, issues: IssueList) -> None:
        """Keep the digests of the rows this (applied) run cleaned, at their organisations'
        versions after the write. Inside the run's transaction."""
        if not self.cleaned:
            return
        warned = {issue.row for issue in issues.warnings}
        rows = [(leg_id, digest, row in warned) for leg_id, (row, digest) in self.cleaned.items()]
        _store(rows, rules=self.rules, run_id=run.pk)


def _quote(name):
    return connection.ops.quote_name(name)


def _valid_digests(rules: str) -> dict:
    """LEG-ID -> (digest, run id, warned) of digests made under ``rules`` whose organisation
    is still at the version the digest was made at. One query."""
    digests, organisations = ImportedRowDigest._meta.db_table, Organisation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.leg_id, d.digest, d.run_id, d.warned FROM {_quote(digests)} d "
            f"JOIN {_quote(organisations)} o ON o.id = d.organisation_id "
            "AND o.version = d.version WHERE d.rules = %s AND o.leg_id IS NOT NULL",
            [rules],
        )
        return {leg_id: (digest, run_id, warned) for leg_id, digest, run_id, warned in cursor}


def _store(rows, *, rules, run_id) -> None:
    """Replace the digests of the organisations ``rows`` (leg_id, digest, warned) name."""
    digests, organisations = (
        _quote(ImportedRowDigest._meta.db_table),
        _quote(Organisation._meta.db_table),
    )
    stage = _quote(_STAGE)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} (leg_id varchar(20), digest varchar(32), "
            f"warned boolean){' ON COMMIT DROP' if postgres else ''}"
        )
        if postgres:
            with cursor.cursor.copy(f"COPY {stage} (leg_id, digest, warned) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {stage} VALUES (%s, %s, %s)", rows)
        matching = f"SELECT o.id FROM {organisations} o JOIN {stage} s ON s.leg_id = o.leg_id"
        cursor.execute(f"DELETE FROM {digests} WHERE organisation_id IN ({matching})")
        cursor.execute(
            f"INSERT INTO {digests} (organisation_id, digest, rules, version, run_id, warned) "
            f"SELECT o.id, s.digest, %s, o.version, %s, s.warned FROM {stage} s "
            f"JOIN {organisations} o ON o.leg_id = s.leg_id",
            [rules, run_id],
        )
        cursor.execute(f"DROP TABLE {stage}")


def forget(organisation_ids) -> None:
    """Drop the digests of these organisations: their next import compares them in full."""
    ids = [pk for pk in organisation_ids if pk is not None]
    if ids:
        ImportedRowDigest.objects.filter(organisation_id__in=ids).delete()


def forget_membership(sender, instance, **kwargs):
    """A membership saved or deleted by hand (not by the import, whose bulk writes send no
    signals): the row of its organisation is compared in full next time."""
    forget([instance.organisation_id])


def forget_growth_field_links(sender, instance, action, reverse, pk_set, **kwargs):
    """Growth-field links changed through the ORM (the back office's form)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        forget([instance.pk])
    elif pk_set:
        forget(pk_set)
    else:  # a growth field's links cleared: whose they were is no longer known
        ImportedRowDigest.objects.all().delete()
