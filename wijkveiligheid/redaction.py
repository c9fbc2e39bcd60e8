"""Replaces personal data in a resident's free-text description by placeholders.

`redact(text)` is applied before a description is stored. It replaces e-mail
addresses, Dutch phone numbers, IBANs, BSN-like numbers, addresses (postcode,
street + house number) and Dutch licence plates. Everything else is kept as it
was: years, times, dates, amounts, ages, counts, house numbers without a street
("flat 3"), streets without a number, URLs, and the service numbers 112, 14 010,
0800, 0900 and 088 (they belong to organisations, not to residents).

Personal names are out of scope: Dutch names are also ordinary words and parts
of street names ("Visser", "De Jong", "Zwart Janstraat"), so a name detector
would either miss most names or mangle ordinary text. A redacted description
may therefore still contain names.

Known misses (found by hand, kept honest here): streets without a usual ending
("Weena 12"), a house letter after a space ("Dorpsweg 143 b" keeps the "b"),
licence plates written with spaces ("12 ABC 3"), phone numbers with a digit
missing and spaces, and e-mail addresses spelled out in words. A street number
followed by an uncommon noun ("Coolsingel 20 politieagenten") is over-redacted.

`redact` never raises, is idempotent and takes linear time: every regex starts
at a look-behind or a boundary, and repeated parts are bounded, so no pattern
rescans a long run of characters.
"""
from __future__ import annotations

import re
from typing import Callable, Tuple

import phonenumbers
from phonenumbers import PhoneNumberType

EMAIL, PHONE, IBAN, BSN, ADDRESS, PLATE = (
    "[e-mailadres]", "[telefoonnummer]", "[iban]", "[bsn]", "[adres]", "[kenteken]")
PLACEHOLDERS = (EMAIL, PHONE, IBAN, BSN, ADDRESS, PLATE)

# Local part at most 64 characters and starting at a word character, so a long
# run without '@' is not rescanned from every position.
EMAIL_RE = re.compile(r"(?<![\w.%+])\w[\w.%+-]{0,63}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[A-Za-z]{2,}\b")

# URLs are kept as they are (links to rotterdam.nl, politie.nl, ...): their ids
# and query strings would otherwise look like BSNs, phone numbers or plates.
# E-mail addresses are replaced before this, so a mailto: link is still redacted.
URL_RE = re.compile(r"((?:https?://|www\.)[^\s<>\"']+)", re.IGNORECASE)

# Country code, check digits, a 4-character bank code, then digits in groups
# (NL, BE, DE, GB, ...). Only digits after the bank code, so a following word is
# not swallowed; the mod-97 check (in _iban) keeps random codes out.
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z0-9]{4}(?:\s?\d{2,4}){2,7}\b", re.IGNORECASE | re.ASCII)

# Where a phone number may be: a run of 9 to 17 digits with short separators that
# starts with + or a zero (every Dutch number written in full does). Only these
# runs go to phonenumbers, which is slow (~0.2 ms a call) on text full of numbers.
PHONE_RUN_RE = re.compile(r"(?:[+＋]\s?\d|(?<!\d)\(?[0٠۰０])(?:[\s().\-/‐–－]{0,3}\d){8,16}")

# phonenumbers reads a date and time "06-12-2024 22:30" as the mobile number
# 06-12202422; a match that contains a date is not a phone number.
DATE_RE = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{4}")

# The common written mobile number, replaced before phonenumbers (cheaper), and
# also where phonenumbers leaves it out: glued to a word ("06-12345678bel"),
# followed by other digits ("06 12345678 2024"), or mistyped with a digit too few
# or too many (a typo still identifies the resident).
MOBILE_RE = re.compile(r"(?<![\d+])(?:\+31|0031|0)[\s.-]?6[\s.-]?\d{7,9}(?!\d)")

# Nine digits standing alone, also as 123.456.789 or 123 456 789. The Dutch
# 11-check is deliberately NOT required: a resident who mistypes one digit of a
# BSN has still written down (most of) a BSN, and a lone 9-digit number in a
# safety report is more often personal than not. Amounts (€ 123.456.789) stay.
BSN_RE = re.compile(r"(?<![\w.,€-])(?<!€ )\d{3}([. ]?)\d{3}\1\d{3}(?![\w-]|[.,]\d)")

# A house number: 12, 12a, 45-B, 12-14, 12 A, 12bis, "nr. 12". Not part of a time,
# date or decimal (22:30, 12-03, 1.5), and not a count ("3 jongens", "2 keer").
_COUNT = (r"jaar|jaren|uur|keer|minuten|dagen|weken|maanden|euro|procent|personen|mensen|"
          r"jongens|meiden|meisjes|mannen|vrouwen|kinderen|jongeren|auto'?s|scooters|honden")
_HOUSE_NR = (rf"(?:(?:nr|no|nummer|huisnummer)\.?\s*)?\d{{1,4}}(?:-?[A-Za-z]{{1,3}}|-\d{{1,4}}|\s[A-Z])?"
             rf"(?![\w:]|[.,-]\d)(?!\s+(?:{_COUNT})\b)")

# Postcode 3071 AB / 3071AB / 3071ab with an optional house number ("3071 AB 12",
# "3071ab, nr 12"). Lower-case letters only when written against the digits, and
# not a unit (1500km), because "in 2024 is ..." must stay.
POSTCODE_RE = re.compile(
    rf"(?<![\w-])[1-9]\d{{3}}(?:\s?[A-Z]{{2}}|(?!km|cm|mm|kg|mg|ml|gb|mb|kb)[a-z]{{2}})(?!\w)"
    rf"(?:\s*,?\s*{_HOUSE_NR})?")

