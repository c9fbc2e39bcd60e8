"""Loads and checks the topic knowledge: the one source of truth for what the assistant says.

``wijkveiligheid/kennis/onderwerpen.yml`` holds the fourteen topics of the brochure
"Veiligheid en het wijkakkoord"; ``wijkveiligheid/kennis/contactpunten.yml`` holds the contact
points (112, Veiligheidsloket, meldpunt woonoverlast, wijkmanager, 14 010) that staff
can change. Both are validated with pydantic so a mistake fails the build, not a chat.
"""
from __future__ import annotations

from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import BaseModel, Extra, constr, validator

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "kennis"
TOPICS_FILE = KNOWLEDGE_DIR / "onderwerpen.yml"
CONTACTS_FILE = KNOWLEDGE_DIR / "contactpunten.yml"

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

Text = constr(strip_whitespace=True, min_length=1)


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


class Contact(Strict):
    naam: Text
    uitleg: Text
    telefoon: Optional[Text] = None
    url: Optional[Text] = None


class Contacts(Strict):
    noodnummer: Contact
    politie: Contact
    veiligheidsloket: Contact
    meldpunt_woonoverlast: Contact
    wijkmanager: Contact
    gemeente: Contact

    def for_report(self, report_to: ReportTo) -> Contact:
        return getattr(self, report_to.value)


class Knowledge(Strict):
    topics: Dict[str, Topic]
    contacts: Contacts

    @validator("topics")
    def all_fixed_topics(cls, topics: Dict[str, Topic]) -> Dict[str, Topic]:
        if tuple(topics) != TOPIC_IDS:
            raise ValueError(f"topics must be exactly {TOPIC_IDS} in that order")
        return topics

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]


def load_knowledge(
    topics_file: Path = TOPICS_FILE, contacts_file: Path = CONTACTS_FILE
) -> Knowledge:
    topics = yaml.safe_load(topics_file.read_text(encoding="utf-8"))["onderwerpen"]
    contacts = yaml.safe_load(contacts_file.read_text(encoding="utf-8"))
    return Knowledge(
        topics={topic["id"]: Topic(**topic) for topic in topics},
        contacts=Contacts(**contacts),
    )


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The knowledge as shipped, loaded once per process."""
    return load_knowledge()
