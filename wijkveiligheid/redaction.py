"""Replaces personal data in a resident's free-text description by placeholders.

`redact(text)` is applied before a description is stored, and to every text the
conversation store writes (bot/tracker_store.py). It replaces e-mail addresses (also
spelled out: "jan at gmail punt com"), Dutch phone numbers in any grouping, IBANs,
BSN-like numbers (also 1234.56.789), addresses (postcode, also "3072 ap"; street +
house number, also "12a2" or "14:"), Dutch licence plates (also "12 ABC 3", and in
lower case after "kenteken"), names of private persons and dates of birth. Everything
else is kept as it was: years, times, other dates, amounts, ages, counts, house numbers
without a street ("flat 3"), streets without a number, URLs (except a mobile number in
them, "wa.me/316..."), public places and organisations ("De Kuip", "Erasmus MC"), and
the service numbers 112, 14 010, 0800, 0900 and 088.

Names are found only where the context says it is a person (after "buurman",
"mevrouw", "genaamd", "mijn naam is", as initials with a surname, as a common first
name with a surname, or as a signature after a greeting): Dutch names are also
ordinary words and parts of street names ("Visser", "Zwart Janstraat"). A name
without such a context ("Kees zegt dat ...") is kept. The library `deduce` was
measured against this (scripts/redaction_deduce.py, docs/security.md) and not taken.

Known misses (found by hand, kept honest here): a house letter after a space
("Dorpsweg 143 b" keeps the "b"), phone numbers with a digit missing and spaces,
streets without a usual ending other than the few listed in _PLAIN_STREETS. A street
number followed by an uncommon noun ("Coolsingel 20 politieagenten") is over-redacted.
Seen in the blind corpus v2 (docs/security.md, not tuned on): a lower-case name, a name
with a non-ASCII capital after "familie", the second part of "Youssef El Amrani", a
foreign IBAN with letters in the account part, and "Hillevliet 90" before a postcode.

`redact` never raises, is idempotent and takes linear time: every regex starts
at a look-behind or a boundary, and repeated parts are bounded, so no pattern
rescans a long run of characters.
"""
from __future__ import annotations

import re
from typing import Callable, Tuple

import phonenumbers
from phonenumbers import PhoneNumberType

EMAIL, PHONE, IBAN, BSN, ADDRESS, PLATE, NAME, BIRTH = (
    "[e-mailadres]", "[telefoonnummer]", "[iban]", "[bsn]", "[adres]", "[kenteken]",
    "[naam]", "[geboortedatum]")
PLACEHOLDERS = (EMAIL, PHONE, IBAN, BSN, ADDRESS, PLATE, NAME, BIRTH)

# Local part at most 64 characters and starting at a word character, so a long
# run without '@' is not rescanned from every position.
EMAIL_RE = re.compile(r"(?<![\w.%+])\w[\w.%+-]{0,63}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[A-Za-z]{2,}\b")

# An address spelled out so that no '@' is in it: "jan at gmail punt com", "anna[at]
# outlook[dot]com", "k.devries apenstaartje hotmail punt nl", "sem @ kpnmail . nl". The
# domain must end in a known top-level domain, so "de gemeente at your service" stays.
_AT = r"(?:\s*[(\[{]\s*(?:at|@|apenstaartje)\s*[)\]}]\s*|\s+(?:at|apenstaartje)\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{]\s*(?:dot|punt|\.)\s*[)\]}]\s*|\s+(?:dot|punt|\.)\s+|\.)"
_TLD = r"(?:nl|com|net|org|be|eu|de|info|nu|biz|me|io|co|uk|fr|tr|ma|sr)"
SPELLED_EMAIL_RE = re.compile(
    rf"(?<![\w.@-])[\w+-]{{1,40}}(?:{_DOT}[\w+-]{{1,40}}){{0,3}}{_AT}"
    rf"[\w-]{{2,40}}(?:{_DOT}[\w-]{{2,40}}){{0,2}}?{_DOT}{_TLD}\b", re.IGNORECASE)
