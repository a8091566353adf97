"""The demo college's chains, set up when ``zhengai seed_demo`` sends ``demo_seeded``: the default
standard set, the school's development goals and annual tasks (the seed's task table imported like
a quality office's file), a few specialty, course, teacher and student goals. (Self-diagnosis
evidence, 自诊材料, is the cycles app's: ``zhengai.cycles.demo``.)"""

import logging

log = logging.getLogger(__name__)


def on_demo_seeded(sender=None, size=None, seed=None, demo_date=None, **kwargs):
    from .defaults import install_default_standards

    counts = install_default_standards()
    log.info("default standards: %s", counts)
    try:
        from .demo_goals import install_demo_goals
    except ImportError:
        install_demo_goals = None
    if install_demo_goals is not None:
        install_demo_goals(demo_date)
