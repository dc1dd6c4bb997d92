from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request: every login page
    passes one (Django's AuthenticationForm does), and those are what can be attacked.

    authenticate() without a request (Client.login in tests, a management shell) has no
    client address to count against; instead of refusing it, as django-axes does, it goes
    on to the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
