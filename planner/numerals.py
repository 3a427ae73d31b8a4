"""Amounts in Chinese capital numerals (大写数字), as certificates write totals in words so
they cannot be altered: 23.5 → 贰拾叁点伍."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
# Each group of four digits: ones, 万 (10⁴), 亿 (10⁸), 万亿 (10¹²).
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """A group of up to four digits (1–9999): 1005 → 壹仟零伍; zeros between digits read once."""
    words, zero = "", False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(words)
        else:
            if zero:
                words += DIGITS[0]
                zero = False
            words += DIGITS[digit] + SMALL_UNITS[position]
    return words


def capital_integer(n: int) -> str:
    """A whole number from 0 to 10¹⁶−1 in capital numerals: 10050 → 壹万零伍拾."""
    if n < 0 or n >= 10**16:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return DIGITS[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    words, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(words)
            continue
        # A zero is read where a group is missing or starts with a zero digit (壹万零伍拾).
        if words and (gap or group < 1000):
            words += DIGITS[0]
        words += _group(group) + GROUP_UNITS[index]
        gap = False
    return words


def capital_amount(value: Decimal | int | str) -> str:
    """A non-negative amount in capital numerals, its decimals read digit by digit after 点:
    23.5 → 贰拾叁点伍, 0.25 → 零点贰伍, 10 → 壹拾."""
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount: {value!r}")
    whole, _, fraction = f"{amount.normalize():f}".partition(".")
    words = capital_integer(int(whole))
    if fraction.strip("0"):
        words += "点" + "".join(DIGITS[int(d)] for d in fraction.rstrip("0"))
    return words


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours to two decimals, rounded as the figures on the pages are (half to even)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def hours_in_capitals(minutes: int) -> str:
    """Service hours in words for a certificate: 1410 minutes → 贰拾叁点伍小时."""
    return capital_amount(hours_of(minutes)) + "小时"
