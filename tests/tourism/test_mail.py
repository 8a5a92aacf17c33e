"""`make run` prints e-mails as a person reads them: decoded, with links whole."""

import io

from django.core.mail import EmailMultiAlternatives

from tourism.mail import ReadableConsoleBackend

LINK = "http://127.0.0.1:8000/accounts/confirm-email/MQ:1tQk3v:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/"


def test_a_message_is_printed_decoded_with_its_link_whole():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "[离石乡村旅游] 预订已确认 Booking confirmed · ABCD2345",
        f"您的预订已确认。 Your booking is confirmed.\n查看预订 View your booking: {LINK}\n",
        "离石乡村旅游 <noreply@lishi-tourism.example>",
        ["guest@example.com"],
    )
    message.attach_alternative(f"<p><a href='{LINK}'>查看</a></p>", "text/html")

    ReadableConsoleBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert "Subject: [离石乡村旅游] 预订已确认 Booking confirmed · ABCD2345" in printed
    assert "您的预订已确认。" in printed
    assert f"查看预订 View your booking: {LINK}" in printed.splitlines()
    assert "=?utf-8?" not in printed and "=\n" not in printed
