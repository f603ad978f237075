"""Text as people see it: one spelling for what renders alike, before any comparison and in what is stored.

Thai keyboards, PDF copies and some input methods type the same visible text as different code
points: SARA AM (ำ) as NIKHAHIT + SARA AA (ํ + า), a tone mark before the vowel it sits on, a mark
typed twice over itself, two SARA E (เเ) for SARA AE (แ). Unicode's NFC composes none of these
(their marks have no canonical composition, and above-vowels share combining class 0 with the
tone marks), so "กําลังดําเนินการ" and "กำลังดำเนินการ" look identical and compare unequal.

:func:`canonical` gives every such spelling the one a Thai keyboard types (Thai Industrial Standard
order: consonant, vowel above or below, tone mark; SARA AM as one character), after NFC for every
other script. It changes nothing a person can see: it does not drop a repeated spacing vowel
(นานาาา), a mark standing alone, a space or the LAKKHANGYAO (ๅ, the Thai keyboard's "1" key), which
PyThaiNLP's ``normalize`` also rewrites (README, "Libraries and why"; tests/test_text.py checks
that both agree on every sequence below).

:data:`SUSPECT` finds, in RE2 syntax for Arrow's vectorised regexes too, the texts that may need it;
nearly every other text, Thai included, is already canonical and is returned as it is.
"""

from __future__ import annotations

import re
import unicodedata

NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
SARA_E, SARA_AE = "\u0e40", "\u0e41"
TONES = "\u0e48\u0e49\u0e4a\u0e4b"  # mai ek, mai tho, mai tri, mai chattawa
THANTHAKHAT = "\u0e4c"  # the silencing mark, written where a tone mark goes
ABOVE = "\u0e31\u0e34\u0e35\u0e36\u0e37"  # mai han-akat, sara i, ii, ue, uee
BELOW = "\u0e38\u0e39\u0e3a"  # sara u, uu, phinthu
MARKS = ABOVE + BELOW + "\u0e47" + TONES + THANTHAKHAT + NIKHAHIT + "\u0e4e"  # every Thai combining mark

# Each rewrites one way of typing what renders as the canonical spelling beside it.
_RULES = (
    (re.compile(f"([{MARKS}])\\1+"), r"\1"),  # ก่่ → ก่: a mark typed twice prints once, over itself
    (re.compile(f"([{TONES}{THANTHAKHAT}]+)([{ABOVE}{BELOW}]+)"), r"\2\1"),  # ก่ิ → กิ่: vowel, then tone
    (re.compile(f"{NIKHAHIT}([{TONES}]*){SARA_AA}"), f"\\1{SARA_AM}"),  # นํ้า, น้ํา → น้ำ
    (re.compile(SARA_E + SARA_E), SARA_AE),  # เเ → แ
)

# A text that may not be canonical: a NIKHAHIT, a doubled SARA E or mark, a tone before a vowel, or a
# combining diacritic of another script (NFC's business). No back-references: Arrow's RE2 runs it too.
SUSPECT = "|".join([
    NIKHAHIT, SARA_E + SARA_E, f"[{TONES}{THANTHAKHAT}][{ABOVE}{BELOW}]", *(m + m for m in MARKS),
    "[\u0300-\u036f]",
])
_SUSPECT = re.compile(SUSPECT)


def canonical(text: str) -> str:
    """``text`` spelled the one way of everything that renders like it (NFC, then the Thai rules above)."""
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not _SUSPECT.search(text):
        return text
    for _ in range(len(text)):  # until nothing changes: marks typed thrice in turn (่ั่ั่ั) take three passes
        before = text
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
        if text == before:
            break
    return text
