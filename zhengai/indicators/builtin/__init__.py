"""The built-in indicators, one module per level; importing this package registers them all, in
library order: school, department, specialty, course, offering, teacher, student."""

from . import school, department, specialty, course, offering, teacher, student  # noqa: F401,I001
