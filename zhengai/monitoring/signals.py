"""What monitoring tells whoever listens, without knowing who (the notifications app sits above it).

``run_committed`` is sent after a run's transaction commits (``run_window(..., notify=True)``) with
``run_id``: its ``WarningEvent`` rows are there to be read. Listeners must not fail the caller; the
events stay unprocessed for the scheduled job (``zhengai.notifications.send_digests``) either way."""

from django.dispatch import Signal

run_committed = Signal()  # kwargs: run_id
