"""The base of every domain error: a refusal a person reads, bilingual (Chinese first, then English) and
without personal data, with a stable ``code`` that API clients and error handlers match on."""


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
