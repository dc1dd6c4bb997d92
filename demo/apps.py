from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and benchmark shops (management command `seed_demo`). No models."""

    name = "demo"
    verbose_name = "Demo shop"
