"""Taking back a LEG import: what a run changed, and the set-based revert of it.

Every history entry an import writes names its run ("LEG-Import #12"), and the run keeps the
growth-field links it added to organisations that existed before (``ImportRunLink``). From
these, ``import_run_revert`` restores every organisation the run changed to its state before
the run, deletes the organisations it created and removes the memberships and links it added,
in a constant number of statements and with history entries written in bulk
("Rücknahme von LEG-Import #12").

The revert is refused when anything touched the same organisations after the run (a later
import, an edit in the back office): taking the run back would silently undo that later work
too. Such organisations are reverted one by one from their history page instead.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import cache as portal_cache
from core.collation import german_order
from members.models import Organisation
from networks.models import Membership

from .choices import RunStatus
from .history import in_query, record_organisation_history, write_history
from .leg import FIELDS
from .models import ImportedRowDigest, ImportRun, ImportRunLink
from .writers import delete_where, update_rows

GrowthFieldLink = Organisation.growth_fields.through
NAMES_SHOWN = 10


class RevertRefused(Exception):
    """The run cannot be taken back; the message says why, in German."""


@dataclass
class RunChanges:
    """What a run wrote, as querysets (nothing is loaded until asked)."""

    run: ImportRun
    created: object = field(default=None)  # history rows '+' of organisations
    changed: object = field(default=None)  # history rows '~' of organisations
    memberships: object = field(default=None)  # history rows '+' of memberships
    links: object = field(default=None)  # ImportRunLink rows

    def touched(self, column: str = "id") -> Q:
        """A filter on ``column`` for every organisation the run created, changed or linked.

        Subqueries, never lists of ids: a run may touch 100,000 organisations.
        """
        return (
            Q(**{f"{column}__in": self.created.values("id")})
            | Q(**{f"{column}__in": self.changed.values("id")})
            | Q(**{f"{column}__in": self.memberships.values("organisation_id")})
            | Q(**{f"{column}__in": self.links.values("organisation_id")})
        )


def import_run_changes(*, run: ImportRun) -> RunChanges:
    """The history entries and links the run wrote (querysets)."""
    # Every entry the run wrote carries its reason and the moment it wrote (history_date is
    # indexed, the reason is not).
    written = {"history_date": run.applied_at, "history_change_reason": run.history_reason}
    history = Organisation.history
    return RunChanges(
        run=run,
        created=history.filter(**written, history_type="+"),
        changed=history.filter(**written, history_type="~"),
        memberships=Membership.history.filter(**written, history_type="+"),
        links=ImportRunLink.objects.filter(run=run),
    )


def import_run_history(*, run: ImportRun, limit: int = 200):
    """The organisations' history entries of the run, first ``limit``, with their names."""
    return (
        Organisation.history.filter(
            history_date=run.applied_at, history_change_reason=run.history_reason
        )
        .select_related("history_user")
        .order_by(german_order("name"), "id")[:limit]
    )


def _names(rows) -> str:
    """ "A (TH-000001), B (TH-000002) und 3 weitere" from (name, leg_id) pairs."""
    rows = list(rows)
    shown = [f"{name} ({leg_id})" if leg_id else name for name, leg_id in rows[:NAMES_SHOWN]]
    text = ", ".join(shown)
    rest = len(rows) - NAMES_SHOWN
    if rest > 0:
        text += " " + ngettext("und %(count)s weitere", "und %(count)s weitere", rest) % {
            "count": rest
        }
    return text


