"""Recognises the wijk (neighbourhood) in a resident's answer to "In welke wijk is het?".

The gebieden and wijken come from `wijken.yml` next to this file (staff-editable).
`match_location(text)` returns a `Location(wijk, gebied)` or None:

1. The text is normalised: lower case, accents and apostrophes removed, "y" read as
   "ij", hyphens and other punctuation made spaces, HTML tags dropped, and filler
   words ("ik woon in", "de", "het", "wijk", "rotterdam" ...) left out.
2. Exact match of the whole text, then of any run of words in it, against the names
   and aliases (also written without spaces, e.g. "oudmathenesse"). A longer run
   beats a run inside it ("Hoogvliet Noord" is the wijk, not gebied Noord); of runs
   that do not overlap, a wijk beats a gebied ("Spangen, Delfshaven" is Spangen),
   then the first one wins.
3. Fuzzy match (rapidfuzz `fuzz.ratio`, at least `SCORE_CUTOFF`) of the whole text
   and its runs of words, for short answers only. It also refines an exact gebied
   match into a wijk when the typo is in the rest ("hoogvliet nord").

A gebied given alone returns `Location(wijk=None, gebied=...)`, e.g. "Charlois" or
"Hillegersberg" (which spans two wijken). If the gebied has a wijk of the same name
(Delfshaven, Feijenoord, Overschie, Pernis, Rozenburg, Hoek van Holland) that wijk is
preferred: "Feijenoord" -> `Location("Feijenoord", "Feijenoord")`.

The YAML is read once and cached; an edited file (new modification time) is read
again on the next call. `match_location` never raises: a broken file is logged and
gives None. `load_locations`, `all_gebieden` and `all_wijken` do raise
`WijkenConfigError` for a broken file, so the tests catch it.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import yaml
from rapidfuzz import fuzz, process

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent / "kennis" / "wijken.yml"

# Tuned on typos such as "Carnise" (93), "oud mathenese" (96) and "hilesluis" (95);
# "Barendrecht" vs "Pendrecht" scores 80 and "Schiedam" vs "Schiemond" 71.
SCORE_CUTOFF = 85.0
MIN_FUZZY_CHARS = 4       # shorter words are too easily "close" to something
MAX_FUZZY_TOKENS = 8      # fuzzy matching only for short answers
MAX_FUZZY_CHARS = 80
MAX_INPUT_CHARS = 1000    # longer input is cut off before it is looked at
MIN_NAME_CHARS = 4        # shorter names/aliases turn up by chance in random text

FILLER_WORDS = frozenset("""
    ik wij we je u jij hij zij ze mijn onze ons
    woon woont wonen zit zitten zat was is ben zijn
    in bij de het een op te aan naar rond om
    wijk buurt gebied deelgemeente stadsdeel gemeente
    rotterdam rdam hier daar ergens dat die dit deze
    eh uh ehm euh uhm hm hmm nou ja oke ok okay
    """.split())

_APOSTROPHES = "'\u2019\u2018`\u00b4\u02bc"
_TAG = re.compile(r"<[^<>]{0,200}>")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

_WIJK = "wijk"
_GEBIED = "gebied"


class WijkenConfigError(ValueError):
    """wijken.yml is missing or not in the expected format."""


@dataclass(frozen=True)
class Location:
    """A place in Rotterdam: the wijk (None if only the gebied is known) and its gebied."""

    wijk: Optional[str]
    gebied: str


@dataclass(frozen=True)
class _Entry:
    location: Location
    kind: str  # _WIJK: a wijk's own name or alias; _GEBIED: a gebied's name or alias


@dataclass(frozen=True)
class Locations:
    """The contents of wijken.yml, with a lookup index. Build with `load_locations`."""

    gebieden: Mapping[str, Tuple[str, ...]]  # gebied -> its wijken, in file order
    index: Mapping[str, _Entry]              # normalised name or alias -> entry
    compact: Mapping[str, str]               # key without spaces -> key
    choices: Tuple[str, ...]                 # keys, for fuzzy matching
    max_words: int                           # longest key, in words

    def match(self, text: str) -> Optional[Location]:
        if not isinstance(text, str):
            return None
        query = normalise(text[:MAX_INPUT_CHARS])
        if not query:
            return None
        whole = self._lookup(query)
        if whole is not None:
            return whole.location
        tokens = query.split()
        exact = self._exact_span(tokens)
        if exact is not None and exact[2].kind == _WIJK:
            return exact[2].location
        fuzzy = self._fuzzy_spans(query, tokens)
        if exact is not None:
            start, end, entry = exact
            # A gebied was named; a typo in the rest may still name one of its wijken.
            finer = [f for f in fuzzy if f[3].kind == _WIJK and f[1] <= start
                     and end <= f[2] and (f[2] - f[1]) > (end - start)]
            if finer:
                return max(finer, key=lambda f: f[0])[3].location
            return entry.location
        if fuzzy:
            best = max(fuzzy, key=lambda f: (f[0], f[3].kind == _WIJK, f[2] - f[1], -f[1]))
            return best[3].location
        return None

    def _lookup(self, key: str) -> Optional[_Entry]:
        entry = self.index.get(key)
        if entry is None:
            full = self.compact.get(key.replace(" ", ""))
            if full is not None:
                entry = self.index[full]
        return entry

    def _exact_span(self, tokens: List[str]) -> Optional[Tuple[int, int, _Entry]]:
        spans = []
        for size in range(min(self.max_words, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                entry = self._lookup(" ".join(tokens[start:start + size]))
                if entry is not None:
                    spans.append((start, start + size, entry))
        # Drop a match that lies inside a longer match ("noord" in "hoogvliet noord").
        maximal = [s for s in spans if not any(
            o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)]
        if not maximal:
            return None
        return min(maximal, key=lambda s: (s[2].kind != _WIJK, s[0]))

    def _fuzzy_spans(self, query: str, tokens: List[str]) -> List[Tuple[float, int, int, _Entry]]:
        if len(tokens) > MAX_FUZZY_TOKENS or len(query) > MAX_FUZZY_CHARS:
            return []
        candidates = {(0, len(tokens)): query}
        for size in range(1, min(self.max_words + 1, len(tokens)) + 1):
            for start in range(len(tokens) - size + 1):
                candidates[(start, start + size)] = " ".join(tokens[start:start + size])
        found = []
        for (start, end), candidate in candidates.items():
            if len(candidate) < MIN_FUZZY_CHARS:
                continue
            hit = process.extractOne(candidate, self.choices, scorer=fuzz.ratio,
                                     processor=None, score_cutoff=SCORE_CUTOFF)
            if hit is not None:
                found.append((hit[1], start, end, self.index[hit[0]]))
        return found


def normalise(text: str) -> str:
    """Lower case, no accents/apostrophes/punctuation, "y" as "ij", no filler words."""
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFKD", text)  # also splits the "ĳ" ligature
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    text = text.replace("y", "ij")
    return " ".join(t for t in _NON_ALNUM.sub(" ", text).split() if t not in FILLER_WORDS)


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key used twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise WijkenConfigError(
                    f"'{key}' staat twee keer in hetzelfde blok (regel {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _names(value: Any, where: str) -> List[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WijkenConfigError(f"{where}: verwacht een lijst met namen, zoals [naam, andere naam]")
    return [v.strip() for v in value]


def _build(raw: Any, source: str) -> Locations:
    if not isinstance(raw, dict) or not isinstance(raw.get("gebieden"), dict) or set(raw) != {"gebieden"}:
        raise WijkenConfigError(f"{source}: verwacht één blok 'gebieden:'")
    gebieden: Dict[str, Tuple[str, ...]] = {}
    index: Dict[str, _Entry] = {}
    origin: Dict[str, str] = {}
    gebied_of_wijk: Dict[str, str] = {}

    def add(name: str, entry: _Entry, where: str) -> None:
        key = normalise(name)
        if len(key.replace(" ", "")) < MIN_NAME_CHARS:
            raise WijkenConfigError(
                f"{where}: '{name}' is (zonder vulwoorden) te kort; minstens {MIN_NAME_CHARS} letters")
        old = index.get(key)
        if old is not None and old.location != entry.location:
            raise WijkenConfigError(f"{where}: '{name}' wijst ook naar {origin[key]}")
        if old is None or entry.kind == _GEBIED:  # same place: a gebied name ranks as gebied
            index[key] = entry
            origin[key] = where

    for gebied, body in raw["gebieden"].items():
        if not isinstance(gebied, str) or not gebied.strip():
            raise WijkenConfigError(f"{source}: naam van een gebied ontbreekt of is geen tekst: {gebied!r}")
        gebied = gebied.strip()
        if not isinstance(body, dict) or not isinstance(body.get("wijken"), dict) or not body["wijken"]:
            raise WijkenConfigError(f"gebied {gebied}: verwacht 'wijken:' met minstens één wijk")
        unknown = set(body) - {"wijken", "aliassen"}
        if unknown:
            raise WijkenConfigError(f"gebied {gebied}: onbekende sleutel(s) {sorted(unknown)}")
        wijken = []
        for wijk, aliases in body["wijken"].items():
            if not isinstance(wijk, str) or not wijk.strip():
                raise WijkenConfigError(f"gebied {gebied}: naam van een wijk ontbreekt of is geen tekst: {wijk!r}")
            wijk = wijk.strip()
            if wijk in gebied_of_wijk:
                raise WijkenConfigError(f"wijk {wijk} staat bij {gebied_of_wijk[wijk]} en bij {gebied}")
            gebied_of_wijk[wijk] = gebied
            wijken.append(wijk)
            entry = _Entry(Location(wijk, gebied), _WIJK)
            for name in [wijk] + _names(aliases, f"wijk {wijk}"):
                add(name, entry, f"wijk {wijk} ({gebied})")
        gebieden[gebied] = tuple(wijken)
        same_named = next((w for w in wijken if normalise(w) == normalise(gebied)), None)
        entry = _Entry(Location(same_named, gebied), _GEBIED)
        for name in [gebied] + _names(body.get("aliassen"), f"gebied {gebied}, aliassen"):
            add(name, entry, f"gebied {gebied}")

    compact: Dict[str, str] = {}
    clashes = set()
    for key in index:
        short = key.replace(" ", "")
        if short in compact and index[compact[short]].location != index[key].location:
            clashes.add(short)
        compact.setdefault(short, key)
    for short in clashes:  # ambiguous without spaces: only the spaced forms match
        del compact[short]
    return Locations(
        gebieden=MappingProxyType(gebieden),
        index=MappingProxyType(index),
        compact=MappingProxyType(compact),
        choices=tuple(index),
        max_words=max(len(key.split()) for key in index),
    )


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> Locations:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=_UniqueKeyLoader)
    except WijkenConfigError as error:
        raise WijkenConfigError(f"{path}: {error}") from None
    except (yaml.YAMLError, TypeError) as error:
        raise WijkenConfigError(f"{path}: geen geldige YAML: {error}") from None
    return _build(raw, path)


def load_locations(path: Union[str, Path] = DEFAULT_PATH) -> Locations:
    """Reads wijken.yml (cached; read again when the file has changed).

    Raises WijkenConfigError if the file is missing or malformed.
    """
    resolved = Path(path).resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError as error:
        raise WijkenConfigError(f"{resolved}: kan het bestand niet lezen: {error}") from None
    return _load(str(resolved), mtime)


def match_location(text: str, locations: Optional[Locations] = None) -> Optional[Location]:
    """The wijk/gebied named in `text`, or None. Never raises."""
    try:
        return (locations or load_locations()).match(text)
    except Exception:  # a chatbot answer must never crash the action
        logger.exception("Wijk herkennen mislukt")
        return None


def all_gebieden(path: Union[str, Path] = DEFAULT_PATH) -> List[str]:
    """The gebieden, in file order."""
    return list(load_locations(path).gebieden)


def all_wijken(gebied: Optional[str] = None, path: Union[str, Path] = DEFAULT_PATH) -> List[str]:
    """The wijken (of one gebied, if given; [] for an unknown gebied), in file order."""
    gebieden = load_locations(path).gebieden
    if gebied is not None:
        return list(gebieden.get(gebied, ()))
    return [wijk for wijken in gebieden.values() for wijk in wijken]


# Names that are also everyday words ("op de hoek", "in het centrum van de aandacht",
# "dat is cool"): in a free message they count only right after a place word or when
# written with a capital, and never as part of a longer everyday phrase.
EVERYDAY_NAMES = frozenset({"hoek", "centrum", "noord", "cool", "kaap", "esch", "alexander",
                            "entrepot", "molenlaan"})
PLACE_WORDS = frozenset({"in", "wijk", "wijkraad", "gebied", "uit", "buurt", "wijken"})
_WORD = re.compile(r"[\w'\u2019-]+")


def find_location(text: str, locations: Optional[Locations] = None) -> Optional[Location]:
    """The wijk or gebied named anywhere in a chat message ("en bij ons in Feijenoord?",
    "wijkraad charlois hier"), or None. Like `match_location`, but an everyday word that is
    also a name only counts as a place in a place context: after a place word, or written
    with a capital that is not just the start of a sentence. Never raises."""
    if not isinstance(text, str):
        return None
    text = text[:MAX_INPUT_CHARS]
    found = list(_WORD.finditer(text))
    words = [match.group() for match in found]
    kept = []
    for position, match in enumerate(found):
        word, lower = match.group(), match.group().lower()
        before = [w.lower() for w in words[max(position - 2, 0):position]]
        if before and before[-1] in ("de", "het"):
            before = before[:-1]  # "in het centrum"
        previous = before[-1] if before else ""
        following = " ".join(w.lower() for w in words[position + 1:position + 3])
        sentence_start = text[:match.start()].rstrip()[-1:] in ("", ".", "?", "!")
        capital = word[0].isupper() and not sentence_start
        if lower in EVERYDAY_NAMES and not (
                previous in PLACE_WORDS or capital or following == "van holland"):
            continue
        kept.append(word)
    return match_location(" ".join(kept), locations) if kept else None
