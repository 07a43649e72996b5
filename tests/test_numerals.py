from hypothesis import given
from hypothesis import strategies as st

from quanze.numerals import to_chinese, to_int


@given(st.integers(min_value=1, max_value=9999))
def test_round_trip(n):
    assert to_int(to_chinese(n)) == n


def test_legal_forms():
    assert to_int("十二") == 12
    assert to_int("一百一十二") == 112
    assert to_int("一百零五") == 105
    assert to_int("一千二百五十九") == 1259
    assert to_int("１２３") == 123
    assert to_chinese(10) == "十" and to_chinese(110) == "一百一十"