def import_run_revert_problems(*, run: ImportRun) -> list[str]:
    """Why the run cannot be taken back (German sentences); empty if it can."""
    if not run.revertible:
        if run.status != RunStatus.IMPORTED:
            return [_("Nur importierte Läufe können rückgängig gemacht werden.")]
        if run.reverted_at is not None:
            return [_("Dieser Import wurde bereits rückgängig gemacht.")]
        return [
            _(
                "Dieser Import wurde vor der Einführung der Rücknahme geschrieben; seine "
                "Änderungen lassen sich nur einzeln über die Änderungshistorie zurücksetzen."
            )
        ]
    changes = import_run_changes(run=run)
    # Later runs that were taken back do not count: neither their entries nor their revert's.
    # "Later" means written later: a preview confirmed late may have a lower id than a run
    # that wrote before it.
    undone = ImportRun.objects.filter(applied_at__gt=run.applied_at, reverted_at__isnull=False)
    undone_reasons = [
        r for pk in undone.values_list("pk", flat=True) for r in ImportRun(pk=pk).reasons
    ]
    later = Q(history_date__gt=run.applied_at) & ~Q(history_change_reason__in=undone_reasons)
    later_organisations = Organisation.history.filter(later, changes.touched("id")).values("id")
    later_memberships = Membership.history.filter(later, changes.touched("organisation_id")).values(
        "organisation_id"
    )
    later_links = ImportRunLink.objects.filter(
        changes.touched("organisation_id"),
        run__applied_at__gt=run.applied_at,
        run__reverted_at__isnull=True,
    ).values("organisation_id")
    blocked = (
        Organisation.history.filter(
            Q(id__in=later_organisations) | Q(id__in=later_memberships) | Q(id__in=later_links)
        )
        .order_by()
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    names = Organisation.history.filter(history_id__in=blocked).order_by(german_order("name"), "id")
    names = list(names.values_list("name", "leg_id"))
    problems = []
    if names:
        problems.append(
            _(
                "Seit diesem Import wurden folgende Organisationen erneut geändert (in einem "
                "späteren Import oder im Back Office): %(names)s. Eine Rücknahme würde diese "
                "späteren Änderungen verwerfen; bitte die Organisationen einzeln über ihre "
                "Änderungshistorie zurücksetzen."
            )
            % {"names": _names(names)}
        )
    missing = changes.changed.exclude(
        Exists(
            Organisation.history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        )
    ).order_by(german_order("name"))
    missing = list(missing.values_list("name", "leg_id"))
    if missing:
        problems.append(
            _("Für folgende Organisationen fehlt der Stand vor dem Import: %(names)s.")
            % {"names": _names(missing)}
        )
    return problems


def _previous_states(changes: RunChanges):
    """(id, *FIELDS) of every changed organisation as it was before the run: one query."""
    before = (
        Organisation.history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    previous = changes.changed.annotate(previous=Subquery(before)).values("previous")
    return list(Organisation.history.filter(history_id__in=previous).values_list("id", *FIELDS))


@transaction.atomic
def import_run_revert(*, run: ImportRun, user) -> dict:
    """Take a run back, set-based; returns the counts of what was restored and removed.

    Raises ``RevertRefused`` (German message) if the run cannot be taken back.
    """
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    problems = import_run_revert_problems(run=run)
    if problems:
        raise RevertRefused(" ".join(problems))
    now = timezone.now()
    reason = run.revert_reason
    history = {"now": now, "user": user, "reason": reason}
    changes = import_run_changes(run=run)
    created_ids = changes.created.values("id")
    changed_ids = changes.changed.values("id")
    previous = _previous_states(changes)

    # Memberships the run added, and every membership of organisations it created.
    memberships = Membership.objects.filter(
        Q(pk__in=changes.memberships.values("id")) | Q(organisation_id__in=created_ids)
    )
    write_history(Membership, in_query(memberships), history_type="-", **history)
    removed_memberships = delete_where(memberships)

    # Growth-field links the run added to existing organisations, and those of new ones.
    run_links = ImportRunLink.objects.filter(
        run=run,
        organisation_id=OuterRef("organisation_id"),
        growth_field_id=OuterRef("growthfield_id"),
    )
    links = GrowthFieldLink.objects.filter(
        Q(Exists(run_links)) | Q(organisation_id__in=created_ids)
    )
    removed_links = delete_where(links)

    # Organisations the run created.
    created = Organisation.objects.filter(pk__in=created_ids)
    write_history(Organisation, in_query(created), history_type="-", **history)
    delete_where(ImportRunLink.objects.filter(organisation_id__in=created_ids))
    delete_where(ImportedRowDigest.objects.filter(organisation_id__in=created_ids))
    deleted = delete_where(created)

    # Organisations the run changed: their values before the run, a new version.
    update_rows(
        Organisation,
        "id",
        [*FIELDS, "updated_at"],
        [(*row, now) for row in previous],
        increment=("version",),
    )
    # Organisations that only lost links or memberships: a new version and a history entry.
    others = (
        Organisation.objects.filter(changes.touched("pk"))
        .exclude(pk__in=changed_ids)
        .update(updated_at=now, version=F("version") + 1)
    )
    record_organisation_history(history_type="~", **history)

    run.reverted_at = now
    run.reverted_by = user
    run.save(update_fields=["reverted_at", "reverted_by"])
    portal_cache.invalidate_on_commit()
    return {
        "restored": len(previous),
        "deleted": deleted,
        "memberships": removed_memberships,
        "links": removed_links,
        "others": others,
    }
