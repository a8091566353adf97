"""Signals of the data center.

``demo_seeded`` is sent by ``zhengai seed_demo`` after the demo college's data is loaded, with
``size``, ``seed``, ``demo_date`` and ``out`` (the command's output, or None: receivers say there what
they set up). Later stages hang their demo set-up on it from their
``AppConfig.ready`` (the chains app installs the default standards and goals; monitoring then
monitors the college's history). Receivers run in INSTALLED_APPS order, which is the data flow's
order, so each stage finds the one before it done.
"""

import django.dispatch

demo_seeded = django.dispatch.Signal()
