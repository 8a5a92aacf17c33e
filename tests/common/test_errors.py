from common.errors import DomainError


def test_a_domain_error_carries_its_bilingual_message_and_code():
    error = DomainError("房间已订满 Fully booked")
    assert error.message == str(error) == "房间已订满 Fully booked"
    assert error.code == "error"
