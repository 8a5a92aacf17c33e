import pytest
from django.core.exceptions import ValidationError

from bookings.contacts import clean_name, validate_contact


def test_name_spaces_are_tidied():
    assert clean_name("  王   小明 ") == "王 小明"


@pytest.mark.parametrize("name", ["", "   ", "王\x00明", "王\x07明"])
def test_empty_names_and_control_characters_are_refused_with_a_reason(name):
    with pytest.raises(ValidationError) as refused:
        clean_name(name)
    assert refused.value.code == "name"


def test_contact_is_returned_cleaned():
    assert validate_contact(name=" 李四 ", phone="138 0013 8000")[0] == "李四"
