"""Shareholders of the villages' tourism (村集体 and 入股农户) and the dividends declared to them.
See docs/shareholders.md."""
