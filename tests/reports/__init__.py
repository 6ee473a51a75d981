"""Tests of the commune report: totals, dashboard, exports, privacy, plan."""
