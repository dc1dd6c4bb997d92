import pytest
from django.conf import settings

from notifications import registry
from notifications.rendering import (
    render_email,
    render_html,
    render_subject,
    render_text,
    template_errors,
)
from returns.emails import PLACEHOLDERS

VALUES = {
    "customer_name": "Chris Customer",
    "return_number": "RET-000123",
    "order_number": "100042",
    "status": "Return approved",
    "shop_name": "Demo Shop",
    "return_url": "https://shop.example.com/account/returns/RET-000123/",
}


def test_placeholders_are_filled_and_double_braces_are_literal_braces():
    text = "Dear {customer_name}, {{return_number}} is {return_number}; {{{status}}}."
    assert template_errors(text, PLACEHOLDERS) == []
    assert render_text(text, VALUES) == (
        "Dear Chris Customer, {return_number} is RET-000123; {Return approved}."
    )


def test_every_default_text_is_valid_and_uses_only_known_placeholders():
    events = registry.all_events()
    assert {event.name for event in events} >= {"return_status_changed", "return_requested"}
    for event in events:
        assert {language for language, _ in settings.LANGUAGES} <= set(event.defaults)
        for subject, body in event.defaults.values():
            assert template_errors(subject, event.placeholders) == []
            assert template_errors(body, event.placeholders) == []
            sample = event.sample("en")
            assert "{" not in render_text(body, {name: sample[name] for name in event.placeholders})


@pytest.mark.parametrize(
    "text",
    [
        "{x.__class__}",
        "{customer_name.__class__.__init__.__globals__}",
        "{customer_name[0]}",
        "{customer_name!r}",
        "{customer_name:>99999999}",
        "{0}",
        "{}",
        "{:>99999999}",
        "{% debug %}",
        "{{% debug %}",
        "{settings.SECRET_KEY}",
        "{SECRET_KEY}",
        "{ customer_name }",
        "Hello {customer_name",
        "Hello customer_name}",
        "{a{customer_name}",
        "}}}",
    ],
)
def test_anything_but_a_plain_known_name_is_refused(text):
    errors = template_errors(text, PLACEHOLDERS)
    assert errors
    # and even if such a text got into the database some other way, it renders inert
    rendered = render_text(text, VALUES)
    assert settings.SECRET_KEY not in rendered
    assert "<class" not in rendered and "function" not in rendered
    assert len(rendered) < 200


def test_errors_say_what_is_wrong():
    [unknown] = template_errors("Hi {naam}", PLACEHOLDERS)
    assert "{naam}" in unknown and "{customer_name}" in unknown
    [attribute] = template_errors("{x.__class__}", PLACEHOLDERS)
    assert "plain names" in attribute
    [brace] = template_errors("Price: {5", PLACEHOLDERS)
    assert "“{”" in brace and "{{" in brace
    assert template_errors("{0} and {0} and }", PLACEHOLDERS) == [
        template_errors("{0}", PLACEHOLDERS)[0],
        template_errors("}", PLACEHOLDERS)[0].replace("character 1", "character 17"),
    ]


def test_django_template_syntax_is_just_text():
    text = "{{settings.SECRET_KEY}} {{ request }} {{% debug %}}"
    assert template_errors(text, PLACEHOLDERS) == []
    rendered = render_text(text, VALUES)
    assert rendered == "{settings.SECRET_KEY} { request } {% debug %}"
    assert settings.SECRET_KEY not in rendered


def test_values_are_inserted_as_text_and_never_parsed_again():
    values = {**VALUES, "customer_name": "{status} {x.__class__} {{ settings.SECRET_KEY }}"}
    rendered = render_text("Dear {customer_name}", values)
    assert rendered == "Dear {status} {x.__class__} {{ settings.SECRET_KEY }}"


def test_missing_values_are_empty_and_unknown_context_keys_are_ignored():
    assert render_text("[{status}]", {"other": "x"}, placeholders=PLACEHOLDERS) == "[]"


def test_html_part_escapes_template_text_and_values():
    values = {**VALUES, "customer_name": '<script>alert("x")</script>'}
    html = render_html("<b>Dear</b> {customer_name},\n\nSee {return_url}", values)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Dear&lt;/b&gt;" in html
    assert (
        '<a href="https://shop.example.com/account/returns/RET-000123/">'
        "https://shop.example.com/account/returns/RET-000123/</a>"
    ) in html
    assert html.count("<p>") == 2


def test_only_web_addresses_become_links():
    values = {**VALUES, "return_url": 'javascript:alert(1)" onclick="x'}
    html = render_html("{return_url}", values)
    assert "<a " not in html and "onclick=&quot;" in html


def test_subject_is_one_line_of_bounded_length():
    values = {**VALUES, "customer_name": "Evil\r\nBcc: victim@example.org", "status": "x" * 5000}
    subject = render_subject("{customer_name} {status}", values)
    assert "\n" not in subject and "\r" not in subject
    assert len(subject) <= 255


def test_render_email_gives_subject_text_and_html():
    rendered = render_email(subject="{return_number}", body="Hi {customer_name}", values=VALUES)
    assert rendered.subject == "RET-000123"
    assert rendered.body == "Hi Chris Customer"
    assert "<p>Hi Chris Customer</p>" in rendered.html_body


def test_the_placeholder_set_is_the_one_of_the_spec():
    assert set(PLACEHOLDERS) == {
        "customer_name",
        "return_number",
        "order_number",
        "status",
        "shop_name",
        "return_url",
    }
