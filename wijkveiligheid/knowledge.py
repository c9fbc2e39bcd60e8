"""Loads and checks the topic knowledge: the one source of truth for what the assistant says.

``wijkveiligheid/kennis/onderwerpen.yml`` holds the fourteen topics of the brochure
"Veiligheid en het wijkakkoord"; ``wijkveiligheid/kennis/contactpunten.yml`` holds the contact
points (112, Veiligheidsloket, meldpunt woonoverlast, wijkmanager, 14 010) that staff
can change. Both are validated with pydantic so a mistake fails the build, not a chat.
"""
from __future__ import annotations

import string
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from pydantic import BaseModel, Extra, constr, root_validator, validator

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "kennis"
TOPICS_FILE = KNOWLEDGE_DIR / "onderwerpen.yml"
CONTACTS_FILE = KNOWLEDGE_DIR / "contactpunten.yml"
TEXTS_FILE = KNOWLEDGE_DIR / "teksten.yml"

# Fixed topic ids; other parts of the product (signals, staff page) rely on them.
TOPIC_IDS = (
    "cameratoezicht",
    "overlast_op_straat",
    "jongerenwerk",
    "woonoverlast",
    "high_impact_crimes",
    "voetbal",
    "stadsmariniers",
    "ondermijning",
    "horeca",
    "cyberweerbaarheid",
    "polarisatie",
    "evenementen",
    "demonstraties",
    "veiligheidsbeleving",
)

QUESTION_KINDS = ("uitleg", "invloed", "melden", "signaal")
# The intent of questions about the brochure's introduction (not one of the 14 topics).
INTRODUCTION_INTENT = "wijkakkoord"
# A message that asks about the conversation's topic without naming it ("en wie beslist
# dat?"): one intent name for the NLU data, the policies, the form and the insights.
FOLLOW_UP_INTENT = "vervolgvraag"

Text = constr(strip_whitespace=True, min_length=1)


class Kind(str, Enum):
    uitleg = "uitleg"
    invloed = "invloed"
    melden = "melden"
    signaal = "signaal"


class InfluenceLevel(str, Enum):
    geen_invloed = "geen_invloed"
    signalen_doorgeven = "signalen_doorgeven"
    informatie_ontvangen = "informatie_ontvangen"
    meedenken = "meedenken"
    adviseren = "adviseren"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ReportTo(str, Enum):
    veiligheidsloket = "veiligheidsloket"
    meldpunt_woonoverlast = "meldpunt_woonoverlast"
    politie = "politie"
    wijkmanager = "wijkmanager"


class Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Influence(Strict):
    niveau: InfluenceLevel
    wel: List[Text]
    niet: List[Text]

    @validator("wel", "niet")
    def not_empty(cls, items: List[str]) -> List[str]:
        if not items:
            raise ValueError("must name at least one item")
        return items


class Reporting(Strict):
    waar: ReportTo
    tekst: Text


MAX_ANSWER_WORDS = 60  # one to three short sentences (B1); the reply adds one next step


def words(text: str) -> int:
    return len(text.split())


class Question(Strict):
    """One question people ask about a topic, with its short answer from the brochure."""

    id: constr(regex=r"^[a-z][a-z0-9_]*$")
    vraagsoort: Kind
    voorbeelden: List[Text]
    antwoord: Text
    bron: Text
    # Where this question's report goes when that is not the topic's own route (nuisance
    # during an event: the Veiligheidsloket, where other event concerns go to the wijkmanager).
    melden_bij: Optional[ReportTo] = None

    @validator("voorbeelden")
    def at_least_three(cls, items: List[str]) -> List[str]:
        if len(items) < 3:
            raise ValueError("needs at least three example phrasings")
        return items

    @validator("antwoord")
    def short(cls, text: str) -> str:
        if words(text) > MAX_ANSWER_WORDS:
            raise ValueError(f"answer has {words(text)} words; at most {MAX_ANSWER_WORDS}")
        return text