# With a well-known mail provider the dot may be left out too ("jan at gmail com").
_PROVIDERS = r"gmail|hotmail|outlook|live|ziggo|kpnmail|kpnplanet|planet|xs4all|icloud|yahoo|home"
PROVIDER_EMAIL_RE = re.compile(
    rf"(?<![\w.@-])[\w+-]{{1,40}}(?:{_DOT}[\w+-]{{1,40}}){{0,3}}{_AT}(?:{_PROVIDERS})"
    rf"(?:{_DOT}|\s+){_TLD}\b", re.IGNORECASE)

# A date of birth: a date after "geboren (op)", "geb." or "geboortedatum". Other dates
# (when something happened) stay, and so does a year alone ("geboren in 1998").
_MONTHS = (r"jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?|"
           r"aug(?:ustus)?|sep(?:t|tember)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE = (rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}"
         rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}})")
BIRTH_AFTER_RE = re.compile(rf"\b({_DATE})(?!\d)([ \t]+geboren)\b", re.IGNORECASE)
BIRTH_RE = re.compile(
    rf"\b((?:geboren|geb\.|geboortedatum|geboorte\s?datum|geb\.?\s?datum)"
    rf"(?:[ \t]+(?!{_DATE})[\w']+){{0,4}}?[ \t]*:?[ \t]*)({_DATE})(?!\d)", re.IGNORECASE)

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
# Any grouping of the eight digits after the 6 ("06 123 456 78", "06-123 45 678",
# "+31 6 1234 5678", "(06) 12 345 678", "06/12345678").
MOBILE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+31\s?(?:\(0\)\s?)?|0031\s?)6|\(06\)|06)(?:[\s./-]{0,3}\d){7,9}(?!\d)")

# Nine digits standing alone, also as 123.456.789 or 123 456 789. The Dutch
# 11-check is deliberately NOT required: a resident who mistypes one digit of a
# BSN has still written down (most of) a BSN, and a lone 9-digit number in a
# safety report is more often personal than not. Amounts (€ 123.456.789) stay.
BSN_RE = re.compile(r"(?<![\w.,€-])(?<!€ )\d{3}([. ]?)\d{3}\1\d{3}(?![\w-]|[.,]\d)")
# Other groupings of nine digits (1234.56.789, 1234 56 789, 12.345.6789) are a BSN
# only with a same separator throughout; amounts and years with a space stay
# ("in 2024 12345 mensen" has two groups, not three).
# After the word BSN any grouping of nine digits is one ("BSN: 12.34.56.789").
BSN_NAMED_RE = re.compile(
    r"(?i:\b((?:bsn|burgerservicenummer|sofi-?nummer)(?:[ \t]*(?:nummer|nr\.?))?[ \t]*[:=]?[ \t]*))"
    r"(\d(?:[. -]?\d){8})(?![\w-]|[.,]\d)")
BSN_GROUPED_RE = re.compile(
    r"(?<![\w.,€-])(?<!€ )(?=(?:\d[. ]?){9}(?![\w-]|[.,]\d))"
    r"(?:\d{4}([. ])\d{2}\1\d{3}|\d{2}([. ])\d{3}\2\d{4}|\d{3}([. ])\d{2}\3\d{4}"
    r"|\d{4}([. ])\d{3}\4\d{2}|\d{2}([. ])\d{4}\5\d{3})(?![\w-]|[.,]\d)")

# A house number: 12, 12a, 45-B, 12-14, 12 A, 12bis, "nr. 12". Not part of a time,
# date or decimal (22:30, 12-03, 1.5), and not a count ("3 jongens", "2 keer").
_COUNT = (r"jaar|jaren|uur|keer|minuten|dagen|weken|maanden|euro|procent|personen|mensen|"
          r"jongens|meiden|meisjes|mannen|vrouwen|kinderen|jongeren|auto'?s|scooters|honden")
