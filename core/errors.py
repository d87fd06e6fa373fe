"""The one expected-failure type: its message is plain Chinese, shown to the user as it is."""


class UserError(Exception):
    """A failure the user can understand and act on (bad file, locked database, disk full…).

    `message` is the complete Chinese sentence shown to the user; no traceback accompanies it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
