"""Puts together the answer to a topic question: the specific answer first, then at most
one line about the next step, then quick replies for the other kinds of question.

Everything it says comes from the knowledge files (``wijkveiligheid/kennis``): the
question items and short answers of ``onderwerpen.yml`` and the contact points of
``contactpunten.yml``. ``bot/nlg.py`` calls `compose` for ``utter_antwoord`` in the Rasa
server itself, so an answer never waits for the action server.

Choosing the answer: the topic and the kind of question come from the NLU (slots
``onderwerp`` and ``vraagsoort``). Among the topic's items of that kind, `QuestionRanker`
picks the one whose example phrasings are most like the message (tf-idf on character
n-grams and words, a linear SVM per topic and kind). When even the nearest phrasing is
less similar than `MIN_SIMILARITY`, no item fits and the topic's short general answer for
that kind is given.
These choices were made on the items' own examples, each left out in turn
(``scripts/vraagkeuze.py`` prints the figures; docs/nlu-data.md).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from wijkveiligheid.knowledge import (
    FOLLOW_UP_INTENT,
    INTRODUCTION_INTENT,
    Introduction,
    Knowledge,
    Question,
    Topic,
    knowledge,
)
from wijkveiligheid.wijken import all_wijken

Response = Dict[str, Any]
Subject = Union[Topic, Introduction]

# Chosen on the items' examples, each left out in turn (scripts/vraagkeuze.py).
MIN_SIMILARITY = 0.1
RECENT_TEXTS = 32
# A question this like one of an item's phrasings (cosine of the n-gram vectors) is that
# item's question, whatever kind of question was read or kept.
CLEAR_MATCH = 0.7
ASKS_ABOUT_THE_TOPIC = re.compile(
    r"(en |maar |oke |ok )?(wat (doet|doen|kan|kunnen|is|zijn)|wie (is|zijn|doet|beslist|bepaalt)"
    r"|hoe (kan|kun|kom|vraag|werkt|regel|meld)|waarom|wanneer|waaraan|waar (gaat|gaan))\b")
# "En over high impact crimes?": only the topic changes, the kind stays (no item by words).
TOPIC_SWITCH = re.compile(r"(en |maar |oke |ok |prima )?(over|wat betreft|hoe zit het met)\b")
# Who-to-contact questions get the wijkmanager in these kinds (None: no kind read); where
# to report and passing on a signal have their own answers.
CONTACT_KINDS = ("uitleg", "invloed")
# A yes or no about a place this short is about the place only ("werkt er bij ons een
# stadsmarinier?"); a longer one asks more.
PLACE_QUESTION_WORDS = 12
PLACE_FOLLOW_UP_WORDS = 8

# How much more the topic-wide model must prefer an item of another kind when no item of
# the predicted kind claims the question.
OTHER_KIND_MARGIN = 0.3

# The quick replies (their titles are in teksten.yml): one per kind, and a signal.
KIND_PAYLOADS = {
    "uitleg": '/vervolgvraag{"vraagsoort": "uitleg", "vraag": "wie_beslist"}',
    "invloed": '/vervolgvraag{"vraagsoort": "invloed"}',
    "melden": '/vervolgvraag{"vraagsoort": "melden"}',
}
SIGNAL_PAYLOAD = "/signaal_doorgeven"
WHO_DECIDES = "wie_beslist"


def normalise(text: str) -> str:
    """Lower case, no accents, only letters, digits and single spaces."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


