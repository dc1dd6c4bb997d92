"""A request limit per API key, counted in the database row of the key itself, so that
every web process on every machine counts against the same number (a per-process memory
would allow a multiple of the limit)."""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from accounts.models import ApiKey


class ApiKeyRateThrottle(BaseThrottle):
    """At most settings.API_RATE_LIMIT requests per key in a fixed window of
    settings.API_RATE_WINDOW seconds; beyond, 429 with Retry-After (the rest of the
    window). One UPDATE ... RETURNING per request: atomic, so parallel requests never
    both take the last slot. Session requests (staff reading in the browser) are not
    counted here."""

    def allow_request(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        now = timezone.now()
        window = timedelta(seconds=settings.API_RATE_WINDOW)
        table = ApiKey._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {table} SET
                      window_count = CASE WHEN window_start IS NULL OR window_start <= %s
                                          THEN 1 ELSE window_count + 1 END,
                      window_start = CASE WHEN window_start IS NULL OR window_start <= %s
                                          THEN %s ELSE window_start END,
                      last_used_at = %s
                    WHERE id = %s
                    RETURNING window_count, window_start""",  # noqa: S608
                [now - window, now - window, now, now, key.pk],
            )
            row = cursor.fetchone()
        if row is None:
            return True
        count, start = row
        if count <= settings.API_RATE_LIMIT:
            return True
        if isinstance(start, str):  # SQLite hands back text
            start = datetime.fromisoformat(start)
        if timezone.is_naive(start):
            start = start.replace(tzinfo=UTC)
        self._wait = max(1, math.ceil((start + window - now).total_seconds()))
        return False

    def wait(self):
        return getattr(self, "_wait", None)
