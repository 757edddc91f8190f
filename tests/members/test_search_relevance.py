"""The relevance test set (issue 14): German spellings, typos, towns, keywords, WZ terms and
legal names over one fixed data set, each query with the organisations that must come first.
The same expectations hold on SQLite and on PostgreSQL (run the file on both).

Relevance on both databases: the name is the query (legal forms aside), then names holding
every word, then towns, then the rest (keywords, WZ divisions); ties in German name order.
A query whose words match nothing as written falls back to similar spellings (typos).
"""

import pytest
from django.db import connection

from members.filtersets import OrganisationFilterSet
from members.models import Organisation
from members.search import Query, fold, lexemes
from members.selectors import directory_results
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# (name, town, keywords, WZ code)
ORGANISATIONS = [
    ("Jenoptik AG", "Jena", "Laser, Photonik", "26.70"),
    ("Jenoptik Optical Systems GmbH", "Jena", "Optische Systeme", "26.70"),
    ("Jenaer Mikrodesign GmbH", "Nordhausen", "Leichtbau, Elektromobilität", "25.62"),
    ("Thüringer Logistikkonzept GmbH", "Mühlhausen", "Internationalisierung, eCommerce", "52.29"),
    ("Kyffhäuser Maschinenbau GmbH", "Bad Frankenhausen", "Sondermaschinen", "28.41"),
    ("Mueller Präzisionstechnik GmbH", "Erfurt", "Drehteile, Fräsen", "25.62"),
    ("Müller Sensorik GmbH", "Ilmenau", "Messtechnik", "26.51"),
    ("Mikro-Nano Integration e.V.", "Ilmenau", "Mikrosystemtechnik", "72.19"),
    ("Laserbau Weimar GmbH", "Weimar", "Lasertechnik", "27.90"),
    ("Friedrich-Schiller-Universität Jena", "Jena", "Forschung, Lehre", "85.42"),
    ("Straßenbau Gotha GmbH", "Gotha", "Tiefbau", "42.11"),
    ("Ölmühle Apolda GmbH", "Apolda", "Speiseöl", "10.41"),
    (
        '"Eichsfelder Biosysteme" Handelsgesellschaft mbH',
        "Leinefelde-Worbis",
        "Biotechnologie",
        "46.46",
    ),
    ("Solarwerk Thüringen GmbH", "Arnstadt", "Photovoltaik, Solarenergie", "27.11"),
    ("ada Solar GmbH", "Sömmerda", "Photovoltaik", "43.21"),
    ("Werra Kunststoff GmbH", "Bad Salzungen", "Spritzguss", "22.29"),
    ("Optik Zentrum Jena e.V.", "Jena", "Optische Technologien", "72.19"),
    ("Angewandte Optik Zentrum Jena GmbH", "Jena", "Beratung", "71.12"),
    ("Sensor-Technik Erfurt KG", "Erfurt", "Sensoren", "26.51"),
    ("medways e.V.", "Jena", "Medizintechnik", "94.99"),
    ("Logistik Mühlhausen GmbH & Co. KG", "Mühlhausen", "Spedition", "49.41"),
    ("Druckerei Weißensee GmbH", "Weißensee", "Offsetdruck", "18.12"),
    ("Automotive Thüringen e.V.", "Erfurt", "Automobil, Zulieferer", "94.11"),
    ("Waldquell Mineralbrunnen GmbH", "Schmalkalden", "Mineralwasser", "11.07"),
    ("Forellenhof Saalfeld", "Saalfeld", "Forellen, Räucherei", "03.22"),
    ("Elektronik Saalfeld GmbH", "Saalfeld", "Leiterplatten", "26.11"),
]

THURINGIAN = ["Automotive Thüringen e.V.", "Solarwerk Thüringen GmbH", "Thüringer Logistikkonzept GmbH"]
MUEHLHAUSEN = ["Logistik Mühlhausen GmbH & Co. KG", "Thüringer Logistikkonzept GmbH"]
MUELLER = ["Mueller Präzisionstechnik GmbH", "Müller Sensorik GmbH"]
OELMUEHLE = ["Ölmühle Apolda GmbH"]

