from hiroba.lib.furigana import ruby, ruby_in_html, segments, without_marks


def _read(text, corrections=None):
    return [(b, r) for b, r in segments(text, corrections) if r]


def test_kanji_words_get_readings_and_kana_stays_outside():
    assert _read("年末年始の休館") == [("年末年始", "ねんまつねんし"), ("休館", "きゅうかん")]
    assert segments("食べる") == [("食", "た"), ("べる", "")]
    assert segments("ひろば") == [("ひろば", "")]


def test_the_day_of_a_date_is_read_as_said():
    assert _read("12月3日と12月29日") == [
        ("月", "がつ"),
        ("3日", "みっか"),
        ("月", "がつ"),
        ("日", "にち"),
    ]
    assert ("１日", "ついたち") in _read("４月１日")


def test_staff_corrections_win_over_the_dictionary():
    assert ("今日", "こんにち") not in _read("今日は", {"今日": "きょう"})
    assert _read("今日は雨", {"今日": "キョウ"})[0] == ("今日", "きょう")


def test_the_writers_own_marks_win_over_everything():
    assert _read("｜港北《こうほく》区") == [("港北", "こうほく"), ("区", "く")]
    assert segments("拠点《きょてん》です") == [("拠点", "きょてん"), ("です", "")]


def test_ruby_escapes_the_text():
    html = ruby("<b>休館</b>")
    assert html.startswith("&lt;b&gt;") and "<rt>きゅうかん</rt>" in html


def test_a_page_keeps_its_tags_attributes_and_scripts():
    page = (
        '<html><head><title>休館</title></head><body><a href="/x" title="休館">休館日</a>'
        '<script>var s = "休館";</script><textarea>休館</textarea>'
        "<option>休館</option><p>&amp; 休館</p></body></html>"
    )
    done = ruby_in_html(page)
    assert "<title>休館</title>" in done and 'title="休館"' in done
    assert '<script>var s = "休館";</script>' in done
    assert "<textarea>休館</textarea>" in done and "<option>休館</option>" in done
    assert done.count("<ruby>") == 2  # the link's text and the paragraph
    assert "<p>&amp; <ruby>休館" in done


def _text_of(html: str) -> str:
    import re  # noqa: PLC0415

    return re.sub(r"<rp>.*?</rp>|<rt>.*?</rt>|</?ruby>", "", html)


def test_characters_the_dictionary_does_not_know_are_never_changed():
    for text in ["髙田ひろば", "山﨑さん", "開催します🎉 ぜひ", "ﾊﾟﾊﾟ講座", "講座《要予約》"]:
        assert _text_of(ruby_in_html(f"<p>{text}</p>")) == f"<p>{text}</p>"
    assert ("講座", "こうざ") in segments("ﾊﾟﾊﾟ講座")  # the known word still gets its reading


def test_marks_need_a_reading_in_kana_and_are_taken_out_where_no_ruby_is_shown():
    assert not [r for _, r in segments("講座《要予約》") if r == "要予約"]
    assert (
        without_marks("｜新羽《にっぱ》の拠点《きょてん》、講座《要予約》")
        == "新羽の拠点、講座《要予約》"
    )