class ShortAnswers(Strict):
    """The topic's general answer per kind, for a question no item fits."""

    uitleg: Text
    invloed: Text
    melden: Optional[Text] = None
    signaal: Optional[Text] = None


class Places(Strict):
    """Where the brochure says a topic applies: only in some wijken, or not in some gebieden.

    `wel`, `niet` and `welke` are the answers for a named wijk that has it, one that has
    not, and the question "in welke wijken?"; {wijk} and {gebied} are filled in."""

    alleen_in_wijken: List[Text] = []
    niet_in_gebieden: List[Text] = []
    wel: Text
    niet: Text
    welke: Text

    @validator("wel", "niet", "welke")
    def only_wijk_and_gebied(cls, text: str) -> str:
        # Staff edit these texts; a stray or misspelt placeholder must fail at load, not
        # in the middle of a conversation.
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            text.format(wijk="", gebied="")
        except (ValueError, IndexError, KeyError) as error:
            raise ValueError(f"only {{wijk}} and {{gebied}} may be filled in: {error}") from None
        if not names <= {"wijk", "gebied"}:
            raise ValueError(f"only {{wijk}} and {{gebied}} may be filled in, not {sorted(names)}")
        return text

    def applies_to(self, wijk: Optional[str], gebied: Optional[str]) -> bool:
        if self.alleen_in_wijken:
            return wijk in self.alleen_in_wijken
        return gebied not in self.niet_in_gebieden


class Topic(Strict):
    id: Text
    naam: Text
    trefwoorden: List[Text]
    uitleg: Text
    wie_beslist: Text
    invloed: Influence
    melden: Reporting
    signalen: Text
    wijkfeiten: List[Text]
    bron: Text
    kort: ShortAnswers
    vragen: List[Question] = []
    # A report about this topic may be about danger now: its melden answer names 112.
    gevaar_mogelijk: bool = False
    plaatsen: Optional[Places] = None
    # Keys of contacts.doorverwijzingen this topic's report answer names.
    doorverwijzen: List[Text] = []

    @validator("vragen")
    def unique_ids(cls, items: List[Question]) -> List[Question]:
        ids = [item.id for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"question ids must be unique: {ids}")
        return items

    def question(self, question_id: str) -> Optional[Question]:
        return next((q for q in self.vragen if q.id == question_id), None)


class Introduction(Strict):
    """The brochure's introduction: the wijkakkoord, safety as a city-wide task, the
    wijkraad's role in general and the wijkmanager as the contact (intent `wijkakkoord`)."""

    naam: Text
    kort: ShortAnswers
    vragen: List[Question]
    bron: Text


class Contact(Strict):
    naam: Text
    uitleg: Text
    telefoon: Optional[Text] = None
    url: Optional[Text] = None
    # National referral points are not in the brochure: where the fact comes from, and a
    # reminder to check it before going live.
    bron: Optional[Text] = None
    controleren: Optional[Text] = None


class Contacts(Strict):
    noodnummer: Contact
    politie: Contact
    veiligheidsloket: Contact
    meldpunt_woonoverlast: Contact
    wijkmanager: Contact
    gemeente: Contact
    # National referral points, named by a topic's `doorverwijzen` where it calls for them.
    doorverwijzingen: Dict[str, Contact] = {}

    def for_report(self, report_to: ReportTo) -> Contact:
        return getattr(self, report_to.value)


class AnswerTexts(Strict):
    gevaar_eerst: Text
    invloed_volgende_stap: Text
    signaal_volgende_stap: Text
    wijk_volgende_stap: Text
    geen_aparte_wijken: Text
    aanspreekpunt: Text
    welk_onderwerp: Text
    link: Text
    telefoon: Text


class ButtonTexts(Strict):
    uitleg: Text
    invloed: Text
    melden: Text
    signaal: Text
    ja: Text
    ander_onderwerp: Text