# (query, the names that must come first, in this order)
CASES = [
    # legal names and exact names
    ("Jenoptik", ["Jenoptik AG", "Jenoptik Optical Systems GmbH"]),
    ("jenoptik ag", ["Jenoptik AG", "Jenoptik Optical Systems GmbH"]),
    ("JENOPTIK GmbH", ["Jenoptik AG", "Jenoptik Optical Systems GmbH"]),
    ("Jenoptik Optical Systems GmbH", ["Jenoptik Optical Systems GmbH"]),
    ("Optik Zentrum Jena", ["Optik Zentrum Jena e.V.", "Angewandte Optik Zentrum Jena GmbH"]),
    ("Optik Zentrum Jena e.V.", ["Optik Zentrum Jena e.V.", "Angewandte Optik Zentrum Jena GmbH"]),
    ("GmbH", ["ada Solar GmbH", "Angewandte Optik Zentrum Jena GmbH"]),
    ("e.V.", ["Automotive Thüringen e.V.", "medways e.V.", "Mikro-Nano Integration e.V."]),
    ("Eichsfelder", ['"Eichsfelder Biosysteme" Handelsgesellschaft mbH']),
    ("Biosysteme Handelsgesellschaft", ['"Eichsfelder Biosysteme" Handelsgesellschaft mbH']),
    # umlauts, transliterations, ß
    ("Thüringer", THURINGIAN),
    ("Thueringer", THURINGIAN),
    ("Thuringer", THURINGIAN),
    ("THÜRINGEN", THURINGIAN),
    ("Kyffhäuser", ["Kyffhäuser Maschinenbau GmbH"]),
    ("Kyffhaeuser", ["Kyffhäuser Maschinenbau GmbH"]),
    ("Kyffhauser", ["Kyffhäuser Maschinenbau GmbH"]),
    ("Müller", MUELLER),
    ("mueller", MUELLER),
    ("Muller", MUELLER),
    ("Ölmühle", OELMUEHLE),
    ("Oelmuehle", OELMUEHLE),
    ("olmuhle", OELMUEHLE),
    ("Straßenbau", ["Straßenbau Gotha GmbH"]),
    ("Strassenbau", ["Straßenbau Gotha GmbH"]),
    ("Weissensee", ["Druckerei Weißensee GmbH"]),
    # hyphen and space
    ("Mikro-Nano", ["Mikro-Nano Integration e.V."]),
    ("Mikro Nano", ["Mikro-Nano Integration e.V."]),
    ("Friedrich Schiller Universität", ["Friedrich-Schiller-Universität Jena"]),
    ("Sensor-Technik", ["Sensor-Technik Erfurt KG"]),
    # towns: a name holding the town before organisations in it
    ("Mühlhausen", MUEHLHAUSEN),
    ("Muehlhausen", MUEHLHAUSEN),
    ("Muhlhausen", MUEHLHAUSEN),
    ("Erfurt", ["Sensor-Technik Erfurt KG", "Automotive Thüringen e.V.", "Mueller Präzisionstechnik GmbH"]),
    ("Weimar", ["Laserbau Weimar GmbH"]),
    ("Saalfeld", ["Elektronik Saalfeld GmbH", "Forellenhof Saalfeld"]),
    ("Jena Optik", ["Angewandte Optik Zentrum Jena GmbH", "Optik Zentrum Jena e.V."]),
    # keywords and German stemming
    ("optischen", ["Jenoptik Optical Systems GmbH", "Optik Zentrum Jena e.V."]),
    ("Sensorik", ["Müller Sensorik GmbH", "Sensor-Technik Erfurt KG"]),
    ("Photovoltaik", ["ada Solar GmbH", "Solarwerk Thüringen GmbH"]),
    ("Leichtbau", ["Jenaer Mikrodesign GmbH"]),
    ("Lehre und Forschung", ["Friedrich-Schiller-Universität Jena"]),
    ("Medizintechnik", ["medways e.V."]),
    ("Zulieferer", ["Automotive Thüringen e.V."]),
    ("Präzisionstechnik", ["Mueller Präzisionstechnik GmbH"]),
    ("Praezisionstechnik", ["Mueller Präzisionstechnik GmbH"]),
    # WZ 2008 division titles
    ("Getränkeherstellung", ["Waldquell Mineralbrunnen GmbH"]),
    ("Fischerei", ["Forellenhof Saalfeld"]),
    ("Aquakultur", ["Forellenhof Saalfeld"]),
    # typos (through the similar-spelling fallback)
    ("Präzisionstechnk", ["Mueller Präzisionstechnik GmbH"]),
    ("Lasrbau", ["Laserbau Weimar GmbH"]),
    ("Mikrodesgn", ["Jenaer Mikrodesign GmbH"]),
    ("Kyfhäuser", ["Kyffhäuser Maschinenbau GmbH"]),
    ("Jenoptk", ["Jenoptik AG", "Jenoptik Optical Systems GmbH"]),
    ("Mineralbrunen", ["Waldquell Mineralbrunnen GmbH"]),
]