_HOUSE_NR = (rf"(?:(?:nr|no|nummer|huisnummer)\.?\s*)?\d{{1,4}}"
             rf"(?:-?[A-Za-z]\d{{1,2}}|-?[A-Za-z]{{1,3}}|-\d{{1,4}}|\s[A-Z])?"
             rf"(?:\s?:(?=\s|$))?(?![\w:]|[.,-]\d)(?!\s+(?:{_COUNT})\b)")

# Postcode 3071 AB / 3071AB / 3071ab with an optional house number ("3071 AB 12",
# "3071ab, nr 12"). Lower-case letters only when written against the digits, and
# not a unit (1500km), because "in 2024 is ..." must stay.
# Written with a space in lower case ("3072 ap") only when the two letters are no
# short Dutch word or unit ("in 2024 om", "2024 en"): postcodes never use SA, SD, SS.
_NOT_LETTERS = (r"km|cm|mm|kg|mg|ml|gb|mb|kb|om|en|in|op|te|de|is|er|ik|je|we|ze|al|nu|"
                r"na|of|zo|uw|ga|ja|af|an|eh|hm|ok|mn|zn|da|sa|sd|ss|tv|pc|uur|ct")
POSTCODE_RE = re.compile(
    rf"(?<![\w-])[1-9]\d{{3}}(?:\s?[A-Z]{{2}}|\s?(?!(?:{_NOT_LETTERS})\b)[a-z]{{2}})(?!\w)"
    rf"(?:\s*,?\s*{_HOUSE_NR})?")

# A street is known by its suffix (Beijerlandselaan, Zwart Janstraat) or by a
# leading street word ("Laan op Zuid"), and is only personal with a house number
# after it. Up to two capitalised words before it belong to the name ("Burgemeester
# de Vlugtlaan"), unless they are ordinary sentence words ("Op Putselaan 12" keeps
# "Op"); not over "in de", "op de" or a lone "van" ("Bewoner van Putselaan 12",
# "Overlast in de Kruiskade 18" keep their first words). Lower-case streets
# ("putselaan 12") only with the unmistakable suffixes.
_SUFFIX = (r"straat|laan|weg|plein|kade|singel|gracht|dijk|dreef|hof|park|plantsoen|"
           r"steeg|pad|baan|boulevard|markt|wal|haven|vest|straatje|laantje|erf|veld|werf|"
           r"schans|poort|oord|kant|zoom|hoeve|akker|wetering|weide|promenade|passage|"
           r"galerij|hove|gaarde|stede|zijde|rotte|sluis|brug|hoek|berg|tuin|tuinen|"
           r"burgwal|bocht|meent|kwartier|boezem|ring|dam|lei|kaai|rede")
# Rotterdam streets without a usual ending (with a house number only).
_PLAIN_STREETS = r"Weena|Blaak|Meent|Binnenrotte|Slinge|Boompjes|Vasteland|Schiekade|Goudsesingel"
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
    rf"|(?:Laan|Plein|Kade|Weg|Dijk|Singel|Park)\s+(?:{_PARTICLE})*{_CAP}(?:\s+{_CAP})?"
    rf"|(?:{_PLAIN_STREETS})"
    rf"|(?<=[\w'’] )(?:Vest|Kade|Laan|Plein|Singel|Weg|Dijk|Straat|Gracht|Haven|Markt|Hof|"
    rf"Wal|Boulevard|Dreef|Steeg|Baan))"
    rf"(?:\s+|,\s*(?=(?:nr|no|nummer|huisnummer)\b)){_HOUSE_NR}")

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
# Spaces instead of dashes ("12 ABC 3") in capitals anywhere; in any case and without
# separators only right after a word that says it is a plate ("kenteken ab 123 c").
_SPACED = "|".join("".join(_SHAPE[c] if c != "-" else " " for c in code) for code in _SIDECODES)
SPACED_PLATE_RE = re.compile(rf"(?<![\w-])(?:{_SPACED})(?![\w-])")
_ANY_SEP = "|".join("".join(_SHAPE[c] if c != "-" else "[ -]?" for c in code)
                    for code in _SIDECODES)
