"""The built-in indicators, one module per level; importing this package registers them all, in
library order: school, department, specialty, course, offering, teacher, student; then the quality
culture indicators of the school and departments (``culture``)."""

from . import school, department, specialty, course, offering, teacher, student, culture  # noqa: F401,I001
