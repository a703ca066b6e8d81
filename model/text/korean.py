"""Korean particles after numbers and symbols, chosen by how they are read aloud.

A particle depends on whether the word before it ends in a consonant (받침): 30.8과 (팔), 5와 (오),
20으로 (이십), (0, 1)로 (일: a ㄹ ending takes 로). A lesson's text can only know the number once the
run is measured, so the page corrects the particle after every value it fills in:

>>> particle("30.8", "와"), particle("20", "로"), particle("(0, 1)", "으로"), particle("3.8", "와")
('과', '으로', '로', '과')
>>> particle("−19", "이어서"), particle("−1", "여서")
('여서', '이어서')

A power of ten is read with 승 (7.5×10¹²⁷: 칠 점 오 곱하기 십의 백이십칠 승), so a consonant follows it:

>>> particle("7.5×10¹²⁷", "로"), particle("10⁻²", "가")
('으로', '이')
>>> fix_particles("λmax는 30.8와 같고, lr은 20로 바뀝니다")
'λmax는 30.8과 같고, lr은 20으로 바뀝니다'
"""

from __future__ import annotations

import re

# Sino-Korean readings of the last digit: does it end in a consonant, and is that consonant ㄹ?
DIGIT = {"0": "ㅇ", "1": "ㄹ", "2": "", "3": "ㅁ", "4": "", "5": "", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ", "9": ""}
PLACE = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ", 8: "ㄱ", 12: ""}  # 십, 백, 천, 만, 억, 조 by trailing zeros
LETTER = {
    "L": "ㄹ",
    "M": "ㅁ",
    "N": "ㄴ",
    "R": "ㄹ",
}  # 엘, 엠, 엔, 알; the other Latin letters end in a vowel
SYMBOL = {"%": "", "λ": "", "μ": "", "σ": "", "γ": "", "η": "", "θ": "", "α": "", "β": "", "π": ""}
# particle pairs: (after a consonant, after a vowel); 으로/로 also takes 로 after ㄹ
PAIRS = [
    ("으로", "로"),
    ("이나", "나"),
    ("이라", "라"),
    ("이어서", "여서"),  # the copula's 'being ..., so': −1이어서, −19여서
    ("과", "와"),
    ("이", "가"),
    ("을", "를"),
    ("은", "는"),
]
FORMS = {form: pair for pair in PAIRS for form in pair}


SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
POWER = re.compile(r"10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+$")  # read ... 승
VALUE = re.compile(r"[-−+\d.,\s]+")  # a parenthesis holding only numbers is read as its numbers


def final_sound(word: str) -> str | None:
    """The final consonant of how `word` is read ('' for a vowel ending), None if it cannot tell.
    A word that ends in a parenthesis is read by what stands before it ("방향 (y)" as 방향), unless
    the parenthesis holds only numbers: a point ("(0, 1)") is read as its numbers."""
    word = word.rstrip("'\"’ ")
    if word.endswith(")") and "(" in word:
        before, inside = word[: word.rindex("(")], word[word.rindex("(") + 1 : -1]
        if not VALUE.fullmatch(inside):
            return final_sound(before) if before.strip() else None
    if POWER.search(word.rstrip(")]} ")):
        return "ㅇ"
    word = word.rstrip(")]} ").replace(",", "").translate(SUPERSCRIPTS)
    if not word:
        return None
    c = word[-1]
    if "가" <= c <= "힣":
        jong = (ord(c) - 0xAC00) % 28
        return "" if jong == 0 else "ㄹ" if jong == 8 else "ㅇ"  # any consonant but ㄹ behaves alike
    if c in DIGIT:
        digits = re.search(r"(\d+)(?:\.(\d+))?$", word)
        if digits and digits.group(2) is None:  # an integer: its trailing zeros name a place
            n = digits.group(1)
            zeros = len(n) - len(n.rstrip("0"))
            if zeros and n.strip("0"):
                return PLACE.get(zeros, PLACE[max(z for z in PLACE if z <= zeros)])
        return DIGIT[c]
    if c.upper() in LETTER:
        return LETTER[c.upper()]
    if c.isascii() and c.isalpha():
        return ""
    return SYMBOL.get(c)


def particle(word: str, given: str) -> str:
    """The form of particle `given` (either of its pair) that follows `word`."""
    pair = FORMS.get(given)
    sound = final_sound(word)
    if pair is None or sound is None:
        return given
    if pair[0] == "으로":
        return "로" if sound in ("", "ㄹ") else "으로"
    return pair[1] if sound == "" else pair[0]


_AFTER_VALUE = re.compile(
    r"([0-9%)λμσγηθαβπ])(" + "|".join(sorted(FORMS, key=len, reverse=True)) + r")(?=[\s.,:;!?)]|$)"
)


PARTICLE_AFTER = re.compile(
    r"^([`'\"*\]]*)(" + "|".join(sorted(FORMS, key=len, reverse=True)) + r")(?![가-힣])"
)  # a code span's, a quote's or bold's closing mark may stand between the value and its particle


def after_value(value: str, rest: str) -> str:
    """`rest`, the text that follows a filled-in value, with its particle (if it starts with one)
    in the form the value's reading takes: "{optimizer}가" becomes "경사 하강법이"."""
    m = PARTICLE_AFTER.match(rest)
    return m.group(1) + particle(value, m.group(2)) + rest[m.end() :] if m else rest


def format_ko(template: str, **values) -> str:
    """str.format for a Korean text, with each particle right after a {value} chosen by the value's
    reading (the catalog writes one form; the value decides which)."""
    import string

    out = []
    for literal, name, spec, _ in string.Formatter().parse(template):
        if out and out[-1][1] is not None:
            literal = after_value(out[-1][0], literal)
        out.append((literal, None))
        if name is not None:
            value = values[name]
            out.append((format(value, spec) if spec else str(value), name))
    return "".join(text for text, _ in out)


def fix_particles(text: str) -> str:
    """Every particle right after a number, a closing parenthesis or a symbol, in the form its
    reading takes."""

    def fix(m):
        start = m.start(1)
        word = text[max(0, start - 30) : start + 1]
        return m.group(1) + particle(word, m.group(2))

    return _AFTER_VALUE.sub(fix, text)


def wrong_particles(text: str) -> list[str]:
    """The places in a rendered text where a particle after a value does not follow its reading
    (what the page tests look for)."""
    return [m.group(0) for m in _AFTER_VALUE.finditer(text) if _real(text, m)]


def _real(text, m) -> bool:
    start = m.start(1)
    return particle(text[max(0, start - 30) : start + 1], m.group(2)) != m.group(2)