# A street is known by its suffix (Beijerlandselaan, Zwart Janstraat) or by a
# leading street word ("Laan op Zuid"), and is only personal with a house number
# after it. Up to two capitalised words before it belong to the name ("Burgemeester
# de Vlugtlaan"), unless they are ordinary sentence words ("Op Putselaan 12" keeps
# "Op"); not over "in de", "op de" or a lone "van" ("Bewoner van Putselaan 12",
# "Overlast in de Kruiskade 18" keep their first words). Lower-case streets
# ("putselaan 12") only with the unmistakable suffixes.
_SUFFIX = (r"straat|laan|weg|plein|kade|singel|gracht|dijk|dreef|hof|park|plantsoen|"
           r"steeg|pad|baan|boulevard|markt|wal|haven|vest")
_STOP = (r"Op|In|Bij|Aan|Naar|Via|Naast|Tegenover|Achter|Voor|Langs|Vanaf|Sinds|Tot|Hoek|Ik|"
         r"Wij|We|Hij|Zij|Ze|Mijn|Onze|Ons|De|Het|Een|Er|Daar|Hier|Dit|Dat|Deze|Die|En|Of|"
         r"Maar|Ook|Nu|Toen|Zie|Bel|Adres|Woonadres|Melding|Overlast|Bewoner|Bewoners|Buren|"
         r"Buurman|Buurvrouw")
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_PARTICLE = r"(?:van|de|der|den|het|op|aan|in|'s|'t|ter|ten|te)\s+"
_NAME_PARTICLE = r"(?:de|der|den|van der|van den|ter|ten|'s|'t)\s+"
STREET_RE = re.compile(
    rf"(?<![\w'’-])(?:(?!(?:{_STOP})\s){_CAP}\s+(?:{_NAME_PARTICLE})?){{0,2}}"
    rf"(?:[A-ZÀ-ÖØ-Þ'’][\w'’-]*?(?:{_SUFFIX})"
    rf"|[a-z][\w-]{{2,}}?(?:straat|laan|plein|kade|singel|gracht|dreef|steeg|dijk)"
    rf"|(?:Laan|Plein|Kade|Weg|Dijk|Singel|Park)\s+(?:{_PARTICLE})*{_CAP}(?:\s+{_CAP})?)"
    rf"\s+{_HOUSE_NR}")

# Dutch licence plates in all 14 sidecodes (L = letter, D = digit). With dashes in
# any case; without dashes only in capitals, where such a code is clearly a plate
# (postcodes like 3071AB are replaced before this). The look-ahead on the length
# skips most words before the 28 alternatives are tried.
_SIDECODES = ("LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL", "DD-LLL-D",
              "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D")
_SHAPE = {"L": "[A-Z]", "D": r"\d", "-": "-"}
_DASHED = "|".join("".join(_SHAPE[c] for c in code) for code in _SIDECODES)
_UNDASHED = "|".join("".join(_SHAPE[c] for c in code if c != "-") for code in _SIDECODES)
PLATE_RE = re.compile(rf"(?<![\w-])(?=[\w-]{{6,8}}(?![\w-]))(?:(?i:{_DASHED})|{_UNDASHED})(?![\w-])")

# Phone number types of a person or household. 14 010 and 088 numbers are UAN,
# 0800 toll free, 0900 premium rate: organisations, so not redacted. 112 is no
# valid subscriber number and never matches.
_PERSONAL_PHONE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE,
                   PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.VOIP,
                   PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.PAGER,
                   PhoneNumberType.VOICEMAIL}


def _iban(match: re.Match) -> str:
    """Mod-97 check: country and check digits to the end, letters to 10..35."""
    compact = re.sub(r"\s", "", match.group()).upper()
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return IBAN if int(digits) % 97 == 1 else match.group()


def _phone_run(match: re.Match) -> str:
    """Replaces the personal numbers that phonenumbers finds in one run of digits."""
    run = match.group()
    try:
        found = [m for m in phonenumbers.PhoneNumberMatcher(run, "NL", leniency=phonenumbers.Leniency.VALID)
                 if phonenumbers.number_type(m.number) in _PERSONAL_PHONE
                 and not DATE_RE.search(m.raw_string)]
    except Exception:  # never raise; MOBILE_RE has caught the common mobile numbers
        found = []
    for m in reversed(found):
        run = run[:m.start] + PHONE + run[m.end:]
    return run


_STEPS: Tuple[Callable[[str], str], ...] = (
    lambda t: IBAN_RE.sub(_iban, t),
    lambda t: MOBILE_RE.sub(PHONE, t),
    lambda t: PHONE_RUN_RE.sub(_phone_run, t),
    lambda t: BSN_RE.sub(BSN, t),
    lambda t: POSTCODE_RE.sub(ADDRESS, t),
    lambda t: STREET_RE.sub(ADDRESS, t),
    lambda t: PLATE_RE.sub(PLATE, t),
)


def _redact_once(text: str) -> str:
    parts = URL_RE.split(EMAIL_RE.sub(EMAIL, text))  # odd indexes are URLs, kept as they are
    for i in range(0, len(parts), 2):
        for step in _STEPS:
            parts[i] = step(parts[i])
    return "".join(parts)


def redact(text: str) -> str:
    """Returns `text` with personal data replaced by the placeholders in PLACEHOLDERS."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # A replacement can free the context of an earlier kind ("Putselaan 14.12-ABC-3":
    # the street is only seen once the plate is gone), so repeat until nothing
    # changes. This ends: every match has a digit or '@', no placeholder has one.
    previous = None
    while text != previous:
        previous, text = text, _redact_once(text)
    return text