NAMED_PLATE_RE = re.compile(
    rf"(?i:\b((?:kenteken(?:plaat)?|nummerbord|nummerplaat|plaat)\s*(?:nummer\s*)?:?\s*))"
    rf"(?<![\w-])((?i:{_ANY_SEP}))(?![\w-])")

# Names of private persons. Dutch names are also ordinary words and parts of street
# and place names, so a name is only taken where the context says it is one: after a
# word for a person ("buurman", "mevrouw", "mijn zoon", "genaamd", "mijn naam is"), as
# initials with a surname ("J.M. Bakker"), as a known first name with a surname
# ("Peter Smit"), or as the signature after a greeting. A capitalised word that
# starts a sentence, a day, a month or a place word is never taken as a name.
_PERSON_WORDS = (
    r"(?:boven|onder|beneden|over|achter)?buurman|(?:boven|onder|beneden|over|achter)?buurvrouw|"
    r"buurjongen|buurmeisje|meneer|mevrouw|mevr\.|mw\.|dhr\.|de heer|juffrouw|"
    r"vriend|vriendin|collega|zoon|zoontje|dochter|dochtertje|broer|broertje|zus|zusje|"
    r"moeder|vader|oom|tante|neef|nicht|opa|oma|echtgenoot|echtgenote|partner|"
    r"huisbaas|verhuurder|huurder|jongen|meisje|jongeman|genaamd|heet|heten|ene|zekere|"
    r"man|ex|ex-man|ex-vrouw|ex-vriend|ex-vriendin|eigenaar|uitbater|huismeester|conciërge|"
    r"buren|leraar|lerares|docent|trainer|oppas|"
    r"mijn naam is|ik heet|ik ben|naam:|namens|contactpersoon|kind|kleinzoon|"
    r"kleindochter|schoonmoeder|schoonvader|stiefvader|stiefmoeder|vriendje|vriendinnetje")
_NAME_STOP = (
    r"De|Het|Een|Ik|Hij|Zij|Ze|Wij|We|Jij|Je|U|Die|Dat|Deze|Dit|Er|En|Maar|Of|Ook|Toen|Nu|"
    r"Daar|Hier|Want|Als|Dan|Wat|Wie|Waar|Hoe|Waarom|Sinds|Vanaf|Gisteren|Vandaag|Morgen|"
    r"Maandag|Dinsdag|Woensdag|Donderdag|Vrijdag|Zaterdag|Zondag|Januari|Februari|Maart|"
    r"April|Mei|Juni|Juli|Augustus|September|Oktober|November|December|Rotterdam|Politie|"
    r"Gemeente|Zuid|Noord|Oost|West|Centrum|Station|Metro|Tram|Bus|Bewoner|Bewoners|Buren|"
    r"Melding|Overlast|Groet|Groeten|Groetjes|Met|Bij|Op|In|Aan|Van|Voor|Na|Om|Te|Tot|"
    r"Niet|Geen|Wel|Al|Nog|Zo|Heel|Erg|Veel|Alle|Elke|Iedereen|Niemand|Mijn|Onze|Ons|Hun|"
    r"Zijn|Haar|Uw|Jullie|Hallo|Hoi|Beste|Geachte|Dank|Bedankt|Sorry|Ja|Nee|Oke|Ok|Team|"
    r"Tijdens|Vooral|Soms|Altijd|Vaak|Iedere|Vorige|Afgelopen|Laatst|Gisteravond|Vannacht|"
    r"Vanochtend|Vanavond|Vanmiddag|Hierdoor|Daarom|Daarna|Omdat|Terwijl|Zodra|Nadat|Eerst|"
    r"Verder|Bovendien|Helaas|Gelukkig|Graag|Familie|Fam|Marokkaans|Turks|Nederlands|"
    r"Surinaams|Antilliaans|Kaapverdiaans|Pools|Bulgaars|Roemeens|Duits|Engels|Moslim|"
    r"Christen|Joods|Hindoe|Rotterdammer|Rotterdamse|Nederlander|Marokkaan|Turk|Surinamer|"
    r"Antilliaan|Bewoonster|Ondernemer|Eigenaar|Moeder|Vader|Alleenstaand|Gepensioneerd")
