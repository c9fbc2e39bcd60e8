"""Recognising the wijk in the answer to "In welke wijk is het?" (wijkveiligheid/wijken.py)."""
from __future__ import annotations

import random
import string
from collections import Counter

import pytest
import yaml

from wijkveiligheid.wijken import (
    DEFAULT_PATH,
    Location,
    WijkenConfigError,
    all_gebieden,
    all_wijken,
    load_locations,
    match_location,
)

GEBIEDEN = [
    "Centrum", "Charlois", "Delfshaven", "Feijenoord", "Hillegersberg-Schiebroek",
    "Hoek van Holland", "Hoogvliet", "IJsselmonde", "Kralingen-Crooswijk", "Noord",
    "Overschie", "Pernis", "Prins Alexander", "Rozenburg",
]


def at(wijk, gebied):
    return Location(wijk=wijk, gebied=gebied)


# --- the file ------------------------------------------------------------------------

def test_the_file_has_rotterdams_14_gebieden():
    assert sorted(all_gebieden()) == sorted(GEBIEDEN)


def test_every_wijk_belongs_to_exactly_one_gebied():
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    counts = Counter(wijk for body in raw["gebieden"].values() for wijk in body["wijken"])
    assert counts and all(n == 1 for n in counts.values()), [w for w, n in counts.items() if n > 1]
    assert sorted(all_wijken()) == sorted(counts)
    for gebied in all_gebieden():
        assert all_wijken(gebied), f"{gebied} has no wijken"
        for wijk in all_wijken(gebied):
            assert match_location(wijk) == at(wijk, gebied)


def test_known_wijken_are_listed_where_they_belong():
    assert set(all_wijken("Charlois")) == {
        "Carnisse", "Heijplaat", "Oud-Charlois", "Pendrecht", "Tarwewijk", "Wielewaal",
        "Zuiderpark en Zuidrand", "Zuidwijk"}
    assert set(all_wijken("Feijenoord")) == {
        "Afrikaanderwijk", "Bloemhof", "Feijenoord", "Hillesluis", "Katendrecht",
        "Kop van Zuid - Entrepot", "Noordereiland", "Vreewijk"}
    assert set(all_wijken("Delfshaven")) == {
        "Bospolder", "Delfshaven", "Middelland", "Nieuwe Westen", "Oud-Mathenesse",
        "Schiemond", "Spangen", "Tussendijken", "Witte Dorp"}
    assert set(all_wijken("Centrum")) == {
        "Cool", "CS-kwartier", "Dijkzigt", "Nieuwe Werk", "Oude Westen", "Stadsdriehoek"}
    for single in ("Pernis", "Rozenburg", "Hoek van Holland"):
        assert all_wijken(single) == [single]
    assert all_wijken("Atlantis") == []


def test_every_alias_finds_its_own_wijk_or_gebied():
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for gebied, body in raw["gebieden"].items():
        for alias in body.get("aliassen") or []:
            assert match_location(alias).gebied == gebied, alias
        for wijk, aliases in body["wijken"].items():
            for alias in aliases or []:
                assert match_location(alias) == at(wijk, gebied), alias


def test_the_file_is_read_once():
    assert load_locations() is load_locations()


