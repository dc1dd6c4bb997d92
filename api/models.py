from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiKey


class IdempotentRequest(models.Model):
    """A POST sent with an `Idempotency-Key` header, and the answer it got: the same key
    from the same API key within 24 hours gets that answer again instead of running twice
    (with another body: 422). Rows older than that are deleted as new ones are written."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # SHA-256 of the method, the path and the body: the same key for another request
    # is a mistake of the caller's, not a retry.
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="api_idempotency_unique"),
        ]
        indexes = [models.Index(fields=["api_key", "created_at"], name="api_idempotency_age_idx")]

    def __str__(self):
        return self.key
