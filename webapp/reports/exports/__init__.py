"""The official report and its files: the report as data, DOCX, XLSX, CSV and background export jobs."""
