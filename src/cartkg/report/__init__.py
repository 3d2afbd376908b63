"""``cartkg report``: the graph as a static site with charts, written from stored queries."""

from cartkg.report.site import ReportSummary, write_report

__all__ = ["ReportSummary", "write_report"]
