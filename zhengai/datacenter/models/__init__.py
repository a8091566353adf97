"""The data center (校本数据中心): one place for the master data and facts of every source system.

Master data (terms, departments, specialties, classes, staff, students, courses, offerings,
enrolments) and facts (attendance, grades, …) carry their lineage — the source system and the
import batch they came from — so an import can be shown, audited and undone. The subject registry
(质量主体) gives every level one table with a stable natural key, which keeps indicators,
measurements and warnings set-based.
"""

from .facts import (  # noqa: F401
    ActivityRecord,
    Admission,
    Assignment,
    Attendance,
    Award,
    ClassSession,
    Employment,
    EnrolmentPlan,
    EnterprisePractice,
    FitnessTest,
    Grade,
    LearningActivity,
    ResearchOutput,
    Submission,
    TeachingEvaluation,
    TrainingRecord,
)
from .lineage import ImportBatch, Lineage, SourceSystem  # noqa: F401
from .master import (  # noqa: F401
    AdminClass,
    Course,
    Department,
    Enrolment,
    Offering,
    Specialty,
    Staff,
    Student,
    Term,
)
from .subjects import SUBJECT_SCOPE, Subject  # noqa: F401
