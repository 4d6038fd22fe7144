from datetime import date

import pytest
from django import forms
from django.utils import translation

from hiroba.core import forms as hiroba_forms
from hiroba.core.input_errors import MESSAGES, message_for
from hiroba.lib.errors import ERROR_CODES, InputError


class SampleForm(forms.Form):
    name = hiroba_forms.CleanCharField(max_length=20)
    kana = hiroba_forms.KanaField(required=False)
    phone = hiroba_forms.PhoneField(required=False)
    postal = hiroba_forms.PostalCodeField(required=False)
    email = hiroba_forms.NormalisedEmailField(required=False)
    day = hiroba_forms.JapaneseDateField(required=False)
    year = hiroba_forms.FiscalYearField(required=False)


def test_every_lib_error_code_has_a_message():
    assert set(ERROR_CODES) <= set(MESSAGES)


def test_it_normalises_what_people_type_on_japanese_keyboards():
    form = SampleForm(
        {
            "name": "　山田　 花子 ",
            "kana": "ﾔﾏﾀﾞ ﾊﾅｺ",
            "phone": "０４５－１２３－４５６７",
            "postal": "〒２２５－０００２",
            "email": "ｈａｎａｋｏ＠Ｅｘａｍｐｌｅ．ＪＰ",
            "day": "Ｒ６．４．１",
            "year": "令和６年度",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "name": "山田 花子",
        "kana": "ヤマダ ハナコ",
        "phone": "0451234567",
        "postal": "2250002",
        "email": "hanako@example.jp",
        "day": date(2024, 4, 1),
        "year": 2024,
    }


def test_the_browser_date_picker_format_is_accepted():
    form = SampleForm({"name": "a", "day": "2024-04-01"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2024, 4, 1)


def test_errors_are_in_japanese():
    with translation.override("ja"):
        form = SampleForm({"name": "a", "phone": "12345", "day": "H31.5.1", "kana": "山田"})
        assert not form.is_valid()
        errors = {name: form.errors[name][0] for name in ("phone", "day", "kana")}
    assert "電話番号" in errors["phone"]
    assert "元号" in errors["day"] or "和暦" in errors["day"] or "年" in errors["day"]
    assert "ひらがな" in errors["kana"] or "カタカナ" in errors["kana"]
    with translation.override("en"):
        assert (
            SampleForm({"name": "a", "phone": "1"})
            .errors["phone"][0]
            .startswith("Enter a Japanese")
        )


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_messages_format_with_the_params_lib_gives(code):
    params = {
        "missing_headers": ["地区"],
        "max_rows": 10,
        "line": 3,
        "row": 2,
        "character": "髙",
        "weekday": "月",
    }
    text = message_for(InputError(code, params))
    assert text and "{" not in text


def test_stored_numbers_are_shown_with_hyphens():
    form = SampleForm(initial={"phone": "0459995555", "postal": "2259990"})
    assert 'value="045-999-5555"' in str(form["phone"])
    assert 'value="225-9990"' in str(form["postal"])
    bound = SampleForm({"name": "x", "phone": "12"})  # what was typed stays when invalid
    assert 'value="12"' in str(bound["phone"])


def test_an_incomplete_e_mail_address_is_a_form_error_not_a_crash():
    from django import forms as django_forms  # noqa: PLC0415

    from hiroba.core.forms import NormalisedEmailField  # noqa: PLC0415

    class Form(django_forms.Form):
        email = NormalisedEmailField()

    for typed in ("hana@", "＠example.jp", "hana@@example.jp"):
        form = Form({"email": typed})
        assert not form.is_valid(), typed
        assert form.errors["email"], typed
