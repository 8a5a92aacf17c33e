"""Notifications to people (guests, owners, staff): recorded, queued after commit, sent by a worker.

The app sits at the bottom of the layers beside ``villages``: it knows people and channels, not bookings.
What a notification says is written by the app it is about (``bookings.notices`` for bookings), which
registers a renderer for its events (``notifications.registry``); the worker renders each message from
fresh state when it sends it.
"""
