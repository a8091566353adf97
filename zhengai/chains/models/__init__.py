"""Models of the two chains: standards (标准链) and goals (目标链), with the annual task table."""

from .audit import ChainEvent
from .goals import Evidence, Goal, GoalPartner, KeyResult, TaskReport, TaskRow, TaskTable
from .standards import Standard, StandardNode, StandardVersion

__all__ = [
    "ChainEvent", "Evidence", "Goal", "GoalPartner", "KeyResult", "Standard", "StandardNode", "StandardVersion",
    "TaskReport", "TaskRow", "TaskTable",
]
