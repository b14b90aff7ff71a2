"""The domain core: methodology, bundle, evaluation rules, statistics, reports.

Pure Python. Nothing here may import Django (ruff's banned-api rule enforces it), so the
rules can be read, run and tested without a web server or a database.
"""
