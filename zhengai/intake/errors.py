"""The one error type of intake: a message a quality-office clerk can act on, in Chinese."""


class IntakeError(ValueError):
    """Input the pipeline refuses (unknown table, unreadable file, missing columns …).

    ``str(error)`` is the message to show; nothing has been written when it is raised.
    """
