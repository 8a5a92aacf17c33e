"""The trip planner: a multi-day itinerary across the villages, with homestays for the nights.

Pure Python, no Django: ``solver`` (the entry point) with ``model``, ``exact`` and ``heuristic``, which
``make install`` compiles with mypyc (``native``: the same plans, faster). ``travel`` gives the minutes
and kilometres between points (geodesic estimate or OSRM). With Django: ``forms`` checks a request,
``selectors`` reads the catalogue, ``services.trip_plan`` builds the plan, ``nights`` finds the
homestays, ``ics`` exports it, ``views`` serve /plan/ (the API is ``tourism.api_planner``).
"""

from tourism.planner import native

native.load()
