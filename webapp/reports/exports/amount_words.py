"""Amounts in Vietnamese words, as the state's documents write them ("Bằng chữ: …").

Northern administrative usage: ``linh`` for a zero ten (``một trăm linh năm``), ``mười``/``mươi``,
``mốt`` (21), ``tư`` (24), ``lăm`` (15, 25); inner groups say their hundreds, even ``không trăm``;
groups of zeros are skipped; above a thousand billion the word ``tỷ`` repeats (``nghìn tỷ``).
"""
from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")
BILLION = 1_000_000_000


def _group(number: int, full: bool) -> list[str]:
    """Words of 0 < ``number`` < 1000; ``full`` when the hundreds must be said (an inner group)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens > 1 else "một")
    elif units == 4:
        words.append("tư" if tens > 1 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(number: int, leading: bool) -> list[str]:
    """Words of 0 < ``number`` < 10⁹; ``leading`` when nothing is said before it."""
    groups = [number // 1_000_000, number // 1000 % 1000, number % 1000]
    words: list[str] = []
    for index, value in enumerate(groups):
        if not value:
            continue
        words += _group(value, full=bool(words) or not leading)
        scale = SCALES[2 - index]
        if scale:
            words.append(scale)
    return words


def number_words(number: int) -> str:
    """``21005000`` → ``hai mươi mốt triệu không trăm linh năm nghìn`` (0 → ``không``)."""
    number = int(number)
    if number < 0:
        return "âm " + number_words(-number)
    if number == 0:
        return DIGITS[0]
    return " ".join(_words(number, leading=True))


def _words(number: int, leading: bool) -> list[str]:
    """Words of a positive number, billions first."""
    if number < BILLION:
        return _below_billion(number, leading)
    high, low = divmod(number, BILLION)
    words = _words(high, leading) + ["tỷ"]
    if low:
        words += _below_billion(low, leading=False)
    return words


def amount_words(amount_vnd: int) -> str:
    """``1250000`` → ``Một triệu hai trăm năm mươi nghìn đồng`` (capitalised, with ``đồng``)."""
    text = number_words(amount_vnd) + " đồng"
    return text[:1].upper() + text[1:]
