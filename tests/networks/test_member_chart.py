"""Issue 13 item 5: a network's declared member counts over time as a chart on its page."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import DeclaredMemberCountFactory, NetworkFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data():
    call_command("load_reference_data", verbosity=0)


def page(client, slug):
    response = client.get(reverse("networks:detail", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def chart_of(content):
    start = content.index('<div class="series member-series">')
    return content[start : content.index("</div>\n</div>", start)]


def test_elmug_page_shows_its_three_counts_as_a_chart_in_date_order(client, reference_data):
    """ELMUG: 9 (25.02.2009), 26 (September 2012), 45 (2019) as three points from left to
    right, each placed at its date, and the same values in the table beside the chart."""
    block = chart_of(page(client, "elmug"))
    svg = block[block.index("<svg") : block.index("</svg>")]
    assert 'role="img"' in svg
    assert re.search(r"<title [^>]*>Angegebene Mitglieder von [^<]*ELMUG[^<]*</title>", svg)
    points = re.findall(
        r'<circle class="bar" cx="([\d.]+)" cy="[\d.]+" r="4" fill="[^"]+">'
        r"<title>([^<]+)</title>",
        svg,
    )
    assert [title for _x, title in points] == [
        "25.02.2009: 9",
        "September 2012: 26",
        "2019: 45",
    ]
    xs = [float(x) for x, _title in points]
    assert xs == sorted(xs)
    # At their dates, not evenly spaced: 2009-02 to 2012-09 is about half of 2012-09 to 2019.
    assert (xs[1] - xs[0]) < 0.7 * (xs[2] - xs[1])
    table = block[block.index("<table") :]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', table)
    assert rows == [("25.02.2009", "9"), ("September 2012", "26"), ("2019", "45")]


def test_a_network_with_one_point_shows_no_chart(client, reference_data):
    """PolymerMat has two counts of one date (50 and 51, two sources): one point, no chart;
    a network with a single count has none either."""
    assert "member-series" not in page(client, "polymermat")
    network = NetworkFactory()
    DeclaredMemberCountFactory(network=network, total=12, companies=None, research=None)
    assert "member-series" not in page(client, network.slug)


def test_two_sources_of_one_date_are_both_shown_in_the_point(client):
    """Two counts of one date that disagree are one point that names both totals."""
    network = NetworkFactory()
    for total, day, source in (
        (20, datetime.date(2010, 1, 1), None),
        (30, datetime.date(2012, 9, 1), None),
        (31, datetime.date(2012, 9, 1), SourceFactory()),
    ):
        DeclaredMemberCountFactory(
            network=network,
            total=total,
            companies=None,
            research=None,
            reference_date=day,
            **({"source": source} if source else {}),
        )
    block = chart_of(page(client, network.slug))
    assert block.count("<circle") == 2
    assert "30 / 31" in block
