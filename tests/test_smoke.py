def test_healthz_answers_ok_after_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok"


def test_home_page_shows_the_seeded_directory_in_chinese(client, seeded):
    response = client.get("/")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in text
    for name in ["市南区", "城阳区", "市委编办", "精编通政志愿服务队", "青岛鑫三利公司"]:
        assert name in text


def test_the_event_factory_makes_a_published_event_with_shifts(make_event):
    event = make_event(shifts=(("清扫", 20), ("引导", 5)))
    assert [shift.capacity for shift in event.shifts] == [20, 5]
    assert event.ends_at > event.starts_at