class QuestionRanker:
    """Finds the question item of a topic that a message asks.

    Per topic and kind, a linear SVM on the items' phrasings and answers picks the item;
    a message whose nearest phrasing is less similar than `MIN_SIMILARITY` fits none."""

    def __init__(self, kb: Knowledge) -> None:
        self.subjects: Dict[str, Subject] = {**kb.topics, INTRODUCTION_INTENT: kb.introduction}
        texts, owners = [], []
        for key, subject in self.subjects.items():
            for item in subject.vragen:
                for text in [*item.voorbeelden, item.antwoord]:
                    texts.append(normalise(text))
                    owners.append((key, item.id))
        self.characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                          sublinear_tf=True)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w+\b")
        self.owners = owners
        self._recent: Dict[str, scipy.sparse.csr_matrix] = {}
        self.matrix = self.vectors(texts, fit=True) if texts else None
        # The rows of each (subject, kind), and of each subject as a whole (kind None).
        self.groups: Dict[Tuple[str, Optional[str]], List[int]] = {}
        kinds = {(key, item.id): item.vraagsoort.value
                 for key, subject in self.subjects.items() for item in subject.vragen}
        for row, (key, item_id) in enumerate(owners):
            self.groups.setdefault((key, kinds[(key, item_id)]), []).append(row)
            self.groups.setdefault((key, None), []).append(row)
        self.models = {group: self.fit(rows) for group, rows in self.groups.items()}

    def vectors(self, texts: Sequence[str], fit: bool = False) -> scipy.sparse.csr_matrix:
        parts = []
        for vectorizer in (self.characters, self.words):
            part = vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts)
            parts.append(normalize(part))
        return normalize(scipy.sparse.hstack(parts).tocsr())

    def vector(self, text: str) -> scipy.sparse.csr_matrix:
        """One text's vector; the last few are kept, as a turn ranks the same message
        several times (the policy, then the answer and its checks)."""
        cached = self._recent.get(text)
        if cached is None:
            cached = self._recent[text] = self.vectors([text])
            if len(self._recent) > RECENT_TEXTS:
                self._recent.pop(next(iter(self._recent)))
        return cached

    def fit(self, rows: List[int]) -> Optional[LinearSVC]:
        labels = [self.owners[row][1] for row in rows]
        if len(set(labels)) < 2:
            return None
        model = LinearSVC(C=1.0, random_state=1).fit(self.matrix[rows], labels)
        # Weights exist only for the n-grams of this group's phrasings: stored sparse, the
        # 70-odd models take kilobytes instead of about 300 MB of zeros.
        return model.sparsify()

    def scores(self, subject_key: str, text: str, kind: Optional[str] = None,
               leave_out: Optional[int] = None) -> List[Tuple[Question, float, float]]:
        """The subject's items of this kind (all its items if it has none of this kind),
        best first, each with the SVM's score and its nearest phrasing's similarity.
        `leave_out` drops one row and retrains (scripts/vraagkeuze.py)."""
        subject = self.subjects.get(subject_key)
        if subject is None or self.matrix is None or not normalise(text):
            return []
        group = (subject_key, kind) if (subject_key, kind) in self.groups else (subject_key, None)
        rows = [row for row in self.groups.get(group, []) if row != leave_out]
        if not rows:
            return []  # a topic without question items: its short general answer
        model = self.models[group] if leave_out is None else self.fit(rows)
        vector = self.vector(normalise(text))
        similarity = (self.matrix[rows] @ vector.T).toarray().ravel()
        nearest: Dict[str, float] = {}
        for row, value in zip(rows, similarity, strict=True):
            item_id = self.owners[row][1]
            nearest[item_id] = max(nearest.get(item_id, 0.0), float(value))
        decision: Dict[str, float] = dict(nearest)
        if model is not None:
            values = np.atleast_1d(model.decision_function(vector).ravel())
            if len(model.classes_) == 2:
                values = np.array([-values[0], values[0]])
            decision = {str(c): float(v) for c, v in zip(model.classes_, values, strict=True)}
        items = {item.id: item for item in subject.vragen}
        ranked = [(items[item_id], decision.get(item_id, -9.0), nearest[item_id])
                  for item_id in nearest]
        return sorted(ranked, key=lambda entry: -entry[1])

    def closest(self, subject_key: str, text: str) -> Tuple[Optional[Question], float]:
        """The item with the phrasing nearest to the text, and that similarity."""
        ranked = self.scores(subject_key, text, None)
        if not ranked:
            return None, 0.0
        item, _, similarity = max(ranked, key=lambda entry: entry[2])
        return item, similarity

    def best(self, subject_key: str, text: str, kind: Optional[str] = None,
             threshold: float = MIN_SIMILARITY) -> Optional[Question]:
        ranked = self.scores(subject_key, text, kind)
        if not ranked or max(entry[2] for entry in ranked) < threshold:
            return None
        if ranked[0][1] < 0 and kind is not None:
            # No item of this kind claims the question: the kind may be wrong ("wat mag er
            # in het wijkakkoord staan?" read as uitleg). An item of another kind that the
            # topic-wide model clearly prefers answers it instead.
            anywhere = self.scores(subject_key, text, None)
            if anywhere and anywhere[0][1] > max(0.0, ranked[0][1] + OTHER_KIND_MARGIN):
                return anywhere[0][0]
        return ranked[0][0]


@lru_cache(maxsize=1)
def question_ranker() -> QuestionRanker:
    """The ranker of the shipped knowledge, built once per process (the response
    generator and the conversation policy share it)."""
    return QuestionRanker(knowledge())


