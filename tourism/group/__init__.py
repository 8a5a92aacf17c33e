"""The culture-tourism group's pages (文旅集团): revenue dashboard, dividend statements, revenue-share
rules. Group staff only; the figures come from ``bookings.revenue.selectors``."""
