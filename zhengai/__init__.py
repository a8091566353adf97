"""ZhenGai (诊改): a vocational college's diagnosis-and-improvement platform."""
