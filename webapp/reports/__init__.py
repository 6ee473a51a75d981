"""The commune's report: live totals, targets against achievement, and the official report in DOCX, XLSX and CSV."""
