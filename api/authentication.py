"""Who calls the API: a key (`Authorization: Bearer rbk_…`), or staff in the backoffice's
browser session (read only, CSRF enforced: rest_framework's SessionAuthentication)."""

import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import ApiKey
from accounts.services import api_key_hash, api_key_parse


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`. A key that is unknown, revoked or expired is a 401
    with the reason; the request then acts as the key's own login (request.user), and
    request.auth is the key."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as: Authorization: Bearer <key>.")
            )
        try:
            text = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        parsed = api_key_parse(text)
        if parsed is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        prefix, secret = parsed
        key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.secret_hash, api_key_hash(secret)):
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."))
        if key.expires_at is not None and key.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        return key.user, key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
