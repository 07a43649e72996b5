"""Quanze's HTTP service: SPARQL 1.1 Protocol (``/sparql``) and Graph Store Protocol (``/rdf-graphs``).

Build it with :func:`api.app.create_app`; run it with ``uvicorn --factory api.app:create_app``.
"""
