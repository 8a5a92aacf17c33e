from datetime import timedelta

import pytest
from django.core.management import call_command

from events.demo import events_seed_demo
from events.models import Event, TicketSlot
from tests import factories
from tests.events.helpers import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def villages(db):
    for slug in ("yancun", "dujiashan", "wangyingzhuang", "dadonggou"):
        factories.village(slug=slug)


def test_the_demo_has_yancuns_gourd_exhibition_free_and_a_paid_festival_all_upcoming(villages):
    call_command("seed_events", verbosity=0)

    exhibition = Event.objects.get(village__slug="yancun", slug="gourd-art-exhibition")
    assert exhibition.title == "葫芦文化艺术展"
    assert exhibition.kind == Event.Kind.EXHIBITION
    assert all(slot.price == 0 for slot in exhibition.slots.all())
    festival = Event.objects.get(village__slug="dujiashan")
    assert festival.kind == Event.Kind.FESTIVAL and all(slot.price > 0 for slot in festival.slots.all())
    assert set(Event.objects.values_list("is_demo", "is_published")) == {(True, True)}
    assert TicketSlot.objects.filter(starts_at__date__lte=TODAY).count() == 0


def test_running_it_again_adds_nothing_and_a_later_day_adds_only_the_new_dates(villages):
    first = events_seed_demo(today=TODAY)
    again = events_seed_demo(today=TODAY)
    later = events_seed_demo(today=TODAY + timedelta(days=1))

    assert first == (4, 14)
    assert again == (0, 0)
    assert later[0] == 0 and 0 < later[1] <= 14
    exhibition = Event.objects.get(slug="gourd-art-exhibition")
    assert exhibition.starts_on == TODAY + timedelta(days=1)
    assert exhibition.ends_on == TODAY + timedelta(days=9)


def test_a_missing_village_is_skipped(db):
    factories.village(slug="yancun")

    assert events_seed_demo(today=TODAY) == (1, 8)
