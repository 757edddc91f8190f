import datetime

import factory

from events.choices import EventStatus
from events.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    """A published, timed, on-site event next year (no organiser unless given:
    ``EventFactory(organisers=[network])``)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Technologiekonferenz {n}")
    summary = "Fachvorträge und Austausch."
    start_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    start_time = datetime.time(10, 0)
    end_time = datetime.time(16, 0)
    venue = "Congress Center"
    town = "Suhl"
    district = "Suhl"
    status = EventStatus.PUBLISHED

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)

    @factory.post_generation
    def growth_fields(self, create, extracted, **kwargs):
        if create and extracted:
            self.growth_fields.set(extracted)