_NAME_WORD = (rf"(?!(?:{_NAME_STOP})\b)[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+"
              rf"(?:-[A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿ'’]+)*")
_SURNAME_PARTICLE = r"(?:van der|van den|van de|van 't|in 't|van|de|der|den|ter|ten|te|'t|el|al|ben|bin|da|di|le|la)"
_SP = r"[ \t]"  # a name stays on one line
_INITIALS = rf"(?:[A-Z]\.{_SP}?){{1,4}}"
_FULL_NAME = (rf"(?:{_INITIALS}{_SP}*(?:{_SURNAME_PARTICLE}{_SP}+)?{_NAME_WORD}"
              rf"|{_NAME_WORD}(?:{_SP}+(?:{_SURNAME_PARTICLE}{_SP}+)?{_NAME_WORD}){{0,2}}"
              rf"|(?:Van|De|El|Al|Ter|Ten){_SP}+(?:{_SURNAME_PARTICLE}{_SP}+)?{_NAME_WORD})")
# After a title a surname may start with a lower-case particle ("mevrouw de Groot").
_TITLES = r"meneer|mevrouw|mevr\.|mw\.|dhr\.|de heer|familie|fam\."
TITLED_NAME_RE = re.compile(
    rf"(?i:\b(?:{_TITLES})){_SP}+({_SURNAME_PARTICLE}{_SP}+{_NAME_WORD}(?:-{_NAME_WORD})?)")
# A name never ends in a street or place word: "Jan Evertsenstraat", "Erasmus MC",
# "Willem de Kooning Academie" are not persons.
_PLACE_AFTER = (r"Academie|Ziekenhuis|School|College|Stadion|Museum|Park|Plein|Brug|Tunnel|"
                r"Centrum|Hal|Hallen|Huis|Theater|Kerk|Moskee|Lyceum|Gymnasium|Universiteit|"
                r"MC|Kliniek|Markt|Toren|Fonds|Stichting|Instituut|Bibliotheek|Zwembad|"
                r"Straat|Laan|Weg|Kade|Plaza|Prijs|Dag|Huis")
_NOT_A_PLACE = rf"(?![\w'’-])(?!\s+(?:{_PLACE_AFTER})\b)"
_PLACE_END = re.compile(r"[a-zà-ÿ]{2}(?:straat|laan|weg|plein|kade|singel|gracht|dijk|"
                        r"dreef|hof|park|plantsoen|steeg|pad|baan|boulevard|markt|haven)$")
PERSON_NAME_RE = re.compile(
    rf"(?i:\b(?:{_PERSON_WORDS}))(?:,?{_SP}+|{_SP}*:{_SP}*)(?!(?i:{_PERSON_WORDS})\b)"
    rf"({_FULL_NAME}){_NOT_A_PLACE}")
# "een jongen die Yassin heet"
CALLED_NAME_RE = re.compile(
    rf"(?i:\b(?:die|dat|wie)){_SP}+({_FULL_NAME}){_SP}+(?i:heet|heette|heten|genoemd wordt)\b")
INITIALS_NAME_RE = re.compile(
    rf"(?<![\w.])({_INITIALS}{_SP}*(?:{_SURNAME_PARTICLE}{_SP}+)?{_NAME_WORD}){_NOT_A_PLACE}")
GREETING_NAME_RE = re.compile(
    rf"(?i:\b(?:met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|mvg|groet(?:en|jes)?"
    rf"|gr\.?|dank je wel|alvast bedankt)),?{_SP}*\n?{_SP}*({_FULL_NAME}){_NOT_A_PLACE}"
    rf"{_SP}*[.!]?{_SP}*(?=\n|$)")