# --- matching ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Carnisse", at("Carnisse", "Charlois")),
    ("Oud-Mathenesse", at("Oud-Mathenesse", "Delfshaven")),
    ("Kop van Zuid - Entrepot", at("Kop van Zuid - Entrepot", "Feijenoord")),
    ("'s-Gravenland", at("'s-Gravenland", "Prins Alexander")),
    ("Hoogvliet-Zuid", at("Hoogvliet-Zuid", "Hoogvliet")),
])
def test_exact(text, expected):
    assert match_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("oud mathenesse", at("Oud-Mathenesse", "Delfshaven")),
    ("CARNISSE", at("Carnisse", "Charlois")),
    ("Hoogvliet Noord", at("Hoogvliet-Noord", "Hoogvliet")),
    ("hoogvliet-noord", at("Hoogvliet-Noord", "Hoogvliet")),
    ("oudmathenesse", at("Oud-Mathenesse", "Delfshaven")),
    ("s gravenland", at("'s-Gravenland", "Prins Alexander")),
    ("Feyenoord", at("Feijenoord", "Feijenoord")),
    ("Heyplaat", at("Heijplaat", "Charlois")),
    ("  kralingen   WEST ", at("Kralingen-West", "Kralingen-Crooswijk")),
    ("Kop van Zuid – Entrepôt", at("Kop van Zuid - Entrepot", "Feijenoord")),
])
def test_case_accents_hyphens_spaces(text, expected):
    assert match_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Carnise", at("Carnisse", "Charlois")),
    ("oud mathenese", at("Oud-Mathenesse", "Delfshaven")),
    ("hilesluis", at("Hillesluis", "Feijenoord")),
    ("Afrikaanderwyk", at("Afrikaanderwijk", "Feijenoord")),
    ("ommord", at("Ommoord", "Prins Alexander")),
    ("pendrect", at("Pendrecht", "Charlois")),
    ("hoogvliet nord", at("Hoogvliet-Noord", "Hoogvliet")),
    ("ik woon in bloemhoff", at("Bloemhof", "Feijenoord")),
    ("Prins Alexandr", at(None, "Prins Alexander")),
])
def test_typos(text, expected):
    assert match_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("afrikaanderbuurt", at("Afrikaanderwijk", "Feijenoord")),
    ("kop van zuid", at("Kop van Zuid - Entrepot", "Feijenoord")),
    ("Entrepot", at("Kop van Zuid - Entrepot", "Feijenoord")),
    ("de Kaap", at("Katendrecht", "Feijenoord")),
    ("Blijdorp", at("Blijdorp/Blijdorpsepolder", "Noord")),
    ("Kralingse Bos", at("Kralingen-Oost/Kralingse Bos", "Kralingen-Crooswijk")),
    ("Zestienhoven", at("Noordkethel/Schieveen/Zestienhoven", "Overschie")),
    ("strand en duin", at("Hoek van Holland", "Hoek van Holland")),
    ("Hillegersberg", at(None, "Hillegersberg-Schiebroek")),
    ("Kralingen", at(None, "Kralingen-Crooswijk")),
])
def test_aliases(text, expected):
    assert match_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("de afrikaanderwijk", at("Afrikaanderwijk", "Feijenoord")),
    ("ik woon in bloemhof", at("Bloemhof", "Feijenoord")),
    ("In de wijk Spangen", at("Spangen", "Delfshaven")),
    ("bij het Oude Noorden", at("Oude Noorden", "Noord")),
    ("het is in de Tarwewijk", at("Tarwewijk", "Charlois")),
    ("wij wonen in Rotterdam Noord", at(None, "Noord")),
    ("in de buurt van de Beverwaard hoor", at("Beverwaard", "IJsselmonde")),
    ("Spangen, Delfshaven", at("Spangen", "Delfshaven")),
    ("Het Lage Land", at("Het Lage Land", "Prins Alexander")),
    ("De Esch", at("De Esch", "Kralingen-Crooswijk")),
])
def test_filler_words(text, expected):
    assert match_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Charlois", at(None, "Charlois")),
    ("Noord", at(None, "Noord")),
    ("IJsselmonde", at(None, "IJsselmonde")),
    ("Hillegersberg-Schiebroek", at(None, "Hillegersberg-Schiebroek")),
    ("prins alexander", at(None, "Prins Alexander")),
    ("Centrum", at(None, "Centrum")),
    # A wijk with the gebied's own name is preferred.
    ("Feijenoord", at("Feijenoord", "Feijenoord")),
    ("Delfshaven", at("Delfshaven", "Delfshaven")),
    ("Overschie", at("Overschie", "Overschie")),
    ("Pernis", at("Pernis", "Pernis")),
    ("Rozenburg", at("Rozenburg", "Rozenburg")),
    ("Hoek van Holland", at("Hoek van Holland", "Hoek van Holland")),
])
def test_gebied_only(text, expected):
    assert match_location(text) == expected


