"""`Idempotency-Key` on POST: a retry of a request that went through gets the same
answer, whether or not the caller saw the first one."""

import hashlib
import json
import re
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import ApiKey

from .models import IdempotentRequest
from .problems import UnprocessableInput

KEPT_FOR = timedelta(hours=24)
_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def idempotent(view_func):
    """Wrap an API view's post(): with an Idempotency-Key header from an API key, a repeat
    within 24 hours is answered from the stored answer (header Idempotent-Replayed: true);
    the same key with another request is refused (422). Only successful answers are kept:
    a refused request may be corrected and sent again with the same key."""

    @wraps(view_func)
    def wrapped(self, request, *args, **kwargs):
        header = request.headers.get("Idempotency-Key")
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        if header is None or api_key is None:
            return view_func(self, request, *args, **kwargs)
        if not _KEY.match(header):
            raise ValidationError(
                {"Idempotency-Key": [_("Use 1 to 200 visible ASCII characters.")]}
            )
        digest = hashlib.sha256(
            json.dumps(
                [request.method, request.path, request.data], sort_keys=True, default=str
            ).encode()
        ).hexdigest()
        since = timezone.now() - KEPT_FOR
        earlier = IdempotentRequest.objects.filter(
            api_key=api_key, key=header, created_at__gte=since
        ).first()
        if earlier is not None:
            if earlier.request_hash != digest:
                raise UnprocessableInput(
                    {
                        "Idempotency-Key": [
                            _("This Idempotency-Key was used for a different request.")
                        ]
                    }
                )
            return Response(
                earlier.response,
                status=earlier.status_code,
                headers={"Idempotent-Replayed": "true"},
            )
        response = view_func(self, request, *args, **kwargs)
        if 200 <= response.status_code < 300:
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.filter(api_key=api_key, created_at__lt=since).delete()
                    IdempotentRequest.objects.create(
                        api_key=api_key,
                        key=header,
                        request_hash=digest,
                        status_code=response.status_code,
                        response=json.loads(json.dumps(response.data, default=str)),
                    )
            except IntegrityError:
                pass  # a parallel twin stored its answer first; the upsert made them equal
        return response

    return wrapped
