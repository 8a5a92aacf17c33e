"""Guests' reviews of a completed stay, the owner's one reply, and staff moderation (see the README's
"Reviews" section)."""
