"""How a build runs: ``local`` (processes on one machine) and ``dask`` (a cluster).

Both engines run the same stages (read, extract, link, aggregate, export) and
give the same graph for the same inputs; see :mod:`kg.engine.local` and
:mod:`kg.engine.dask`.
"""