class EnglishTexts(Strict):
    opmerking: Text
    antwoord_volgt: Text


class ConversationTexts(Strict):
    noodgeval: Text
    begroeting: Text
    afscheid: Text
    ben_een_programma: Text
    wat_kan_ik_vragen: Text
    plek_genoteerd: Text
    overzicht_invloed: Text
    overzicht_invloed_verder: Text
    buiten_bereik_invloed: Text
    buiten_bereik: Text
    niet_begrepen: Text
    signaal_opening: Text
    signaal_onderwerp_kiezen: Text
    signaal_onderwerp_bevestigen: Text
    signaal_te_vaak_mislukt: Text


class ChannelTexts(Strict):
    te_lang: Text
    onleesbaar: Text
    storing: Text
    opnieuw_begonnen: Text


class Texts(Strict):
    """The fixed sentences of teksten.yml; {placeholders} are filled by Knowledge.say."""

    antwoord: AnswerTexts
    knoppen: ButtonTexts
    engels: EnglishTexts
    gesprek: ConversationTexts
    kanaal: ChannelTexts


# The placeholders a text may use besides the contact lines (filled where they apply).
TEXT_VALUES = ("wijk", "gebied", "onderwerp", "naam", "url", "telefoon", "max_lengte",
               "onderwerp_naam", "plek")


class Knowledge(Strict):
    topics: Dict[str, Topic]
    contacts: Contacts
    introduction: Introduction
    teksten: Texts

    def contact_line(self, contact: Contact) -> str:
        """How to reach a contact point in one line: explanation, link and phone."""
        parts = [contact.uitleg]
        if contact.url:
            parts.append(self.teksten.antwoord.link.format(naam=contact.naam, url=contact.url))
        if contact.telefoon and contact.telefoon not in contact.uitleg:
            parts.append(self.teksten.antwoord.telefoon.format(telefoon=contact.telefoon))
        return " ".join(parts)

    def say(self, template: str, **values: Any) -> str:
        """A text of teksten.yml with its placeholders filled in."""
        c = self.contacts
        common = {
            "noodnummer": self.contact_line(c.noodnummer), "politie": self.contact_line(c.politie),
            "wijkmanager": self.contact_line(c.wijkmanager),
            "gemeente": self.contact_line(c.gemeente),
            "noodnummer_telefoon": c.noodnummer.telefoon, "gemeente_telefoon": c.gemeente.telefoon,
            "noodnummer_uitleg": c.noodnummer.uitleg, "gemeente_uitleg": c.gemeente.uitleg,
        }
        return template.format(**{**common, **values})

    @validator("topics")
    def all_fixed_topics(cls, topics: Dict[str, Topic]) -> Dict[str, Topic]:
        if tuple(topics) != TOPIC_IDS:
            raise ValueError(f"topics must be exactly {TOPIC_IDS} in that order")
        return topics

    @root_validator(skip_on_failure=True)
    def referrals_exist(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        known = set(values["contacts"].doorverwijzingen)
        for topic in values["topics"].values():
            missing = set(topic.doorverwijzen) - known
            if missing:
                raise ValueError(f"{topic.id}: unknown referral points {sorted(missing)}")
        return values

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]


def load_knowledge(
    topics_file: Path = TOPICS_FILE, contacts_file: Path = CONTACTS_FILE,
    texts_file: Path = TEXTS_FILE,
) -> Knowledge:
    data = yaml.safe_load(topics_file.read_text(encoding="utf-8"))
    contacts = yaml.safe_load(contacts_file.read_text(encoding="utf-8"))
    texts = yaml.safe_load(texts_file.read_text(encoding="utf-8"))
    return Knowledge(
        topics={topic["id"]: Topic(**topic) for topic in data["onderwerpen"]},
        contacts=Contacts(**contacts),
        introduction=Introduction(**data["inleiding"]),
        teksten=Texts(**texts),
    )


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The knowledge as shipped, loaded once per process."""
    return load_knowledge()
