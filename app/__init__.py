"""ipdesk — 知识产权指标填报与核查 (IP indicator entry and verification)."""

__version__ = "0.1.0"
