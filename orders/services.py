from django.conf import settings
from django.db import transaction

from .models import Customer


def customer_set_language(*, customer: Customer, language: str) -> None:
    """Remember the language a customer chose; their e-mails are written in it."""
    if language not in dict(settings.LANGUAGES) or customer.language == language:
        return
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(language=language)
    customer.language = language
