"""Chinese numerals as legal texts write them (第一百二十三条, 第十款, （二十一）).

Legal numbering never goes past the thousands, so the grammar is the plain one:
digits 一…九 (and 〇/零 as a gap), units 十 百 千, with a leading 一 before 十 omitted
(十二 = 12, 一百一十二 = 112). Arabic digits are accepted wherever Chinese ones are.
"""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def to_int(text: str) -> int:
    """``'一百二十三'`` → 123, ``'123'`` → 123. Raises ValueError on anything else."""
    text = text.strip().translate(_FULLWIDTH)
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                raise ValueError(f"two digits in a row in {text!r}")
            digit = DIGITS[ch] if DIGITS[ch] != 0 else None
        elif ch in UNITS:
            unit = UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"units out of order in {text!r}")
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            raise ValueError(f"not a numeral: {text!r}")
    if digit is not None:
        total += digit
    return total


def to_chinese(n: int) -> str:
    """123 → ``'一百二十三'``; the inverse of :func:`to_int` for 1…9999."""
    if not 0 < n < 10_000:
        raise ValueError(f"out of range: {n}")
    names = "〇一二三四五六七八九"
    out: list[str] = []
    gap = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if gap and out:
                out.append("零")
            # 十二 not 一十二 at the head; 一百一十二 keeps it.
            if not (unit == 10 and d == 1 and not out):
                out.append(names[d])
            out.append(name)
            gap = False
        elif out:
            gap = True
    return "".join(out)


def article_label(number: int, insert: int | None = None) -> str:
    """第五十一条, or 第五十一条之一 for an inserted article."""
    return f"第{to_chinese(number)}条" + (f"之{to_chinese(insert)}" if insert else "")


def paragraph_label(number: int) -> str:
    """第二款."""
    return f"第{to_chinese(number)}款"


def point_label(number: int) -> str:
    """第三项."""
    return f"第{to_chinese(number)}项"
