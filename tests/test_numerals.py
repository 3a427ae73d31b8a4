"""Amounts in Chinese capital numerals, as a certificate writes its total in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.numerals import capital_amount, capital_integer, hours_in_capitals


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "零"),
        (7, "柒"),
        (10, "壹拾"),
        (15, "壹拾伍"),
        (23, "贰拾叁"),
        (100, "壹佰"),
        (105, "壹佰零伍"),
        (110, "壹佰壹拾"),
        (1001, "壹仟零壹"),
        (1010, "壹仟零壹拾"),
        (10000, "壹万"),
        (10050, "壹万零伍拾"),
        (11000, "壹万壹仟"),
        (100001, "壹拾万零壹"),
        (1200345, "壹佰贰拾万零叁佰肆拾伍"),
        (100000000, "壹亿"),
        (100000001, "壹亿零壹"),
        (120003000, "壹亿贰仟万叁仟"),
    ],
)
def test_whole_numbers_read_as_written_on_a_cheque(number, words):
    assert capital_integer(number) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("23.5", "贰拾叁点伍"),
        ("23.50", "贰拾叁点伍"),
        ("0.25", "零点贰伍"),
        ("2.05", "贰点零伍"),
        ("120", "壹佰贰拾"),
        ("1000.75", "壹仟点柒伍"),
    ],
)
def test_decimals_are_read_digit_by_digit_after_dian(amount, words):
    assert capital_amount(Decimal(amount)) == words


def test_a_certificate_total_is_in_hours_with_its_unit():
    assert hours_in_capitals(1410) == "贰拾叁点伍小时"
    assert hours_in_capitals(135) == "贰点贰伍小时"
    assert hours_in_capitals(20) == "零点叁叁小时"  # as the figures show it: 0.33
    assert hours_in_capitals(0) == "零小时"


@pytest.mark.parametrize("bad", [-1, "NaN", "-0.5"])
def test_negative_or_not_a_number_is_refused(bad):
    with pytest.raises(ValueError):
        capital_amount(bad)


_BACK = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}


def _read_back(words: str) -> int:
    """Parse capital numerals back (the test's own reader: units multiply, zeros are silent)."""
    total, section, digit = 0, 0, 0
    units = {"拾": 10, "佰": 100, "仟": 1000}
    i = 0
    while i < len(words):
        c = words[i]
        if c in _BACK:
            digit = _BACK[c]
        elif c in units:
            section += digit * units[c]
            digit = 0
        elif c == "万" and words[i : i + 2] != "万亿":
            total += (section + digit) * 10**4
            section = digit = 0
        elif c == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
        i += 1
    return total + section + digit


@given(st.integers(min_value=0, max_value=10**8 - 1))
def test_every_number_below_a_hundred_million_reads_back_to_itself(n):
    words = capital_integer(n)
    assert _read_back(words) == n
    assert "零零" not in words and not (n and words.endswith("零"))
