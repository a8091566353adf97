"""Pages of the chains app: standards (标准), goals (目标) and the annual task table (任务表)."""
