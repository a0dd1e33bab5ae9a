import pytest

from fupin import ids, uscc


def with_check_digit(first17: str) -> str:
    return first17 + ids.id_check_digit(first17)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("11010519491231002X", None),
        ("11010519491231002x", None),
        ("110105491231002", None),  # 15-digit legacy number
        (with_check_digit("52012319800101001"), None),  # 修文县 code before it existed in stdnum
        (with_check_digit("52010219700101001"), None),
        ("110105194912310021", "check digit is wrong (expected X)"),
        ("11010519491331002X", "impossible birth date"),
        ("1101051949123100", "16 characters"),
        ("", "missing"),
    ],
)
def test_id_number_problem(value, problem):
    found = ids.id_number_problem(value)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_normalize_upgrades_legacy_and_upper_cases():
    assert ids.normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert ids.normalize_id_number("110105491231002") == "11010519491231002X"


def test_uscc_accepts_village_collectives_that_stdnum_rejects():
    body = "N2520123MA0000001"
    code = body + uscc.check_character(body)
    assert uscc.uscc_problem(code) is None
    assert uscc.uscc_problem("91110000600037341L") is None
    assert "check character" in uscc.uscc_problem("91110000600037341A")
