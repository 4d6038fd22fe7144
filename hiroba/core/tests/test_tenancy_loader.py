import json

import pytest
from django.core.management import CommandError, call_command

from hiroba.core.models import AuditLog, Hub, Municipality, Organization, Ward

SPEC = {
    "municipality": {"code": "141003", "name": "横浜市", "prefecture": "神奈川県"},
    "operators": [{"name": "NPO法人 例", "kind": "npo"}],
    "wards": [
        {
            "code": "141178",
            "name": "青葉区",
            "hubs": [
                {
                    "name": "例ひろば",
                    "operator": "NPO法人 例",
                    "contract_start_fiscal_year": 2023,
                    "opening_hours": "火〜土",
                    "satellites": [{"name": "例ひろば サテライト"}],
                }
            ],
        }
    ],
}


def _load(tmp_path, spec):
    path = tmp_path / "city.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    call_command("load_tenancy", str(path))


def test_it_creates_the_whole_tenancy(db, tmp_path):
    _load(tmp_path, SPEC)
    main = Hub.objects.get(name="例ひろば")
    satellite = Hub.objects.get(name="例ひろば サテライト")
    assert (main.ward.name, main.operator.name, main.kind) == ("青葉区", "NPO法人 例", "main")
    assert (satellite.parent, satellite.contract_start_fiscal_year) == (main, 2023)
    assert AuditLog.objects.filter(action="core.hub.created").count() == 2


def test_loading_again_changes_only_what_changed(db, tmp_path):
    _load(tmp_path, SPEC)
    changed = json.loads(json.dumps(SPEC))
    changed["wards"][0]["hubs"][0]["opening_hours"] = "月〜金"
    _load(tmp_path, changed)
    assert Hub.objects.count() == 2 and Ward.objects.count() == 1
    update = AuditLog.objects.get(action="core.hub.updated")
    assert update.payload == {"fields": ["opening_hours"]}


def test_a_mistake_changes_nothing(db, tmp_path):
    broken = json.loads(json.dumps(SPEC))
    broken["wards"][0]["hubs"].append(
        {"name": "迷子の拠点", "operator": "知らない法人", "contract_start_fiscal_year": 2023}
    )
    with pytest.raises(CommandError, match=r"wards\[0\]\.hubs\[1\]: operator"):
        _load(tmp_path, broken)
    assert not Municipality.objects.exists() and not Organization.objects.exists()


def test_invalid_codes_are_reported_with_their_place(db, tmp_path):
    broken = json.loads(json.dumps(SPEC))
    broken["wards"][0]["code"] = "14117"
    with pytest.raises(CommandError, match=r"wards\[0\]"):
        _load(tmp_path, broken)
