"""The one error type of intake: a message a quality-office clerk can act on, in Chinese."""


class IntakeError(ValueError):
    """Input the pipeline refuses (unknown table, unreadable file, missing columns …).

    ``str(error)`` is the message to show; nothing has been written when it is raised.
    """


class SourceFailed(Exception):
    """The rows' source broke off while the pipeline read it (a database pull whose connection
    failed halfway). The batch fails with ``str(error)`` as its message; nothing is written."""