# Common first names in Rotterdam (Dutch, Moroccan, Turkish, Surinamese, Antillean,
# Polish, English); with a capitalised surname after them they are a person anywhere.
_FIRST_NAMES = (
    "Jan Piet Kees Klaas Henk Gerrit Willem Hans Peter Pieter Johan Jeroen Mark Martin "
    "Marco Erik Rob Robert Ronald Richard Dennis Sander Bas Tim Tom Thomas Daan Sem Luuk "
    "Lucas Bram Thijs Lars Ruben Jesse Stijn Niels Kevin Mike Patrick Paul Frank Frans "
    "Arjan Wouter Vincent Joost Bart Koen Maarten Michiel Rik Ricardo Remco Edwin Wim "
    "Cor Ad Ton Joop Harry Gert Arie Dirk Bert Kim Sanne Lisa Anna Emma Julia Sophie "
    "Eva Fleur Lotte Iris Anouk Femke Linda Sandra Monique Petra Ingrid Marieke Esther "
    "Ellen Karin Wilma Annie Mieke Ria Tineke Marja Els Sandra Nicole Patricia Chantal "
    "Melissa Samantha Jessica Kelly Priscilla Mohammed Mohamed Mohamed Mustafa Ahmed "
    "Ali Hassan Hussein Youssef Yusuf Omar Karim Khalid Said Rachid Nordin Bilal Hamza "
    "Ayoub Ilias Ismail Ibrahim Mehmet Murat Emre Kemal Hakan Burak Fatih Serkan Osman "
    "Fatima Khadija Aicha Aisha Samira Nadia Naima Malika Salma Yasmina Soumaya Hanan "
    "Zeynep Ayse Elif Fatma Emine Meryem Esra Merve Büşra Özlem Sevda Gül Deniz Orhan "
    "Ramon Romano Rudy Glenn Marvin Shanti Sharon Natasha Priya Ravi Rajesh Anil Sunita "
    "Tomasz Piotr Krzysztof Marek Pawel Agnieszka Katarzyna Magdalena Joanna Mo Ingrid "
    "Jacqueline Anja Marloes Manon Mirjam Yvonne Hanneke Nienke Jolanda Miranda Bianca")
# These also alone, anywhere ("Kevin staat er elke avond"): none is an ordinary word or a
# well-known place here. Left out: names that are also words or places (Mark, Frank,
# Roos, Emma, Anna, Ad, Harry, Bob, Said).
_LONE_FIRST_NAMES = set(_FIRST_NAMES.split()) - {
    "Mark", "Frank", "Frans", "Emma", "Anna", "Ad", "Harry", "Rob", "Robert", "Said", "Ton",
    "Cor", "Els", "Ria", "Gül", "Deniz", "Mo", "Kim", "Tim", "Tom", "Bas", "Jan", "Piet",
    "Dirk", "Willem", "Paul", "Thomas", "Lucas", "Julia", "Sophie", "Eva", "Iris", "Ali",
    "Omar", "Hans", "Peter", "Wim", "Bert", "Ramon", "Romano", "Glenn"}
LONE_FIRST_NAME_RE = re.compile(
    rf"(?<![\w'’-])({'|'.join(sorted(_LONE_FIRST_NAMES, key=len, reverse=True))})"
    rf"(?![\w'’-]){_NOT_A_PLACE}")
# The second of two names: "[naam] en Dylan".
AND_NAME_RE = re.compile(rf"\[naam\],?{_SP}+(?:en|of|&){_SP}+({_FULL_NAME}){_NOT_A_PLACE}")
FIRST_NAME_RE = re.compile(
    rf"(?<![\w'’-])((?:{'|'.join(sorted(set(_FIRST_NAMES.split()), key=len, reverse=True))})"
    rf"{_SP}+(?:{_SURNAME_PARTICLE}{_SP}+)?{_NAME_WORD}){_NOT_A_PLACE}")


def _is_place(name: str) -> bool:
    """A wijk, gebied or one of their aliases (wijken.yml): "Carnisse", "Feijenoord"."""
    try:
        from wijkveiligheid.wijken import load_locations, normalise

        places = load_locations()
        # also the first part of a compound: "Oude Westen-kant", "Hillesluis-bewoner"
        return any(places._lookup(normalise(part)) is not None
                   for part in {name, name.split("-")[0]} if part.strip())
    except Exception:  # never raise; without the list a name is just a name
        return False


