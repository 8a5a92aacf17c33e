"""Demo content of the platform, loaded by ``manage.py seed_demo``.

The six villages and their facts come from the source article (see the ``source`` note in
``villages.demo.data``); everything else (coordinates, homestays, prices, routes, opening hours) is invented
for the demo and marked ``is_demo``.
"""
