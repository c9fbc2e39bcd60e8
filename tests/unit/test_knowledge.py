"""The topic knowledge file is complete, faithful to the brochure, and the only source."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from wijkveiligheid.knowledge import (
    CONTACTS_FILE,
    TOPIC_IDS,
    TOPICS_FILE,
    InfluenceLevel,
    ReportTo,
    load_knowledge,
)

ROOT = Path(__file__).resolve().parents[2]
BROCHURE = Path(__file__).resolve().parents[3] / "shared/seed/veiligheid-en-het-wijkakkoord.txt"


def test_every_fixed_topic_is_there_in_order(kb):
    assert tuple(kb.topics) == TOPIC_IDS
    assert len(kb.topics) == 14


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_every_topic_is_complete(kb, topic_id):
    topic = kb.topic(topic_id)
    for text in (topic.naam, topic.uitleg, topic.wie_beslist, topic.melden.tekst,
                 topic.signalen, topic.bron):
        assert text.strip()
    assert topic.invloed.wel and topic.invloed.niet
    assert topic.trefwoorden
    assert isinstance(topic.invloed.niveau, InfluenceLevel)


def test_a_missing_field_fails_loading(tmp_path):
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    del data["onderwerpen"][3]["wie_beslist"]
    broken = tmp_path / "onderwerpen.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_knowledge(broken, CONTACTS_FILE)


def test_an_unknown_influence_level_fails_loading(tmp_path):
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    data["onderwerpen"][0]["invloed"]["niveau"] = "beslissen"
    broken = tmp_path / "onderwerpen.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_knowledge(broken, CONTACTS_FILE)


@pytest.mark.parametrize("text", ["Ja, in {wijk} werkt een {stadsmarinier}.",
                                  "Ja, in {wijk werkt er een.", "Ja, in {0} wel."])
def test_a_place_text_with_a_wrong_placeholder_fails_loading(tmp_path, text):
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    topic = next(t for t in data["onderwerpen"] if t.get("plaatsen"))
    topic["plaatsen"]["wel"] = text
    broken = tmp_path / "onderwerpen.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_knowledge(broken, CONTACTS_FILE)


@pytest.mark.parametrize(
    "topic_id, level",
    [
        ("cameratoezicht", "adviseren"),
        ("voetbal", "geen_invloed"),
        ("demonstraties", "geen_invloed"),
        ("stadsmariniers", "meedenken"),
        ("overlast_op_straat", "signalen_doorgeven"),
        ("woonoverlast", "informatie_ontvangen"),
        # The wijkmanager advises on permits; the wijkraad passes signals and advice on.
        ("evenementen", "signalen_doorgeven"),
    ],
)
def test_influence_levels_follow_the_brochure(kb, topic_id, level):
    assert kb.topic(topic_id).invloed.niveau.value == level


def all_text(topic) -> str:
    return " ".join([topic.uitleg, topic.wie_beslist, *topic.invloed.wel,
                     *topic.invloed.niet, topic.melden.tekst, topic.signalen,
                     *topic.wijkfeiten])


@pytest.mark.parametrize(
    "topic_id, facts",
    [
        ("cameratoezicht", ["drie jaar", "burgemeester", "politie", "Openbaar Ministerie",
                            "Mobiele Camera Unit"]),
        ("stadsmariniers", ["Hillesluis", "Bloemhof", "Carnisse", "Oude Westen",
                            "Oud-Mathenesse", "budget"]),
        ("jongerenwerk", ["Pernis", "Hoek van Holland", "12", "23"]),
        ("high_impact_crimes", ["Zomeroffensief", "Donkere Dagen Offensief", "schouw"]),
        ("voetbal", ["meetingpoint", "risicoanalyse"]),
        ("demonstraties", ["Wet openbare manifestaties"]),
        ("evenementen", ["wijkmanager", "Nota evenementenvergunningen"]),
        ("cyberweerbaarheid", ["Cybercrime", "cyberevent"]),
        ("veiligheidsbeleving", ["wijkprofiel"]),
    ],
)
def test_neighbourhood_facts_are_present(kb, topic_id, facts):
    text = all_text(kb.topic(topic_id))
    for fact in facts:
        assert fact in text, f"{topic_id} misses {fact!r}"


def test_facts_named_in_the_knowledge_exist_in_the_brochure(kb):
    """Names, places and numbers we state must appear in the brochure itself."""
    if not BROCHURE.exists():
        pytest.skip("brochure not present next to the repository")
    brochure = " ".join(BROCHURE.read_text(encoding="utf-8").split())
    brochure = brochure.replace("OudMathenesse", "Oud-Mathenesse")
    for fact in ["Hillesluis", "Bloemhof", "Carnisse", "Oude Westen", "Oud-Mathenesse",
                 "Pernis", "Hoek van Holland", "Mobiele Camera Unit", "Zomeroffensief",
                 "Donkere Dagen Offensief", "Wet openbare manifestaties", "meetingpoint"]:
        assert fact in brochure


def test_where_to_report(kb):
    assert kb.topic("woonoverlast").melden.waar == ReportTo.meldpunt_woonoverlast
    for topic_id in ("overlast_op_straat", "cameratoezicht", "voetbal", "horeca"):
        assert kb.topic(topic_id).melden.waar == ReportTo.veiligheidsloket


def test_contact_points_are_configuration_in_one_place(kb):
    contacts = kb.contacts
    assert contacts.noodnummer.telefoon == "112"
    assert contacts.gemeente.telefoon == "14 010"
    assert contacts.veiligheidsloket.url.startswith("https://")
    assert contacts.meldpunt_woonoverlast.url.startswith("https://")
    # No phone number or web address is hard-coded in the topic texts.
    topics_text = TOPICS_FILE.read_text(encoding="utf-8")
    for contact in ("112", "14 010", "0900", "http"):
        assert contact not in topics_text


def test_contacts_can_be_changed_by_editing_the_file(tmp_path):
    contacts = yaml.safe_load(CONTACTS_FILE.read_text(encoding="utf-8"))
    contacts["veiligheidsloket"]["url"] = "https://voorbeeld.rotterdam.nl/loket"
    changed = tmp_path / "contactpunten.yml"
    changed.write_text(yaml.safe_dump(contacts, allow_unicode=True), encoding="utf-8")
    kb = load_knowledge(TOPICS_FILE, changed)
    assert kb.contacts.veiligheidsloket.url == "https://voorbeeld.rotterdam.nl/loket"


def test_every_fixed_text_fills_in(kb):
    """teksten.yml: each text formats with the placeholders the code fills in."""
    from wijkveiligheid.knowledge import TEXT_VALUES

    for section in kb.teksten.__fields__:
        for name, template in getattr(kb.teksten, section).dict().items():
            assert kb.say(template, **{key: "x" for key in TEXT_VALUES}), (section, name)


def test_no_sentence_the_assistant_says_is_written_in_python():
    """The assistant's texts live in the knowledge files and the domain; its Python code
    (bot/, actions/) only fills them in. Log lines and patterns are not said to anyone."""
    import ast
    import re

    dutch = re.compile(r"\b(je|jij|jouw|het|een|de|niet|wil|kies|typ|bel|meld)\b", re.IGNORECASE)
    found = []
    for room in ("bot", "actions"):
        for path in (ROOT / room).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = set()
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef,
                                     ast.AsyncFunctionDef)) and node.body \
                        and isinstance(node.body[0], ast.Expr):
                    skip.add(id(node.body[0].value))  # docstrings
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in ("debug", "info", "warning", "error", "exception"):
                    skip.update(id(arg) for arg in ast.walk(node))  # log lines
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in skip and "\\b" not in node.value
                        and re.search(r"[.?!:]\s*$", node.value)
                        and len(node.value.split()) >= 4 and dutch.search(node.value)):
                    found.append(f"{path.relative_to(ROOT)}: {node.value[:60]!r}")
    assert not found, found
