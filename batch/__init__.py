"""Many reports at once: the 政务公开办's desk.

One engine reads and checks report files in parallel (``batch.engine``) and both ``check`` over
many files and ``review`` of a folder run on it; ``batch.review`` pairs each unit's years and
summarises, ``batch.rollup`` reads and sums units' reports. Pure Python (no Qt): it sits above
``importers`` and ``exporters`` and below ``ui``.
"""
