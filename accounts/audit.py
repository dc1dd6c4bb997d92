"""How the audit log words what it stores: a registry the apps that write audit entries
fill when they load (accounts knows no feature app).

An entry stores codes and values only: the area's code ("settings.inventory"), what was
done ("update"), the changed object's model and the values that identify it
(`target_data`), and {field: [old, new]} with raw values. Everything a reader sees is
worded when it is read, in the reader's language: the area's label registered here, the
object described by the area's `describe`, field labels and choices from the model.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class AuditArea:
    """One area of the audit log. `describe(target_data)` words the changed object in the
    active language ("Return reason “Too small”"); without it the area's label says it."""

    code: str
    label: str | Promise
    describe: Callable[[Mapping], str] | None = None


_areas: dict[str, AuditArea] = {}


def register(area: AuditArea) -> AuditArea:
    _areas[area.code] = area
    return area


def get(code: str) -> AuditArea | None:
    return _areas.get(code)
