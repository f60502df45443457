"""Due-date warnings for agencies (cảnh báo hồ sơ sắp đến hạn, quá hạn).

Entry point: :func:`write_alerts`, used by `cchc alerts` and the `due_date_alerts` asset.
It reads the published ``analytics.duckdb`` read-only, never the working warehouse.
"""

from orchestration.alerts.data import DEFAULT_WARNING_DAYS, AlertSet, load_alerts
from orchestration.alerts.workbooks import AlertFiles, write_alerts

__all__ = ["DEFAULT_WARNING_DAYS", "AlertFiles", "AlertSet", "load_alerts", "write_alerts"]
