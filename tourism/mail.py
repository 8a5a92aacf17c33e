"""The development e-mail backend (``make run``): each message printed as a person reads it.

Django's console backend prints the raw MIME message: subjects base64-encoded and bodies quoted-printable,
so Chinese is unreadable and a long link breaks across lines with ``=`` and cannot be copied. This one
prints the decoded headers and the plain-text body (the HTML alternative is left out: it says the same).
"""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message) -> None:
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            "",
            message.body,
        ]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
