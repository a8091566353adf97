import pytest


@pytest.fixture
def subjects(college):
    from zhengai.datacenter.models import Subject

    return {(s.level, s.key): s for s in Subject.objects.all()}