@pytest.fixture
def organisations(db):
    for number, (name, town, keywords, wz_code) in enumerate(ORGANISATIONS, 1):
        OrganisationFactory(
            leg_id=f"TH-{number:06d}", name=name, town=town, keywords=keywords, wz_code=wz_code
        )


def found(query):
    filterset = OrganisationFilterSet({"q": query}, queryset=Organisation.objects.for_directory())
    rows, _similar = directory_results(filterset)
    return [row.name for row in rows]


def test_the_set_is_big_enough():
    assert len(CASES) >= 40
    assert {name for _q, names in CASES for name in names} <= {row[0] for row in ORGANISATIONS}


@pytest.mark.parametrize(("query", "first"), CASES, ids=[case[0] for case in CASES])
def test_query_finds_these_first(organisations, query, first):
    """The named organisations come first, in this order, on either database."""
    assert found(query)[: len(first)] == first


def test_a_word_found_nowhere_finds_nothing(organisations):
    assert found("Xylophonmanufaktur") == []


def test_stop_words_alone_find_nothing(organisations):
    assert found("und der") == []


def test_punctuation_alone_is_no_search(organisations):
    """q=% / ! / ( is no search: every organisation, in German name order."""
    everything = found("")
    assert len(everything) == len(ORGANISATIONS)
    for query in ("%", "!", "(", "% ( !"):
        assert found(query) == everything


def test_query_words_folded_and_legal_forms_set_apart():
    assert fold('"Thüringer" Mikro-Nano e.V. Straße Oelmühle') == (
        "thuringer mikro nano e v strasse olmuhle"
    )
    assert Query("Jenoptik GmbH").text == "Jenoptik"
    assert Query("GmbH").text == "GmbH"
    assert Query("und die").stems == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stemmer")
def test_python_stems_like_postgresql(db):
    """SQLite's documents are stemmed in Python: the same stems as PostgreSQL's configuration
    gives for the words of the data set, the WZ titles and some hard cases."""
    from members.choices import WZ_DIVISIONS

    texts = [" ".join(row[:3]) for row in ORGANISATIONS] + [str(t) for t in WZ_DIVISIONS.values()]
    texts.append("Jenaer Thüringer Kyffhäuser Mühlhausen Lösungen Beschichtungen Fräsen 3D-Druck")
    for text in texts:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT array_to_string(tsvector_to_array("
                "to_tsvector('portal_german', portal_search_fold(%s))), ' ')",
                [text],
            )
            expected = set(cursor.fetchone()[0].split())
        assert set(lexemes(text).split()) == expected, text


def test_a_word_finds_names_that_begin_with_it(organisations):
    """ "Jena" finds "Jenaer …" (folded "jenar", another stem): a name holding a word that
    begins with the query word is in the name tier, before organisations only in Jena."""
    names = found("Jena")
    assert "Jenaer Mikrodesign GmbH" in names
    assert names.index("Jenaer Mikrodesign GmbH") < names.index("Jenoptik AG")


def test_a_word_finds_the_start_of_a_compound(db):
    """ "optik" finds "Optikwerke" (prefix matching), but a compound is no exact name match:
    "Optik" itself comes first."""
    OrganisationFactory(name="Optikwerke Jena", town="Jena")
    OrganisationFactory(name="Optik GmbH", town="Gera")
    assert found("optik") == ["Optik GmbH", "Optikwerke Jena"]


@pytest.mark.parametrize("query", ["Jena", "Erfurt", "Optik Zentrum Jena", "GmbH", "Saalfeld"])
def test_pages_from_the_best_tiers_are_the_list_s_pages(organisations, query):
    """The directory's paginator takes a page from the best tiers' own queries where it can
    (PostgreSQL): every page, of every size, holds the rows the whole ordered list has there."""
    from members.selectors import directory_search

    search = directory_search({"q": query})
    expected = list(search.rows.values_list("pk", flat=True))
    for per_page in (1, 2, 3, 25):
        paginator = search.paginator(per_page)
        pages = [paginator.page_keys(bottom) for bottom in range(0, len(expected), per_page)]
        assert [key for page in pages for key in page] == expected, per_page