# Intents of a message that asks about the conversation's topic without naming it: the
# follow-up itself, and a message the NLU did not understand alone that
# bot.gesprek.GesprekPolicy answered in the conversation's topic.
FOLLOW_UP_INTENTS = frozenset({FOLLOW_UP_INTENT, "nlu_fallback", "buiten_bereik"})


@dataclass(frozen=True)
class Turn:
    """What the assistant knows when it answers a topic question."""

    topic: Optional[str]       # slot onderwerp, or None
    kind: Optional[str]        # slot vraagsoort, or None
    intent: Optional[str]      # the intent of the latest message
    text: str                  # the latest message
    wijk: Optional[str] = None     # a wijk named in the latest message
    gebied: Optional[str] = None   # its gebied (or the gebied named)
    question: Optional[str] = None  # a question item asked for by a quick reply
    english: bool = False


def words(text: str) -> int:
    """Words a reader reads: a link counts by its text, not its address."""
    return len(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", text)))


# "wie beslist / bepaalt / geeft daar advies?" (bot/vraagsoort.py reads it as `uitleg`).
WHO_DECIDES = re.compile(
    r"\bwie (beslist|bepaalt|besluit|beslissen|bepalen|beoordeelt|kiest|gaat (er )?over"
    r"|is (er )?verantwoordelijk|heeft (er )?het laatste woord|(geeft|geven) (daar |daarover "
    r"|er )?(het |de )?(advies|vergunning\w*))\b")


def asks_who_decides(text: str) -> bool:
    return bool(WHO_DECIDES.search(normalise(text)))


# "Bij wie kan ik aankloppen?", "wie is mijn aanspreekpunt?", "is er iemand bij de gemeente
# die hierover gaat?": the brochure's answer is the wijkmanager (unless it asks where to
# report, which the report answer covers).
# Words that ask for a person whatever the kind read ("wie is ons aanspreekpunt?").
ASKS_A_PERSON = re.compile(
    r"\b(aanspreekpunt|aanspreekpersoon|contactpersoon)\b|\bin contact (komen|kom|treden)\b"
    r"|\bhoe kom (ik|je|we|wij) (\w+ ){0,3}in contact\b"
    r"|\biemand (\w+ ){0,5}die (dit|dat|het) (\w+ ){0,3}(bespreken|uitleggen)\b")
ASKS_CONTACT = re.compile(
    r"\bbij wie (kan|kun|moet|kunnen|moeten) (ik|je|we|wij)\b"
    r"|\bmet wie (kan|kun|moet|kunnen|moeten|neem)\b"
    r"|\bwie (kan|moet|kunnen|moeten) (ik|we|wij) (bellen|mailen|hebben|spreken|benaderen"
    r"|contacteren)\b"
    r"|\biemand (\w+ ){0,4}die (hier|daar|er) ?over gaat\b"
    r"|\bwaar (kan|kun|kunnen) (ik|je|we|wij) (\w+ ){0,2}(terecht|aankloppen|kwijt)\b"
    # "bij wie vragen we dat aan?", "via wie regel ik dat?" (what was just talked about)
    r"|\bbij wie (vraag|vragen) (ik|je|we|wij) (dat|dit|het|die|zoiets) aan\b"
    r"|\bvia wie (regel|regelen|vraag|vragen) (ik|je|we|wij)\b|\bvia wie loopt (dat|dit)\W*$")


def wants_the_wijkmanager(text: str, kind: Optional[str] = None) -> bool:
    """Whether the question asks who to contact, answered for this kind of question (None:
    no kind read) with the wijkmanager: asking for a person in any kind but a signal, the
    other wordings ("bij wie kan ik terecht?") only where no report route is meant."""
    lowered = normalise(text)
    if "meld" in lowered or kind == "signaal":
        return False
    return bool(ASKS_A_PERSON.search(lowered)) or (
        (kind is None or kind in CONTACT_KINDS) and bool(ASKS_CONTACT.search(lowered)))


# "Werkt er bij ons een stadsmarinier?": the place the person named earlier in the
# conversation (slots `wijk` and `gebied`) is meant.
OWN_PLACE = re.compile(r"\b(bij ons|bij mij|onze (wijk|buurt|straat)|ons (plein|buurtje)"
                       r"|mijn (wijk|buurt|straat)|hier in (de|onze) (wijk|buurt))\b")


def refers_to_own_place(text: str) -> bool:
    return bool(OWN_PLACE.search(normalise(text)))


def asks_whether_there(text: str) -> bool:
    """"Werkt er bij ons een stadsmarinier?", "is er jongerenwerk in Pernis?": a yes or no
    about a place, which the place answer gives."""
    return bool(re.match(
        r"(en |maar )?((is|zijn|werkt|werken|zit|zitten|komt|komen) er"
        r"|(werkt|werken|zit|zitten|komt|komen) (\w+ ){1,3}(ook )?(bij|in)"
        r"|(heeft|hebben) (\w+ ){1,3}(ook )?(een|er een|geen))\b", normalise(text)))


# "Hoe wordt bepaald in welke buurt jongerenwerk komt?" asks how the choice is made (the
# topic's item), not which wijken (the place answer).
HOW_CHOSEN = re.compile(r"\b(bepaald|bepaalt|bepalen|besloten|beslist|besluit|gekozen|kiest"
                        r"|kiezen|afhangt)\b")


def asks_which_wijken(text: str) -> bool:
    normalised = normalise(text)
    return bool(re.search(r"\b(welke|wat voor) (wijk|wijken|buurt|buurten|gebied|gebieden)\b"
                          r"|\bwaar (zijn|zitten|werken|komen|staan) (ze|die|er)\b",
                          normalised)) and not HOW_CHOSEN.search(normalised)


def subject_of(kb: Knowledge, turn: Turn) -> Optional[Tuple[str, Subject]]:
    if turn.intent == INTRODUCTION_INTENT:
        return INTRODUCTION_INTENT, kb.introduction
    if turn.topic in kb.topics:
        return turn.topic, kb.topics[turn.topic]
    return None


def general_answer(subject: Subject, kind: str) -> str:
    return getattr(subject.kort, kind, None) or subject.kort.uitleg


def place_answer(kb: Knowledge, subject: Subject, turn: Turn) -> Optional[str]:
    """The answer about a named wijk, or to "in welke wijken?", where the brochure has it."""
    places = getattr(subject, "plaatsen", None)
    where = turn.wijk or turn.gebied
    if asks_which_wijken(turn.text) and not where:
        if places:
            return places.welke
        return kb.say(kb.teksten.antwoord.geen_aparte_wijken, onderwerp=subject.naam.lower())
    if not (where and places):
        return None
    if turn.wijk is None and places.alleen_in_wijken and turn.gebied and any(
            wijk in all_wijken(turn.gebied) for wijk in places.alleen_in_wijken):
        return places.welke  # a gebied with some of the wijken: name them, no plain no
    text = places.wel if places.applies_to(turn.wijk, turn.gebied) else places.niet
    return text.format(wijk=where, gebied=turn.gebied or where)


def next_step(kb: Knowledge, subject: Subject, kind: str, turn: Turn, said: str = "",
              item: Optional[Question] = None) -> Optional[str]:
    """At most one short line about what to do next; none where the answer already
    gives the wijkmanager's contact. A report goes where the item says, else where the
    topic says."""
    texts = kb.teksten.antwoord
    where = turn.wijk or turn.gebied
    if kb.say(texts.aanspreekpunt) in said:
        return None
    # A wijk named: its gebied's wijkmanager knows what the brochure does not say about it,
    # unless the answer about that wijk already points there.
    if where and kind != "melden" and (
            not getattr(subject, "plaatsen", None) or "wijkmanager" not in said):
        return kb.say(texts.wijk_volgende_stap, wijk=where, gebied=turn.gebied or where)
    if kind == "invloed" or isinstance(subject, Introduction):
        return kb.say(texts.invloed_volgende_stap)
    if kind == "melden":
        report_to = (item.melden_bij if item else None) or subject.melden.waar
        lines = [kb.contact_line(kb.contacts.for_report(report_to))]
        lines += [kb.contacts.doorverwijzingen[key].uitleg for key in subject.doorverwijzen]
        return "\n".join(lines)
    if kind == "signaal":
        return kb.say(texts.signaal_volgende_stap)
    return None


def buttons_for(kb: Knowledge, subject: Subject, kind: str) -> List[Dict[str, str]]:
    titles = kb.teksten.knoppen
    kinds = ["invloed"] if isinstance(subject, Introduction) else list(KIND_PAYLOADS)
    buttons = [{"title": getattr(titles, other), "payload": KIND_PAYLOADS[other]}
               for other in kinds if other != kind]
    if isinstance(subject, Topic):
        buttons.append({"title": titles.signaal, "payload": SIGNAL_PAYLOAD})
    return buttons


def compose(kb: Knowledge, ranker: Optional[QuestionRanker], turn: Turn
            ) -> Optional[Response]:
    """The answer to the turn's topic question, or None when no topic is known."""
    found = subject_of(kb, turn)
    if found is None:
        return None
    key, subject = found
    kind = turn.kind or "uitleg"
    lines: List[str] = []
    if kind == "melden" and getattr(subject, "gevaar_mogelijk", False):
        lines.append(kb.say(kb.teksten.antwoord.gevaar_eerst))

    # A follow-up about a place ("en bij ons in Carnisse?", "in welke wijken?") gets the
    # place answer; a question of its own that names a wijk gets its item, place after it.
    place = place_answer(kb, subject, turn)
    follow_up = turn.intent in FOLLOW_UP_INTENTS or asks_which_wijken(turn.text) or (
        kind == "uitleg" and asks_whether_there(turn.text)
        and len(turn.text.split()) <= PLACE_QUESTION_WORDS)
    # "wat doet die dan bij ons?" asks about the topic in that place: its item, place after.
    # A longer follow-up asks more than the place ("ik woon in Bloemhof. kunnen wij iets met
    # dat budget?"): its item first, the place after.
    answer = place if follow_up and not ASKS_ABOUT_THE_TOPIC.match(normalise(turn.text)) and (
        turn.intent not in FOLLOW_UP_INTENTS or asks_which_wijken(turn.text)
        or len(turn.text.split()) <= PLACE_FOLLOW_UP_WORDS) else None
    # "en wie beslist dat?" after a topic answer asks the topic's own who-decides fact.
    who_decides = turn.question == WHO_DECIDES or (
        turn.intent in FOLLOW_UP_INTENTS and kind == "uitleg" and asks_who_decides(turn.text))
    if answer is None and who_decides and isinstance(subject, Topic):
        answer = subject.question(WHO_DECIDES).antwoord if subject.question(WHO_DECIDES) \
            else subject.wie_beslist
    # An item asked in its own words ("kost dat wat?" after the cyber event, "wie is ons
    # aanspreekpunt over cameratoezicht?") is meant, whatever kind was read or kept; not
    # for a topic switch ("en over high impact crimes?"), which keeps the kind.
    own_words = None
    if answer is None and ranker and turn.question is None \
            and not TOPIC_SWITCH.match(normalise(turn.text)):
        closest, similarity = ranker.closest(key, turn.text)
        own_words = closest if similarity >= CLEAR_MATCH else None
    if answer is None and own_words is None and wants_the_wijkmanager(turn.text, kind):
        answer = kb.say(kb.teksten.antwoord.aanspreekpunt)
    item = own_words
    if answer is None and item is None and ranker and turn.question is None:
        item = ranker.best(key, turn.text, kind)
        if item is not None and turn.intent in FOLLOW_UP_INTENTS and item.vraagsoort.value != kind:
            item = None  # "en wat kan de wijkraad daarmee?" wants the kind, not a look-alike
    if answer is None:
        if item is not None:
            answer, kind = item.antwoord, item.vraagsoort.value
        else:
            answer = general_answer(subject, kind)
    lines.append(answer)
    if place and place != answer:
        lines.append(place)
    step = next_step(kb, subject, kind, turn, said="\n".join(lines), item=item)
    if step:
        lines.append(step)
    text = "\n".join(lines)
    if turn.english:
        text = english_note(kb, understood=True) + "\n" + text
    # What was answered, kept with the reply (not shown): the evaluation and a reviewer
    # reading a conversation see the subject and question item behind each answer.
    answered = {"onderwerp": key, "vraagsoort": kind, "vraag": item.id if item else None}
    return {"text": text, "buttons": buttons_for(kb, subject, kind), "beantwoord": answered}


# Words that are far more common in English than in Dutch chat messages.
ENGLISH_WORDS = frozenset("""
    the what who how where when why which can could should would does do did is are was
    my our your there this that with about report neighbourhood neighborhood council
    please help hello hi thanks thank you i we they it of for and to
""".split())
DUTCH_WORDS = frozenset("""
    de het een en wat wie hoe waar wanneer waarom welke kan kun mag moet is zijn
    mijn onze jullie er dit dat met over melden wijk wijkraad buurt graag hallo dank je
    ik wij ze van voor naar bij niet ook nog
""".split())


def is_english(text: str) -> bool:
    """True for a message written in English (two or more English words, more than Dutch)."""
    tokens = normalise(text).split()
    english = sum(token in ENGLISH_WORDS and token not in DUTCH_WORDS for token in tokens)
    dutch = sum(token in DUTCH_WORDS and token not in ENGLISH_WORDS for token in tokens)
    return english >= 2 and english > dutch


def english_note(kb: Knowledge, understood: bool) -> str:
    texts = kb.teksten.engels
    note = kb.say(texts.opmerking)
    return f"{note} {texts.antwoord_volgt}" if understood else note