def _name(match: re.Match) -> str:
    if _PLACE_END.search(match.group(1)) or _is_place(match.group(1)):
        return match.group()  # "Jan Evertsenstraat", "Carnisse": places, not persons
    start, end = match.span(1)
    whole = match.group()
    offset = match.start()
    return whole[:start - offset] + NAME + whole[end - offset:]


def _mobile(match: re.Match) -> str:
    return match.group() if DATE_RE.search(match.group()) else PHONE


def _birth(match: re.Match) -> str:
    return match.group(1) + BIRTH


def _birth_after(match: re.Match) -> str:
    return BIRTH + match.group(2)


def _named_bsn(match: re.Match) -> str:
    return match.group(1) + BSN


def _named_plate(match: re.Match) -> str:
    return match.group(1) + PLATE


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
    lambda t: BIRTH_RE.sub(_birth, t),
    lambda t: BIRTH_AFTER_RE.sub(_birth_after, t),
    lambda t: BSN_NAMED_RE.sub(_named_bsn, t),
    lambda t: IBAN_RE.sub(_iban, t),
    lambda t: MOBILE_RE.sub(_mobile, t),
    lambda t: PHONE_RUN_RE.sub(_phone_run, t),
    lambda t: BSN_RE.sub(BSN, t),
    lambda t: BSN_GROUPED_RE.sub(BSN, t),
    lambda t: NAMED_PLATE_RE.sub(_named_plate, t),
    lambda t: POSTCODE_RE.sub(ADDRESS, t),
    lambda t: STREET_RE.sub(ADDRESS, t),
    lambda t: PLATE_RE.sub(PLATE, t),
    lambda t: SPACED_PLATE_RE.sub(PLATE, t),
    lambda t: GREETING_NAME_RE.sub(_name, t),
    lambda t: PERSON_NAME_RE.sub(_name, t) if _MAY_NAME_PERSON.search(t) else t,
    lambda t: CALLED_NAME_RE.sub(_name, t),
    lambda t: TITLED_NAME_RE.sub(_name, t),
    lambda t: INITIALS_NAME_RE.sub(_name, t),
    lambda t: FIRST_NAME_RE.sub(_name, t),
    lambda t: LONE_FIRST_NAME_RE.sub(_name, t),
    lambda t: AND_NAME_RE.sub(_name, t),
)

# Inside a URL only a mobile number is personal ("https://wa.me/31612345678",
# "?tel=0612345678"); ids, postcodes and other numbers in links stay.
URL_MOBILE_RE = re.compile(r"(?<![\dA-Za-z])(?:\+?31|0031|0)6\d{8}(?!\d)")
# A query parameter that names what it holds: "?tel=0101234567", "&bsn=123456782".
URL_NAMED_RE = re.compile(
    r"(?i)([?&;](?:tel|telefoon|telefoonnummer|phone|mobiel|gsm|nummer)=)(\+?\d[\d-]{8,14})"
    r"|([?&;](?:bsn|burgerservicenummer)=)(\d{8,9})(?!\d)")


def _url_named(match: re.Match) -> str:
    return match.group(1) + PHONE if match.group(1) else match.group(3) + BSN


# Cheap tests that skip the costly patterns in the many texts that cannot match them.
_MAY_SPELL_EMAIL = re.compile(r"(?i)\bat\b|apenstaartje|@")
_MAY_NAME_PERSON = re.compile(rf"(?i)\b(?:{_PERSON_WORDS})")


def _redact_once(text: str) -> str:
    if _MAY_SPELL_EMAIL.search(text):
        text = PROVIDER_EMAIL_RE.sub(EMAIL, SPELLED_EMAIL_RE.sub(EMAIL, text))
    text = EMAIL_RE.sub(EMAIL, text)
    parts = URL_RE.split(text)  # odd indexes are URLs
    for i in range(len(parts)):
        if i % 2:
            parts[i] = URL_MOBILE_RE.sub(PHONE, URL_NAMED_RE.sub(_url_named, parts[i]))
            continue
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