@pytest.mark.parametrize("text", [
    "Amsterdam", "Utrecht", "weet ik niet", "asdf", "", "   ", "Rotterdam", "Rotterdam Zuid",
    "Schiedam", "Barendrecht", "Vlaardingen", "Capelle aan den IJssel", "geen idee", "nee",
    "ik weet het echt niet", "bij mij in de straat", "!!!", "12345", "de", "in de wijk",
])
def test_negatives(text):
    assert match_location(text) is None


def test_random_characters_give_none():
    rng = random.Random(20240611)
    for alphabet in (string.printable, string.ascii_lowercase + " ", string.ascii_letters):
        for _ in range(20):
            assert match_location("".join(rng.choices(alphabet, k=2000))) is None


@pytest.mark.parametrize("text", [
    None, 42, 3.5, b"Spangen", ["Spangen"], {"wijk": "Spangen"},
    "😀😀😀", "\x00\x01\x02", "ﷺ" * 50, "a" * 100_000, "Spangen " * 20_000,
    "<script>alert('x')</script>", "'; DROP TABLE wijken; --", "\u202e\u200b\ufeff",
])
def test_odd_input_never_raises(text):
    result = match_location(text)
    assert result is None or isinstance(result, Location)


@pytest.mark.parametrize("text, expected", [
    ("<b>Spangen</b>", at("Spangen", "Delfshaven")),
    ("😀 Tarwewijk 😀", at("Tarwewijk", "Charlois")),
    ("Nesselande!!!", at("Nesselande", "Prins Alexander")),
    ("Er zijn steeds inbraken bij ons in de Tarwewijk, al weken lang, 's nachts.",
     at("Tarwewijk", "Charlois")),
])
def test_name_inside_odd_or_longer_text(text, expected):
    assert match_location(text) == expected


def test_location_is_a_small_frozen_value():
    location = at("Spangen", "Delfshaven")
    with pytest.raises(AttributeError):
        location.wijk = "Bospolder"
    assert {location, at("Spangen", "Delfshaven")} == {location}


# --- a file that staff got wrong -------------------------------------------------------

def write(tmp_path, text):
    path = tmp_path / "wijken.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_custom_file_is_used(tmp_path):
    path = write(tmp_path, "gebieden:\n  Noord:\n    wijken:\n      Bergpolder: [bergpoldr]\n")
    locations = load_locations(path)
    assert match_location("bergpolder", locations) == at("Bergpolder", "Noord")
    assert all_gebieden(path) == ["Noord"]
    assert all_wijken(path=path) == ["Bergpolder"]


@pytest.mark.parametrize("text", [
    # the same wijk under two gebieden
    "gebieden:\n  Noord:\n    wijken:\n      Spangen: []\n"
    "  Delfshaven:\n    wijken:\n      Spangen: []\n",
    # a key twice in one block
    "gebieden:\n  Noord:\n    wijken:\n      Spangen: []\n      Spangen: []\n",
    # an alias pointing to two places
    "gebieden:\n  Noord:\n    wijken:\n      Bergpolder: [blijdorp]\n      Blijdorp: []\n",
    # misspelt key, no wijken, not a list, too short, not YAML
    "gebieden:\n  Noord:\n    aliasen: [x]\n    wijken:\n      Bergpolder: []\n",
    "gebieden:\n  Noord:\n    wijken: {}\n",
    "gebieden:\n  Noord:\n    wijken:\n      Bergpolder: bergpoldr\n",
    "gebieden:\n  Noord:\n    wijken:\n      Bergpolder: [bp]\n",
    "gebieden: [Noord\n",
    "",
])
def test_a_broken_file_is_refused_with_a_clear_error(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(WijkenConfigError):
        load_locations(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(WijkenConfigError):
        load_locations(tmp_path / "bestaat-niet.yml")


def test_an_edited_file_is_read_again(tmp_path):
    import os
    path = write(tmp_path, "gebieden:\n  Noord:\n    wijken:\n      Bergpolder: []\n")
    assert all_wijken(path=path) == ["Bergpolder"]
    path.write_text("gebieden:\n  Noord:\n    wijken:\n      Blijdorp: []\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert all_wijken(path=path) == ["Blijdorp"]
