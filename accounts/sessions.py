"""The session store (settings.SESSION_ENGINE): Django's database sessions in
accounts.Session, whose `user` column lets one SQL statement per request read the session,
its user and the configuration version (core.config) together.

The user row read here is only a candidate: accounts.middleware applies exactly Django's
checks (backend, active, session hash) before `request.user` is that user."""

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import Subquery
from django.utils import timezone

from core.compiled import CompiledQuery
from core.config import note_version
from core.models import ConfigVersion

_NOT_READ = object()


def _session_query(key, now):
    from .models import Session

    version = ConfigVersion.objects.filter(pk=1).values("version")[:1]
    return (
        Session.objects.select_related("user")
        .annotate(config_version=Subquery(version))
        .filter(session_key=key, expire_date__gt=now)
    )


# Every request's first query, built to SQL once per process (core.compiled).
_SESSION = CompiledQuery(_session_query)


class SessionStore(db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # The user row the session's query brought along (None: none), or _NOT_READ.
        self.preloaded_user = _NOT_READ

    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def _get_session_from_db(self):
        try:
            if not isinstance(self.session_key, str):
                raise self.model.DoesNotExist
            found = _SESSION.run(key=self.session_key, now=timezone.now())
            if not found:
                raise self.model.DoesNotExist
            session = found[0]
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
            return None
        note_version(session.config_version)
        self.preloaded_user = session.user
        return session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            instance.user_id = self.model._meta.get_field("user").to_python(user_id)
        except ValidationError:
            instance.user_id = None
        return instance

    def preloaded(self, user_id):
        """The user row read with the session, if it is the user `user_id`; else None."""
        user = self.preloaded_user
        if user is _NOT_READ or user is None or user.pk != user_id:
            return None
        return user
