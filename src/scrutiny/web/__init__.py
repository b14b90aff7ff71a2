"""The web application: a thin Django shell around the domain core (scrutiny.core).

Each app keeps the same shape: models.py (tables), services.py (writes, each with its
audit row in the same transaction), selectors.py (reads, scoped by user), views.py
(thin: authorise, call one service or selector, render). House rules: docs/house-rules.md.
"""
