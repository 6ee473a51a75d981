"""The officer's dashboard: totals of a period, targets, charts and what is pending."""
