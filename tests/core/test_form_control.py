"""The filter forms' selects, written in one pass."""

import pytest
from django import forms
from django.template import Context, Template

pytestmark = pytest.mark.django_db


class ExampleForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "alle"), ("a", "<A & B>"), ("b", "Bee")], required=False)
    q = forms.CharField(required=False)


def render(form, name):
    return Template("{% load portal %}{% form_control field %}").render(
        Context({"field": form[name]})
    )


def test_select_marks_the_chosen_option_and_escapes_labels():
    html = render(ExampleForm({"kind": "b"}), "kind")
    assert html.startswith('<select name="kind" id="id_kind">')
    assert '<option value="b" selected>Bee</option>' in html
    assert '<option value="a">&lt;A &amp; B&gt;</option>' in html
    assert '<option value="" selected>' not in html


def test_invalid_choice_is_marked_for_assistive_technology():
    form = ExampleForm({"kind": "zzz"})
    form.is_valid()
    assert 'aria-invalid="true"' in render(form, "kind")


def test_other_controls_render_as_django_renders_them():
    form = ExampleForm({"q": "Jena"})
    assert render(form, "q") == str(form["q"])
