"""What the returns list keeps per process (rendered form parts) changes as soon as what
they show changes: staff renamed, added or removed from the assignable, another language."""

import re

from tests.factories import StaffUserFactory


def _assignee_options(html: str) -> list[str]:
    select = re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_bulk_form_names_the_staff_as_they_are_now(staff_client, staff):
    before = _assignee_options(staff_client.get("/backoffice/returns/").text)
    assert "Sam Staff" in before
    staff.full_name = "Samantha Staff"
    staff.save()
    colleague = StaffUserFactory(full_name="Cleo Colleague")
    after = _assignee_options(staff_client.get("/backoffice/returns/").text)
    assert "Samantha Staff" in after and "Sam Staff" not in after
    assert "Cleo Colleague" in after
    colleague.is_active = False
    colleague.save()
    assert "Cleo Colleague" not in _assignee_options(staff_client.get("/backoffice/returns/").text)


def test_the_bulk_form_speaks_the_page_s_language(staff_client):
    english = staff_client.get("/backoffice/returns/").text
    dutch = staff_client.get("/backoffice/returns/", headers={"accept-language": "nl"}).text
    assert "Notify customer" in english
    assert "Notify customer" not in dutch
    assert _assignee_options(english)[0] != _assignee_options(dutch)[0]  # "Nobody"
